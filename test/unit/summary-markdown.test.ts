import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, mermaidText } from '../../src/action/summary-escape.js';
import { renderSummary, type ReleaseFacts, type StepFacts, type UploadFacts } from '../../src/action/summary-markdown.js';
import { renderTimeline } from '../../src/action/summary-timeline.js';

const HOSTILE = 'boom </details><script>alert(1)</script> | `code` **bold** [x](javascript:alert(1)) --> <!-- &amp;\n\n# heading\r\n- item';
const T0 = Date.UTC(2026, 11, 7, 14, 0, 0);

function upload(over: Partial<UploadFacts> = {}): UploadFacts {
  return { dryRun: false, skipped: false, completed: true, imageStorePath: 'VotingApp/3.0.0', endpoint: 'https://c:19080', ...over };
}

function release(over: Partial<ReleaseFacts> = {}): ReleaseFacts {
  return {
    typeName: 'VotingType',
    typeVersion: '3.0.0',
    applicationName: 'fabric:/VotingApp',
    done: true,
    domains: [],
    healthEvaluations: [],
    unprovisioned: [],
    keptVersions: [],
    ...over
  };
}

function facts(over: Partial<StepFacts> = {}): StepFacts {
  return {
    upload: upload(),
    phases: [
      { name: 'Scan', startedAt: T0, endedAt: T0 + 100 },
      { name: 'Upload', startedAt: T0 + 100, endedAt: T0 + 2100 }
    ],
    endedAt: T0 + 5000,
    ...over
  };
}

/** The summary's text with its Mermaid block removed: what GitHub reads as HTML blocks. */
function htmlPart(summary: string): string {
  return summary.replace(/```mermaid\n[\s\S]*?\n```/, '');
}

describe('job summary', () => {
  it('puts the outcome first, in one line right after the title', () => {
    const summary = renderSummary(facts({ release: release({ applicationResult: 'created', provisionResult: 'provisioned' }) }));
    const lines = summary.split('\n').filter(l => l !== '');
    assert.equal(lines[0], '<h2>Service Fabric release</h2>');
    assert.match(lines[1] ?? '', /^<p>✅ <strong>Released<\/strong>: fabric:\/VotingApp created with VotingType 3\.0\.0\.<\/p>$/);
  });

  it('says "already released" on a re-run, and shows no empty upload rows', () => {
    const summary = renderSummary(
      facts({
        upload: upload({ completed: false, notNeeded: 'application type VotingType 3.0.0 is already provisioned with the same manifests' }),
        release: release({ provisionResult: 'already-provisioned', applicationResult: 'unchanged' }),
        phases: [{ name: 'Scan', startedAt: T0, endedAt: T0 + 10 }]
      })
    );
    assert.match(
      summary,
      /<p>✅ <strong>Already released<\/strong>: VotingType 3\.0\.0 is provisioned and fabric:\/VotingApp runs it; nothing was uploaded or changed\.<\/p>/
    );
    assert.match(summary, /<h3>Upload<\/h3>\n\n<p>⏭️ Not uploaded: application type VotingType 3\.0\.0 is already provisioned/);
    assert.doesNotMatch(summary, /—/);
    assert.doesNotMatch(summary, /Files uploaded/);
  });

  it('a rollback: outcome, previous version, domains seen, health evaluations, failures, escaped', () => {
    const summary = renderSummary(
      facts({
        error: `The upgrade of fabric:/VotingApp to 3.0.0 failed and was rolled back: ${HOSTILE}`,
        release: release({
          done: false,
          provisionResult: 'provisioned',
          previousVersion: '2.0.0',
          upgradeMode: 'Monitored',
          failureAction: 'Rollback',
          upgradeState: 'RollingBackCompleted',
          failedDomain: 'UD1',
          domains: [
            { name: 'UD0', startedAt: T0 + 2200, completedAt: T0 + 2600 },
            { name: 'UD1', startedAt: T0 + 2600 }
          ],
          healthEvaluations: [HOSTILE]
        }),
        phases: [
          { name: 'Upload', startedAt: T0, endedAt: T0 + 2000 },
          { name: 'Upgrade', startedAt: T0 + 2100, endedAt: T0 + 4000, failed: true }
        ]
      })
    );
    const lines = summary.split('\n').filter(l => l !== '');
    assert.match(
      lines[1] ?? '',
      /^<p>↩️ <strong>Rolled back<\/strong>: the upgrade of fabric:\/VotingApp to 3\.0\.0 failed in upgrade domain UD1 and was rolled back; it runs 2\.0\.0 again\.<\/p>$/
    );
    assert.match(summary, /<tr><td>Previous version<\/td><td>2\.0\.0<\/td><\/tr>/);
    assert.match(summary, /<tr><td>Release type<\/td><td>Monitored upgrade, failure action Rollback<\/td><\/tr>/);
    assert.match(summary, /<tr><td>Upgrade domains seen<\/td><td>UD0, UD1 \(failed in UD1\)<\/td><\/tr>/);
    assert.match(summary, /<h4>Health evaluations<\/h4>\n\n<ul><li>boom &lt;\/details&gt;&lt;script&gt;/);
    assert.ok(summary.indexOf('<h3>Release</h3>') < summary.indexOf('<h3>Upload</h3>'));
    assert.ok(summary.indexOf('<h3>Upload</h3>') < summary.indexOf('<h3>Failures</h3>'));
    assert.ok(summary.indexOf('<h3>Failures</h3>') < summary.indexOf('```mermaid'));
    assertNoInjection(summary);
  });

  it('a failure says the phase it failed in; every line of a multi-line error is an escaped list item', () => {
    const summary = renderSummary(
      facts({
        upload: upload({ completed: false }),
        error: `2 operations failed:\n  - upload file 'A' failed: ${HOSTILE}\n  - upload file 'B' failed`,
        phases: [
          { name: 'Scan', startedAt: T0, endedAt: T0 + 10 },
          { name: 'Upload', startedAt: T0 + 10, endedAt: T0 + 20, failed: true }
        ]
      })
    );
    assert.match(summary, /^<p>❌ <strong>Failed<\/strong> at <em>Upload<\/em>: 2 operations failed:<\/p>$/m);
    assert.match(summary, /<li>upload file 'A' failed: boom &lt;\/details&gt;/);
    assert.match(summary, /<li>upload file 'B' failed<\/li>/);
    assert.match(summary, /Upload :crit, t2, /);
    assertNoInjection(summary);
  });

  it('escapes hostile names everywhere they appear, the chart included', () => {
    const name = `fabric:/${HOSTILE}`;
    const summary = renderSummary(
      facts({
        upload: upload({ imageStorePath: HOSTILE, copiedTo: HOSTILE, endpoint: HOSTILE }),
        release: release({ applicationName: name, applicationResult: 'upgraded', previousVersion: HOSTILE, domains: [{ name: HOSTILE, startedAt: T0 + 10 }] })
      })
    );
    assertNoInjection(summary);
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(summary)?.[1] ?? '';
    for (const line of chart.split('\n').slice(4)) {
      assert.match(line, /^ {2}(section [^:#;`]+|[^:#;`]+ :(crit, |active, )?t\d+, \d+, \d+)$/, line);
    }
  });
});

/** Nothing in the HTML part can open a tag, end the block (blank line) or read as Markdown structure. */
function assertNoInjection(summary: string): void {
  const html = htmlPart(summary);
  assert.doesNotMatch(html, /<script|<\/details>|<!--|-->|<a /i);
  for (const block of html.split('\n\n').filter(b => b.trim() !== '')) {
    assert.match(block, /^<(h2|h3|h4|p|table|ul)>[^\n]*<\/(h2|h3|h4|p|table|ul)>$/, `a block that is not one HTML element on one line: ${block}`);
  }
  assert.equal((summary.match(/```/g) ?? []).length, 2, 'one fenced block: the Mermaid chart');
}

describe('escaping', () => {
  it('escapeHtml turns markup into entities and line breaks into spaces', () => {
    assert.equal(escapeHtml(`a<b>&"'\n\nc\r\nd`), `a&lt;b&gt;&amp;"'  c d`);
  });

  it('mermaidText keeps a safe set of characters and stays short', () => {
    assert.equal(mermaidText('UD1: x#y;z`w%%<b>&'), 'UD1∶ x_y_z_w___b__');
    assert.equal(mermaidText('Upgrade fabric:/App from 1.0.0 to 2.0.0'), 'Upgrade fabric∶/App from 1.0.0 to 2.0.0');
    assert.equal(mermaidText("Write the package root's mark file"), "Write the package root's mark file");
    assert.equal(mermaidText('section evil\n  injected :t9, 0, 1'), '_section evil injected ∶t9, 0, 1');
    assert.equal(mermaidText('a'.repeat(100)).length, 60);
    assert.equal(mermaidText(':::'), '∶∶∶');
    assert.equal(mermaidText(''), '_');
  });
});

describe('timeline', () => {
  it('draws each phase and domain from its start to its end, an open span to the step end', () => {
    const chart = renderTimeline(
      [
        { name: 'Step', spans: [{ name: 'Upload', startedAt: 1000, endedAt: 1000 }] },
        { name: 'Upgrade domains', spans: [{ name: 'UD0', startedAt: 1500 }] }
      ],
      3000
    );
    assert.equal(
      chart,
      [
        '```mermaid',
        'gantt',
        '  dateFormat x',
        '  axisFormat %M:%S',
        '  section Step',
        '  Upload :t1, 1000, 1001',
        '  section Upgrade domains',
        '  UD0 :active, t2, 1500, 3000',
        '```'
      ].join('\n')
    );
  });

  it('draws nothing when nothing was timed', () => {
    assert.equal(renderTimeline([{ name: 'Step', spans: [] }], 0), '');
  });
});
