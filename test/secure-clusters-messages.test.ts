// Secure clusters end to end through dist/index.js: the messages that point at the fix (a handshake
// that wants a certificate, http and https mixed up, an api-version too high), and contradictory
// security inputs refused before any request.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import type { TestCertificates } from './helpers/certificates.js';
import { errorLine } from './helpers/action-output.js';
import { makeSecureFixture } from './helpers/secure-clusters.js';

let certs: TestCertificates;
let pkg: string;
before(async () => ({ certs, pkg } = await makeSecureFixture()));

describe('messages that point at the fix', () => {
  const attempts = (run: ActionRun) => run.stdout.split('\n').filter(l => /^Attempt \d+ of/.test(l)).length;

  it('says to set client-certificate when the TLS handshake demands one', async () => {
    // A gateway that refuses the handshake itself (TLS alert), not with a 403.
    const server = https.createServer(
      { cert: certs.serverCert, key: certs.serverKey, ca: certs.clientCa, requestCert: true, rejectUnauthorized: true },
      (_req, res) => res.writeHead(200).end()
    );
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const run = await runAction({
        inputs: { 'cluster-endpoint': url, 'package-path': pkg, 'image-store-path': 'SecureApp', 'ca-certificate': certs.serverCa }
      });
      assert.equal(run.exitCode, 1);
      assert.match(errorLine(run), /The cluster requires a client certificate: give .* in 'client-certificate'/);
      assert.equal(attempts(run), 0, 'a refused handshake was retried');
    } finally {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    }
  });

  describe('against a plain-HTTP gateway', () => {
    let emu: TestEmulator;
    before(async () => (emu = await startTestEmulator({ maxApiVersion: '6.5' })));
    after(() => emu.dispose());

    it('says to lower api-version when the cluster does not take it', async () => {
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SecureApp', 'api-version': '8.0' } });
      assert.equal(run.exitCode, 1);
      assert.match(errorLine(run), /HTTP 400 E_INVALIDARG .*lower 'api-version'/);
    });

    it('says to use http:// when https:// meets a plain-HTTP gateway, without retrying', async () => {
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url.replace('http://', 'https://'), 'package-path': pkg, 'image-store-path': 'SecureApp' }
      });
      assert.equal(run.exitCode, 1);
      assert.match(errorLine(run), /does not speak TLS: use an http:\/\/ 'cluster-endpoint'/);
      assert.equal(attempts(run), 0, 'a protocol mismatch was retried');
    });
  });

  it('says to use https:// when http:// meets a TLS gateway, without retrying', async () => {
    const emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    try {
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url.replace('https://', 'http://'), 'package-path': pkg, 'image-store-path': 'SecureApp' }
      });
      assert.equal(run.exitCode, 1);
      assert.match(errorLine(run), /answers over TLS: use an https:\/\/ 'cluster-endpoint'/);
      assert.equal(attempts(run), 0, 'a protocol mismatch was retried');
    } finally {
      await emu.dispose();
    }
  });
});

describe('contradictory security inputs', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  const cases: [string, (url: string) => Record<string, string>, RegExp][] = [
    [
      'pinning with skip-verify',
      () => ({ 'cluster-endpoint': 'https://h:19080', 'server-certificate-thumbprint': 'AB'.repeat(20), 'insecure-skip-tls-verify': 'true' }),
      /Only one of 'server-certificate-thumbprint'\/'server-common-name' or 'insecure-skip-tls-verify' can be set/
    ],
    [
      'a token with a service principal',
      () => ({ 'cluster-endpoint': 'https://h:19080', 'aad-token': 'tok-123456789', 'azure-client-id': 'x', 'azure-tenant-id': 'y' }),
      /Only one of 'aad-token' or 'azure-client-id'/
    ],
    [
      'a certificate over http://',
      url => ({ 'cluster-endpoint': url, 'client-certificate': 'cert.pem' }),
      /'client-certificate' needs an https:\/\/ 'cluster-endpoint'/
    ],
    ['a token over http://', url => ({ 'cluster-endpoint': url, 'aad-token': 'tok-123456789' }), /bearer token must not travel in clear text/],
    [
      'a key without a certificate',
      () => ({ 'cluster-endpoint': 'https://h:19080', 'client-key': 'key.pem' }),
      /'client-key' is set without 'client-certificate'/
    ],
    [
      'a tenant without a client id',
      () => ({ 'cluster-endpoint': 'https://h:19080', 'azure-tenant-id': 'y' }),
      /'azure-client-id' and 'azure-tenant-id' go together/
    ],
    ['a malformed thumbprint', () => ({ 'cluster-endpoint': 'https://h:19080', 'server-certificate-thumbprint': 'xyz' }), /must be SHA-1 thumbprints/]
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name}`, async () => {
      const run = await runAction({ inputs: { 'package-path': pkg, ...make(emu.url) } });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(errorLine(run), message);
      assert.deepEqual(emu.journal.requests, {});
    });
  }
});
