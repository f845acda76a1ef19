// The ARM client and release sequence against the emulator's managed-cluster ARM surface (backed by
// its cluster manager): type, version with appPackageUrl, application create and upgrade, the
// rollback ARM reports Succeeded, unprovisioning, refused tokens, cancellation during an operation.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ArmClient } from '../src/azure/arm-client.js';
import { ArmError } from '../src/azure/arm-operation.js';
import { guardArmApplication } from '../src/azure/arm-guards.js';
import { type ArmRelease, releaseThroughArm } from '../src/azure/arm-release.js';
import { ManagedClusterResources, parseManagedClusterId } from '../src/azure/arm-target.js';
import { buildSfpkg } from '../src/azure/sfpkg.js';
import { CancelledError } from '../src/cluster/errors.js';
import { HttpTransport } from '../src/cluster/transport.js';
import { Deadline, ReleaseError } from '../src/deploy/polling.js';
import { effectiveParameters } from '../src/deploy/application-parameters.js';
import { readPackageIdentity } from '../src/deploy/release-plan.js';
import { ReleaseRecord } from '../src/deploy/release-record.js';
import { CANONICAL_NAMES } from '../src/util/settings.js';
import { scanPackage } from '../src/package/package-scan.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const CLUSTER = '/subscriptions/00000000-0000-0000-0000-0000000000ab/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster';
const CLIENT = { clientId: '11111111-0000-4000-8000-000000000001', clientSecret: 'arm-test-secret' };
const FAST = { HealthCheckWaitDurationSec: 0, HealthCheckStableDurationSec: 0, HealthCheckRetryTimeoutSec: 0 };

describe('ARM release against the emulated managed cluster', () => {
  let emu: TestEmulator;
  let files: Server;
  let origin: string;
  let transport: HttpTransport;
  let armToken: string;
  const served = new Map<string, Buffer>();

  before(async () => {
    emu = await startTestEmulator({
      aad: CLIENT,
      arm: { clusterResourceId: CLUSTER, retryAfterSeconds: 1 },
      management: { provisionSeconds: 0.5, upgradeDomainSeconds: 0.3, unhealthyVersions: ['3.0.0'] }
    });
    for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
      const pkg = await scanPackage(await sampleAtVersion(version), ['**']);
      const sfpkg = await buildSfpkg(pkg, `VotingType.${version}.sfpkg`, tmpdir());
      served.set(`/c/VotingType.${version}.sfpkg`, await readFile(sfpkg.path));
      await sfpkg.dispose();
    }
    files = createServer((req, res) => {
      const body = served.get(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    transport = new HttpTransport({ userAgent: 'test', maxSockets: 2, expectContinue: 'never' });
    const tenant = emu.emulator.options.aad ? (await (await fetch(`${emu.url}/$/GetAadMetadata?api-version=1.0`)).json()).metadata.tenant : '';
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      scope: 'https://management.azure.com/.default'
    });
    armToken = (await (await fetch(`${emu.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: form })).json()).access_token;
  });
  after(async () => {
    transport.dispose();
    await emu.dispose();
    await new Promise(resolve => files.close(resolve));
  });

  function client(options: { token?: string; signal?: AbortSignal; log?: string[] } = {}): ArmClient {
    return new ArmClient({
      resources: new ManagedClusterResources(emu.url, parseManagedClusterId('id', CLUSTER)),
      transport,
      token: async () => options.token ?? armToken,
      log: line => options.log?.push(line),
      signal: options.signal ?? new AbortController().signal,
      deadline: new Deadline(120),
      pollMs: 100,
      requestTimeoutMs: 30_000
    });
  }

  async function release(version: string, extra: Partial<ArmRelease> = {}): Promise<ArmRelease> {
    const { manifest } = await readPackageIdentity(await sampleAtVersion(version));
    const guarded = { name: 'fabric:/Voting', givenParameters: [], guards: { allowDowngrade: false, omittedParameters: 'refuse' as const } };
    return {
      typeName: 'VotingType',
      typeVersion: version,
      packageUrl: `${origin}/c/VotingType.${version}.sfpkg?sig=SECRET`,
      shownUrl: `${origin}/c/VotingType.${version}.sfpkg`,
      application: {
        name: 'fabric:/Voting',
        nameInput: 'application-name',
        parameters: [],
        policy: { mode: 'Monitored', failureAction: 'Rollback', settings: FAST },
        guard: existing => guardArmApplication({ app: guarded, manifest, names: CANONICAL_NAMES }, existing, () => undefined),
        effective: parameters =>
          effectiveParameters(
            manifest,
            Object.entries(parameters ?? {}).map(([Key, Value]) => ({ Key, Value }))
          )
      },
      unprovisionOldVersions: false,
      ...extra
    };
  }

  const clusterApp = () => emu.emulator.management.applications.all().find(a => a.name === 'fabric:/Voting');
  const appVersion = () => emu.emulator.management.applications.info(clusterApp()!).TypeVersion;

  it('refuses a token the authority did not issue for ARM, in ARM’s error shape', async () => {
    await assert.rejects(
      client({ token: 'forged' }).get(`${CLUSTER}/applications/Voting`, 'the application'),
      (e: Error) => e instanceof ArmError && e.status === 401 && /InvalidAuthenticationToken/.test(e.message)
    );
  });

  async function arm(method: string, path: string, query = 'api-version=2024-04-01', body?: unknown) {
    const res = await fetch(`${emu.url}${path}?${query}`, {
      method,
      headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await res.text();
    return { status: res.status, error: text ? (JSON.parse(text) as { error?: { code: string; message: string } }).error : undefined };
  }

  it('answers ARM’s error shape: unknown cluster 404, missing or unknown api-version 400, a version under a missing type 404', async () => {
    const other = CLUSTER.replace('mycluster', 'othercluster');
    assert.deepEqual((await arm('GET', `${other}/applications/Voting`)).status, 404);
    assert.equal((await arm('GET', `${other}/applications/Voting`)).error?.code, 'ResourceNotFound');
    assert.equal((await arm('GET', `${CLUSTER}/applications/Voting`, '')).error?.code, 'MissingApiVersionParameter');
    assert.equal((await arm('GET', `${CLUSTER}/applications/Voting`, 'api-version=2019-01-01')).error?.code, 'NoRegisteredProviderFound');
    const orphan = await arm('PUT', `${CLUSTER}/applicationTypes/NoSuchType/versions/1.0.0`, undefined, {
      properties: { appPackageUrl: `${origin}/c/x.sfpkg` }
    });
    assert.deepEqual([orphan.status, orphan.error?.code], [404, 'ParentResourceNotFound']);
  });

  it('creates the type, provisions v1 from its URL and creates the application, following each operation', async () => {
    const log: string[] = [];
    const record = new ReleaseRecord();
    await releaseThroughArm(client({ log }), await release('1.0.0'), record, line => log.push(line));
    assert.equal(appVersion(), '1.0.0');
    assert.equal(record.provisionResult, 'provisioned');
    assert.equal(record.applicationResult, 'created');
    assert.ok(log.some(l => /creating the application type VotingType/.test(l)));
    assert.ok(
      log.some(l => /provisioning VotingType 1\.0\.0 .*: Succeeded\./.test(l)),
      log.join('\n')
    );
    assert.ok(log.every(l => !l.includes('SECRET')));
  });

  it('upgrades to v2 (Monitored) and unprovisions the version no application uses', async () => {
    const record = new ReleaseRecord();
    await releaseThroughArm(client(), await release('2.0.0', { unprovisionOldVersions: true }), record, () => undefined);
    assert.equal(appVersion(), '2.0.0');
    assert.equal(record.applicationResult, 'upgraded');
    assert.equal(record.previousVersion, '1.0.0');
    assert.deepEqual(record.unprovisioned, ['1.0.0']);
    assert.deepEqual(
      emu.emulator.management.types.versionsOf('VotingType').map(v => v.version),
      ['2.0.0']
    );
  });

  it('fails a v3 upgrade that rolled back although ARM reported the operation Succeeded; the app stays at v2', async () => {
    const log: string[] = [];
    await assert.rejects(
      releaseThroughArm(client({ log }), await release('3.0.0'), new ReleaseRecord(), line => log.push(line)),
      (e: Error) =>
        e instanceof ReleaseError && /operation Succeeded, but the application Voting is at 2\.0\.0, not 3\.0\.0: the upgrade was rolled back/.test(e.message)
    );
    assert.ok(
      log.some(l => /upgrading the application Voting to 3\.0\.0: Succeeded\./.test(l)),
      log.join('\n')
    );
    assert.equal(appVersion(), '2.0.0');
  });

  it('refuses with 409 to unprovision a version an application uses', async () => {
    const used = await arm('DELETE', `${CLUSTER}/applicationTypes/VotingType/versions/2.0.0`);
    assert.equal(used.status, 409);
    assert.equal(used.error?.code, 'FABRIC_E_APPLICATION_TYPE_IN_USE');
  });

  it('refuses a version provisioned from another package while this one was staged, by the tag ARM shows', async () => {
    const tagged = await arm('PATCH', `${CLUSTER}/applicationTypes/VotingType/versions/2.0.0`, undefined, { tags: { 'sfu-sfpkg-sha256': 'a'.repeat(64) } });
    assert.equal(tagged.status, 200);
    await assert.rejects(
      releaseThroughArm(client(), await release('2.0.0', { application: undefined, packageSha256: 'b'.repeat(64) }), new ReleaseRecord(), () => undefined),
      (e: Error) =>
        e instanceof ReleaseError &&
        /VotingType 2\.0\.0 was provisioned from another package while this one was staged \(SHA-256 a{64} in its tag 'sfu-sfpkg-sha256', this package's b{64}\)/.test(
          e.message
        )
    );
    const record = new ReleaseRecord();
    await releaseThroughArm(client(), await release('2.0.0', { application: undefined, packageSha256: 'a'.repeat(64) }), record, () => undefined);
    assert.equal(record.provisionResult, 'already-provisioned');
  });

  it('says on cancellation that ARM goes on in the cluster', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const started = releaseThroughArm(client({ signal: controller.signal, log }), await release('3.0.0'), new ReleaseRecord(), line => log.push(line));
    while (!log.some(l => /upgrading the application Voting to 3\.0\.0/.test(l))) await new Promise(r => setTimeout(r, 20));
    controller.abort();
    await assert.rejects(
      started,
      (e: Error) => e instanceof CancelledError && /while ARM was upgrading the application Voting to 3\.0\.0\. ARM goes on/.test(e.message)
    );
    assert.equal(emu.emulator.management.applications.info(clusterApp()!).Status, 'Upgrading');
  });
});
