import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReleaseReport } from '../../src/action/release-report.js';
import { RunReport } from '../../src/action/run-report.js';
import { stepFacts } from '../../src/action/job-summary.js';
import { failedPhase } from '../../src/action/summary-markdown.js';

describe("the release's phases on the summary's timeline", () => {
  it('each phase ends when the next starts; the phase a failure happened in is the one marked failed', () => {
    const report = new ReleaseReport();
    report.requested = true;
    report.start();
    report.phase = 'provisioning';
    report.phase = 'reading-application';
    report.error = 'Application fabric:/App exists with the application type Other, not VotingType.';
    report.end();
    const spans = report.phaseSpans();
    assert.deepEqual(
      spans.map(s => [s.name, s.failed === true, s.endedAt !== undefined]),
      [
        ['Provision', false, true],
        ['Read the application', true, true]
      ]
    );
    assert.ok((spans[0]?.endedAt ?? 0) <= (spans[1]?.startedAt ?? 0));
    assert.equal(failedPhase(spans), 'Read the application');
  });

  it('a release that reached its end marks nothing failed, and planned/done are no phases of their own', () => {
    const report = new ReleaseReport();
    report.requested = true;
    report.phase = 'planned';
    report.start();
    report.phase = 'upgrading';
    report.phase = 'done';
    report.end();
    assert.deepEqual(
      report.phaseSpans().map(s => [s.name, s.failed === true]),
      [['Upgrade', false]]
    );
  });

  it("the step's facts put the upload's and the release's phases in the order they started, and name the failed one", async () => {
    const run = new RunReport();
    const release = new ReleaseReport();
    release.requested = true;
    await run.timed('Scan', async () => {});
    await assert.rejects(
      run.timed('Connect', async () => {
        throw new Error('no answer');
      })
    );
    run.error = 'no answer';
    const facts = stepFacts(run, release);
    assert.deepEqual(
      facts.phases.map(p => [p.name, p.failed === true]),
      [
        ['Scan', false],
        ['Connect', true]
      ]
    );
    assert.equal(failedPhase(facts.phases), 'Connect');
  });
});
