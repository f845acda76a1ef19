// Drives the emulator's application routes with raw HTTP: create, read, list, delete, unprovision
// and health; and the bearer token the management routes demand on a secured cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApplicationHealth, PagedApplicationInfoList } from '../src/protocol/management-models.js';
import { json, rawRequest } from './helpers/raw-http.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { application, assertError, create, get, post, startClusterWithV1, typeInfo, url } from './helpers/management-routes.js';

describe('emulator management: applications', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startClusterWithV1()));
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
