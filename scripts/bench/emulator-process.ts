// The emulator in its own process (the built dist/emulator/index.js), as a user runs it, and the
// few raw requests the benchmark makes to it (journal, delete).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../runner.js';

export interface Emulator {
  url: string;
  root: string;
  child: ChildProcess;
}

export interface EmulatorSettings {
  latencyMs?: number;
  /** The link's rate both ways (--bandwidth), in bits per second; unlimited when left out. */
  bitsPerSecond?: number;
  /** The cluster manager's pace: 0 makes provisions and upgrades instant. */
  provisionSeconds?: number;
  upgradeDomainSeconds?: number;
}

export async function startEmulator(s: EmulatorSettings = {}): Promise<Emulator> {
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-bench-store-'));
  const flags = ['--port', '0', '--root', root, '--journal', '--latency-ms', String(s.latencyMs ?? 0)];
  if (s.bitsPerSecond !== undefined) flags.push('--bandwidth', `${s.bitsPerSecond}bit`);
  if (s.provisionSeconds !== undefined) flags.push('--provision-seconds', String(s.provisionSeconds));
  if (s.upgradeDomainSeconds !== undefined) flags.push('--upgrade-domain-seconds', String(s.upgradeDomainSeconds));
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/emulator/index.js'), ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const url = /listening on (http:\/\/\S+)/.exec(d.toString())?.[1];
      if (url !== undefined) resolve(url);
    });
    child.on('exit', code => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, root, child };
}

export async function stopEmulator(e: Emulator): Promise<void> {
  e.child.kill('SIGTERM');
  await new Promise(r => e.child.once('exit', r));
  await rm(e.root, { recursive: true, force: true });
}

export async function journalRequests(e: Emulator): Promise<number> {
  const j = JSON.parse(await get(`${e.url}/__emulator/journal`)) as { requests: Record<string, number> };
  return Object.values(j.requests).reduce((a, b) => a + b, 0);
}

export async function journalMistakes(e: Emulator): Promise<number> {
  return (JSON.parse(await get(`${e.url}/__emulator/journal`)) as { mistakes: unknown[] }).mistakes.length;
}

export function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, res => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve(Buffer.concat(parts).toString()));
      })
      .on('error', reject);
  });
}

export function storeUrl(e: Emulator, rel: string): string {
  return `${e.url}/ImageStore/${rel.split('/').map(encodeURIComponent).join('/')}?api-version=6.0`;
}

export function del(e: Emulator, rel: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(storeUrl(e, rel), { method: 'DELETE' }, res => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}
