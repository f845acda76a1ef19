// Secure clusters end to end through dist/index.js: client certificates in every form users hold
// them (PEM, encrypted keys, PFX, old RC2-40 PFX files converted in memory), refused ones; and no
// secret in any output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import type { TestCertificates } from './helpers/certificates.js';
import { assertCleanJournal, assertStoreMatchesPackage } from './helpers/packages.js';
import { assertNoSecretLeaks, errorLine } from './helpers/action-output.js';
import { makeSecureFixture } from './helpers/secure-clusters.js';
import { loadClientCertificate, readClientCertificate } from '../src/cluster/auth/client-certificate.js';
import { clusterTls } from '../src/cluster/auth/server-verification.js';
import { HttpTransport } from '../src/cluster/transport.js';
import { actionsReporter } from '../src/action/actions-reporter.js';
import { ACTION_SETTING_NAMES } from '../src/action/release-job.js';

/** The action's reporter: masks through @actions/core's workflow commands. */
const AS_THE_ACTION = { reporter: actionsReporter, names: ACTION_SETTING_NAMES };

let certs: TestCertificates;
let pkg: string;
before(async () => ({ certs, pkg } = await makeSecureFixture()));

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
