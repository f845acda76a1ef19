import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManagementClient, type ApplicationUpgradeProgress } from '../../src/cluster/management-client.js';
import { Deadline } from '../../src/deploy/polling.js';
import { summarizeEvaluations, waitForUpgrade } from '../../src/deploy/wait-for-upgrade.js';
import { FakeCluster } from '../helpers/fake-management-gateway.js';

const APP = { Id: 'VotingApp', Name: 'fabric:/VotingApp', TypeName: 'VotingType', TypeVersion: '1.0.0', Status: 'Upgrading' };
const domains = (...states: string[]) => states.map((State, i) => ({ Name: `UD${i}`, State }));

function watcher(progress: ApplicationUpgradeProgress[], seconds = 60) {
  const cluster = new FakeCluster();
  cluster.applications.set(APP.Name, { ...APP });
  cluster.progress = progress;
  const lines: string[] = [];
  const client = new ManagementClient(cluster.gateway());
  const run = () =>
    waitForUpgrade(client, {
      applicationName: APP.Name,
      targetVersion: '2.0.0',
      previousVersion: '1.0.0',
      deadline: new Deadline(seconds),
      pollMs: 10,
      log: l => lines.push(l)
    });
  return { cluster, lines, run };
}

const healthFailure: ApplicationUpgradeProgress = {
  UpgradeState: 'RollingBackCompleted',
  TargetApplicationTypeVersion: '2.0.0',
  UpgradeDomains: domains('Completed', 'Completed'),
  FailureReason: 'HealthCheck',
  UpgradeDomainProgressAtFailure: { DomainName: 'UD1' },
  UnhealthyEvaluations: [
    {
      HealthEvaluation: {
        Kind: 'Services',
        AggregatedHealthState: 'Error',
        Description: "Unhealthy services: 100% (1/1), ServiceType='VotingWebType', MaxPercentUnhealthyServices=0%.",
        UnhealthyEvaluations: [
          {
            HealthEvaluation: {
              Kind: 'Event',
              AggregatedHealthState: 'Error',
              UnhealthyEvent: { SourceId: 'Watchdog', Property: 'Ping', HealthState: 'Error', Description: 'no answer on /health' }
            }
          }
        ]
      }
    }
  ]
};

test('prints a line per upgrade domain started and completed, and ends on RollingForwardCompleted', async () => {
  const { run, lines } = watcher([
    { UpgradeState: 'RollingForwardInProgress', TargetApplicationTypeVersion: '2.0.0', UpgradeDomains: domains('InProgress', 'Pending') },
    { UpgradeState: 'RollingForwardInProgress', TargetApplicationTypeVersion: '2.0.0', UpgradeDomains: domains('Completed', 'InProgress') },
    { UpgradeState: 'RollingForwardCompleted', TargetApplicationTypeVersion: '2.0.0', UpgradeDomains: domains('Completed', 'Completed') }
  ]);
  const done = await run();
  assert.equal(done.UpgradeState, 'RollingForwardCompleted');
  assert.deepEqual(
    lines.map(l => l.replace(/\(\d+\.\d s\)/, '(t)')),
    [
      'Upgrade domain UD0: started',
      'Upgrade domain UD0: completed (t)',
      'Upgrade domain UD1: started',
      'Upgrade domain UD1: completed (t)',
      'Upgrade state: RollingForwardCompleted'
    ]
  );
});

test('progress of an earlier upgrade (another target) is not taken for this one', async () => {
  const { run } = watcher([
    { UpgradeState: 'RollingForwardCompleted', TargetApplicationTypeVersion: '1.0.0' },
    { UpgradeState: 'RollingBackCompleted', TargetApplicationTypeVersion: '1.0.0' },
    { UpgradeState: 'RollingForwardCompleted', TargetApplicationTypeVersion: '2.0.0' }
  ]);
  assert.equal((await run()).TargetApplicationTypeVersion, '2.0.0');
});

test('a rollback fails with the reason, the failed domain and the unhealthy evaluations in plain words', async () => {
  const { run } = watcher([{ ...healthFailure, UpgradeState: 'RollingBackInProgress' }, healthFailure]);
  await assert.rejects(run(), (e: Error) => {
    assert.match(
      e.message,
      /^The upgrade of fabric:\/VotingApp to 2.0.0 failed and was rolled back: the health check failed \(FailureReason HealthCheck\) in upgrade domain UD1/
    );
    assert.match(
      e.message,
      /unhealthy: Unhealthy services: 100% \(1\/1\), ServiceType='VotingWebType'.* ← event Watchdog\/Ping is Error: no answer on \/health/
    );
    assert.match(e.message, /The application runs 1.0.0 again/);
    return true;
  });
});

test('Failed fails too; RollingForwardPending after a manual failure says how to resume or roll back', async () => {
  await assert.rejects(
    watcher([{ ...healthFailure, UpgradeState: 'Failed' }]).run(),
    /The upgrade of fabric:\/VotingApp to 2.0.0 failed: the health check failed/
  );
  await assert.rejects(
    watcher([{ ...healthFailure, UpgradeState: 'RollingForwardPending', NextUpgradeDomain: 'UD1' }]).run(),
    (e: Error) =>
      /waits for a decision/.test(e.message) &&
      e.message.includes("'sfctl application upgrade-rollback --application-id VotingApp'") &&
      e.message.includes("'sfctl application upgrade-resume --application-id VotingApp --upgrade-domain-name UD1'")
  );
});

test('the deadline ends the wait with where the upgrade is and what to do next', async () => {
  const { run } = watcher(
    [{ UpgradeState: 'RollingForwardInProgress', TargetApplicationTypeVersion: '2.0.0', CurrentUpgradeDomainProgress: { DomainName: 'UD0' } }],
    0.05
  );
  await assert.rejects(
    run(),
    /did not finish within 'deploy-timeout' \(0.05 s\); it goes on in the cluster \(RollingForwardInProgress, upgrade domain UD0\)\. Watch it with 'sfctl application upgrade-status --application-id VotingApp', roll it back with/
  );
});

test('summarizeEvaluations keeps at most three chains', () => {
  const leaf = (d: string) => ({ HealthEvaluation: { Kind: 'Event', Description: d } });
  const many = [{ HealthEvaluation: { Description: 'top', UnhealthyEvaluations: ['a', 'b', 'c', 'd', 'e'].map(leaf) } }];
  assert.deepEqual(summarizeEvaluations(many), ['top ← a', 'top ← b', 'top ← c', 'and 2 more']);
  assert.deepEqual(summarizeEvaluations(undefined), []);
});
