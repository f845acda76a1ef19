// The release's own round trips: reads that do not depend on each other go side by side, and the
// lease on the destination is released beside the create once the provisioned package is removed.
// Against the emulator in this process; a GatedTransport holds the requests a test names until all
// of them are sent, so "side by side" is shown by the requests themselves, not by a clock.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getDeployInputs } from '../../src/action/deploy-inputs.js';
import { ReleaseReport } from '../../src/action/release-report.js';
import { GatewayClient } from '../../src/cluster/gateway-client.js';
import { ImageStoreClient } from '../../src/cluster/store-client.js';
import type { HttpTransport } from '../../src/cluster/transport.js';
import { runRelease } from '../../src/core/release.js';
import { uploadPackage } from '../../src/core/upload-package.js';
import { checkBeforeWriting, deployRelease, planRelease } from '../../src/deploy/deploy.js';
import { scanPackage } from '../../src/package/package-scan.js';
import { UploadRecord } from '../../src/upload/upload-record.js';
import { Semaphore } from '../../src/util/concurrency.js';
import { SILENT_REPORTER } from '../../src/util/reporter.js';
import { CANONICAL_NAMES, settingNames } from '../../src/util/settings.js';
import { GatedTransport, nth, type RequestRule } from '../helpers/gated-transport.js';
import { startGatingProxy } from '../helpers/gating-proxy.js';
import { startTestCluster, type TestCluster } from '../helpers/management-cluster.js';
import { gatewayReleaseJob } from '../helpers/release-jobs.js';

process.env.SFU_POLL_INTERVAL_MS = '10';
const PKG = path.resolve('sample/VotingApp');
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const get =
  (p: string): RequestRule =>
  r =>
    r.method === 'GET' && r.path === p;

let cluster: TestCluster;
let transports: HttpTransport[] = [];
beforeEach(async () => {
  cluster = await startTestCluster();
  await cluster.upload(PKG, 'VotingApp/1.0.0');
});
afterEach(async () => {
  for (const t of transports) t.dispose();
  transports = [];
  await cluster.dispose();
});

function gatewayOver(transport: HttpTransport): GatewayClient {
  transports.push(transport);
  return new GatewayClient(transport, {
    endpoint: cluster.emu.url,
    apiVersion: '6.0',
    timeoutSeconds: 10,
    retries: 3,
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
    limiter: new Semaphore(8)
  });
}

const plan = (values: Record<string, string>) =>
  planRelease(PKG, 'VotingApp/1.0.0', getDeployInputs(reader({ 'application-name': 'fabric:/VotingApp', ...values })), new ReleaseReport());

test('before any write, the type and the application are read side by side, and each check still reports', async () => {
  const gate = new GatedTransport([get('/ApplicationTypes/VotingType'), get('/Applications/VotingApp')]);
  const report = new ReleaseReport();
  await checkBeforeWriting(await plan({ provision: 'true' }), gatewayOver(gate), report);
  assert.ok(gate.met, 'the application was read while the type was being read');
  assert.equal(report.provisionResult, undefined, 'not provisioned yet');
});

test('a type provisioned already: its manifests are read side by side', async () => {
  await cluster.provision('VotingApp/1.0.0');
  const manifests = '/ApplicationTypes/VotingType/$/';
  const gate = new GatedTransport([
    get(`${manifests}GetApplicationManifest`),
    nth(1, get(`${manifests}GetServiceManifest`)),
    nth(2, get(`${manifests}GetServiceManifest`))
  ]);
  const report = new ReleaseReport();
  const p = await plan({});
  await checkBeforeWriting(p, gatewayOver(gate), report);
  assert.ok(gate.met, 'the application manifest and both service manifests were read at once');
  assert.equal(p?.alreadyProvisioned, true);
  assert.equal(report.provisionResult, 'already-provisioned');
});

test('after the provision, the application is read again beside the removal of the package', async () => {
  const gate = new GatedTransport([r => r.method === 'DELETE' && r.path === '/ImageStore/VotingApp/1.0.0', get('/Applications/VotingApp')]);
  const gateway = gatewayOver(gate);
  const report = new ReleaseReport();
  await deployRelease(await plan({ provision: 'true' }), { gateway, client: new ImageStoreClient(gateway) }, report);
  assert.ok(gate.met, 'the application was read while the package was being removed');
  assert.equal(report.packageDeleted, true);
  assert.equal(report.applicationResult, 'created');
});

test('the caller is told once the package is removed, and its work runs beside the create', async () => {
  const gate = new GatedTransport([r => r.method === 'POST' && r.path === '/Applications/$/Create', get('/ImageStore/Elsewhere')]);
  const gateway = gatewayOver(gate);
  const store = new ImageStoreClient(gateway);
  const report = new ReleaseReport();
  let removedFirst: boolean | undefined;
  const packageDone = async () => {
    removedFirst = cluster.emu.journal.entries.some(e => e.op === 'delete' && e.path === 'VotingApp/1.0.0');
    await store.list('Elsewhere'); // stands for the lease's release: held by the gate until the create is sent
  };
  await deployRelease(await plan({ provision: 'true' }), { gateway, client: store }, report, undefined, { packageDone });
  assert.equal(removedFirst, true, 'called only once the package was removed');
  assert.ok(gate.met, "the caller's work and the create request were in flight together");
  assert.equal(report.applicationResult, 'created');
});

test('a package that cannot be removed stops the release before the create, and the caller is not told', async () => {
  await cluster.dispose();
  cluster = await startTestCluster({ faults: { failRate: 1, failKinds: ['busy'], routes: ['delete'] } });
  await cluster.upload(PKG, 'VotingApp/1.0.0');
  const gateway = cluster.gateway();
  let told = false;
  await assert.rejects(
    deployRelease(await plan({ provision: 'true' }), { gateway, client: cluster.store(gateway) }, new ReleaseReport(), undefined, {
      packageDone: async () => {
        told = true;
      }
    }),
    /delete/i
  );
  assert.equal(told, false);
  assert.equal(cluster.count('create-application'), 0);
});

test("the lease is confirmed beside the verification's reads, before the package root's mark file", async () => {
  const gate = new GatedTransport([nth(2, get('/ImageStore/Dest.sfu-lease')), get('/ImageStore/Dest/$/FolderSize')]);
  const client = new ImageStoreClient(gatewayOver(gate));
  const pkg = await scanPackage(PKG, ['**']);
  const record = new UploadRecord();
  const spec = {
    imageStorePath: 'Dest',
    overwrite: 'replace',
    chunkSize: 1 << 20,
    concurrency: 4,
    copyTo: undefined,
    cleanupPaths: [],
    dryRun: false
  } as const;
  let lease: { release(): Promise<void> } | undefined;
  await uploadPackage(
    { client, spec, record, reporter: SILENT_REPORTER, names: CANONICAL_NAMES, signal: new AbortController().signal, onLease: l => (lease = l) },
    pkg
  );
  await lease?.release();
  assert.ok(gate.met, "the lease's folder was listed while the destination's size was being read");
  assert.equal(record.rootMarked, true);
});

/** The release of the sample to fabric:/VotingApp from 'Voting/1.0.0', through `endpoint`. */
const releaseJob = (endpoint: string) =>
  gatewayReleaseJob({
    endpoint,
    packagePath: PKG,
    imageStorePath: 'Voting/1.0.0',
    applicationName: 'fabric:/VotingApp',
    keepPackage: false,
    names: settingNames(name => name)
  });

test('a release lists its destination beside the reads before any write', async () => {
  const proxy = await startGatingProxy(cluster.emu.url, [get('/ApplicationTypes/VotingType'), get('/ImageStore/Voting/1.0.0')]);
  try {
    const result = await runRelease(releaseJob(proxy.url), SILENT_REPORTER, new AbortController().signal);
    assert.equal(result.error, undefined);
    assert.ok(proxy.met, 'the destination was listed while the type was being read');
    assert.equal(result.release.applicationResult, 'created');
    assert.equal(result.upload.rootMarked, true);
  } finally {
    await proxy.close();
  }
});

test('a release releases its lease beside the create once the provisioned package is removed, never before, and leaves none behind', async () => {
  const job = releaseJob(cluster.emu.url);
  // The create's group ends only once the lease is gone: a lease released when the step ends, after
  // the create, cannot be gone by then. The bound only ends the wrong case (the right one takes a
  // round trip); it is a minute so that a loaded machine never fails the right one.
  const lease = cluster.emu.diskPath('Voting/1.0.0.sfu-lease');
  let goneBeforeTheCreateEnded: boolean | undefined;
  const reporter = {
    ...SILENT_REPORTER,
    group: async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const value = await fn();
      if (name.startsWith('Create ')) {
        for (const deadline = Date.now() + 60_000; existsSync(lease) && Date.now() < deadline;) await sleep(10);
        goneBeforeTheCreateEnded = !existsSync(lease);
      }
      return value;
    }
  };
  const result = await runRelease(job, reporter, new AbortController().signal);
  assert.equal(goneBeforeTheCreateEnded, true, 'the lease was released beside the create');
  assert.equal(result.error, undefined);
  assert.equal(result.release.applicationResult, 'created');
  const writes = cluster.emu.journal.entries;
  const packageRemoved = writes.find(e => e.op === 'delete' && e.path === 'Voting/1.0.0');
  const leaseDeletes = writes.filter(e => e.op === 'delete' && e.path.startsWith('Voting/1.0.0.sfu-lease'));
  assert.ok(packageRemoved, 'the package was removed after the provision');
  assert.ok(leaseDeletes.length > 0 && leaseDeletes.every(e => e.seq > packageRemoved.seq), 'the lease outlived the package');
  assert.equal(existsSync(lease), false, 'no lease left behind');
});
