// An asynchronous provision answers 202 as soon as the cluster accepts it, and the image builder
// works afterwards: the version is listed Provisioning, then Available or Failed with the image
// builder's message. Builds are held by hand (the emulator's imageBuilderHold, or a file server that
// has not answered yet) and the cluster's clock is moved by hand, so nothing here depends on timing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApplicationTypeInfo, PagedApplicationTypeInfoList } from '../src/protocol/management-models.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { json, rawRequest, type RawResponse } from './helpers/raw-http.js';
import { sampleSfpkgBytes } from './helpers/sf-packages.js';
import { startTestCluster, type TestCluster } from './helpers/management-cluster.js';

const PROVISION_MS = 5_000;

/** A promise the test resolves by hand. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>(resolve => (open = resolve));
  return { opened, open };
}

function provisionBody(cluster: TestCluster, body: Record<string, unknown>): Promise<RawResponse> {
  return rawRequest('POST', `${cluster.emu.url}/ApplicationTypes/$/Provision?api-version=6.2`, {
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  });
}

const fromStore = (cluster: TestCluster, buildPath: string, cleanup = 'Default') =>
  provisionBody(cluster, { Kind: 'ImageStorePath', ApplicationTypeBuildPath: buildPath, Async: true, ApplicationPackageCleanupPolicy: cleanup });

const fromUri = (cluster: TestCluster, uri: string, version = '1.0.0') =>
  provisionBody(cluster, {
    Kind: 'ExternalStore',
    ApplicationPackageDownloadUri: uri,
    ApplicationTypeName: 'VotingType',
    ApplicationTypeVersion: version,
    Async: true
  });

async function typeInfo(cluster: TestCluster, version: string): Promise<ApplicationTypeInfo | undefined> {
  const r = await rawRequest('GET', `${cluster.emu.url}/ApplicationTypes/VotingType?api-version=6.0&ApplicationTypeVersion=${version}`);
  assert.equal(r.status, 200, r.text);
  return json<PagedApplicationTypeInfoList>(r).Items[0];
}

describe('emulator: an asynchronous provision from the Image Store', () => {
  const clock = { t: Date.UTC(2026, 0, 1) };
  const holds = new Map<string, ReturnType<typeof gate>>();
  const held: string[] = [];
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({
      management: {
        clock: () => clock.t,
        provisionSeconds: PROVISION_MS / 1000,
        imageBuilderHold: (_type, version) => {
          held.push(version);
          return holds.get(version)?.opened ?? Promise.resolve();
        }
      }
    });
  });
  after(() => cluster.dispose());

  it('answers 202 before the image builder runs, lists the version Provisioning, then Available; the package goes when the build ends', async () => {
    const hold = gate();
    holds.set('1.0.0', hold);
    await cluster.upload(await sampleAtVersion('1.0.0'), 'held/VotingApp');
    const r = await fromStore(cluster, 'held/VotingApp');
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.length, 0);
    assert.equal((await typeInfo(cluster, '1.0.0'))?.Status, 'Provisioning');
    assert.equal(existsSync(cluster.emu.diskPath('held/VotingApp/ApplicationManifest.xml')), true, 'the package stays until the build ends');
    assert.equal((await fromStore(cluster, 'held/VotingApp')).status, 202, 'posting again while it builds is accepted');
    const unprovision = await rawRequest('POST', `${cluster.emu.url}/ApplicationTypes/VotingType/$/Unprovision?api-version=6.0`, {
      body: JSON.stringify({ ApplicationTypeVersion: '1.0.0' })
    });
    assert.equal(unprovision.status, 409, unprovision.text);
    clock.t += PROVISION_MS;
    assert.equal((await typeInfo(cluster, '1.0.0'))?.Status, 'Provisioning', 'not Available while the image builder works, whatever the clock');
    hold.open();
    await cluster.emu.emulator.management.buildsSettled();
    assert.equal((await typeInfo(cluster, '1.0.0'))?.Status, 'Available');
    assert.deepEqual(held, ['1.0.0'], 'one build for both posts');
    assert.equal(existsSync(cluster.emu.diskPath('held/VotingApp')), false, 'the Default policy removes the package after the build');
  });

  it('stays Provisioning for --provision-seconds after the 202 even when the build ends sooner', async () => {
    await cluster.upload(await sampleAtVersion('1.1.0'), 'quick/VotingApp');
    assert.equal((await fromStore(cluster, 'quick/VotingApp', 'Manual')).status, 202);
    await cluster.emu.emulator.management.buildsSettled();
    assert.equal((await typeInfo(cluster, '1.1.0'))?.Status, 'Provisioning');
    clock.t += PROVISION_MS;
    assert.equal((await typeInfo(cluster, '1.1.0'))?.Status, 'Available');
    assert.equal(existsSync(cluster.emu.diskPath('quick/VotingApp/ApplicationManifest.xml')), true, 'Manual keeps the package');
  });

  it('accepts a package whose parts are wrong, then lists it Failed with the image builder message and keeps the package', async () => {
    const dir = await sampleAtVersion('1.2.0');
    await rm(path.join(dir, 'VotingDataPkg', 'Data'), { recursive: true });
    await cluster.upload(dir, 'broken/VotingApp');
    const hold = gate();
    holds.set('1.2.0', hold);
    assert.equal((await fromStore(cluster, 'broken/VotingApp')).status, 202, 'the parts are not checked before the 202');
    assert.equal((await typeInfo(cluster, '1.2.0'))?.Status, 'Provisioning');
    hold.open();
    await cluster.emu.emulator.management.buildsSettled();
    clock.t += PROVISION_MS;
    const failed = await typeInfo(cluster, '1.2.0');
    assert.equal(failed?.Status, 'Failed');
    assert.match(failed?.StatusDetails ?? '', /BuildLayout of the application is invalid\. Data is missing for service VotingDataPkg/);
    assert.equal(existsSync(cluster.emu.diskPath('broken/VotingApp/ApplicationManifest.xml')), true, 'a failed provision leaves the package');
  });

  it('still answers at once what it reads before accepting: a missing folder or mark file, an unreadable manifest', async () => {
    const missing = await fromStore(cluster, 'nowhere/VotingApp');
    assert.equal(missing.status, 400);
    assert.match(missing.text, /FABRIC_E_DIRECTORY_NOT_FOUND/);
    const dir = await sampleAtVersion('1.3.0', (rel, text) => (rel === 'ApplicationManifest.xml' ? text.slice(0, 40) : text));
    await cluster.upload(dir, 'unreadable/VotingApp');
    const unreadable = await fromStore(cluster, 'unreadable/VotingApp');
    assert.equal(unreadable.status, 400);
    assert.match(unreadable.text, /FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR/);
    assert.equal(await typeInfo(cluster, '1.3.0'), undefined);
  });
});

describe('emulator: an asynchronous provision from an external store', () => {
  let cluster: TestCluster;
  let files: Server;
  let origin: string;
  const served = new Map<string, Buffer>();
  /** Requests the file server keeps waiting until their gate opens. */
  const held = new Map<string, ReturnType<typeof gate>>();
  const arrived = new Map<string, ReturnType<typeof gate>>();
  const hungUp = new Map<string, ReturnType<typeof gate>>();

  before(async () => {
    cluster = await startTestCluster({ management: { provisionSeconds: 0 } });
    const bytes = await sampleSfpkgBytes('1.0.0');
    served.set('/c/VotingType.1.0.0.sfpkg', bytes);
    served.set('/c/Truncated.sfpkg', bytes.subarray(0, bytes.length - 30));
    files = createServer((req: IncomingMessage, res: ServerResponse) => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      arrived.get(pathname)?.open();
      res.on('close', () => hungUp.get(pathname)?.open());
      const body = served.get(pathname);
      (held.get(pathname)?.opened ?? Promise.resolve()).then(
        () => res.writeHead(body ? 200 : 404).end(body),
        () => undefined
      );
    });
    await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  after(async () => {
    await cluster.dispose();
    files.closeAllConnections();
    await new Promise(resolve => files.close(resolve));
  });

  it('answers 202 before the .sfpkg is downloaded, lists the version Provisioning, then Available', async () => {
    const hold = gate();
    held.set('/c/VotingType.1.0.0.sfpkg', hold);
    const r = await fromUri(cluster, `${origin}/c/VotingType.1.0.0.sfpkg?sig=x`);
    assert.equal(r.status, 202, r.text);
    const pending = await typeInfo(cluster, '1.0.0');
    assert.equal(pending?.Status, 'Provisioning');
    assert.deepEqual(pending?.DefaultParameterList, [], 'nothing is read from the package yet');
    hold.open();
    await cluster.emu.emulator.management.buildsSettled();
    const available = await typeInfo(cluster, '1.0.0');
    assert.equal(available?.Status, 'Available');
    assert.ok((available?.DefaultParameterList.length ?? 0) > 0, 'the manifest’s parameters once built');
  });

  it('accepts a version other than the manifest’s, a damaged archive or a failed download, then lists it Failed; never echoing the query', async () => {
    const cases: [string, string, RegExp][] = [
      [`${origin}/c/VotingType.1.0.0.sfpkg?sig=SECRET`, '9.9.9', /does not match VotingType 1\.0\.0/],
      [`${origin}/c/Truncated.sfpkg?sig=SECRET`, '9.9.8', /is not a valid \.sfpkg/],
      [`${origin}/c/Missing.sfpkg?sig=SECRET`, '9.9.7', /Could not download .* 404/]
    ];
    for (const [uri, version] of cases) assert.equal((await fromUri(cluster, uri, version)).status, 202, uri);
    await cluster.emu.emulator.management.buildsSettled();
    for (const [, version, message] of cases) {
      const failed = await typeInfo(cluster, version);
      assert.equal(failed?.Status, 'Failed', version);
      assert.match(failed?.StatusDetails ?? '', message);
      assert.doesNotMatch(failed?.StatusDetails ?? '', /SECRET/);
    }
  });

  it('shuts down while a download and a held build run: the download is hung up, the builds end Failed', async () => {
    const other = await startTestCluster({ management: { imageBuilderHold: () => new Promise(() => {}) } });
    const stuck = await startTestCluster();
    const pathname = '/c/VotingType.1.0.0.sfpkg';
    held.set(pathname, gate()); // never answered
    arrived.set(pathname, gate());
    hungUp.set(pathname, gate());
    assert.equal((await fromUri(stuck, `${origin}${pathname}`)).status, 202);
    await arrived.get(pathname)!.opened;
    await other.upload(await sampleAtVersion('2.0.0'), 'held/VotingApp');
    assert.equal((await fromStore(other, 'held/VotingApp')).status, 202);
    await Promise.all([stuck.dispose(), other.dispose()]);
    await hungUp.get(pathname)!.opened;
    const types = [...stuck.emu.emulator.management.types.all(), ...other.emu.emulator.management.types.all()];
    assert.deepEqual(
      types.map(v => [v.version, v.building, v.failure]),
      [
        ['1.0.0', false, 'The emulator shut down before the build ended.'],
        ['2.0.0', false, 'The emulator shut down before the build ended.']
      ]
    );
  });
});
