// The emulator's TLS, client-certificate and Azure AD behaviour, driven with raw HTTPS.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { makeTestCertificates, type TestCertificates } from './helpers/certificates.js';

interface Answer {
  status: number;
  body: string;
}

function request(url: string, options: https.RequestOptions & { body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent: false, ...options }, res => {
      let body = '';
      res.on('data', d => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

let certs: TestCertificates;
before(async () => (certs = await makeTestCertificates()));

describe('emulator: client certificates', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa } })));
  after(() => emu.dispose());

  it('serves HTTPS and answers a request with a certificate from the client CA', async () => {
    assert.match(emu.url, /^https:\/\//);
    const r = await request(emu.storeUrl(''), { ca: certs.serverCa, cert: certs.clientCert, key: certs.clientKey });
    assert.equal(r.status, 204);
  });

  it('answers 403 with an empty body without a certificate, or with one from another CA', async () => {
    for (const client of [{}, { cert: certs.foreignClientCert, key: certs.foreignClientKey }]) {
      const r = await request(emu.storeUrl(''), { ca: certs.serverCa, ...client });
      assert.equal(r.status, 403);
      assert.equal(r.body, '');
    }
  });
});

describe('emulator: Azure AD', () => {
  let emu: TestEmulator;
  const tenant = '72f988bf-0000-4000-8000-00000000aad0';
  before(
    async () => (emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey }, aad: { clientId: 'app', clientSecret: 's3cret' } }))
  );
  after(() => emu.dispose());

  const token = (form: Record<string, string>) => {
    const body = new URLSearchParams(form).toString();
    return request(`${emu.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      ca: certs.serverCa,
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) }
    });
  };

  it('serves AAD metadata pointing at its own authority, anonymously', async () => {
    const r = await request(`${emu.url}/$/GetAadMetadata?api-version=6.0`, { ca: certs.serverCa });
    assert.equal(r.status, 200);
    const m = JSON.parse(r.body) as { type: string; metadata: Record<string, string> };
    assert.equal(m.type, 'aad');
    assert.equal(m.metadata.tenant, tenant);
    assert.equal(m.metadata.login, emu.url);
    assert.equal(m.metadata.authority, `${emu.url}/${tenant}`);
    for (const k of ['client', 'cluster', 'redirect']) assert.ok(m.metadata[k], k);
    const oidc = JSON.parse((await request(`${emu.url}/${tenant}/v2.0/.well-known/openid-configuration`, { ca: certs.serverCa })).body) as {
      token_endpoint: string;
    };
    assert.equal(oidc.token_endpoint, `${emu.url}/${tenant}/oauth2/v2.0/token`);
  });

  it('issues tokens for the right client, secret and scope only; Image Store routes demand one', async () => {
    const scope = `${emu.emulator.options.aad ? '6f4e3c2a-0000-4000-8000-0000000c1057' : ''}/.default`;
    assert.equal((await request(emu.storeUrl(''), { ca: certs.serverCa })).status, 401);
    assert.equal((await token({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'wrong', scope })).status, 401);
    assert.equal((await token({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret', scope: 'other/.default' })).status, 400);
    const ok = await token({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret', scope });
    assert.equal(ok.status, 200);
    const accessToken = (JSON.parse(ok.body) as { access_token: string }).access_token;
    const r = await request(emu.storeUrl(''), { ca: certs.serverCa, headers: { Authorization: `Bearer ${accessToken}` } });
    assert.equal(r.status, 204);
    assert.equal((await request(emu.storeUrl(''), { ca: certs.serverCa, headers: { Authorization: 'Bearer forged' } })).status, 401);
  });
});
