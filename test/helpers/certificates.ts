// Certificates for the secure-cluster tests, made with openssl into a temporary folder.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface TestCertificates {
  dir: string;
  /** CA that signs the server certificate (given to the action as `ca-certificate`). */
  serverCa: string;
  /** Server certificate for CN=cluster.test, SAN cluster.test and 127.0.0.1, signed by serverCa. */
  serverCert: string;
  serverKey: string;
  serverThumbprint: string;
  /** A self-signed server certificate, trusted by nobody. */
  selfSignedCert: string;
  selfSignedKey: string;
  selfSignedThumbprint: string;
  /** CA the emulator requires client certificates to be signed by. */
  clientCa: string;
  clientCert: string;
  clientKey: string;
  clientKeyEncrypted: string;
  clientKeyPassword: string;
  clientPfxPath: string;
  clientPfxBase64: string;
  clientPfxPassword: string;
  /** A client certificate from another CA: the emulator refuses it. */
  foreignClientCert: string;
  foreignClientKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function selfSigned(dir: string, name: string, subject: string, extra: string[] = []): void {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', subject, ...extra]);
}

async function signed(dir: string, name: string, subject: string, ca: string, extensions: string): Promise<void> {
  openssl(dir, ['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  await writeFile(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`
  ]);
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sfu-certs-'));
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  selfSigned(dir, 'server-ca', '/CN=Test Cluster CA', caExt);
  await signed(
    dir,
    'server',
    '/CN=cluster.test',
    'server-ca',
    'subjectAltName=DNS:cluster.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n'
  );
  selfSigned(dir, 'self', '/CN=selfsigned.test', ['-addext', 'subjectAltName=DNS:selfsigned.test,IP:127.0.0.1']);
  selfSigned(dir, 'client-ca', '/CN=Test Client CA', caExt);
  await signed(dir, 'client', '/CN=sfu-admin', 'client-ca', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  selfSigned(dir, 'foreign-ca', '/CN=Foreign CA', caExt);
  await signed(dir, 'foreign', '/CN=intruder', 'foreign-ca', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  const clientKeyPassword = 'key-pass-Q7u9';
  openssl(dir, ['pkcs8', '-topk8', '-in', 'client.key', '-out', 'client-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${clientKeyPassword}`]);
  const clientPfxPassword = 'pfx-pass-Z3k1';
  openssl(dir, ['pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-out', 'client.pfx', '-passout', `pass:${clientPfxPassword}`]);
  const thumbprint = async (f: string) => new X509Certificate(await read(f)).fingerprint.replace(/:/g, '');
  return {
    dir,
    serverCa: await read('server-ca.crt'),
    serverCert: await read('server.crt'),
    serverKey: await read('server.key'),
    serverThumbprint: await thumbprint('server.crt'),
    selfSignedCert: await read('self.crt'),
    selfSignedKey: await read('self.key'),
    selfSignedThumbprint: await thumbprint('self.crt'),
    clientCa: await read('client-ca.crt'),
    clientCert: await read('client.crt'),
    clientKey: await read('client.key'),
    clientKeyEncrypted: await read('client-enc.key'),
    clientKeyPassword,
    clientPfxPath: path.join(dir, 'client.pfx'),
    clientPfxBase64: (await readFile(path.join(dir, 'client.pfx'))).toString('base64'),
    clientPfxPassword,
    foreignClientCert: await read('foreign.crt'),
    foreignClientKey: await read('foreign.key')
  };
}
