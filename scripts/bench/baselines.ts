// The two baselines: the naive uploader (one PUT per file, one at a time: today's common practice)
// and the raw ceiling (the same bytes by bare PUTs at the action's concurrency, no protocol logic).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import { type Emulator, storeUrl } from './emulator-process.js';
import { MiB, settings } from './settings.js';

export interface BenchFile {
  rel: string;
  size: number;
}

function putFile(agent: http.Agent, url: string, file: string, start: number, end: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const length = end - start + 1;
    const req = http.request(url, { method: 'PUT', agent, headers: { 'Content-Length': length } }, res => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode} for ${url}`))));
    });
    req.on('error', reject);
    if (length === 0) req.end();
    else createReadStream(file, { start, end, highWaterMark: MiB }).pipe(req);
  });
}

/** Today's common practice: one PUT per file, one at a time, no chunking. */
export async function naiveUpload(e: Emulator, dir: string, files: BenchFile[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const f of files) await putFile(agent, storeUrl(e, `Naive/${f.rel}`), path.join(dir, f.rel), 0, f.size - 1);
  agent.destroy();
}

/** The link's limit: the same bytes, bare PUTs at the same concurrency, large files in chunk-size pieces. */
export async function rawUpload(e: Emulator, dir: string, files: BenchFile[], workers: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const jobs: [string, string, number, number][] = [];
  const { chunkSize } = settings;
  for (const f of files) {
    const file = path.join(dir, f.rel);
    if (f.size <= chunkSize) jobs.push([`Raw/${f.rel}`, file, 0, f.size - 1]);
    else for (let s = 0, k = 0; s < f.size; s += chunkSize, k++) jobs.push([`Raw/${f.rel}.part${k}`, file, s, Math.min(f.size, s + chunkSize) - 1]);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        if (job === undefined) break;
        const [rel, file, s, end] = job;
        await putFile(agent, storeUrl(e, rel), file, s, end);
      }
    })
  );
  agent.destroy();
  return jobs.length;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: MiB })) h.update(c as Buffer);
  return h.digest('hex');
}

/** The store holds every file of the package, byte for byte. */
export async function identical(dir: string, storeDir: string, files: BenchFile[]): Promise<boolean> {
  for (const f of files) {
    const a = path.join(dir, f.rel);
    const b = path.join(storeDir, f.rel);
    if ((await stat(b).catch(() => undefined))?.size !== f.size) return false;
    if (f.size > 0 && (await sha256(a)) !== (await sha256(b))) return false;
  }
  return true;
}

/** Requests no uploader can avoid: one PUT per file (chunks and a commit for a large one) and one mark file per folder. */
export function neededRequests(files: BenchFile[]): number {
  let n = folderCount(files);
  for (const f of files) n += f.size <= settings.chunkSize ? 1 : Math.ceil(f.size / settings.chunkSize) + 1;
  return n;
}

export function folderCount(files: BenchFile[]): number {
  const folders = new Set<string>(['']);
  for (const f of files) {
    const parts = f.rel.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return folders.size;
}
