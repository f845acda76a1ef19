import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDuration, isoDuration, RollingUpgrade, type UpgradePlan } from '../../emulator/management/upgrades.js';
import { zipProblem } from '../../emulator/management/zip-check.js';

function plan(overrides: Partial<UpgradePlan> = {}): UpgradePlan {
  return {
    applicationName: 'fabric:/App',
    typeName: 'AppType',
    fromVersion: '1',
    fromParameters: [],
    targetVersion: '2',
    parameters: [{ Key: 'P', Value: 'x' }],
    mode: 'Monitored',
    failureAction: 'Rollback',
    description: { Name: 'fabric:/App', TargetApplicationTypeVersion: '2' },
    unhealthyTarget: false,
    ...overrides
  };
}

test('a single-domain upgrade of an unhealthy version fails in that domain', () => {
  const u = new RollingUpgrade(plan({ unhealthyTarget: true }), ['UD0'], 1000, 0);
  assert.equal(u.state(999), 'RollingForwardInProgress');
  assert.equal(u.state(1000), 'RollingBackInProgress');
  assert.equal(u.progress(1000).UpgradeDomainProgressAtFailure.DomainName, 'UD0');
  assert.equal(u.state(2000), 'RollingBackCompleted');
  assert.deepEqual(u.effective(2000), { version: '1', parameters: [] });
});

test('zero seconds per domain completes at once, with no endless loop', () => {
  const u = new RollingUpgrade(plan(), ['UD0', 'UD1', 'UD2'], 0, 0);
  assert.equal(u.state(0), 'RollingForwardCompleted');
  assert.deepEqual(u.effective(0), { version: '2', parameters: [{ Key: 'P', Value: 'x' }] });
  const manual = new RollingUpgrade(plan({ unhealthyTarget: true, failureAction: 'Manual' }), ['UD0', 'UD1', 'UD2'], 0, 0);
  assert.equal(manual.state(0), 'RollingForwardPending');
  manual.moveToNext('UD2', 0);
  assert.equal(manual.state(0), 'RollingForwardPending', 'the unhealthy version fails again in the last domain');
  assert.throws(() => manual.moveToNext('UD2', 0), /roll the upgrade back/);
});

test('a rollback requested in the first domain undoes only that domain', () => {
  const u = new RollingUpgrade(plan(), ['UD0', 'UD1'], 1000, 0);
  u.rollback(500);
  assert.deepEqual(
    u.progress(500).UpgradeDomains.map(d => d.State),
    ['InProgress', 'Completed']
  );
  assert.equal(u.progress(500).FailureReason, 'None');
  assert.equal(u.state(1500), 'RollingBackCompleted');
  assert.throws(() => u.rollback(1500), /nothing to roll back/);
});

test('durations are written and read as the runtime does', () => {
  assert.equal(isoDuration(0), 'PT0H0M0S');
  assert.equal(isoDuration(3_723_500), 'PT1H2M3.5S');
  for (const ok of ['PT0H2M0S', 'P10675199DT02H48M05.4775807S', '600000', 'PT30S', 'P1D']) assert.ok(isDuration(ok), ok);
  for (const bad of ['', 'P', 'PT', '10s', '-1', 'PT1X']) assert.ok(!isDuration(bad), bad);
});

test('the zip check finds the end of the central directory and refuses damaged archives', () => {
  const empty = Buffer.alloc(22);
  empty.writeUInt32LE(0x06054b50, 0);
  assert.equal(zipProblem(empty), undefined);
  assert.match(zipProblem(Buffer.from('not a zip at all, not at all')) ?? '', /no end of central directory/);
  const truncated = Buffer.from(empty);
  truncated.writeUInt16LE(1, 10);
  truncated.writeUInt32LE(46, 12);
  assert.match(zipProblem(truncated) ?? '', /beyond the end/);
});
