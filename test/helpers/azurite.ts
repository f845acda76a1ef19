// Azurite (the open-source Azure Storage server, a devDependency) as the Blob service of the tests:
// a child process on 127.0.0.1 with a free port, in memory, without telemetry; and SAS tokens made
// with its well-known development account key.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ContainerSASPermissions, ContainerClient, generateBlobSASQueryParameters, SASProtocol, StorageSharedKeyCredential } from '@azure/storage-blob';

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
  dispose(): Promise<void>;
}

export async function startAzurite(): Promise<TestAzurite> {
  const main = path.join(path.dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [main, '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--loose'],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', code => reject(new Error(`Azurite exited (${code}) before listening: ${out}`)));
  });
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
  const container = (name: string) => new ContainerClient(`${origin}/${ACCOUNT}/${name}`, credential);
  return {
    origin,
    container,
    createContainer: async name => {
      await container(name).createIfNotExists();
      return `${origin}/${ACCOUNT}/${name}`;
    },
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
