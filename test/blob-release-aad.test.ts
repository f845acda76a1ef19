// End to end: the Blob storage path authenticated by Azure AD (a service principal), through
// dist/index.js, against the emulator (https, Azure AD) and Azurite over https with `--oauth basic`:
// the action gets a storage token, asks for a user delegation key, and gives the cluster a
// read-only SAS for the one blob.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { clusterBlobScope } from '../src/azure/blob-location.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { maskedSecrets, visibleLog } from './helpers/action-output.js';
import { startAzurite, type TestAzurite } from './helpers/azurite.js';
import { makeTestCertificates, type TestCertificates } from './helpers/certificates.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const TENANT = '72f988bf-0000-4000-8000-00000000aad0';
const CLIENT_SECRET = 'sp-secret-Blob_77x';

describe('release through Blob storage with Azure AD (user delegation SAS)', () => {
  let certs: TestCertificates;
  let emu: TestEmulator;
  let azurite: TestAzurite;
  let containerUrl: string;
  before(async () => {
    certs = await makeTestCertificates();
    [emu, azurite] = await Promise.all([
      startTestEmulator({
        tls: { cert: certs.serverCert, key: certs.serverKey },
        aad: { clientId: 'sfu-deployer', clientSecret: CLIENT_SECRET },
        management: { upgradeDomains: 1, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1, externalStoreCa: certs.serverCa }
      }),
      startAzurite({ https: { certPath: path.join(certs.dir, 'server.crt'), keyPath: path.join(certs.dir, 'server.key'), ca: certs.serverCa } })
    ]);
    containerUrl = await azurite.createContainer('aadpackages');
  });
  after(async () => {
    await Promise.all([emu?.dispose(), azurite?.dispose()]);
  });

  it('uploads with a storage token and provisions from a read-only SAS for that blob alone, masked', async () => {
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': await sampleAtVersion('1.0.0'),
        'ca-certificate': certs.serverCa,
        'azure-client-id': 'sfu-deployer',
        'azure-tenant-id': TENANT,
        'azure-client-secret': CLIENT_SECRET,
        'blob-container-url': containerUrl,
        'delete-blob': 'true',
        'application-name': 'fabric:/VotingAad'
      },
      // The action's Blob client trusts the test CA the way a runner trusts an enterprise one.
      env: { SFU_POLL_INTERVAL_MS: '50', SFU_TEST_BLOB_ORIGIN: azurite.origin, NODE_EXTRA_CA_CERTS: path.join(certs.dir, 'server-ca.crt') }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['blob-result'], 'uploaded');
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.equal(run.outputs['application-result'], 'created');
    assert.equal(emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk').length, 0);

    // The SAS the cluster got: registered as a secret before use, read-only, for the blob, a user delegation SAS.
    const masks = maskedSecrets(run);
    const query = masks.find(m => m.includes('skoid='));
    assert.ok(query, 'no user delegation SAS was registered as a secret');
    const sas = new URLSearchParams(query);
    assert.equal(sas.get('sp'), 'r');
    assert.equal(sas.get('sr'), 'b');
    assert.ok(masks.includes(sas.get('sig')!), 'the signature alone was not masked');
    const visible = visibleLog(run);
    for (const text of [visible, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      assert.ok(!text.includes(sas.get('sig')!), 'the SAS signature was printed');
      assert.ok(!text.includes(CLIENT_SECRET), 'the client secret was printed');
    }
    const expires = new Date(sas.get('se')!).getTime();
    assert.ok(expires - Date.now() < 2 * 3600_000, `the SAS lives until ${sas.get('se')}: longer than the deadline and its margin`);
    const staged = `VotingType/${clusterBlobScope(emu.url)}/VotingType.1.0.0.sfpkg`;
    assert.ok(run.stdout.includes(`Deleted ${run.outputs['package-url']}`) && run.outputs['package-url']?.endsWith(staged), run.outputs['package-url']);
    assert.equal(await azurite.blobStatus('aadpackages', staged), 404, "'delete-blob' did not delete the blob");
  });
});
