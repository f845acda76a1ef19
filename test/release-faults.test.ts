// End to end: the release under faults on the management routes only (lost answers after the work
// is done, busy and timed-out answers, stalls), an upgrade taken over by another client, a create
// whose application is never listed, and 'deploy-timeout' bounding the whole release. Through the
// built dist/index.js, against the emulator; the emulator's journal shows what the cluster was asked.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { FaultKind } from '../emulator/faults.js';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const FAST_POLLS = { SFU_POLL_INTERVAL_MS: '50' };
const WRITES = ['provision', 'create-application', 'upgrade-application'];
/** Seeds whose faults fall on writes (each fails on the code before this change); SFU_FAULT_SEEDS=1,2,3 tries others. */
const SEEDS = (process.env.SFU_FAULT_SEEDS ?? '1,4,5,12').split(',').map(Number);

function release(
  emu: TestEmulator,
  packagePath: string,
  inputs: Record<string, string>,
  extra: Partial<Parameters<typeof runAction>[0]> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: {
      'cluster-endpoint': emu.url,
      'package-path': packagePath,
      'image-store-path': `VotingApp/${/sfu-voting-([^-]+)-/.exec(packagePath)?.[1] ?? 'x'}`,
      retries: '10',
      ...inputs
    },
    env: FAST_POLLS,
    ...extra
  });
}

/** The management calls the cluster carried out (2xx), by operation, for one application or type. */
function carriedOut(emu: TestEmulator, operation: string): number {
  return emu.journal.managementCalls.filter(c => c.operation === operation && Number(c.detail.status) < 300).length;
}

async function progress(emu: TestEmulator, id: string): Promise<{ TargetApplicationTypeVersion: string; UpgradeState: string }> {
  const res = await fetch(`${emu.url}/Applications/${id}/$/GetUpgradeProgress?api-version=6.0`);
  return (await res.json()) as { TargetApplicationTypeVersion: string; UpgradeState: string };
}

/** Faults start after the set-up runs: the injector reads its options when it draws. */
function injectFaults(emu: TestEmulator, faults: { failRate?: number; stallRate?: number; failKinds?: FaultKind[]; routes: string[] }): void {
  const options = emu.emulator.options.faults!;
  Object.assign(options, faults);
}

describe('release: lost answers on the management routes', () => {
  it('every create, provision and upgrade loses its answer: each is carried out once and reported as this run did it', async () => {
    // No answer ever comes back to a write: the run must read the state instead of sending it again.
    const emu = await startTestEmulator({
      faults: { failRate: 1, failKinds: ['lost-answer'], routes: WRITES },
      management: { upgradeDomains: 2, upgradeDomainSeconds: 0.2, provisionSeconds: 0.2 }
    });
    try {
      const v1 = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v1.exitCode, 0, v1.stdout);
      assert.equal(v1.outputs['provision-result'], 'provisioned');
      assert.equal(v1.outputs['application-result'], 'created');
      assert.match(v1.stdout, /No answer to the create request of fabric:\/VotingApp .*reading the cluster's state/);
      const v2 = await release(emu, await sampleAtVersion('2.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v2.exitCode, 0, v2.stdout);
      assert.equal(v2.outputs['provision-result'], 'provisioned');
      assert.equal(v2.outputs['application-result'], 'upgraded');
      assert.equal(v2.outputs['upgrade-state'], 'RollingForwardCompleted');
      assert.match(v2.stdout, /The cluster carried out the upgrade request of fabric:\/VotingApp to 2\.0\.0: it is not sent again/);
      assert.deepEqual(
        WRITES.map(op => carriedOut(emu, op)),
        [2, 1, 1]
      );
      assert.deepEqual(
        WRITES.map(op => emu.journal.managementCalls.filter(c => c.operation === op).length),
        [2, 1, 1],
        'nothing was sent twice'
      );
      assert.ok(emu.journal.faults.length >= 4, JSON.stringify(emu.journal.faults));
    } finally {
      await emu.dispose();
    }
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: lost, busy and timed-out answers on every management route; each write carried out once, outputs true`, async () => {
      const emu = await startTestEmulator({
        faults: { seed, failRate: 0.35, failKinds: ['lost-answer', 'busy', 'timeout'], routes: ['management'] },
        management: { upgradeDomains: 2, upgradeDomainSeconds: 0.2, provisionSeconds: 0.2 }
      });
      try {
        const v1 = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
        assert.equal(v1.exitCode, 0, v1.stdout);
        assert.equal(v1.outputs['provision-result'], 'provisioned');
        assert.equal(v1.outputs['application-result'], 'created');
        const v2 = await release(emu, await sampleAtVersion('2.0.0'), { 'application-name': 'fabric:/VotingApp' });
        assert.equal(v2.exitCode, 0, v2.stdout);
        assert.equal(v2.outputs['provision-result'], 'provisioned');
        assert.equal(v2.outputs['application-result'], 'upgraded');
        assert.equal(v2.outputs['upgrade-state'], 'RollingForwardCompleted');
        assert.deepEqual(
          WRITES.map(op => carriedOut(emu, op)),
          [2, 1, 1],
          JSON.stringify(emu.journal.managementCalls)
        );
        // A write refused before it was carried out (busy, timeout) may be sent again; one the cluster
        // carried out never is, so none is journaled twice.
        assert.deepEqual(
          WRITES.map(op => emu.journal.managementCalls.filter(c => c.operation === op).length),
          [2, 1, 1],
          JSON.stringify(emu.journal.managementCalls)
        );
        assert.ok(
          emu.journal.faults.every(f => /application|provision|upgrade/.test(f.route)),
          `faults only on management routes: ${JSON.stringify(emu.journal.faults)}`
        );
      } finally {
        await emu.dispose();
      }
    });
  }

  it('an upgrade whose answer was lost, re-sent while the progress still showed the state before it and refused with 409: followed to its end', async () => {
    // Seed 7 loses the first upgrade answer only. The progress lags three reads behind the request,
    // so the state read after the lost answer shows nothing started: the request is sent again, after
    // the one-domain upgrade has completed, and the cluster answers 409 (already in the target version).
    const emu = await startTestEmulator({
      faults: { seed: 7, failRate: 0, failKinds: ['lost-answer'], routes: ['upgrade-application'] },
      management: { upgradeDomains: 1, upgradeDomainSeconds: 0.05, provisionSeconds: 0.1, upgradeProgressLagReads: 3 }
    });
    try {
      const v1 = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v1.exitCode, 0, v1.stdout);
      injectFaults(emu, { failRate: 0.5, routes: ['upgrade-application'] });
      const v2 = await release(emu, await sampleAtVersion('2.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v2.exitCode, 0, v2.stdout);
      assert.match(v2.stdout, /No answer to the upgrade request of fabric:\/VotingApp to 2\.0\.0/);
      assert.match(v2.stdout, /The cluster has not carried out the upgrade request of fabric:\/VotingApp to 2\.0\.0: sending it again/);
      assert.equal(v2.outputs['application-result'], 'upgraded');
      assert.equal(v2.outputs['upgrade-state'], 'RollingForwardCompleted');
      assert.equal(v2.outputs['previous-application-type-version'], '1.0.0');
      const upgrades = emu.journal.managementCalls.filter(c => c.operation === 'upgrade-application');
      assert.deepEqual(
        upgrades.map(c => Number(c.detail.status)),
        [200, 409],
        JSON.stringify(upgrades)
      );
      assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    } finally {
      await emu.dispose();
    }
  });

  it('an upgrade whose answer was lost and that rolled back is not started again', async () => {
    const emu = await startTestEmulator({
      faults: { failRate: 0, failKinds: ['lost-answer'], routes: ['upgrade-application'] },
      management: { upgradeDomains: 3, upgradeDomainSeconds: 0.2, provisionSeconds: 0.1, unhealthyVersions: ['3.0.0'] }
    });
    try {
      const v1 = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v1.exitCode, 0, v1.stdout);
      injectFaults(emu, { failRate: 1, routes: ['upgrade-application'] });
      const v3 = await release(emu, await sampleAtVersion('3.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v3.exitCode, 1, v3.stdout);
      assert.match(v3.stdout, /::error::The upgrade of fabric:\/VotingApp to 3\.0\.0 failed and was rolled back: the health check failed/);
      assert.equal(v3.outputs['upgrade-state'], 'RollingBackCompleted');
      assert.equal(v3.outputs['application-result'], undefined);
      // Give a blind retry the time it would take, then count: one upgrade request, ever.
      await new Promise(resolve => setTimeout(resolve, 300));
      assert.equal(emu.journal.managementCalls.filter(c => c.operation === 'upgrade-application').length, 1, JSON.stringify(emu.journal.managementCalls));
      const p = await progress(emu, 'VotingApp');
      assert.equal(p.UpgradeState, 'RollingBackCompleted');
    } finally {
      await emu.dispose();
    }
  });
});

describe('release: takeovers, waits and bounds', () => {
  let emu: TestEmulator;
  let child: ChildProcess | undefined;
  before(async () => {
    emu = await startTestEmulator({
      management: { upgradeDomains: 3, upgradeDomainSeconds: 2, provisionSeconds: 0.1 }
    });
    const v1 = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
    assert.equal(v1.exitCode, 0, v1.stdout);
    // 4.0.0 provisioned only: the version another client upgrades to.
    const v4 = await release(emu, await sampleAtVersion('4.0.0'), { provision: 'true' });
    assert.equal(v4.exitCode, 0, v4.stdout);
  });
  after(() => emu.dispose());

  it('an upgrade taken over by another client fails at once, naming the version that took over', async () => {
    let tookOver: Promise<Response> | undefined;
    const run = await release(
      emu,
      await sampleAtVersion('2.0.0'),
      { 'application-name': 'fabric:/VotingApp', 'deploy-timeout': '20' },
      {
        onLine: line => {
          // Another client's upgrade request while this run's upgrade rolls through UD0.
          if (line.includes('Upgrade domain UD0: started') && !tookOver) {
            tookOver = fetch(`${emu.url}/Applications/VotingApp/$/Upgrade?api-version=6.0`, {
              method: 'POST',
              body: JSON.stringify({
                Name: 'fabric:/VotingApp',
                TargetApplicationTypeVersion: '4.0.0',
                RollingUpgradeMode: 'Monitored',
                MonitoringPolicy: { FailureAction: 'Rollback' }
              })
            });
          }
        }
      }
    );
    assert.equal((await tookOver)?.status, 200);
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /::error::The upgrade of fabric:\/VotingApp to 2\.0\.0 was taken over by .*4\.0\.0.*This step does not follow that upgrade/);
    assert.equal(run.outputs['application-result'], undefined);
    // It stopped while the other upgrade was still going: it did not follow it to its end.
    assert.notEqual((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
  });

  it('a create whose application is never listed ends after its own bound, saying on a timer what it waits for', async () => {
    const hidden = await startTestEmulator({ management: { createHiddenSeconds: 3600, provisionSeconds: 0.1 } });
    try {
      const run = await release(hidden, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/Hidden', 'deploy-timeout': '30' });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, /Waiting for fabric:\/Hidden to be listed after its create request \(waiting for \d+ s\)/);
      assert.match(run.stdout, /::error::The cluster accepted the create request of fabric:\/Hidden but does not list the application after 20 polls/);
      assert.ok(Number(run.outputs['deploy-duration-seconds']) < 20, run.outputs['deploy-duration-seconds']);
      assert.equal(hidden.journal.managementCalls.filter(c => c.operation === 'create-application').length, 1);
    } finally {
      await hidden.dispose();
    }
  });

  it("'deploy-timeout' bounds the whole release: a stalled request does not outlive it", async () => {
    const stalled = await startTestEmulator({
      faults: { stallRate: 0, routes: ['get-upgrade-progress'] },
      management: { upgradeDomains: 2, upgradeDomainSeconds: 0.2, provisionSeconds: 0.1 }
    });
    try {
      const v1 = await release(stalled, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v1.exitCode, 0, v1.stdout);
      injectFaults(stalled, { stallRate: 1, routes: ['get-upgrade-progress'] });
      const run = await release(stalled, await sampleAtVersion('2.0.0'), {
        'application-name': 'fabric:/VotingApp',
        'deploy-timeout': '3',
        timeout: '20',
        retries: '3'
      });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, /::error::The release of VotingType 2\.0\.0 did not finish within 'deploy-timeout' \(3 s\)/);
      // Without the bound, each stalled read would wait 22 s, three times.
      assert.ok(Number(run.outputs['deploy-duration-seconds']) < 15, run.outputs['deploy-duration-seconds']);
    } finally {
      await stalled.dispose();
    }
  });

  it('a cluster that stops answering during the upgrade wait: the upgrade goes on, and how to follow or roll it back', async () => {
    const busy = await startTestEmulator({
      faults: { failRate: 0, failKinds: ['busy'], routes: ['get-upgrade-progress'] },
      management: { upgradeDomains: 2, upgradeDomainSeconds: 0.2, provisionSeconds: 0.1 }
    });
    try {
      const v1 = await release(busy, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
      assert.equal(v1.exitCode, 0, v1.stdout);
      injectFaults(busy, { failRate: 1, routes: ['get-upgrade-progress'] });
      const run = await release(busy, await sampleAtVersion('2.0.0'), { 'application-name': 'fabric:/VotingApp', retries: '2' });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(
        run.stdout,
        /::error::The cluster stopped answering while fabric:\/VotingApp was upgrading to 2\.0\.0 .*the upgrade goes on in the cluster\. Watch it with 'sfctl application upgrade-status --application-id VotingApp', or roll it back with 'sfctl application upgrade-rollback --application-id VotingApp'/
      );
    } finally {
      await busy.dispose();
    }
  });

  it('SIGTERM during the upgrade says what it cancels: the wait, not the upload', async () => {
    const created = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingSignal' });
    assert.equal(created.exitCode, 0, created.stdout);
    const run = await release(
      emu,
      await sampleAtVersion('4.0.0'),
      { 'application-name': 'fabric:/VotingSignal', 'image-store-path': 'VotingSignal/4.0.0' },
      {
        onStart: c => (child = c),
        onLine: line => {
          if (line.includes('Upgrade domain UD0: started')) child?.kill('SIGTERM');
        }
      }
    );
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /Received SIGTERM: cancelling the wait for the upgrade of fabric:\/VotingSignal to 4\.0\.0 \(the upgrade goes on in the cluster\)/
    );
    assert.doesNotMatch(run.stdout, /cancelling the upload/);
  });
});
