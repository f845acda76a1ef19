// Azurite (the open-source Azure Storage server, a devDependency) as the Blob service of the tests:
// a child process on 127.0.0.1 with a free port, in memory, without telemetry; and SAS tokens made
// with its well-known development account key.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import {
  AccountSASPermissions,
  generateAccountSASQueryParameters,
  ContainerSASPermissions,
  ContainerClient,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential
} from '@azure/storage-blob';

/** Azurite's documented development account. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface TestAzurite {
  /** `http://127.0.0.1:<port>`: the origin the action accepts through SFU_TEST_BLOB_ORIGIN. */
  origin: string;
  /** `http://127.0.0.1:<port>/devstoreaccount1/<name>`, created. */
  createContainer(name: string): Promise<string>;
  /** A container SAS with these permissions (`rwd`…), valid for an hour unless `expiresOn`. */
  containerSas(container: string, permissions: string, expiresOn?: Date): string;
  container(name: string): ContainerClient;
  /** The HTTP status of a HEAD of the blob (200 or 404), also over https. */
  blobStatus(container: string, blob: string): Promise<number>;
  dispose(): Promise<void>;
}

export interface AzuriteOptions {
  /** Serve https with this certificate and key (PEM files), and accept Azure AD tokens (`--oauth basic`). */
  https?: { certPath: string; keyPath: string; ca: string };
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<TestAzurite> {
  const main = path.join(path.dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      ...['--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--loose'],
      ...(options.https ? ['--cert', options.https.certPath, '--key', options.https.keyPath, '--oauth', 'basic'] : [])
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listens on (https?:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', code => reject(new Error(`Azurite exited (${code}) before listening: ${out}`)));
  });
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
  const container = (name: string) => new ContainerClient(`${origin}/${ACCOUNT}/${name}`, credential);
  const accountSas = (permissions: string) =>
    generateAccountSASQueryParameters(
      { services: 'b', resourceTypes: 'sco', permissions: AccountSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3600_000) },
      credential
    ).toString();
  return {
    origin,
    container,
    createContainer: async name => {
      if (options.https) {
        // The SDK in this process would not trust the test CA: a plain request with an account SAS.
        const status = await httpStatus('PUT', `${origin}/${ACCOUNT}/${name}?restype=container&${accountSas('rwdlc')}`, options.https.ca);
        if (status !== 201 && status !== 409) throw new Error(`Azurite answered ${status} to creating the container ${name}`);
      } else {
        await container(name).createIfNotExists();
      }
      return `${origin}/${ACCOUNT}/${name}`;
    },
    blobStatus: (containerName, blob) => httpStatus('HEAD', `${origin}/${ACCOUNT}/${containerName}/${blob}?${accountSas('r')}`, options.https?.ca),
    containerSas: (name, permissions, expiresOn = new Date(Date.now() + 3600_000)) =>
      generateBlobSASQueryParameters(
        { containerName: name, permissions: ContainerSASPermissions.parse(permissions), expiresOn, protocol: SASProtocol.HttpsAndHttp },
        credential
      ).toString(),
    dispose: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill();
      await exited;
    }
  };
}

function httpStatus(method: string, url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { 'x-ms-version': '2021-10-04', 'Content-Length': '0' };
    const options = { method, headers, ...(ca ? { ca: [...tls.rootCertificates, ca] } : {}) };
    const req = (url.startsWith('https:') ? https : http).request(url, options, res => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
