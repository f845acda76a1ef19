// Reading what a run of dist/index.js showed: the log a reader sees (without the runner's mask
// commands), the secrets it registered, its error line; and that no secret leaked anywhere.
import assert from 'node:assert/strict';
import type { ActionRun } from '../../scripts/runner.js';

const MASK = '::add-mask::';

/** stdout as the runner shows it: the `::add-mask::` commands are not printed. */
export function visibleLog(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter(l => !l.startsWith(MASK))
    .join('\n');
}

/** The values the run registered as secrets, unescaped as the runner reads them. */
export function maskedSecrets(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter(l => l.startsWith(MASK))
    .map(l => unescapeCommandData(l.slice(MASK.length)));
}

/** Workflow commands escape `%`, CR and LF in their data (@actions/core's escapeData). */
function unescapeCommandData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The first `::error::` line of the run, or ''. */
export function errorLine(run: ActionRun): string {
  return run.stdout.split('\n').find(l => l.startsWith('::error::')) ?? '';
}

/** No secret, nor any line of a multi-line one, appears anywhere but in the runner's mask commands. */
export function assertNoSecretLeaks(run: ActionRun, secrets: string[]): void {
  const pieces = secrets.flatMap(s => [
    s,
    ...s
      .split(/\r?\n/)
      .map(l => l.trim())
      .filter(l => l.length >= 8 && !/^-----/.test(l))
  ]);
  const visibleStdout = visibleLog(run);
  for (const piece of pieces) {
    for (const [where, text] of [
      ['log', visibleStdout],
      ['stderr', run.stderr],
      ['summary', run.summary],
      ['outputs', JSON.stringify(run.outputs)]
    ] as const) {
      assert.ok(!text.includes(piece), `a secret appears in the ${where}: ${piece.slice(0, 12)}…`);
    }
  }
  for (const s of secrets.filter(x => !x.includes('\n'))) {
    assert.ok(run.stdout.includes(`${MASK}${s}`), `a secret was not masked: ${s.slice(0, 6)}…`);
  }
}
