// The emulator's cluster manager in this process, behind a real GatewayClient over HTTP on
// 127.0.0.1: what the release's unit tests run against (no second, hand-written cluster).
// Packages are put in the Image Store as the action leaves them (files, then every folder's `_.dir`).
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GatewayClient } from '../../src/cluster/gateway-client.js';
import { ImageStoreClient } from '../../src/cluster/store-client.js';
import { HttpTransport } from '../../src/cluster/transport.js';
import { Semaphore } from '../../src/util/concurrency.js';
import type { EmulatorOptions } from '../../emulator/server.js';
import { rawRequest } from './raw-http.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';

export interface TestCluster {
  emu: TestEmulator;
  gateway(signal?: AbortSignal): GatewayClient;
  store(gateway: GatewayClient): ImageStoreClient;
  /** Uploads a local package folder to `storePath`, mark files last. */
  upload(localDir: string, storePath: string): Promise<void>;
  /** Provisions what is at `storePath` synchronously (api-version 6.0 body): for setting up a cluster. */
  provision(storePath: string): Promise<void>;
  /** Requests to a route, by the journal's route name. */
  count(route: string): number;
  dispose(): Promise<void>;
}

export async function startTestCluster(options: Partial<EmulatorOptions> = {}): Promise<TestCluster> {
  const emu = await startTestEmulator({
    ...options,
    management: { upgradeDomains: 2, upgradeDomainSeconds: 0.05, provisionSeconds: 0.05, ...options.management }
  });
  const transport = new HttpTransport({ userAgent: 'sfu-unit-tests', maxSockets: 4 });
  return {
    emu,
    gateway: signal =>
      new GatewayClient(transport, {
        endpoint: emu.url,
        apiVersion: '6.0',
        timeoutSeconds: 60,
        retries: 3,
        backoff: { baseDelayMs: 1, maxDelayMs: 2 },
        limiter: new Semaphore(4),
        signal
      }),
    store: gateway => new ImageStoreClient(gateway),
    upload: async (localDir, storePath) => {
      const files = await listFiles(localDir);
      for (const rel of files) {
        const r = await rawRequest('PUT', emu.storeUrl(`${storePath}/${rel}`), { body: await readFile(path.join(localDir, rel)) });
        if (r.status !== 200) throw new Error(`upload ${rel}: HTTP ${r.status}`);
      }
      const folders = new Set<string>(['']);
      for (const rel of files) {
        const segments = rel.split('/');
        for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
      }
      // Deepest first: a folder's mark file once everything beneath it is there.
      for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length)) {
        const mark = folder === '' ? `${storePath}/_.dir` : `${storePath}/${folder}/_.dir`;
        const r = await rawRequest('PUT', emu.storeUrl(mark), { body: '' });
        if (r.status !== 200) throw new Error(`mark ${mark}: HTTP ${r.status}`);
      }
    },
    provision: async storePath => {
      const r = await rawRequest('POST', `${emu.url}/ApplicationTypes/$/Provision?api-version=6.0`, {
        body: JSON.stringify({ ApplicationTypeBuildPath: storePath }),
        headers: { 'Content-Type': 'application/json' }
      });
      if (r.status !== 200) throw new Error(`provision ${storePath}: HTTP ${r.status} ${r.body.toString()}`);
    },
    count: route => emu.journal.requests[route] ?? 0,
    dispose: async () => {
      transport.dispose();
      await emu.dispose();
    }
  };
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.name !== '_.dir') out.push(rel);
  }
  return out;
}
