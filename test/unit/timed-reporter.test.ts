import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timePhases } from '../../src/action/timed-reporter.js';
import { failedPhase } from '../../src/action/summary-markdown.js';
import type { Reporter } from '../../src/util/reporter.js';

function collecting(): { reporter: Reporter; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    reporter: {
      info: l => lines.push(`info ${l}`),
      warning: l => lines.push(`warning ${l}`),
      debug: l => lines.push(`debug ${l}`),
      progress: l => lines.push(`progress ${l}`),
      setSecret: v => lines.push(`secret ${v}`),
      group: async (name, fn) => {
        lines.push(`group ${name}`);
        try {
          return await fn();
        } finally {
          lines.push(`end ${name}`);
        }
      }
    }
  };
}

test('each group is a phase from its start to its end; one that throws is marked failed and still ends', async () => {
  let clock = 1000;
  const inner = collecting();
  const { reporter, spans } = timePhases(inner.reporter, () => clock);
  const value = await reporter.group('Scan the package', async () => {
    clock += 50;
    reporter.info('scanned');
    return 42;
  });
  assert.equal(value, 42);
  await assert.rejects(
    reporter.group('Verify', async () => {
      clock += 20;
      throw new Error('short');
    }),
    /short/
  );
  assert.deepEqual(spans, [
    { name: 'Scan the package', startedAt: 1000, endedAt: 1050 },
    { name: 'Verify', startedAt: 1050, endedAt: 1070, failed: true }
  ]);
  assert.equal(failedPhase(spans), 'Verify');
  assert.deepEqual(inner.lines, ['group Scan the package', 'info scanned', 'end Scan the package', 'group Verify', 'end Verify']);
});

test('every other report goes through unchanged, and no group means no failed phase', () => {
  const inner = collecting();
  const { reporter, spans } = timePhases(inner.reporter);
  reporter.warning('w');
  reporter.debug('d');
  reporter.progress('p');
  reporter.setSecret('s3cr3t-value');
  assert.deepEqual(inner.lines, ['warning w', 'debug d', 'progress p', 'secret s3cr3t-value']);
  assert.equal(failedPhase(spans), undefined);
});
