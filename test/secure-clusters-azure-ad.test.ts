// Secure clusters end to end through dist/index.js: Azure AD with a ready token, a client secret or
// GitHub OIDC federation, tokens refused, no credential for an unverified cluster; and no secret in
// any output.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import type { TestCertificates } from './helpers/certificates.js';
import { assertStoreMatchesPackage } from './helpers/packages.js';
import { assertNoSecretLeaks, errorLine } from './helpers/action-output.js';
import { makeSecureFixture } from './helpers/secure-clusters.js';

let certs: TestCertificates;
let pkg: string;
before(async () => ({ certs, pkg } = await makeSecureFixture()));

describe('Azure AD', () => {
  const clientSecret = 'sp-secret-Xx81_qq';
  const federatedToken = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJyZXBvOm93bmVyL3JlcG8ifQ.federated-signature-77';
  let emu: TestEmulator;
  let oidc: http.Server;
  let oidcUrl: string;
  before(async () => {
    emu = await startTestEmulator({
      tls: { cert: certs.serverCert, key: certs.serverKey },
      aad: { clientId: 'sfu-deployer', clientSecret, federatedToken }
    });
    // GitHub's OIDC token endpoint, as core.getIDToken calls it.
    oidc = http.createServer((req, res) => {
      const ok = req.headers.authorization === 'Bearer runtime-request-token' && req.url?.includes('audience=api%3A%2F%2FAzureADTokenExchange');
      res.writeHead(ok ? 200 : 403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(ok ? { value: federatedToken } : { message: 'denied' }));
    });
    await new Promise<void>(r => oidc.listen(0, '127.0.0.1', () => r()));
    oidcUrl = `http://127.0.0.1:${(oidc.address() as net.AddressInfo).port}/token?api-version=2.0`;
  });
  after(async () => {
    await emu.dispose();
    await new Promise(r => oidc.close(r));
  });

  // Any request to a host other than this machine would go to a proxy where nothing listens, and
  // fail: so a passing test shows that msal asked nothing of the Internet.
  const deadProxy = { https_proxy: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', no_proxy: '', NO_PROXY: '' };
  const upload = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SecureApp', 'ca-certificate': certs.serverCa, ...inputs },
      env: { ...deadProxy, ...env }
    });

  it('uses a ready token given in aad-token', async () => {
    const token = await new Promise<string>((resolve, reject) => {
      const aad = emu.emulator.options.aad!;
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: aad.clientId,
        client_secret: clientSecret,
        scope: '6f4e3c2a-0000-4000-8000-0000000c1057/.default'
      }).toString();
      const req = https.request(
        `${emu.url}/72f988bf-0000-4000-8000-00000000aad0/oauth2/v2.0/token`,
        {
          method: 'POST',
          ca: certs.serverCa,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) }
        },
        res => {
          let text = '';
          res.on('data', d => (text += d));
          res.on('end', () => resolve((JSON.parse(text) as { access_token: string }).access_token));
        }
      );
      req.on('error', reject);
      req.end(body);
    });
    const run = await upload({ 'aad-token': token });
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'SecureApp', pkg);
    assertNoSecretLeaks(run, [token]);
  });

  it('gets a token for a service principal with a client secret', async () => {
    const run = await upload({
      'azure-client-id': 'sfu-deployer',
      'azure-tenant-id': '72f988bf-0000-4000-8000-00000000aad0',
      'azure-client-secret': clientSecret
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /Got an Azure AD token for the cluster application 6f4e3c2a/);
    assertNoSecretLeaks(run, [clientSecret]);
    const tokenMasks = run.stdout.split('\n').filter(l => l.startsWith('::add-mask::eyJ'));
    assert.equal(tokenMasks.length, 1, 'the token obtained was not masked exactly once');
  });

  it('gets a token with GitHub OIDC as the federated credential when no secret is given', async () => {
    const run = await upload(
      { 'azure-client-id': 'sfu-deployer', 'azure-tenant-id': '72f988bf-0000-4000-8000-00000000aad0' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-request-token' }
    );
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /GitHub OIDC federation/);
    assertNoSecretLeaks(run, [federatedToken]);
  });

  it('sends no credential to the authority an unverified cluster names', async () => {
    const before = emu.journal.requests['aad-authority'] ?? 0;
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'SecureApp',
        'insecure-skip-tls-verify': 'true',
        'azure-client-id': 'sfu-deployer',
        'azure-tenant-id': '72f988bf-0000-4000-8000-00000000aad0',
        'azure-client-secret': clientSecret
      },
      env: deadProxy
    });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /cannot be used with 'insecure-skip-tls-verify'/);
    assert.equal(emu.journal.requests['aad-authority'] ?? 0, before, 'the authority was asked for a token');
    assertNoSecretLeaks(run, [clientSecret]);
  });

  it('says what is wrong when Azure AD refuses the secret', async () => {
    const run = await upload({
      'azure-client-id': 'sfu-deployer',
      'azure-tenant-id': '72f988bf-0000-4000-8000-00000000aad0',
      'azure-client-secret': 'not-the-secret-99'
    });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /Azure AD gave no token for the cluster .* Check 'azure-client-id', 'azure-tenant-id' and 'azure-client-secret'/);
    assertNoSecretLeaks(run, ['not-the-secret-99']);
  });

  it('fails clearly on an AAD cluster without credentials', async () => {
    const run = await upload({ retries: '1' });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /HTTP 401 .*The cluster requires an Azure AD token: give 'aad-token', or 'azure-client-id' and 'azure-tenant-id'/);
  });

  it('refuses a token the cluster did not issue', async () => {
    const run = await upload({ 'aad-token': 'forged.token.value-123', retries: '1' });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /HTTP 401 .*refused the client certificate or token/);
    assertNoSecretLeaks(run, ['forged.token.value-123']);
  });
});
