// The emulator's ARM surface keeps a type version's `tags` as the managed cluster resource provider
// does (ApplicationTypeVersionResource.tags; PATCH with ApplicationTypeVersionUpdateParameters
// `{ tags }`): given with the PUT, returned by GET and the list, replaced by a PATCH or a later PUT,
// gone with the resource; ARM's limits on tags refused with 400 before anything is provisioned.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { buildSfpkg } from '../src/azure/sfpkg.js';
import { scanPackage } from '../src/package/package-scan.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const CLUSTER = '/subscriptions/00000000-0000-0000-0000-0000000000ab/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster';
const CLIENT = { clientId: '11111111-0000-4000-8000-0000000000e9', clientSecret: 'arm-tags-secret' };
const TYPE = `${CLUSTER}/applicationTypes/VotingType`;

interface VersionBody {
  name?: string;
  tags?: Record<string, string>;
  properties?: { provisioningState?: string; appPackageUrl?: string };
  error?: { code: string; message: string };
}

describe('emulator ARM surface: tags of an application type version', () => {
  let emu: TestEmulator;
  let files: Server;
  let packageUrl: string;
  let token: string;

  before(async () => {
    emu = await startTestEmulator({ aad: CLIENT, arm: { clusterResourceId: CLUSTER, retryAfterSeconds: 1 }, management: { provisionSeconds: 0.1 } });
    const sfpkg = await buildSfpkg(await scanPackage(await sampleAtVersion('1.0.0'), ['**']), 'VotingType.1.0.0.sfpkg', tmpdir());
    const bytes = await readFile(sfpkg.path);
    await sfpkg.dispose();
    files = createServer((_req, res) => res.writeHead(200).end(bytes));
    await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
    packageUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/c/VotingType.1.0.0.sfpkg?sig=x`;
    const tenant = (await (await fetch(`${emu.url}/$/GetAadMetadata?api-version=1.0`)).json()).metadata.tenant;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      ...{ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret },
      scope: 'https://management.azure.com/.default'
    });
    token = (await (await fetch(`${emu.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: form })).json()).access_token;
  });
  after(async () => {
    await emu?.dispose();
    await new Promise(resolve => files?.close(resolve));
  });

  async function send(method: string, resource: string, body?: unknown): Promise<{ status: number; json: VersionBody & { value?: VersionBody[] } }> {
    const response = await fetch(`${emu.url}${resource}?api-version=2024-04-01`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? {} : JSON.parse(text) };
  }

  async function provisioned(version: string): Promise<VersionBody> {
    for (let i = 0; i < 200; i++) {
      const got = await send('GET', `${TYPE}/versions/${version}`);
      if (got.json.properties?.provisioningState !== 'Creating') return got.json;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`${version} is still provisioning`);
  }

  it('keeps the tags given with the PUT, returns them with GET and the list, and replaces them with a PATCH or a later PUT', async () => {
    assert.equal((await send('PUT', TYPE, { properties: {} })).status, 201);
    const put = await send('PUT', `${TYPE}/versions/1.0.0`, {
      tags: { 'sfu-sfpkg-sha256': 'ab'.repeat(32), team: 'voting' },
      properties: { appPackageUrl: packageUrl }
    });
    assert.equal(put.status, 202, JSON.stringify(put.json));
    assert.deepEqual(put.json.tags, { 'sfu-sfpkg-sha256': 'ab'.repeat(32), team: 'voting' });
    const got = await provisioned('1.0.0');
    assert.equal(got.properties?.provisioningState, 'Succeeded');
    assert.deepEqual(got.tags, { 'sfu-sfpkg-sha256': 'ab'.repeat(32), team: 'voting' });
    const listed = await send('GET', `${TYPE}/versions`);
    assert.deepEqual(listed.json.value?.find(v => v.name === '1.0.0')?.tags, got.tags);

    const patched = await send('PATCH', `${TYPE}/versions/1.0.0`, { tags: { team: 'other' } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.json.tags, { team: 'other' });
    assert.equal(patched.json.properties?.appPackageUrl, packageUrl, 'a PATCH of the tags changed the package');
    assert.deepEqual((await send('GET', `${TYPE}/versions/1.0.0`)).json.tags, { team: 'other' });

    const again = await send('PUT', `${TYPE}/versions/1.0.0`, { properties: { appPackageUrl: packageUrl } });
    assert.equal(again.status, 200);
    assert.equal((await send('GET', `${TYPE}/versions/1.0.0`)).json.tags, undefined, 'a PUT without tags kept the old ones');
    assert.equal((await send('PATCH', `${TYPE}/versions/9.9.9`, { tags: {} })).json.error?.code, 'ResourceNotFound');
  });

  it("refuses tags beyond ARM's limits with 400, before anything is provisioned; the limits themselves are taken", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ 'a/b': 'x' }, 'InvalidTagNameCharacters'],
      [{ 'a%b': 'x' }, 'InvalidTagNameCharacters'],
      [{ ['n'.repeat(513)]: 'x' }, 'InvalidTag'],
      [{ n: 'v'.repeat(257) }, 'InvalidTag'],
      [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x'])), 'InvalidTag'],
      [{ n: 1 }, 'InvalidRequestContent']
    ];
    for (const [tags, code] of cases) {
      const answer = await send('PUT', `${TYPE}/versions/2.0.0`, { tags, properties: { appPackageUrl: packageUrl } });
      assert.equal(answer.status, 400, JSON.stringify(tags).slice(0, 80));
      assert.equal(answer.json.error?.code, code);
      assert.equal((await send('GET', `${TYPE}/versions/2.0.0`)).status, 404, 'a refused PUT provisioned the version');
    }
    const atLimits = { ['n'.repeat(512)]: 'v'.repeat(256), ...Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, 'x'])) };
    const taken = await send('PATCH', `${TYPE}/versions/1.0.0`, { tags: atLimits });
    assert.equal(taken.status, 200, JSON.stringify(taken.json.error));
    assert.deepEqual(taken.json.tags, atLimits);
  });

  it('forgets the tags with the resource', async () => {
    assert.equal((await send('DELETE', `${TYPE}/versions/1.0.0`)).status, 202);
    for (let i = 0; i < 200 && (await send('GET', `${TYPE}/versions/1.0.0`)).status !== 404; i++) await new Promise(resolve => setTimeout(resolve, 50));
    assert.equal((await send('PUT', `${TYPE}/versions/1.0.0`, { properties: { appPackageUrl: packageUrl } })).status, 202);
    assert.equal((await provisioned('1.0.0')).tags, undefined);
  });
});
