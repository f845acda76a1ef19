// Drives the emulator's provision routes with raw HTTP: sync and async provision, validation,
// types and manifests; and provisions a package as dist/index.js uploads it. The cluster's clock is
// moved by hand, so nothing here waits or depends on timing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import type { PagedApplicationTypeInfoList, ServiceTypeInfo } from '../src/protocol/management-models.js';
import { errorCode, json, rawRequest } from './helpers/raw-http.js';
import type { TestEmulator } from './helpers/emulator.js';
import { type ClockedCluster, assertError, create, get, post, provision, PROVISION_MS, startCluster, typeInfo, upload } from './helpers/management-routes.js';
import { sampleDir, sampleFiles, text, votingApp, without } from './helpers/voting-app-files.js';

describe('emulator management: provision', () => {
  let cluster: ClockedCluster;
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
