// The ExternalStore path's offline rules: the container URL and its hosts, the SAS, the blob name,
// the runtime's checks of the download URL, the inputs, and a deterministic .sfpkg.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkExternalStoreProvision, clusterBlobScope, parseContainerUrl, sfpkgBlobName } from '../../src/azure/blob-location.js';
import { parseSas } from '../../src/azure/sas.js';
import { buildSfpkg } from '../../src/azure/sfpkg.js';
import { ACTION_SETTING_NAMES } from '../../src/action/release-job.js';
import { checkBlobSettingsFit, readBlobSpec } from '../../src/core/blob-settings.js';
import { scanPackage } from '../../src/package/package-scan.js';
import { readZip } from '../helpers/zip-reader.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const READ_WRITE = [
  { letter: 'r', why: 'read' },
  { letter: 'w', why: 'write' }
];

describe('container URL', () => {
  it('accepts the Azure clouds’ blob hosts and splits account and container', () => {
    const l = parseContainerUrl('u', 'https://myacct.blob.core.windows.net/packages/');
    assert.deepEqual(l, {
      containerUrl: 'https://myacct.blob.core.windows.net/packages',
      serviceUrl: 'https://myacct.blob.core.windows.net',
      accountName: 'myacct',
      containerName: 'packages'
    });
    assert.equal(parseContainerUrl('u', 'https://gov.blob.core.usgovcloudapi.net/p-1').accountName, 'gov');
    assert.equal(parseContainerUrl('u', 'https://cn.blob.core.chinacloudapi.cn/pkg').accountName, 'cn');
  });

  for (const [why, url] of [
    ['http', 'http://myacct.blob.core.windows.net/packages'],
    ['another host', 'https://myacct.blob.core.windows.net.evil.example/packages'],
    ['a bare suffix', 'https://blob.core.windows.net/packages'],
    ['a port', 'https://myacct.blob.core.windows.net:8443/packages'],
    ['no container', 'https://myacct.blob.core.windows.net/'],
    ['two segments', 'https://myacct.blob.core.windows.net/packages/sub'],
    ['a query', 'https://myacct.blob.core.windows.net/packages?sv=1&sig=abc'],
    ['credentials', 'https://user:pw@myacct.blob.core.windows.net/packages'],
    ['an upper-case container', 'https://myacct.blob.core.windows.net/Packages'],
    ['a loopback origin without the test variable', 'http://127.0.0.1:10000/devstoreaccount1/packages']
  ] as const) {
    it(`refuses ${why}`, () => assert.throws(() => parseContainerUrl('blob-container-url', url), /blob-container-url/));
  }

  it('accepts the test origin path-style, and only that origin', () => {
    const l = parseContainerUrl('u', 'http://127.0.0.1:10000/devstoreaccount1/packages', 'http://127.0.0.1:10000');
    assert.equal(l.serviceUrl, 'http://127.0.0.1:10000/devstoreaccount1');
    assert.throws(() => parseContainerUrl('u', 'http://127.0.0.1:10001/devstoreaccount1/packages', 'http://127.0.0.1:10000'));
  });
});

describe('SAS', () => {
  it('reads permissions, expiry and signature', () => {
    const sas = parseSas('s', '?sv=2024-08-04&sr=c&sp=rwdl&se=2026-01-02T00%3A00%3A00Z&sig=abc%2Bdef', READ_WRITE, NOW);
    assert.equal(sas.signature, 'abc+def');
    assert.equal(sas.permissions, 'rwdl');
    assert.equal(sas.query.startsWith('sv='), true);
  });
  it('refuses a SAS without read, without sig, for one blob, expired, or an account SAS without objects', () => {
    assert.throws(() => parseSas('s', 'sr=c&sp=w&sig=x', READ_WRITE, NOW), /lacks the permission 'r'/);
    assert.throws(() => parseSas('s', 'sr=c&sp=rw', READ_WRITE, NOW), /lacks 'sig'/);
    assert.throws(() => parseSas('s', 'sr=b&sp=rw&sig=x', READ_WRITE, NOW), /one blob/);
    assert.throws(() => parseSas('s', 'sr=c&sp=rw&se=2025-12-31T00:00:00Z&sig=x', READ_WRITE, NOW), /expired/);
    assert.throws(() => parseSas('s', 'ss=b&srt=sc&sp=rw&sig=x', READ_WRITE, NOW), /srt=sc/);
    assert.doesNotThrow(() => parseSas('s', 'ss=b&srt=sco&sp=rw&sig=x', READ_WRITE, NOW));
  });
});

describe('blob name and download URL', () => {
  it('carries the type and version and ends in .sfpkg', () => {
    assert.equal(sfpkgBlobName('VotingType', '1.2.0'), 'VotingType/VotingType.1.2.0.sfpkg');
    assert.equal(sfpkgBlobName('VotingType', '1.2.0', 'ci/'), 'ci/VotingType/VotingType.1.2.0.sfpkg');
    assert.throws(() => sfpkgBlobName('Voting?Type', '1'));
  });
  it("puts a gateway cluster's .sfpkg in a folder named by its origin's hash, the same for any spelling of that origin", () => {
    const scope = clusterBlobScope('https://mycluster.westeurope.cloudapp.azure.com:19080');
    assert.match(scope, /^cluster-[0-9a-f]{12}$/);
    assert.equal(clusterBlobScope('HTTPS://MyCluster.westeurope.cloudapp.azure.com:19080/'), scope);
    assert.notEqual(clusterBlobScope('https://mycluster.westeurope.cloudapp.azure.com:19081'), scope);
    assert.notEqual(clusterBlobScope('https://other.westeurope.cloudapp.azure.com:19080'), scope);
    assert.equal(sfpkgBlobName('VotingType', '1.2.0', '', scope), `VotingType/${scope}/VotingType.1.2.0.sfpkg`);
  });
  it('checks what the runtime checks: .sfpkg at the end of the path, not the query; name and version of the manifest', () => {
    const m = { typeName: 'T', typeVersion: '1' };
    assert.doesNotThrow(() => checkExternalStoreProvision('https://a.blob.core.windows.net/c/T.1.sfpkg?sig=x', m, m));
    assert.throws(() => checkExternalStoreProvision('https://a.blob.core.windows.net/c/T.1.zip?x=.sfpkg', m, m), /does not end in '\.sfpkg'/);
    assert.throws(() => checkExternalStoreProvision('ftp://a/T.1.sfpkg', m, m), /http/);
    assert.throws(() => checkExternalStoreProvision('https://a/T.1.sfpkg', m, { typeName: 'T', typeVersion: '2' }), /declares T 2/);
  });
});

describe('blob inputs', () => {
  const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
  const quiet = { setSecret: () => undefined };
  const getBlobInputs = (read: (name: string) => string, env: Record<string, string>) =>
    readBlobSpec(read, ACTION_SETTING_NAMES, quiet, { testOrigin: env.SFU_TEST_BLOB_ORIGIN, federatedCredential: 'GitHub OIDC' });
  const checkBlobInputsFit = (
    ...args: [Parameters<typeof checkBlobSettingsFit>[0], Parameters<typeof checkBlobSettingsFit>[1], Parameters<typeof checkBlobSettingsFit>[2]]
  ) => checkBlobSettingsFit(...args, ACTION_SETTING_NAMES);
  it('none without blob-container-url; its companions alone are refused', () => {
    assert.equal(getBlobInputs(reader({}), {}), undefined);
    assert.throws(() => getBlobInputs(reader({ 'blob-sas': 'sp=r&sig=x' }), {}), /need.*'blob-container-url'/);
  });
  it('delete-blob asks the SAS for d; the test origin must be loopback', () => {
    const values = { 'blob-container-url': 'https://a.blob.core.windows.net/pkgs', 'blob-sas': 'sr=c&sp=rw&sig=x', 'delete-blob': 'true' };
    assert.throws(() => getBlobInputs(reader(values), {}), /'d'/);
    assert.throws(() => getBlobInputs(reader(values), { SFU_TEST_BLOB_ORIGIN: 'http://10.0.0.1:10000' }), /loopback/);
    assert.equal(getBlobInputs(reader({ ...values, 'blob-sas': 'sr=c&sp=rwd&sig=x' }), {})?.deleteBlob, true);
  });
  it('turns provision on and refuses what only the Image Store path does', () => {
    const deploy = { provision: undefined as boolean | undefined };
    checkBlobInputsFit(deploy, { diffPackage: false }, { copyTo: undefined, cleanupPaths: [] });
    assert.equal(deploy.provision, true);
    assert.throws(() => checkBlobInputsFit({ provision: false }, { diffPackage: false }, { copyTo: undefined, cleanupPaths: [] }), /provision: false/);
    assert.throws(() => checkBlobInputsFit({ provision: undefined }, { diffPackage: true }, { copyTo: undefined, cleanupPaths: [] }), /diff-package/);
  });
});

describe('.sfpkg', () => {
  it('holds the package at its root, and the same package gives the same bytes', async () => {
    const pkg = await scanPackage(path.resolve('sample/VotingApp'), ['**']);
    const a = await buildSfpkg(pkg, 'VotingType.1.0.0.sfpkg', tmpdir());
    const b = await buildSfpkg(pkg, 'VotingType.1.0.0.sfpkg', tmpdir());
    try {
      assert.equal(a.sha256, b.sha256);
      const names = (await readZip(a.path)).map(e => e.name);
      assert.ok(names.includes('ApplicationManifest.xml'));
      assert.deepEqual(names.filter(n => !n.endsWith('/')).sort(), pkg.files.map(f => f.relativePath).sort());
    } finally {
      await a.dispose();
      await b.dispose();
    }
    await rm(a.path, { force: true });
  });
});
