// Following an upgrade to its end against the emulator's cluster manager in this process: domain
// lines, stale progress, rollbacks and manual failures in plain words, takeovers, the deadline, a
// cluster that stops answering.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { ManagementClient } from '../../src/cluster/management-client.js';
import { Deadline } from '../../src/deploy/polling.js';
import { summarizeEvaluations, type UpgradeWatch, waitForUpgrade } from '../../src/deploy/wait-for-upgrade.js';
import { startTestCluster, type TestCluster } from '../helpers/management-cluster.js';

const PKG = path.resolve('sample/VotingApp');
let cluster: TestCluster;
let client: ManagementClient;
let app = 0;

before(async () => {
  // Faults off until a test turns them on: the injector reads these options when it draws.
  cluster = await startTestCluster({
    faults: { failRate: 0, failKinds: ['busy'], routes: ['get-upgrade-progress'] },
    management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, unhealthyVersions: ['3.0.0'] }
  });
  for (const version of ['1.0.0', '2.0.0', '3.0.0', '4.0.0']) {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-wait-')), 'VotingApp');
    await cp(PKG, dir, { recursive: true });
    const manifest = path.join(dir, 'ApplicationManifest.xml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('ApplicationTypeVersion="1.0.0"', `ApplicationTypeVersion="${version}"`));
    await cluster.upload(dir, `V${version}`);
    await cluster.provision(`V${version}`);
    await rm(path.dirname(dir), { recursive: true, force: true });
  }
  client = new ManagementClient(cluster.gateway());
});
after(() => cluster.dispose());

let name = '';
beforeEach(async () => {
  name = `fabric:/App${++app}`;
  await post('/Applications/$/Create', { Name: name, TypeName: 'VotingType', TypeVersion: '1.0.0' });
});

async function post(route: string, body: unknown): Promise<void> {
  const res = await fetch(`${cluster.emu.url}${route}?api-version=6.0`, { method: 'POST', body: JSON.stringify(body) });
  assert.ok(res.ok, `${route}: ${res.status} ${await res.text()}`);
}

function upgrade(version: string, failureAction = 'Rollback'): Promise<void> {
  return post(`/Applications/${name.slice('fabric:/'.length)}/$/Upgrade`, {
    Name: name,
    TargetApplicationTypeVersion: version,
    RollingUpgradeMode: 'Monitored',
    MonitoringPolicy: { FailureAction: failureAction }
  });
}

function watch(version: string, extra: Partial<UpgradeWatch> = {}): { lines: string[]; watch: UpgradeWatch } {
  const lines: string[] = [];
  return {
    lines,
    watch: {
      applicationName: name,
      targetVersion: version,
      previousVersion: '1.0.0',
      deadline: new Deadline(30),
      pollMs: 10,
      log: l => lines.push(l),
      ...extra
    }
  };
}

test('prints a line per upgrade domain started and completed, and ends on RollingForwardCompleted', async () => {
  await upgrade('2.0.0');
  const { lines, watch: w } = watch('2.0.0');
  const done = await waitForUpgrade(client, w);
  assert.equal(done.UpgradeState, 'RollingForwardCompleted');
  const shown = lines.filter(l => !l.startsWith('Waiting')).map(l => l.replace(/\(\d+\.\d s\)/, '(t)'));
  assert.deepEqual(shown, [
    'Upgrade domain UD0: started',
    'Upgrade domain UD0: completed (t)',
    'Upgrade domain UD1: started',
    'Upgrade domain UD1: completed (t)',
    'Upgrade state: RollingForwardCompleted'
  ]);
});

test('progress of the earlier upgrade (its start time) is not taken for this one', async () => {
  await upgrade('2.0.0');
  const first = await waitForUpgrade(client, watch('2.0.0').watch);
  // Same target, other parameters? Here: the earlier, completed upgrade is stale until a new one starts.
  const { watch: w } = watch('2.0.0', { staleStart: first.StartTimestampUtc, deadline: new Deadline(0.3) });
  await assert.rejects(waitForUpgrade(client, w), /did not finish within 'deploy-timeout' \(0.3 s\)/);
});

test('a rollback fails with the reason, the failed domain and the unhealthy evaluations in plain words', async () => {
  await upgrade('3.0.0');
  const { watch: w } = watch('3.0.0');
  await assert.rejects(waitForUpgrade(client, w), (e: Error) => {
    assert.match(
      e.message,
      /^The upgrade of fabric:\/App\d+ to 3.0.0 failed and was rolled back: the health check failed \(FailureReason HealthCheck\) in upgrade domain UD1/
    );
    assert.match(e.message, /unhealthy: 100% \(1\/1\) deployed applications in upgrade domain 'UD1' are unhealthy.* ← .* ← Error event/);
    assert.match(e.message, /The application runs 1.0.0 again/);
    return true;
  });
});

test('RollingForwardPending after a manual failure says how to resume or roll back', async () => {
  await upgrade('3.0.0', 'Manual');
  const id = name.slice('fabric:/'.length);
  await assert.rejects(
    waitForUpgrade(client, watch('3.0.0').watch),
    (e: Error) =>
      /waits for a decision/.test(e.message) &&
      e.message.includes(`'sfctl application upgrade-rollback --application-id ${id}'`) &&
      /'sfctl application upgrade-resume --application-id App\d+ --upgrade-domain-name UD\d'/.test(e.message)
  );
});

test('an upgrade interrupted by another request fails at once, naming the version that took over', async () => {
  const before = await client.getUpgradeProgress(name);
  await upgrade('2.0.0');
  await upgrade('4.0.0'); // another client's request: this run's upgrade rolls back, then 4.0.0 starts
  // Whether the wait first sees 2.0.0 interrupted or 4.0.0 already rolling, it is a takeover.
  await assert.rejects(
    waitForUpgrade(client, watch('2.0.0', { staleStart: before.StartTimestampUtc }).watch),
    /was taken over by .*4\.0\.0.*This step does not follow that upgrade/
  );
});

test('the deadline ends the wait with where the upgrade is and what to do next', async () => {
  await upgrade('2.0.0');
  await assert.rejects(
    waitForUpgrade(client, watch('2.0.0', { deadline: new Deadline(0.05) }).watch),
    /did not finish within 'deploy-timeout' \(0.05 s\); it goes on in the cluster \(RollingForwardInProgress, upgrade domain UD\d\)\. Watch it with 'sfctl application upgrade-status --application-id App\d+', roll it back with/
  );
});

test('a cluster that stops answering: the upgrade goes on, and how to follow or roll it back', async () => {
  await upgrade('2.0.0');
  const gone = new ManagementClient(cluster.gateway());
  const faults = cluster.emu.emulator.options.faults!;
  faults.failRate = 1;
  try {
    await assert.rejects(
      waitForUpgrade(gone, watch('2.0.0').watch),
      /The cluster stopped answering while fabric:\/App\d+ was upgrading to 2.0.0 .*the upgrade goes on in the cluster\. Watch it with/
    );
  } finally {
    faults.failRate = 0;
  }
});

test('summarizeEvaluations keeps at most three chains', () => {
  const leaf = (d: string) => ({ HealthEvaluation: { Kind: 'Event', Description: d } });
  const many = [{ HealthEvaluation: { Description: 'top', UnhealthyEvaluations: ['a', 'b', 'c', 'd', 'e'].map(leaf) } }];
  assert.deepEqual(summarizeEvaluations(many), ['top ← a', 'top ← b', 'top ← c', 'and 2 more']);
  assert.deepEqual(summarizeEvaluations(undefined), []);
});
