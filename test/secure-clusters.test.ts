// Secure clusters end to end through dist/index.js: client certificates in every form users hold
// them, server certificate pinning and names, Azure AD, a proxy in between; and no secret in any
// output.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { makeTestCertificates, type TestCertificates } from './helpers/certificates.js';
import { assertCleanJournal, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';
import { loadClientCertificate, readClientCertificate } from '../src/cluster/auth/client-certificate.js';
import { clusterTls } from '../src/cluster/auth/server-verification.js';
import { HttpTransport } from '../src/cluster/transport.js';
import { actionsReporter } from '../src/action/actions-reporter.js';
import { ACTION_SETTING_NAMES } from '../src/action/release-job.js';

/** The action's reporter: masks through @actions/core's workflow commands. */
const AS_THE_ACTION = { reporter: actionsReporter, names: ACTION_SETTING_NAMES };

const KiB = 1024;

/** No secret, nor any line of a multi-line one, appears anywhere but in the runner's mask commands. */
function assertNoSecretLeaks(run: ActionRun, secrets: string[]): void {
  const pieces = secrets.flatMap(s => [
    s,
    ...s
      .split(/\r?\n/)
      .map(l => l.trim())
      .filter(l => l.length >= 8 && !/^-----/.test(l))
  ]);
  const visibleStdout = run.stdout
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const piece of pieces) {
    for (const [where, text] of [
      ['log', visibleStdout],
      ['stderr', run.stderr],
      ['summary', run.summary],
      ['outputs', JSON.stringify(run.outputs)]
    ] as const) {
      assert.ok(!text.includes(piece), `a secret appears in the ${where}: ${piece.slice(0, 12)}…`);
    }
  }
  for (const s of secrets.filter(x => !x.includes('\n'))) {
    assert.ok(run.stdout.includes(`::add-mask::${s}`), `a secret was not masked: ${s.slice(0, 6)}…`);
  }
}

function errorLine(run: ActionRun): string {
  return run.stdout.split('\n').find(l => l.startsWith('::error::')) ?? '';
}

let certs: TestCertificates;
let pkg: string;
before(async () => {
  certs = await makeTestCertificates();
  pkg = await makePackage(
    {
      'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
      'Svc/Code/a.dll': 100 * KiB,
      'Svc/b.txt': 'b'
    },
    'SecureApp'
  );
});

describe('client certificates', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa } });
  });
  after(() => emu.dispose());

  const upload = (inputs: Record<string, string>) =>
    runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SecureApp', 'chunk-size': '64KiB', ...inputs } });

  it('takes a PEM certificate and key in one input, with the server pinned by thumbprint', async () => {
    const run = await upload({
      'client-certificate': `${certs.clientCert}\n${certs.clientKey}`,
      'server-certificate-thumbprint': certs.serverThumbprint.toLowerCase().replace(/(..)/g, '$1:').slice(0, -1)
    });
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'SecureApp', pkg);
    assertCleanJournal(emu);
    assertNoSecretLeaks(run, [`${certs.clientCert}\n${certs.clientKey}`]);
  });

  it('takes the key in client-key, and trusts the server through ca-certificate', async () => {
    const run = await upload({ 'client-certificate': certs.clientCert, 'client-key': certs.clientKey, 'ca-certificate': certs.serverCa });
    assert.equal(run.exitCode, 0, run.stdout);
    assertNoSecretLeaks(run, [certs.clientKey]);
  });

  it('opens an encrypted key with client-certificate-password', async () => {
    const run = await upload({
      'client-certificate': certs.clientCert,
      'client-key': certs.clientKeyEncrypted,
      'client-certificate-password': certs.clientKeyPassword,
      'ca-certificate': certs.serverCa
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assertNoSecretLeaks(run, [certs.clientKeyEncrypted, certs.clientKeyPassword]);
  });

  it('takes a base64 PFX with its password', async () => {
    const run = await upload({
      'client-certificate': certs.clientPfxBase64,
      'client-certificate-password': certs.clientPfxPassword,
      'ca-certificate': certs.serverCa
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assertNoSecretLeaks(run, [certs.clientPfxBase64, certs.clientPfxPassword]);
  });

  it('takes a PFX file path with its password', async () => {
    const run = await upload({
      'client-certificate': certs.clientPfxPath,
      'client-certificate-password': certs.clientPfxPassword,
      'ca-certificate': certs.serverCa
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assertNoSecretLeaks(run, [certs.clientPfxPassword]);
  });

  it('refuses a wrong PFX password before sending anything', async () => {
    const before = JSON.stringify(emu.journal.requests);
    const run = await upload({
      'client-certificate': certs.clientPfxBase64,
      'client-certificate-password': 'wrong-password-1',
      'ca-certificate': certs.serverCa
    });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /'client-certificate-password' does not open the PFX/);
    assert.equal(JSON.stringify(emu.journal.requests), before);
    assertNoSecretLeaks(run, [certs.clientPfxBase64, 'wrong-password-1']);
  });

  it('says the cluster requires a client certificate when none is given', async () => {
    const run = await upload({ 'ca-certificate': certs.serverCa, retries: '1' });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /HTTP 403 .*The cluster requires a client certificate: give the cluster's admin client certificate in 'client-certificate'/);
  });

  it('says the cluster refused a certificate from another CA', async () => {
    const run = await upload({ 'client-certificate': certs.foreignClientCert, 'client-key': certs.foreignClientKey, 'ca-certificate': certs.serverCa });
    assert.equal(run.exitCode, 1);
    assert.match(errorLine(run), /HTTP 403 .*The cluster refused the client certificate or token/);
    assertNoSecretLeaks(run, [certs.foreignClientKey]);
  });
});

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

describe('old PFX files (RC2-40, as OpenSSL 1.x and older Windows exports make)', () => {
  let emu: TestEmulator;
  let legacyPfx: string;
  const password = 'legacy-Pw-4417';
  before(async () => {
    emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa } });
    const file = path.join(certs.dir, 'legacy.pfx');
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-legacy',
        '-keypbe',
        'PBE-SHA1-RC2-40',
        '-certpbe',
        'PBE-SHA1-RC2-40',
        '-in',
        'client.crt',
        '-inkey',
        'client.key',
        '-out',
        file,
        '-passout',
        `pass:${password}`
      ],
      { cwd: certs.dir, stdio: ['ignore', 'ignore', 'pipe'] }
    );
    legacyPfx = readFileSync(file).toString('base64');
  });
  after(() => emu.dispose());

  const security = (clientCertificatePassword: string) => ({
    clientCertificate: legacyPfx,
    clientCertificatePassword,
    serverThumbprints: [certs.serverThumbprint],
    insecureSkipTlsVerify: false
  });

  it('are converted to PEM in memory, with the key masked, and the cluster accepts them', async () => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    // Workflow commands are kept here; anything else (the test runner's own messages) goes through.
    process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) =>
      typeof chunk === 'string' && chunk.startsWith('::') ? (printed.push(chunk), true) : write(chunk, ...rest);
    let certificate;
    try {
      certificate = await readClientCertificate(security(password), AS_THE_ACTION);
    } finally {
      process.stdout.write = write;
    }
    assert.ok(certificate?.cert?.includes('BEGIN CERTIFICATE') && certificate.key?.includes('PRIVATE KEY'), 'no PEM came out of the PFX');
    const keyLines = (certificate?.key ?? '').split(/\r?\n/).filter(l => l.length >= 8 && !l.startsWith('-----'));
    assert.ok(keyLines.length > 0, 'the key has no lines');
    for (const line of keyLines)
      assert.ok(
        printed.some(p => p.includes(`::add-mask::${line}`)),
        'a line of the converted key was not masked'
      );
    const transport = new HttpTransport({ userAgent: 'test', maxSockets: 1, tls: clusterTls(security(password), certificate) });
    try {
      const res = await transport.send({ method: 'GET', url: emu.storeUrl(''), timeoutMs: 10_000 });
      assert.notEqual(res.status, 403, 'the cluster refused the converted certificate');
      assert.ok(res.status === 200 || res.status === 204, `HTTP ${res.status}`);
    } finally {
      transport.dispose();
    }
  });

  it('with a wrong password say so', async () => {
    await assert.rejects(readClientCertificate(security('not-the-password'), AS_THE_ACTION), /'client-certificate-password' does not open the PFX/);
  });

  it('say how to re-export the file where they cannot be converted', () => {
    assert.throws(() => loadClientCertificate(security(password), AS_THE_ACTION), /openssl pkcs12 -in old\.pfx -nodes \| openssl pkcs12 -export -out new\.pfx/);
  });
});

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
