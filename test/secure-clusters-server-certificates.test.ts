// Secure clusters end to end through dist/index.js: the server certificate verified, pinned by
// thumbprint or checked for a name, and a client certificate and pinning carried through an
// https_proxy's tunnel.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import type { TestCertificates } from './helpers/certificates.js';
import { assertStoreMatchesPackage } from './helpers/packages.js';
import { errorLine } from './helpers/action-output.js';
import { makeSecureFixture } from './helpers/secure-clusters.js';

let certs: TestCertificates;
let pkg: string;
before(async () => ({ certs, pkg } = await makeSecureFixture()));

describe('server certificates', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ tls: { cert: certs.selfSignedCert, key: certs.selfSignedKey } })));
  after(() => emu.dispose());

  const upload = (inputs: Record<string, string>) =>
    runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SecureApp', ...inputs } });

  it('refuses a self-signed server by default, naming the fix, and sends nothing', async () => {
    const run = await upload({});
    assert.equal(run.exitCode, 1);
    const error = errorLine(run);
    assert.match(error, /DEPTH_ZERO_SELF_SIGNED_CERT/);
    assert.match(error, /pin it with 'server-certificate-thumbprint'/);
    assert.deepEqual(emu.journal.requests, {});
  });

  it('accepts a self-signed server pinned by its thumbprint', async () => {
    const run = await upload({ 'server-certificate-thumbprint': `0000000000000000000000000000000000000000, ${certs.selfSignedThumbprint}` });
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'SecureApp', pkg);
  });

  it('refuses a server whose thumbprint is not pinned, before writing a byte', async () => {
    const before = JSON.stringify(emu.journal.requests);
    const run = await upload({ 'server-certificate-thumbprint': certs.serverThumbprint });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /the cluster is not the one expected: its certificate \(CN=selfsigned\.test, thumbprint [0-9A-F]{40}\) matches no thumbprint/);
    assert.equal(JSON.stringify(emu.journal.requests), before, 'a request reached the unexpected server');
  });

  it('accepts any server with insecure-skip-tls-verify, and warns', async () => {
    const run = await upload({ 'insecure-skip-tls-verify': 'true' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /::warning::'insecure-skip-tls-verify' is on/);
  });
});

describe('server common name', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey } })));
  after(() => emu.dispose());

  it('accepts a server whose certificate carries the name, with a chain to ca-certificate', async () => {
    // The endpoint is an IP address; the check is against the configured name instead.
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'SecureApp',
        'server-common-name': 'CLUSTER.test',
        'ca-certificate': certs.serverCa
      }
    });
    assert.equal(run.exitCode, 0, run.stdout);
  });

  it('refuses a server whose certificate carries another name', async () => {
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'SecureApp',
        'server-common-name': 'other.test',
        'ca-certificate': certs.serverCa
      }
    });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /does not carry the name 'other\.test'/);
  });

  it('refuses the right name on a chain it cannot validate', async () => {
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SecureApp', 'server-common-name': 'cluster.test' }
    });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /does not chain to a trusted CA .*'ca-certificate'/);
  });
});

describe('behind an https_proxy', () => {
  it('carries the client certificate and the pinning through the tunnel to the cluster', async () => {
    const emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa } });
    const connects: string[] = [];
    // A CONNECT proxy that sends every tunnel to the emulator: the action addresses the cluster by
    // a name that is not loopback, so that the proxy is not bypassed.
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client, head) => {
      connects.push(req.url ?? '');
      const upstream = net.connect(emu.port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>(r => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      const run = await runAction({
        inputs: {
          'cluster-endpoint': `https://cluster.test:${emu.port}`,
          'package-path': pkg,
          'image-store-path': 'SecureApp',
          'client-certificate': certs.clientPfxBase64,
          'client-certificate-password': certs.clientPfxPassword,
          'server-certificate-thumbprint': certs.serverThumbprint
        },
        env: { https_proxy: proxyUrl, HTTPS_PROXY: proxyUrl, no_proxy: '', NO_PROXY: '' }
      });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.ok(connects.length > 0 && connects.every(c => c === `cluster.test:${emu.port}`), JSON.stringify(connects));
      await assertStoreMatchesPackage(emu, 'SecureApp', pkg);
    } finally {
      proxy.closeAllConnections();
      await new Promise(r => proxy.close(r));
      await emu.dispose();
    }
  });
});
