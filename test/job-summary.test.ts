// End to end: the job summary of a first release, a re-run and a rollback, as dist/index.js writes it
// to GITHUB_STEP_SUMMARY, with an application name that tries to break out of the summary's HTML and
// Markdown. The cluster repeats that name in its health evaluations, and the step in its error. A name
// with `<` or `>` is refused before any request (the gateway cannot carry it), so this one tries with
// character references, which unescaped would turn into tags, and Markdown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const HOSTILE_APP = 'fabric:/Voting`x`&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;**b**(javascript:x)';
const ESCAPED_APP = 'fabric:/Voting`x`&amp;lt;/details&amp;gt;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;**b**(javascript:x)';

function release(emu: TestEmulator, packagePath: string, storePath: string): Promise<ActionRun> {
  return runAction({
    inputs: { 'cluster-endpoint': emu.url, 'package-path': packagePath, 'image-store-path': storePath, 'application-name': HOSTILE_APP },
    env: { SFU_POLL_INTERVAL_MS: '50' }
  });
}

/** The summary's blocks: each HTML element on its own line, or the Mermaid chart. */
function blocks(summary: string): string[] {
  return summary.split(/\n\n+/).filter(b => b.trim() !== '');
}

function assertStructure(summary: string): void {
  const all = blocks(summary);
  for (const block of all) {
    if (block.startsWith('```mermaid')) continue;
    assert.match(block, /^<(h2|h3|h4|p|table|ul)>[^\n]*<\/(h2|h3|h4|p|table|ul)>$/, `a block that is not one HTML element on one line: ${block}`);
  }
  assert.doesNotMatch(summary, /<script|<\/details>|-->/i, 'the hostile name is escaped everywhere');
  assert.doesNotMatch(summary, /[^;]&lt;(\/details|script)/, 'a character reference of the name reached the summary unescaped');
  assert.equal(all[0], '<h2>Service Fabric release</h2>');
  const chart = all.find(b => b.startsWith('```mermaid'));
  assert.ok(chart, 'a Mermaid timeline');
  assert.equal(all.at(-1), chart, 'the timeline comes last');
  assert.equal(all.at(-2), '<h3>Timeline</h3>');
  const lines = chart.split('\n');
  assert.deepEqual(lines.slice(0, 4), ['```mermaid', 'gantt', '  dateFormat x', '  axisFormat %M:%S']);
  assert.equal(lines.at(-1), '```');
  for (const line of lines.slice(4, -1)) assert.match(line, /^ {2}(section [^:#;`]+|[^:#;`]+ :(crit, |active, )?t\d+, \d+, \d+)$/, line);
}

function chartTasks(summary: string): string[] {
  const chart = /```mermaid\n([\s\S]*?)\n```/.exec(summary)?.[1] ?? '';
  return chart
    .split('\n')
    .filter(l => / :/.test(l))
    .map(l => l.trim().split(' :')[0] ?? '');
}

describe('job summary of a release', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 3, upgradeDomainSeconds: 0.2, provisionSeconds: 0.2, unhealthyVersions: ['2.0.0'] } });
  });
  after(() => emu.dispose());

  it('a first release: released in one line, then the release, the upload and the timeline', async () => {
    const run = await release(emu, await sampleAtVersion('1.0.0'), 'VotingApp/1.0.0');
    assert.equal(run.exitCode, 0, run.stdout);
    assertStructure(run.summary);
    const all = blocks(run.summary);
    assert.equal(all[1], `<p>✅ <strong>Released</strong>: ${ESCAPED_APP} created with VotingType 1.0.0.</p>`);
    assert.deepEqual(
      all.filter(b => b.startsWith('<h3>')),
      ['<h3>Release</h3>', '<h3>Upload</h3>', '<h3>Timeline</h3>']
    );
    assert.match(run.summary, /<tr><td>Release type<\/td><td>new application<\/td><\/tr>/);
    assert.match(run.summary, /<tr><td>Files uploaded<\/td><td>\d+<\/td><\/tr>/);
    assert.match(run.summary, /<tr><td>Upload duration<\/td><td>\d+\.\d s<\/td><\/tr>/);
    assert.doesNotMatch(run.summary, /—|Failures/);
    const tasks = chartTasks(run.summary);
    for (const phase of [
      'Scan the package',
      'Validate the package',
      "Upload 12 files to 'VotingApp/1.0.0'",
      'Verify',
      "Write the package root's mark file",
      'Provision VotingType 1.0.0'
    ]) {
      assert.ok(tasks.includes(phase), `${phase} in ${tasks.join(', ')}`);
    }
    assert.ok(
      tasks.some(t => t.startsWith('Create fabric∶/Voting_x__lt_/details_gt__lt_script_gt_alert')),
      tasks.join(', ')
    );
  });

  it('a re-run: already released, with no empty upload rows', async () => {
    const run = await release(emu, await sampleAtVersion('1.0.0'), 'VotingApp/1.0.0');
    assert.equal(run.exitCode, 0, run.stdout);
    assertStructure(run.summary);
    const all = blocks(run.summary);
    assert.equal(
      all[1],
      `<p>✅ <strong>Already released</strong>: VotingType 1.0.0 is provisioned and ${ESCAPED_APP} runs it; nothing was uploaded or changed.</p>`
    );
    const upload = all.indexOf('<h3>Upload</h3>');
    assert.match(all[upload + 1] ?? '', /^<p>⏭️ Not uploaded: application type VotingType 1\.0\.0 is already provisioned with the same manifests\.<\/p>$/);
    assert.equal(all[upload + 2], '<h3>Timeline</h3>', 'no upload table');
    assert.doesNotMatch(run.summary, /—|Files uploaded|Store size|Upload duration/);
    assert.ok(!chartTasks(run.summary).some(t => t.startsWith('Upload')));
  });

  it('a rollback: rolled back in one line, previous version, domains seen, health evaluations, failures, all escaped', async () => {
    const run = await release(emu, await sampleAtVersion('2.0.0'), 'VotingApp/2.0.0');
    assert.equal(run.exitCode, 1, run.stdout);
    assert.equal(run.outputs['upgrade-state'], 'RollingBackCompleted');
    assertStructure(run.summary);
    const all = blocks(run.summary);
    assert.match(
      all[1] ?? '',
      /^<p>↩️ <strong>Rolled back<\/strong>: the upgrade of .* to 2\.0\.0 failed in upgrade domain UD\d and was rolled back; it runs 1\.0\.0 again\.<\/p>$/
    );
    assert.ok(all[1]?.includes(ESCAPED_APP), all[1]);
    assert.deepEqual(
      all.filter(b => /^<h[34]>/.test(b)),
      ['<h3>Release</h3>', '<h4>Health evaluations</h4>', '<h4>Upgrade domains</h4>', '<h3>Upload</h3>', '<h3>Failures</h3>', '<h3>Timeline</h3>']
    );
    assert.match(run.summary, /<tr><td>Previous version<\/td><td>1\.0\.0<\/td><\/tr>/);
    assert.match(run.summary, /<tr><td>Release type<\/td><td>Monitored upgrade, failure action Rollback<\/td><\/tr>/);
    assert.match(run.summary, /<tr><td>Upgrade domains seen<\/td><td>UD0(, UD\d)* \(failed in UD\d\)<\/td><\/tr>/);
    const evaluations = all[all.indexOf('<h4>Health evaluations</h4>') + 1] ?? '';
    assert.match(evaluations, /^<ul><li>.*unhealthy.*<\/li><\/ul>$/);
    assert.ok(evaluations.includes(ESCAPED_APP), 'the cluster repeats the name in its evaluations, escaped');
    const failures = all[all.indexOf('<h3>Failures</h3>') + 1] ?? '';
    assert.ok(failures.startsWith('<p>The upgrade of fabric:/Voting`x`&amp;lt;/details&amp;gt;'), failures);
    const tasks = chartTasks(run.summary);
    assert.ok(tasks.includes('UD0'), tasks.join(', '));
    assert.match(run.summary, /\n {2}Upgrade fabric∶\/Voting_x[^\n]* :crit, t\d+, /, 'the failed phase is marked');
    assert.match(run.summary, /\n {2}section Upgrade domains\n/);
  });
});
