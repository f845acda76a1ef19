// End to end: a release through ARM that also names the managed cluster's gateway
// (`cluster-endpoint` + a client certificate) follows the upgrade there, read-only, as the gateway
// path does: the upgrade domains, a rollback's health evaluations in the failure sentence, the real
// upgrade-state, the timeline. Nothing is written through the gateway, and a gateway that does not
// answer (from the start, or in the middle) costs a warning, not the release.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunActionOptions } from '../scripts/runner.js';
import { visibleLog } from './helpers/action-output.js';
import { type ArmRig, startArmRig } from './helpers/arm-rig.js';
/** The gateway routes that change the cluster: none may be called on this path. */
const GATEWAY_WRITES = [
  'provision',
  'create-application',
  'upgrade-application',
  'unprovision',
  'delete-application',
  'rollback-upgrade',
  'move-to-next-upgrade-domain'
];

/** A TCP relay to the emulator that can be cut: a gateway that stops answering while ARM still does. */
async function startRelay(port: number): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer(client => {
    if (cut) return client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const relayPort = (server.address() as net.AddressInfo).port;
  return {
    url: `https://127.0.0.1:${relayPort}`,
    cut: () => {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  };
}

describe('release through ARM, followed through the gateway', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({
      tenantId: '72f988bf-0000-4000-8000-00000000bb33',
      clientId: '11111111-0000-4000-8000-000000000003',
      clientCertificates: true,
      management: { upgradeDomains: 3, upgradeDomainSeconds: 0.3, unhealthyVersions: ['3.0.0', '6.0.0'] }
    });
  });
  after(() => rig?.dispose());

  /** Through ARM, naming the gateway with the admin client certificate and the server pinned. */
  function release(version: string, inputs: Record<string, string> = {}, hooks: Partial<RunActionOptions> = {}) {
    const gateway = {
      'cluster-endpoint': rig.emu.url,
      'client-certificate': `${rig.certs.clientCert}\n${rig.certs.clientKey}`,
      'server-certificate-thumbprint': rig.certs.serverThumbprint
    };
    return rig.release(version, { ...gateway, 'application-name': 'fabric:/Followed', ...inputs }, hooks);
  }

  function gatewayWrites(): Record<string, number> {
    return Object.fromEntries(GATEWAY_WRITES.filter(r => rig.emu.journal.requests[r] !== undefined).map(r => [r, rig.emu.journal.requests[r]!]));
  }

  it('shows the upgrade domains and the real upgrade-state of v1 → v2, writing nothing through the gateway', async () => {
    const v1 = await release('1.0.0');
    assert.equal(v1.exitCode, 0, v1.stdout);
    assert.equal(v1.outputs['application-result'], 'created');
    const v2 = await release('2.0.0');
    assert.equal(v2.exitCode, 0, v2.stdout);
    assert.match(v2.stdout, /Following the upgrade of fabric:\/Followed through the cluster's gateway at https:\/\/127\.0\.0\.1:\d+ \(read-only\)/);
    for (const ud of ['UD0', 'UD1', 'UD2']) assert.match(v2.stdout, new RegExp(`Upgrade domain ${ud}: completed`));
    assert.match(v2.stdout, /gateway shows the upgrade of fabric:\/Followed to 2\.0\.0 RollingForwardCompleted/);
    assert.equal(v2.outputs['upgrade-state'], 'RollingForwardCompleted');
    assert.equal(v2.outputs['application-result'], 'upgraded');
    assert.match(v2.summary, /Released<\/strong>: fabric:\/Followed upgraded from 1\.0\.0 to 2\.0\.0/);
    assert.match(v2.summary, /<h4>Upgrade domains<\/h4>.*UD0.*UD1.*UD2/s);
    assert.match(v2.summary, /```mermaid[\s\S]*section Upgrade domains[\s\S]*UD2/);
    assert.ok((rig.emu.journal.requests['get-upgrade-progress'] ?? 0) > 1, 'the progress was not read through the gateway');
    assert.deepEqual(gatewayWrites(), {});
    const visible = visibleLog(v2);
    for (const text of [visible, v2.stderr, v2.summary]) assert.ok(!text.includes(rig.certs.clientKey.split('\n')[1]!), 'a line of the client key was printed');
  });

  it('fails v3 with the rollback and its health evaluations, as the gateway path says it', async () => {
    const v3 = await release('3.0.0');
    assert.equal(v3.exitCode, 1, v3.stdout);
    assert.match(
      v3.stdout,
      /The upgrade of fabric:\/Followed to 3\.0\.0 failed and was rolled back: the health check failed \(FailureReason HealthCheck\) in upgrade domain UD1; unhealthy: 100%(25)? \(1\/1\) deployed applications in upgrade domain 'UD1' are unhealthy/
    );
    assert.match(v3.stdout, /The application runs 2\.0\.0 again/);
    assert.equal(v3.outputs['upgrade-state'], 'RollingBackCompleted');
    assert.match(v3.summary, /Rolled back<\/strong>: the upgrade of fabric:\/Followed to 3\.0\.0 failed in upgrade domain UD1/);
    assert.match(v3.summary, /<h4>Health evaluations<\/h4>/);
    assert.deepEqual(gatewayWrites(), {});
  });

  it('says when nothing changed: the same version again is no upgrade', async () => {
    const again = await release('2.0.0');
    assert.equal(again.exitCode, 0, again.stdout);
    assert.equal(again.outputs['provision-result'], 'already-provisioned');
    assert.equal(again.outputs['application-result'], 'unchanged');
    assert.match(again.stdout, /runs 2\.0\.0 with the same parameters already: nothing to upgrade/);
  });

  it('with a client certificate alone, follows the gateway the managed cluster resource names, pinned to its thumbprints', async () => {
    const fromArm = { 'application-name': 'fabric:/FollowedFromArm', 'cluster-endpoint': '', 'server-certificate-thumbprint': '' };
    const created = await release('1.0.0', fromArm);
    assert.equal(created.exitCode, 0, created.stdout);
    const run = await release('2.0.0', fromArm);
    assert.equal(run.exitCode, 0, run.stdout);
    assert.ok(
      run.stdout.includes(
        `The managed cluster's gateway, from ARM: https://127.0.0.1:${rig.emu.port}, its certificate ${rig.certs.serverThumbprint.toUpperCase()}.`
      ),
      run.stdout
    );
    assert.match(run.stdout, /Upgrade domain UD2: completed/);
    assert.equal(run.outputs['upgrade-state'], 'RollingForwardCompleted');
  });

  it('ends the wait for ARM when the gateway shows an upgrade stopped for a decision (failure action Manual)', async () => {
    const created = await release('1.0.0', { 'application-name': 'fabric:/FollowedManual' });
    assert.equal(created.exitCode, 0, created.stdout);
    const run = await release('6.0.0', { 'application-name': 'fabric:/FollowedManual', 'failure-action': 'Manual' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /The upgrade of fabric:\/FollowedManual to 6\.0\.0 stopped after a failure \(the health check failed \(FailureReason HealthCheck\) in upgrade domain UD1.*waits for a decision\. Roll it back with 'sfctl application upgrade-rollback --application-id FollowedManual'/
    );
    assert.doesNotMatch(run.stdout, /deploy timeout|did not finish within/);
    assert.equal(run.outputs['upgrade-state'], 'RollingForwardPending');
    assert.deepEqual(gatewayWrites(), {});
  });

  it('SIGTERM while following stops both waits and says that the upgrade goes on', async () => {
    const created = await release('1.0.0', { 'application-name': 'fabric:/FollowedSignal' });
    assert.equal(created.exitCode, 0, created.stdout);
    let child: ChildProcess | undefined;
    const run = await release(
      '2.0.0',
      { 'application-name': 'fabric:/FollowedSignal' },
      { onStart: c => (child = c), onLine: line => line.startsWith('Upgrade domain UD0: started') && child?.kill('SIGTERM') }
    );
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /Received SIGTERM: cancelling the wait for ARM/);
    assert.match(run.stdout, /cancelled while ARM was upgrading the application FollowedSignal to 2\.0\.0\. ARM goes on upgrading the application/);
    assert.doesNotMatch(run.stdout, /Upgrade domain UD2: completed/);
  });

  it('releases through ARM alone, with a warning, when the gateway does not answer from the start', async () => {
    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    const run = await release('4.0.0', { 'cluster-endpoint': `https://127.0.0.1:${port}`, retries: '2' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /::warning::Could not read the upgrade of fabric:\/Followed through the cluster's gateway at https:\/\/127\.0\.0\.1:\d+ \(/);
    assert.equal(run.outputs['application-result'], 'upgraded');
  });

  it('keeps ARM’s success, with a warning, when the gateway stops answering during the upgrade', async () => {
    const relay = await startRelay(rig.emu.port);
    try {
      const run = await release(
        '5.0.0',
        { 'cluster-endpoint': relay.url, retries: '2' },
        {
          onLine: line => {
            if (line.includes('Upgrade domain UD0: started')) relay.cut();
          }
        }
      );
      assert.equal(run.exitCode, 0, run.stdout);
      assert.match(run.stdout, /::warning::The cluster's gateway at https:\/\/127\.0\.0\.1:\d+ stopped answering while fabric:\/Followed was upgrading/);
      assert.equal(run.outputs['application-result'], 'upgraded');
      // Not a state the gateway showed before it stopped answering: ARM's read-back decides, as without a gateway.
      assert.equal(run.outputs['upgrade-state'], 'RollingForwardCompleted');
      assert.equal((rig.emu.emulator.management.getApplication('Followed').json as { TypeVersion?: string } | undefined)?.TypeVersion, '5.0.0');
    } finally {
      await relay.close();
    }
  });
});
