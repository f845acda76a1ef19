// Drives the emulator's cluster management routes with raw HTTP: provision (sync, async, diff
// packages, validation), types, manifests, unprovision, applications, upgrades and health. The
// cluster's clock is moved by hand, so nothing here waits or depends on timing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { runAction } from '../scripts/runner.js';
import { errorCode, json, rawRequest, type RawResponse } from './helpers/raw-http.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import type {
  ApplicationHealth,
  ApplicationInfo,
  ApplicationUpgradeProgressInfo,
  PagedApplicationInfoList,
  PagedApplicationTypeInfoList,
  ServiceTypeInfo
} from '../src/protocol/management-models.js';

type Files = Record<string, string | Buffer>;

const sampleDir = fileURLToPath(new URL('../sample/VotingApp', import.meta.url));

function sampleFiles(): Files {
  const out: Files = {};
  for (const e of readdirSync(sampleDir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(sampleDir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    out[rel] = readFileSync(path.join(e.parentPath, e.name));
  }
  return out;
}

const text = (files: Files, rel: string) => files[rel]!.toString();

/** The sample at application version `version`; `web` bumps VotingWebPkg and its Code to that version with new code. */
function votingApp(version: string, options: { web?: string; typeName?: string } = {}): Files {
  const files = sampleFiles();
  let app = text(files, 'ApplicationManifest.xml').replace('ApplicationTypeVersion="1.0.0"', `ApplicationTypeVersion="${version}"`);
  if (options.typeName) app = app.replace('ApplicationTypeName="VotingType"', `ApplicationTypeName="${options.typeName}"`);
  if (options.web) {
    app = app.replace(
      'ServiceManifestName="VotingWebPkg" ServiceManifestVersion="1.0.0"',
      `ServiceManifestName="VotingWebPkg" ServiceManifestVersion="${options.web}"`
    );
    files['VotingWebPkg/ServiceManifest.xml'] = text(files, 'VotingWebPkg/ServiceManifest.xml')
      .replace('Name="VotingWebPkg" Version="1.0.0"', `Name="VotingWebPkg" Version="${options.web}"`)
      .replace('<CodePackage Name="Code" Version="1.0.0">', `<CodePackage Name="Code" Version="${options.web}">`);
    files['VotingWebPkg/Code/wwwroot/index.html'] = `<html>version ${options.web}</html>`;
  }
  files['ApplicationManifest.xml'] = app;
  return files;
}

function without(files: Files, prefix: string): Files {
  return Object.fromEntries(Object.entries(files).filter(([rel]) => !rel.startsWith(prefix)));
}

/** Uploads with plain PUTs, then the mark files deepest first and the root's last, as a client must. */
async function upload(emu: TestEmulator, destination: string, files: Files, { marks = true } = {}): Promise<void> {
  for (const [rel, body] of Object.entries(files)) {
    const r = await rawRequest('PUT', emu.storeUrl(`${destination}/${rel}`), { body });
    assert.equal(r.status, 200, `PUT ${rel}`);
  }
  if (!marks) return;
  const folders = new Set<string>(['']);
  for (const rel of Object.keys(files)) {
    const segments = rel.split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
  }
  const deepestFirst = [...folders].sort((a, b) => b.split('/').length - a.split('/').length || (a === '' ? 1 : b === '' ? -1 : 0));
  for (const folder of deepestFirst) {
    const mark = folder === '' ? `${destination}/_.dir` : `${destination}/${folder}/_.dir`;
    assert.equal((await rawRequest('PUT', emu.storeUrl(mark), { body: '' })).status, 200);
  }
}

/** A zip archive with stored (uncompressed) entries: enough for the cluster's checks. */
function storedZip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Replaces the folder `<service>/<part>/` by `<service>/<part>.zip` holding its files. */
function zipPart(files: Files, folder: string, entryName = (rel: string) => rel): Files {
  const inside = Object.entries(files).filter(([rel]) => rel.startsWith(`${folder}/`));
  const out = without(files, `${folder}/`);
  out[`${folder}.zip`] = storedZip(Object.fromEntries(inside.map(([rel, c]) => [entryName(rel.slice(folder.length + 1)), c])));
  return out;
}

function url(emu: TestEmulator, route: string, query: Record<string, string> = {}): string {
  return `${emu.url}/${route}?${new URLSearchParams({ 'api-version': '6.0', ...query })}`;
}

function post(emu: TestEmulator, route: string, body: unknown, query: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest('POST', url(emu, route, query), {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  });
}

function get(emu: TestEmulator, route: string, query: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest('GET', url(emu, route, query));
}

function provision(emu: TestEmulator, buildPath: string, options: { async?: boolean; cleanup?: string } = {}): Promise<RawResponse> {
  const body: Record<string, unknown> = { Kind: 'ImageStorePath', ApplicationTypeBuildPath: buildPath, Async: options.async ?? false };
  if (options.cleanup) body.ApplicationPackageCleanupPolicy = options.cleanup;
  return post(emu, 'ApplicationTypes/$/Provision', body, { 'api-version': '6.2' });
}

async function typeInfo(emu: TestEmulator, name: string, version: string) {
  const r = await get(emu, `ApplicationTypes/${name}`, { ApplicationTypeVersion: version });
  assert.equal(r.status, 200);
  return json<PagedApplicationTypeInfoList>(r).Items[0];
}

async function progress(emu: TestEmulator, id: string): Promise<ApplicationUpgradeProgressInfo> {
  const r = await get(emu, `Applications/${id}/$/GetUpgradeProgress`);
  assert.equal(r.status, 200, r.text);
  return json<ApplicationUpgradeProgressInfo>(r);
}

async function application(emu: TestEmulator, id: string): Promise<ApplicationInfo> {
  const r = await get(emu, `Applications/${id}`);
  assert.equal(r.status, 200);
  return json<ApplicationInfo>(r);
}

function assertError(r: RawResponse, status: number, code: string, message?: RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(errorCode(r), code, r.text);
  if (message) assert.match(json<{ Error: { Message: string } }>(r).Error.Message, message);
}

const DOMAIN_MS = 10_000;
const PROVISION_MS = 5_000;

/** An emulator whose cluster clock the test moves. */
async function startCluster(unhealthyVersions: string[] = []) {
  const clock = { t: Date.UTC(2026, 0, 1) };
  const emu = await startTestEmulator({
    management: { clock: () => clock.t, upgradeDomains: 3, upgradeDomainSeconds: DOMAIN_MS / 1000, provisionSeconds: PROVISION_MS / 1000, unhealthyVersions }
  });
  return { emu, clock, tick: (ms: number) => (clock.t += ms) };
}

async function provisioned(emu: TestEmulator, buildPath: string, files: Files): Promise<void> {
  await upload(emu, buildPath, files);
  const r = await provision(emu, buildPath);
  assert.equal(r.status, 200, r.text);
}

async function create(emu: TestEmulator, version: string, parameters: { Key: string; Value: string }[] = []): Promise<RawResponse> {
  return post(emu, 'Applications/$/Create', { Name: 'fabric:/VotingApp', TypeName: 'VotingType', TypeVersion: version, ParameterList: parameters });
}

function upgradeBody(version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: 'fabric:/VotingApp',
    TargetApplicationTypeVersion: version,
    Parameters: [],
    UpgradeKind: 'Rolling',
    RollingUpgradeMode: 'Monitored',
    MonitoringPolicy: { FailureAction: 'Rollback', HealthCheckWaitDurationInMilliseconds: 'PT0H0M30S', UpgradeDomainTimeoutInMilliseconds: '600000' },
    ...extra
  };
}

describe('emulator management: provision', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let emu: TestEmulator;
  before(async () => {
    cluster = await startCluster();
    emu = cluster.emu;
  });
  after(() => emu.dispose());

  it('refuses a 6.2 body whose Kind is missing or not the first property, and api-versions out of range', async () => {
    await upload(emu, 'kind/VotingApp', votingApp('0.1.0'));
    const notFirst = '{"ApplicationTypeBuildPath":"kind/VotingApp","Kind":"ImageStorePath","Async":false}';
    assertError(await post(emu, 'ApplicationTypes/$/Provision', notFirst, { 'api-version': '6.2' }), 400, 'E_INVALIDARG', /must start with its "Kind"/);
    assertError(await post(emu, 'ApplicationTypes/$/Provision', { ApplicationTypeBuildPath: 'kind/VotingApp' }, { 'api-version': '6.2' }), 400, 'E_INVALIDARG');
    assertError(
      await post(emu, 'ApplicationTypes/$/Provision', { Kind: 'Other', ApplicationTypeBuildPath: 'kind/VotingApp' }, { 'api-version': '6.2' }),
      400,
      'E_INVALIDARG'
    );
    for (const v of ['5.9', '9.2', 'x']) {
      assertError(
        await post(emu, 'ApplicationTypes/$/Provision', { Kind: 'ImageStorePath', ApplicationTypeBuildPath: 'kind/VotingApp' }, { 'api-version': v }),
        400,
        'E_INVALIDARG'
      );
    }
    assert.equal(await typeInfo(emu, 'VotingType', '0.1.0'), undefined, 'nothing was provisioned');
  });

  it('takes the old body without Kind at api-version 6.0, synchronously', async () => {
    const r = await post(emu, 'ApplicationTypes/$/Provision', { ApplicationTypeBuildPath: 'kind/VotingApp' }, { 'api-version': '6.0' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await typeInfo(emu, 'VotingType', '0.1.0'))?.Status, 'Available');
  });

  it('provisions synchronously: 200, the type Available with its default parameters, the package deleted (Default policy)', async () => {
    await upload(emu, 'sync/VotingApp', votingApp('1.0.0'));
    const r = await provision(emu, 'sync/VotingApp');
    assert.equal(r.status, 200, r.text);
    const info = await typeInfo(emu, 'VotingType', '1.0.0');
    assert.deepEqual(info, {
      Name: 'VotingType',
      Version: '1.0.0',
      DefaultParameterList: [
        { Key: 'VotingData_MinReplicaSetSize', Value: '3' },
        { Key: 'VotingData_PartitionCount', Value: '1' },
        { Key: 'VotingData_TargetReplicaSetSize', Value: '3' },
        { Key: 'VotingWeb_InstanceCount', Value: '-1' }
      ],
      Status: 'Available',
      StatusDetails: '',
      ApplicationTypeDefinitionKind: 'ServiceFabricApplicationPackage'
    });
    const excluded = await get(emu, 'ApplicationTypes/VotingType', { ApplicationTypeVersion: '1.0.0', ExcludeApplicationParameters: 'true' });
    assert.deepEqual(json<PagedApplicationTypeInfoList>(excluded).Items[0]?.DefaultParameterList, []);
    assert.equal(existsSync(emu.diskPath('sync/VotingApp')), false, 'the package is removed after a successful provision');
  });

  it('answers 409 FABRIC_E_APPLICATION_TYPE_ALREADY_EXISTS for the same type and version, also in another case', async () => {
    await upload(emu, 'again/VotingApp', votingApp('1.0.0'));
    assertError(await provision(emu, 'again/VotingApp'), 409, 'FABRIC_E_APPLICATION_TYPE_ALREADY_EXISTS');
    await upload(emu, 'case/VotingApp', votingApp('1.0.0', { typeName: 'votingtype' }));
    assertError(await provision(emu, 'case/VotingApp', { async: true }), 409, 'FABRIC_E_APPLICATION_TYPE_ALREADY_EXISTS');
  });

  it('provisions one version once when two requests race', async () => {
    await upload(emu, 'race1/VotingApp', votingApp('1.0.5'));
    await upload(emu, 'race2/VotingApp', votingApp('1.0.5'));
    const answers = await Promise.all([provision(emu, 'race1/VotingApp', { cleanup: 'Manual' }), provision(emu, 'race2/VotingApp', { cleanup: 'Manual' })]);
    assert.deepEqual(answers.map(a => a.status).sort(), [200, 409]);
    assert.match(errorCode(answers.find(a => a.status === 409)!) ?? '', /^FABRIC_E_APPLICATION_TYPE_(ALREADY_EXISTS|PROVISION_IN_PROGRESS)$/);
    assert.equal((await get(emu, 'ApplicationTypes/VotingType', { ApplicationTypeVersion: '1.0.5' })).text.match(/"Version"/g)?.length, 1);
  });

  it('provisions asynchronously: 202 with an empty body and no Location, Provisioning then Available; Manual keeps the package', async () => {
    await upload(emu, 'async/VotingApp', votingApp('1.1.0'));
    const r = await provision(emu, 'async/VotingApp', { async: true, cleanup: 'Manual' });
    assert.equal(r.status, 202);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers.location, undefined);
    assert.equal((await typeInfo(emu, 'VotingType', '1.1.0'))?.Status, 'Provisioning');
    assertError(
      await get(emu, 'ApplicationTypes/VotingType/$/GetApplicationManifest', { ApplicationTypeVersion: '1.1.0' }),
      404,
      'FABRIC_E_APPLICATION_TYPE_NOT_FOUND'
    );
    assertError(await create(emu, '1.1.0'), 404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND', /not yet Available/);
    assert.equal((await provision(emu, 'async/VotingApp', { async: true, cleanup: 'Manual' })).status, 202, 'posting again while it provisions is accepted');
    await emu.emulator.management.buildsSettled();
    cluster.tick(PROVISION_MS);
    assert.equal((await typeInfo(emu, 'VotingType', '1.1.0'))?.Status, 'Available');
    assert.equal(existsSync(emu.diskPath('async/VotingApp/ApplicationManifest.xml')), true, 'Manual keeps the package');
  });

  it('lists every type version, and an unknown type as an empty list', async () => {
    const all = json<PagedApplicationTypeInfoList>(await get(emu, 'ApplicationTypes'));
    assert.equal(all.ContinuationToken, '');
    assert.deepEqual(
      all.Items.map(i => `${i.Name}@${i.Version}`),
      ['VotingType@0.1.0', 'VotingType@1.0.0', 'VotingType@1.0.5', 'VotingType@1.1.0']
    );
    const none = await get(emu, 'ApplicationTypes/NoSuchType');
    assert.equal(none.status, 200);
    assert.deepEqual(json(none), { ContinuationToken: '', Items: [] });
  });

  it('refuses an invalid package synchronously with the image builder message', async () => {
    // A type the cluster does not hold yet: nothing can be left out.
    await upload(emu, 'bad/VotingApp', without(votingApp('2.0.0', { typeName: 'FreshType' }), 'VotingWebPkg/Code/'));
    assertError(
      await provision(emu, 'bad/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /BuildLayout of the application is invalid\. Code is missing for service VotingWebPkg/
    );
    assert.equal(await typeInfo(emu, 'FreshType', '2.0.0'), undefined);
    assert.equal(existsSync(emu.diskPath('bad/VotingApp/ApplicationManifest.xml')), true, 'a failed provision leaves the package');

    const mismatch = votingApp('2.0.1');
    mismatch['VotingDataPkg/ServiceManifest.xml'] = text(mismatch, 'VotingDataPkg/ServiceManifest.xml').replace(
      'Version="1.0.0" xmlns',
      'Version="1.0.9" xmlns'
    );
    await upload(emu, 'mismatch/VotingApp', mismatch);
    assertError(
      await provision(emu, 'mismatch/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /ServiceManifestVersion='1.0.0'. This does not match/
    );

    await upload(emu, 'broken/VotingApp', { ...votingApp('2.0.2'), 'ApplicationManifest.xml': '<ApplicationManifest' });
    assertError(await provision(emu, 'broken/VotingApp', { async: true }), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /not well-formed/);
  });

  it('refuses a package without its mark files or folder with FABRIC_E_DIRECTORY_NOT_FOUND', async () => {
    await upload(emu, 'unmarked/VotingApp', votingApp('2.1.0'), { marks: false });
    assertError(await provision(emu, 'unmarked/VotingApp'), 400, 'FABRIC_E_DIRECTORY_NOT_FOUND');
    assertError(await provision(emu, 'nowhere/VotingApp'), 400, 'FABRIC_E_DIRECTORY_NOT_FOUND');
    assertError(await provision(emu, '../outside'), 400, 'E_INVALIDARG');
  });

  it('fails an asynchronous provision with StatusDetails, and retries it when posted again', async () => {
    const good = votingApp('3.0.0', { typeName: 'RetriedType' });
    await upload(emu, 'retry/VotingApp', without(good, 'VotingDataPkg/Data/'));
    assert.equal((await provision(emu, 'retry/VotingApp', { async: true })).status, 202);
    assert.equal((await typeInfo(emu, 'RetriedType', '3.0.0'))?.Status, 'Provisioning');
    await emu.emulator.management.buildsSettled();
    cluster.tick(PROVISION_MS);
    const failed = await typeInfo(emu, 'RetriedType', '3.0.0');
    assert.equal(failed?.Status, 'Failed');
    assert.match(failed?.StatusDetails ?? '', /Data is missing for service VotingDataPkg/);
    await upload(emu, 'retry/VotingApp', { 'VotingDataPkg/Data/seed-votes.json': good['VotingDataPkg/Data/seed-votes.json']! }, { marks: false });
    await rawRequest('PUT', emu.storeUrl('retry/VotingApp/VotingDataPkg/Data/_.dir'), { body: '' });
    assert.equal((await provision(emu, 'retry/VotingApp', { async: true })).status, 202);
    await emu.emulator.management.buildsSettled();
    cluster.tick(PROVISION_MS);
    assert.equal((await typeInfo(emu, 'RetriedType', '3.0.0'))?.Status, 'Available');
  });

  it('serves the application manifest, a service manifest and the service types', async () => {
    const q = { ApplicationTypeVersion: '1.0.0' };
    const app = await get(emu, 'ApplicationTypes/VotingType/$/GetApplicationManifest', q);
    assert.equal(app.status, 200);
    assert.equal(json<{ Manifest: string }>(app).Manifest, text(votingApp('1.0.0'), 'ApplicationManifest.xml'));
    const web = await get(emu, 'ApplicationTypes/VotingType/$/GetServiceManifest', { ...q, ServiceManifestName: 'VotingWebPkg' });
    assert.equal(json<{ Manifest: string }>(web).Manifest, text(sampleFiles(), 'VotingWebPkg/ServiceManifest.xml'));
    const types = json<ServiceTypeInfo[]>(await get(emu, 'ApplicationTypes/VotingType/$/GetServiceTypes', q));
    assert.deepEqual(
      types.map(t => [
        t.ServiceTypeDescription.Kind,
        t.ServiceTypeDescription.ServiceTypeName,
        t.ServiceManifestName,
        t.ServiceManifestVersion,
        t.IsServiceGroup
      ]),
      [
        ['Stateful', 'VotingDataType', 'VotingDataPkg', '1.0.0', false],
        ['Stateless', 'VotingWebType', 'VotingWebPkg', '1.0.0', false]
      ]
    );
    assertError(await get(emu, 'ApplicationTypes/VotingType/$/GetApplicationManifest'), 400, 'E_INVALIDARG');
    assertError(
      await get(emu, 'ApplicationTypes/VotingType/$/GetApplicationManifest', { ApplicationTypeVersion: '9.9.9' }),
      404,
      'FABRIC_E_APPLICATION_TYPE_NOT_FOUND'
    );
    assertError(
      await get(emu, 'ApplicationTypes/VotingType/$/GetServiceManifest', { ...q, ServiceManifestName: 'Nope' }),
      404,
      'FABRIC_E_SERVICE_MANIFEST_NOT_FOUND'
    );
  });
});

describe('emulator management: diff packages and checksums', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = (await startCluster()).emu;
    await provisioned(emu, 'v1/VotingApp', votingApp('1.0.0'));
  });
  after(() => emu.dispose());

  it('accepts a package that leaves out the service packages the type already holds', async () => {
    const v2 = without(votingApp('2.0.0', { web: '2.0.0' }), 'VotingDataPkg/');
    delete v2['VotingWebPkg/Config/Settings.xml'];
    await provisioned(emu, 'v2/VotingApp', v2);
    const data = await get(emu, 'ApplicationTypes/VotingType/$/GetServiceManifest', { ApplicationTypeVersion: '2.0.0', ServiceManifestName: 'VotingDataPkg' });
    assert.equal(data.status, 200);
    assert.equal(json<{ Manifest: string }>(data).Manifest, text(sampleFiles(), 'VotingDataPkg/ServiceManifest.xml'));
  });

  it('refuses a part left out that the type does not hold', async () => {
    await upload(emu, 'v3/VotingApp', without(votingApp('3.0.0', { web: '3.0.0' }), 'VotingWebPkg/Code/'));
    assertError(await provision(emu, 'v3/VotingApp'), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /BuildLayout .* is invalid\. Code is missing/);
    const otherType = without(votingApp('1.0.0', { typeName: 'OtherType' }), 'VotingDataPkg/');
    await upload(emu, 'other/VotingApp', otherType);
    assertError(
      await provision(emu, 'other/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /ServiceManifest\.xml is missing for service manifest 'VotingDataPkg'/
    );
  });

  it('refuses a part whose content changed under the same version, zipped or not', async () => {
    const changed = votingApp('4.0.0');
    changed['VotingDataPkg/Code/appsettings.json'] = '{"changed":true}';
    await upload(emu, 'v4/VotingApp', changed);
    assertError(
      await provision(emu, 'v4/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /The content in CodePackage Name:Code and Version:1\.0\.0 in Service Manifest 'VotingDataPkg' has changed, but the version number is the same/
    );
    const zipped = zipPart(votingApp('4.0.1'), 'VotingDataPkg/Config');
    await upload(emu, 'v401/VotingApp', zipped);
    assertError(await provision(emu, 'v401/VotingApp'), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /ConfigPackage Name:Config .* has changed/);
    await upload(emu, 'v402/VotingApp', votingApp('4.0.2'));
    assert.equal((await provision(emu, 'v402/VotingApp')).status, 200, 'the same content again is accepted');
  });

  it('provisions compressed packages, and refuses a zip that is not one or holds absolute paths', async () => {
    const compressed = zipPart(zipPart(votingApp('5.0.0', { typeName: 'ZippedType' }), 'VotingWebPkg/Code'), 'VotingDataPkg/Config');
    await upload(emu, 'zipped/VotingApp', compressed);
    assert.equal((await provision(emu, 'zipped/VotingApp')).status, 200);
    const again = zipPart(zipPart(votingApp('5.0.1', { typeName: 'ZippedType' }), 'VotingWebPkg/Code'), 'VotingDataPkg/Config');
    await upload(emu, 'zipped2/VotingApp', again);
    assert.equal((await provision(emu, 'zipped2/VotingApp')).status, 200, 'identical zip bytes under the same part versions');

    const broken = {
      ...without(votingApp('5.0.2', { typeName: 'ZippedType' }), 'VotingWebPkg/Code/'),
      'VotingWebPkg/Code.zip': Buffer.from('PK\u0003\u0004 cut short')
    };
    await upload(emu, 'broken-zip/VotingApp', broken);
    assertError(
      await provision(emu, 'broken-zip/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /Code\.zip\) is not a valid zip archive: no end of central directory/
    );
    const absolute = zipPart(votingApp('1.0.0', { typeName: 'AbsoluteType' }), 'VotingWebPkg/Code', rel => `/${rel}`);
    await upload(emu, 'absolute/VotingApp', absolute);
    assertError(await provision(emu, 'absolute/VotingApp'), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /is not a relative path/);
  });
});

describe('emulator management: applications', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = (await startCluster()).emu;
    await provisioned(emu, 'v1/VotingApp', votingApp('1.0.0'));
  });
  after(() => emu.dispose());

  it('answers 204 for a missing application', async () => {
    const r = await get(emu, 'Applications/VotingApp');
    assert.equal(r.status, 204);
    assert.equal(r.body.length, 0);
  });

  it('refuses a create for a type not provisioned, an undeclared parameter or a bad name', async () => {
    assertError(await create(emu, '9.9.9'), 404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND');
    assertError(await create(emu, '1.0.0', [{ Key: 'Nope', Value: '1' }]), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /'Nope' is not declared/);
    assertError(
      await post(emu, 'Applications/$/Create', { Name: 'VotingApp', TypeName: 'VotingType', TypeVersion: '1.0.0' }),
      400,
      'FABRIC_E_INVALID_NAME_URI'
    );
    assert.equal((await get(emu, 'Applications/VotingApp')).status, 204);
  });

  it('creates an application (201), refuses it twice (409), and reads it back', async () => {
    const r = await create(emu, '1.0.0', [{ Key: 'VotingWeb_InstanceCount', Value: '1' }]);
    assert.equal(r.status, 201, r.text);
    assertError(await create(emu, '1.0.0'), 409, 'FABRIC_E_APPLICATION_ALREADY_EXISTS');
    assert.deepEqual(await application(emu, 'VotingApp'), {
      Id: 'VotingApp',
      Name: 'fabric:/VotingApp',
      TypeName: 'VotingType',
      TypeVersion: '1.0.0',
      Status: 'Ready',
      Parameters: [{ Key: 'VotingWeb_InstanceCount', Value: '1' }],
      HealthState: 'Ok',
      ApplicationDefinitionKind: 'ServiceFabricApplicationDescription'
    });
    const list = json<PagedApplicationInfoList>(await get(emu, 'Applications'));
    assert.deepEqual(
      list.Items.map(a => a.Name),
      ['fabric:/VotingApp']
    );
    const health = json<ApplicationHealth>(await get(emu, 'Applications/VotingApp/$/GetHealth'));
    assert.equal(health.AggregatedHealthState, 'Ok');
  });

  it('maps a nested name to an id with ~', async () => {
    assert.equal((await post(emu, 'Applications/$/Create', { Name: 'fabric:/team/VotingApp', TypeName: 'VotingType', TypeVersion: '1.0.0' })).status, 201);
    assert.equal((await application(emu, 'team~VotingApp')).Name, 'fabric:/team/VotingApp');
  });

  it('refuses to unprovision a version in use, and deletes applications', async () => {
    assertError(await post(emu, 'ApplicationTypes/VotingType/$/Unprovision', { ApplicationTypeVersion: '1.0.0' }), 409, 'FABRIC_E_APPLICATION_TYPE_IN_USE');
    assert.equal((await post(emu, 'Applications/VotingApp/$/Delete', {})).status, 200);
    assert.equal((await post(emu, 'Applications/team~VotingApp/$/Delete', {})).status, 200);
    assert.equal((await get(emu, 'Applications/VotingApp')).status, 204);
    assertError(await post(emu, 'Applications/VotingApp/$/Delete', {}), 404, 'FABRIC_E_APPLICATION_NOT_FOUND');
    assert.equal((await post(emu, 'ApplicationTypes/VotingType/$/Unprovision', { ApplicationTypeVersion: '1.0.0', Async: true })).status, 202);
    assert.equal(await typeInfo(emu, 'VotingType', '1.0.0'), undefined);
    assertError(await post(emu, 'ApplicationTypes/VotingType/$/Unprovision', { ApplicationTypeVersion: '1.0.0' }), 404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND');
  });

  it('journals the calls that change the cluster', () => {
    const ops = emu.journal.managementCalls.map(c => `${c.operation}:${c.detail.status}`);
    assert.ok(ops.includes('provision:200'));
    assert.ok(ops.includes('create-application:201'));
    assert.ok(ops.includes('create-application:409'));
    assert.ok(ops.includes('unprovision:409'));
    assert.ok(emu.journal.managementCalls.some(c => c.operation === 'provision' && c.detail.ApplicationTypeBuildPath === 'v1/VotingApp'));
  });
});

describe('emulator management: upgrades', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let emu: TestEmulator;
  before(async () => {
    cluster = await startCluster(['9.0.0']);
    emu = cluster.emu;
    for (const v of ['1.0.0', '2.0.0', '3.0.0', '4.0.0', '9.0.0']) await provisioned(emu, `v${v}/VotingApp`, votingApp(v));
  });
  after(() => emu.dispose());

  async function freshApp(version = '1.0.0') {
    await post(emu, 'Applications/VotingApp/$/Delete', {});
    assert.equal((await create(emu, version)).status, 201);
  }

  it('refuses an upgrade to the same version with the same parameters, an unknown version, a missing app', async () => {
    await freshApp();
    assertError(await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('1.0.0')), 409, 'FABRIC_E_APPLICATION_ALREADY_IN_TARGET_VERSION');
    assertError(await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('7.7.7')), 404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND');
    assertError(await post(emu, 'Applications/Nope/$/Upgrade', upgradeBody('2.0.0')), 404, 'FABRIC_E_APPLICATION_NOT_FOUND');
    assertError(
      await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0', { Parameters: [{ Key: 'Nope', Value: '1' }] })),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR'
    );
    assertError(await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0', { MonitoringPolicy: {} })), 400, 'E_INVALIDARG', /FailureAction/);
    assertError(await get(emu, 'Applications/Nope/$/GetUpgradeProgress'), 404, 'FABRIC_E_APPLICATION_NOT_FOUND');
  });

  it('upgrades with new parameters only, same version', async () => {
    await freshApp();
    const r = await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('1.0.0', { Parameters: [{ Key: 'VotingWeb_InstanceCount', Value: '2' }] }));
    assert.equal(r.status, 200, r.text);
    cluster.tick(3 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    assert.deepEqual((await application(emu, 'VotingApp')).Parameters, [{ Key: 'VotingWeb_InstanceCount', Value: '2' }]);
  });

  it('walks the upgrade domains Pending → InProgress → Completed and completes', async () => {
    await freshApp();
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0'))).status, 200);
    const states = async () => (await progress(emu, 'VotingApp')).UpgradeDomains.map(d => `${d.Name}:${d.State}`);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardInProgress');
    assert.equal(p.TargetApplicationTypeVersion, '2.0.0');
    assert.equal(p.RollingUpgradeMode, 'Monitored');
    assert.equal(p.NextUpgradeDomain, 'UD1');
    assert.equal(p.CurrentUpgradeDomainProgress.DomainName, 'UD0');
    assert.equal(p.FailureReason, 'None');
    assert.equal(p.FailureTimestampUtc, '0001-01-01T00:00:00.000Z');
    assert.equal(p.UpgradeDescription.MonitoringPolicy?.HealthCheckWaitDurationInMilliseconds, 'PT0H0M30S');
    assert.equal(p.UpgradeDescription.MonitoringPolicy?.UpgradeDomainTimeoutInMilliseconds, '600000');
    assert.equal(typeof p.UpgradeDescription.UpgradeReplicaSetCheckTimeoutInSeconds, 'string');
    assert.deepEqual(await states(), ['UD0:InProgress', 'UD1:Pending', 'UD2:Pending']);
    assert.equal((await application(emu, 'VotingApp')).Status, 'Upgrading');
    cluster.tick(DOMAIN_MS);
    assert.deepEqual(await states(), ['UD0:Completed', 'UD1:InProgress', 'UD2:Pending']);
    cluster.tick(DOMAIN_MS);
    assert.deepEqual(await states(), ['UD0:Completed', 'UD1:Completed', 'UD2:InProgress']);
    assertError(await post(emu, 'ApplicationTypes/VotingType/$/Unprovision', { ApplicationTypeVersion: '1.0.0' }), 409, 'FABRIC_E_APPLICATION_TYPE_IN_USE');
    cluster.tick(DOMAIN_MS);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardCompleted');
    assert.deepEqual(await states(), ['UD0:Completed', 'UD1:Completed', 'UD2:Completed']);
    assert.equal(p.UpgradeDurationInMilliseconds, 'PT0H0M30S');
    const app = await application(emu, 'VotingApp');
    assert.equal(app.TypeVersion, '2.0.0');
    assert.equal(app.Status, 'Ready');
  });

  it('a new upgrade request interrupts the one rolling: it rolls back, then the new goal starts', async () => {
    await freshApp();
    await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0'));
    cluster.tick(DOMAIN_MS); // UD0 done, UD1 in progress
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('3.0.0'))).status, 200);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.TargetApplicationTypeVersion, '2.0.0');
    assert.equal(p.UpgradeState, 'RollingBackInProgress');
    assert.equal(p.FailureReason, 'Interrupted');
    assert.match(p.UpgradeStatusDetails, /to 3\.0\.0/);
    assert.equal((await application(emu, 'VotingApp')).Status, 'Upgrading');
    // Another request during that rollback replaces the goal; the same one again changes nothing.
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('4.0.0'))).status, 200);
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('4.0.0'))).status, 200);
    assert.match((await progress(emu, 'VotingApp')).UpgradeStatusDetails, /to 4\.0\.0/);
    cluster.tick(2 * DOMAIN_MS); // the two touched domains rolled back: the goal starts
    p = await progress(emu, 'VotingApp');
    assert.equal(p.TargetApplicationTypeVersion, '4.0.0');
    assert.equal(p.UpgradeState, 'RollingForwardInProgress');
    assert.equal(p.FailureReason, 'None');
    cluster.tick(3 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    assert.equal((await application(emu, 'VotingApp')).TypeVersion, '4.0.0');
  });

  it('defaults to UnmonitoredAuto, which does not check health', async () => {
    await freshApp();
    const body = upgradeBody('9.0.0');
    delete body.RollingUpgradeMode;
    delete body.MonitoringPolicy;
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', body)).status, 200);
    assert.equal((await progress(emu, 'VotingApp')).RollingUpgradeMode, 'UnmonitoredAuto');
    cluster.tick(3 * DOMAIN_MS);
    const p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardCompleted');
    assert.equal(p.FailureReason, 'None');
    assert.equal((await application(emu, 'VotingApp')).HealthState, 'Error', 'the unhealthy version runs, unchecked');
  });

  it('rolls an unhealthy version back after the second domain fails its health check (FailureAction Rollback)', async () => {
    await freshApp();
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('9.0.0'))).status, 200);
    cluster.tick(DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardInProgress');
    cluster.tick(DOMAIN_MS);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingBackInProgress');
    assert.equal(p.FailureReason, 'HealthCheck');
    assert.equal(p.UpgradeDomainProgressAtFailure.DomainName, 'UD1');
    assert.notEqual(p.FailureTimestampUtc, '0001-01-01T00:00:00.000Z');
    const evaluation = p.UnhealthyEvaluations[0]?.HealthEvaluation;
    assert.equal(evaluation?.AggregatedHealthState, 'Error');
    assert.equal(typeof evaluation?.Kind, 'string');
    assert.match(evaluation?.Description ?? '', /unhealthy/);
    assert.equal(evaluation?.UnhealthyEvaluations?.[0]?.HealthEvaluation.AggregatedHealthState, 'Error');
    assert.deepEqual(
      p.UpgradeDomains.map(d => d.State),
      ['Pending', 'InProgress', 'Completed']
    );
    cluster.tick(2 * DOMAIN_MS);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingBackCompleted');
    assert.equal(p.FailureReason, 'HealthCheck');
    const app = await application(emu, 'VotingApp');
    assert.equal(app.TypeVersion, '1.0.0');
    assert.equal(app.Status, 'Ready');
    assert.equal(app.HealthState, 'Ok');
  });

  it('waits in RollingForwardPending under FailureAction Manual, then rolls back on request', async () => {
    await freshApp();
    const body = upgradeBody('9.0.0', { MonitoringPolicy: { FailureAction: 'Manual' } });
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', body)).status, 200);
    cluster.tick(10 * DOMAIN_MS);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardPending');
    assert.equal(p.FailureReason, 'HealthCheck');
    assert.equal(p.NextUpgradeDomain, 'UD2');
    assert.equal((await get(emu, 'Applications/VotingApp/$/GetHealth')).status, 200);
    assert.equal(json<ApplicationHealth>(await get(emu, 'Applications/VotingApp/$/GetHealth')).AggregatedHealthState, 'Error');
    assert.equal((await post(emu, 'Applications/VotingApp/$/RollbackUpgrade', {})).status, 200);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingBackInProgress');
    cluster.tick(2 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingBackCompleted');
    assertError(await post(emu, 'Applications/VotingApp/$/RollbackUpgrade', {}), 400, 'FABRIC_E_APPLICATION_NOT_UPGRADING');
  });

  it('waits for MoveToNextUpgradeDomain between domains in UnmonitoredManual mode', async () => {
    await freshApp();
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0', { RollingUpgradeMode: 'UnmonitoredManual' }))).status, 200);
    cluster.tick(DOMAIN_MS);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardPending');
    assert.equal(p.NextUpgradeDomain, 'UD1');
    cluster.tick(10 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardPending', 'it waits for ever');
    assertError(await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD2' }), 400, 'E_INVALIDARG');
    assert.equal((await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD1' })).status, 200);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardInProgress');
    assert.equal(p.CurrentUpgradeDomainProgress.DomainName, 'UD1');
    cluster.tick(DOMAIN_MS);
    await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD2' });
    cluster.tick(DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    assertError(await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD2' }), 400, 'E_INVALIDARG');
  });

  it('answers an unknown management route with 400 E_INVALIDARG', async () => {
    assertError(await get(emu, 'Applications/VotingApp/$/NoSuchThing'), 400, 'E_INVALIDARG');
    assertError(await get(emu, 'ApplicationTypes/a/b'), 400, 'E_INVALIDARG');
    assertError(await rawRequest('GET', `${emu.url}/Applications`), 400, 'E_INVALIDARG');
  });
});

describe('emulator management: secured cluster', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ aad: { clientId: 'app', clientSecret: 's3cret' } })));
  after(() => emu.dispose());

  it('demands a bearer token on the management routes as on the Image Store ones', async () => {
    const refused = await get(emu, 'Applications');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.length, 0);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 's3cret',
      scope: '6f4e3c2a-0000-4000-8000-0000000c1057/.default'
    });
    const tokenAnswer = await rawRequest('POST', `${emu.url}/72f988bf-0000-4000-8000-00000000aad0/oauth2/v2.0/token`, {
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    });
    assert.equal(tokenAnswer.status, 200, tokenAnswer.text);
    const token = json<{ access_token: string }>(tokenAnswer).access_token;
    const r = await rawRequest('GET', url(emu, 'Applications'), { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
  });
});

describe('emulator management: a package uploaded by the action', () => {
  let emu: TestEmulator;
  before(async () => (emu = (await startCluster()).emu));
  after(() => emu.dispose());

  it('provisions the sample as dist/index.js uploads it', async () => {
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': sampleDir } });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const r = await provision(emu, run.outputs['image-store-path']!);
    assert.equal(r.status, 200, r.text);
    assert.equal((await typeInfo(emu, 'VotingType', '1.0.0'))?.Status, 'Available');
  });
});
