// `npm run bench [-- --quick] [-- --write]`: measures the built action against the emulator, next
// to a naive uploader (one PUT per file, one at a time) and the raw ceiling (the same bytes by bare
// PUTs at the same concurrency, no protocol logic). Prints a table; --write (or a full run) writes
// BENCHMARKS.md. Never fails on timing.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, runAction } from './runner.js';
import { dllLikeBytes, servicePackageSpec, type ServiceSpec } from '../test/helpers/sf-packages.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    'chunk-size': { type: 'string', default: '8MiB' },
    concurrency: { type: 'string', default: '16' },
    'expect-continue': { type: 'string', default: '' },
    only: { type: 'string', default: '' },
    verbose: { type: 'boolean', default: false },
    'no-naive': { type: 'boolean', default: false },
    'no-packages': { type: 'boolean', default: false }
  }
});
const quick = args.quick;
const concurrency = Number(args.concurrency);
const chunkSize = parseSize(args['chunk-size']);

function parseSize(text: string): number {
  const m = /^(\d+)(KiB|MiB|GiB)?$/.exec(text);
  if (!m) throw new Error(`bad size ${text}`);
  return Number(m[1]) * ({ KiB, MiB, GiB: 1024 * MiB }[m[2] ?? ''] ?? 1);
}

/** With --verbose, prints each line of the action's log with the milliseconds since `started`. */
function verboseEcho(started: number): ((line: string) => void) | undefined {
  if (!args.verbose) return undefined;
  return line => {
    if (line && !line.startsWith('::debug')) console.log(`${String(Date.now() - started).padStart(7)} ms  ${line}`);
  };
}

// ---- the package ----------------------------------------------------------------------------

interface BenchFile {
  rel: string;
  size: number;
}

/** Deterministic generator, so that every run measures the same package. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

function planPackage(smallFiles: number, largeSize: number): BenchFile[] {
  const random = lcg(20261124);
  const files: BenchFile[] = [{ rel: 'ApplicationManifest.xml', size: 1800 }];
  for (let i = 0; i < smallFiles; i++) {
    // Heavy tail (Pareto, alpha 1.1) between 0 and 256 KiB: most files are small, a few are large.
    const u = Math.max(random(), 1e-9);
    const size = Math.min(256 * KiB, Math.floor(512 * (u ** (-1 / 1.1) - 1)));
    const svc = `Svc${i % 4}Pkg`;
    const area = ['Code', 'Code/lib', 'Code/lib/net8.0', 'Code/wwwroot/js', 'Config', 'Data'][Math.floor(random() * 6)];
    files.push({ rel: `${svc}/${area}/f${i}.bin`, size });
  }
  files.push({ rel: 'Svc0Pkg/Data/model-a.bin', size: largeSize + 3 }, { rel: 'Svc1Pkg/Data/model-b.bin', size: largeSize + 5 });
  return files;
}

async function writeRandomFile(file: string, size: number, random: () => number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const block = Buffer.alloc(Math.min(size, 4 * MiB) + 4);
  for (let i = 0; i + 4 <= block.length; i += 4) block.writeUInt32LE(Math.floor(random() * 4294967296), i);
  for (let left = size; left > 0;) {
    const n = Math.min(left, block.length - 4);
    const piece = Buffer.from(block.subarray(0, n));
    if (n >= 4) piece.writeUInt32LE(left >>> 0, 0); // every block of a large file differs
    if (!out.write(piece)) await new Promise<void>(r => out.once('drain', () => r()));
    left -= n;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function makePackage(dir: string, files: BenchFile[]): Promise<void> {
  const random = lcg(7);
  for (const f of files) {
    if (f.rel === 'ApplicationManifest.xml') await writeManifest(path.join(dir, f.rel), f.size);
    else await writeRandomFile(path.join(dir, f.rel), f.size, random);
  }
}

/** A valid ApplicationManifest.xml (the action validates the package) of exactly `size` bytes. */
async function writeManifest(file: string, size: number): Promise<void> {
  const xml = '<ApplicationManifest ApplicationTypeName="BenchType" ApplicationTypeVersion="1.0.0"/>';
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${xml}<!--${'x'.repeat(Math.max(0, size - xml.length - 7))}-->`);
}

// ---- the emulator, in its own process --------------------------------------------------------

interface Emulator {
  url: string;
  root: string;
  child: ChildProcess;
}

async function startEmulator(latencyMs: number): Promise<Emulator> {
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-bench-store-'));
  const child = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'dist/emulator/index.js'), '--port', '0', '--root', root, '--journal', '--latency-ms', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const url = /listening on (http:\/\/\S+)/.exec(d.toString())?.[1];
      if (url !== undefined) resolve(url);
    });
    child.on('exit', code => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, root, child };
}

async function stopEmulator(e: Emulator): Promise<void> {
  e.child.kill('SIGTERM');
  await new Promise(r => e.child.once('exit', r));
  await rm(e.root, { recursive: true, force: true });
}

async function journalRequests(e: Emulator): Promise<number> {
  const j = JSON.parse(await get(`${e.url}/__emulator/journal`)) as { requests: Record<string, number>; mistakes: unknown[] };
  return Object.values(j.requests).reduce((a, b) => a + b, 0);
}

async function journalMistakes(e: Emulator): Promise<number> {
  return (JSON.parse(await get(`${e.url}/__emulator/journal`)) as { mistakes: unknown[] }).mistakes.length;
}

function get(url: string): Promise<string> {
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

// ---- baselines ------------------------------------------------------------------------------

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

function storeUrl(e: Emulator, rel: string): string {
  return `${e.url}/ImageStore/${rel.split('/').map(encodeURIComponent).join('/')}?api-version=6.0`;
}

/** Today's common practice: one PUT per file, one at a time, no chunking. */
async function naiveUpload(e: Emulator, dir: string, files: BenchFile[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const f of files) await putFile(agent, storeUrl(e, `Naive/${f.rel}`), path.join(dir, f.rel), 0, f.size - 1);
  agent.destroy();
}

/** The link's limit: the same bytes, bare PUTs at the same concurrency, large files in chunk-size pieces. */
async function rawUpload(e: Emulator, dir: string, files: BenchFile[], workers: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const jobs: [string, string, number, number][] = [];
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

async function identical(dir: string, storeDir: string, files: BenchFile[]): Promise<boolean> {
  for (const f of files) {
    const a = path.join(dir, f.rel);
    const b = path.join(storeDir, f.rel);
    if ((await stat(b).catch(() => undefined))?.size !== f.size) return false;
    if (f.size > 0 && (await sha256(a)) !== (await sha256(b))) return false;
  }
  return true;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

// ---- scenarios ------------------------------------------------------------------------------

interface Row {
  scenario: string;
  latencyMs: number;
  actionSeconds: number;
  /** Package bytes over the action's upload phase (its throughput-bytes-per-second output). */
  actionUploadRate: number;
  naiveSeconds?: number;
  rawSeconds: number;
  /** The issue's bound: max(bytes / raw throughput in this scenario, requests × latency / concurrency). */
  lowerBound: number;
  /** The same with the link's bandwidth measured without latency: perfect overlap, unreachable with a fixed slot count. */
  idealBound: number;
  bytes: number;
  actionRequests: number;
  neededRequests: number;
  peakRssMiB: number;
  identical: boolean;
  mistakes: number;
}

function neededRequests(files: BenchFile[], folders: number): number {
  let n = folders;
  for (const f of files) n += f.size <= chunkSize ? 1 : Math.ceil(f.size / chunkSize) + 1;
  return n;
}

function folderCount(files: BenchFile[]): number {
  const folders = new Set<string>(['']);
  for (const f of files) {
    const parts = f.rel.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return folders.size;
}

/** Bytes per second of the raw ceiling with no added latency, per package: the link's bandwidth. */
const linkBandwidth = new Map<string, number>();

async function runScenario(name: string, dir: string, files: BenchFile[], latencyMs: number, withNaive: boolean): Promise<Row> {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const e = await startEmulator(latencyMs);
  try {
    const before = await journalRequests(e);
    const inputs: Record<string, string> = {
      'cluster-endpoint': e.url,
      'package-path': dir,
      'image-store-path': 'Action',
      'chunk-size': args['chunk-size'],
      concurrency: String(concurrency)
    };
    const env: Record<string, string> = { SFU_REPORT_RESOURCE_USAGE: '1' };
    if (args['expect-continue']) env.SFU_EXPECT_CONTINUE = args['expect-continue'];
    let run: Awaited<ReturnType<typeof runAction>> | undefined;
    const started = Date.now();
    const echo = verboseEcho(started);
    const actionSeconds = await timed(async () => (run = await runAction({ inputs, env, timeoutMs: 3_600_000, onLine: echo })));
    if (run!.exitCode !== 0) throw new Error(`the action failed in ${name}:\n${run!.stdout.slice(-3000)}`);
    const actionRequests = (await journalRequests(e)) - before;
    const mistakes = await journalMistakes(e);
    const same = await identical(dir, path.join(e.root, 'content', 'Action'), files);
    await get(`${e.url}/`); // keep-alive check
    await del(e, 'Action');

    const rawSeconds = await timed(() => rawUpload(e, dir, files, concurrency));
    await del(e, 'Raw');
    let naiveSeconds: number | undefined;
    if (withNaive) {
      naiveSeconds = await timed(() => naiveUpload(e, dir, files));
      await del(e, 'Naive');
    }
    if (latencyMs === 0) linkBandwidth.set(dir, bytes / rawSeconds);
    const bandwidth = linkBandwidth.get(dir) ?? bytes / rawSeconds;
    const needed = neededRequests(files, folderCount(files));
    const latencyFloor = (needed * latencyMs) / 1000 / concurrency;
    return {
      scenario: name,
      latencyMs,
      actionSeconds,
      actionUploadRate: Number(run!.outputs['throughput-bytes-per-second'] ?? 0),
      lowerBound: Math.max(rawSeconds, latencyFloor),
      idealBound: Math.max(bytes / bandwidth, latencyFloor),
      naiveSeconds,
      rawSeconds,
      bytes,
      actionRequests,
      neededRequests: needed,
      peakRssMiB: (run!.peakRssBytes ?? 0) / MiB,
      identical: same,
      mistakes
    };
  } finally {
    await stopEmulator(e);
  }
}

// ---- compressed and diff packages (issue 12) -------------------------------------------------

/**
 * A .NET-like package: `services` × `filesPerService` files, DLL-like sizes and contents. File
 * contents are given as sizes and generated one at a time when written: the benchmark process must
 * stay small, since a child's peak RSS on Linux starts at its parent's size when it was forked.
 */
function dotnetServices(services: number, filesPerService: number, changed: { service: number; version: string } | undefined): ServiceSpec[] {
  const random = lcg(4242);
  const out: ServiceSpec[] = [];
  for (let s = 0; s < services; s++) {
    const version = changed?.service === s ? changed.version : '1.0.0';
    const code: Record<string, number> = {};
    for (let i = 0; i < filesPerService - 4; i++) {
      // Log-uniform between 2 KiB and 512 KiB (median 32 KiB, mean 92 KiB): many small assemblies, a few large ones.
      const size = Math.round(2 * KiB * Math.exp(random() * Math.log(256)));
      const folder = ['', 'runtimes/win-x64/native/', 'runtimes/linux-x64/lib/net8.0/', 'de/', 'fr/'][Math.floor(random() * 5)];
      code[`${folder}Contoso.Lib${i}.dll`] = size;
    }
    out.push({
      name: `Svc${s}Pkg`,
      version,
      code,
      config: { 'Settings.xml': `<Settings><!-- ${version} --></Settings>`, 'appsettings.json': JSON.stringify({ version, s }) },
      data: { 'seed.json': JSON.stringify({ s }) }
    });
  }
  return out;
}

/** Writes a spec; a number is a size of DLL-like bytes seeded by the path and `seedSalt` (another salt, other bytes). */
async function writeSpec(dir: string, spec: Record<string, string | Buffer | number>, seedSalt = 0): Promise<{ rel: string; size: number }[]> {
  const written: { rel: string; size: number }[] = [];
  for (const [rel, content] of Object.entries(spec)) {
    const file = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    const seed = (createHash('sha256').update(rel).digest().readUInt32LE(0) + seedSalt) >>> 0;
    const data = typeof content === 'number' ? dllLikeBytes(content, seed) : content;
    await writeFile(file, data);
    written.push({ rel, size: Buffer.byteLength(data) });
  }
  return written;
}

interface PackageRow {
  scenario: string;
  seconds: number;
  filesUploaded: number;
  bytesUploaded: number;
  requests: number;
  peakRssMiB: number;
  naiveSeconds?: number;
  plainSeconds?: number;
}

async function timedAction(
  e: Emulator,
  inputs: Record<string, string>
): Promise<{ seconds: number; run: Awaited<ReturnType<typeof runAction>>; requests: number }> {
  const before = await journalRequests(e);
  let run: Awaited<ReturnType<typeof runAction>> | undefined;
  const started = Date.now();
  const seconds = await timed(
    async () =>
      (run = await runAction({
        inputs: { 'cluster-endpoint': e.url, 'chunk-size': args['chunk-size'], concurrency: String(concurrency), ...inputs },
        env: { SFU_REPORT_RESOURCE_USAGE: '1' },
        timeoutMs: 3_600_000,
        onLine: verboseEcho(started)
      }))
  );
  if (run!.exitCode !== 0) throw new Error(`the action failed:\n${run!.stdout.slice(-3000)}`);
  return { seconds, run: run!, requests: (await journalRequests(e)) - before };
}

function packageRow(scenario: string, r: Awaited<ReturnType<typeof timedAction>>): PackageRow {
  const o = r.run.outputs;
  return {
    scenario,
    seconds: r.seconds,
    filesUploaded: Number(o['file-count'] ?? 0),
    bytesUploaded: Number(o['store-size-bytes'] ?? 0),
    requests: r.requests,
    peakRssMiB: (r.run.peakRssBytes ?? 0) / MiB
  };
}

/** Plain, naive, compress, diff (one service of four changed) and diff + compress, all at 25 ms latency. */
async function runPackageScenarios(work: string): Promise<PackageRow[]> {
  const services = quick ? 2 : 4;
  const perService = quick ? 60 : 300;
  const latency = 25;
  const v1 = path.join(work, 'dotnet-1.0.0', 'Contoso');
  const v2 = path.join(work, 'dotnet-1.1.0', 'Contoso');
  const v1Files = await writeSpec(v1, servicePackageSpec('ContosoType', '1.0.0', dotnetServices(services, perService, undefined)));
  // Version 1.1.0: Svc0Pkg changed (other bytes, version 1.1.0), the other services as they were.
  const v2Spec = servicePackageSpec('ContosoType', '1.1.0', dotnetServices(services, perService, { service: 0, version: '1.1.0' }));
  await writeSpec(v2, Object.fromEntries(Object.entries(v2Spec).filter(([rel]) => rel.startsWith('Svc0Pkg/') || !rel.includes('/'))), 7);
  await writeSpec(v2, Object.fromEntries(Object.entries(v2Spec).filter(([rel]) => !rel.startsWith('Svc0Pkg/') && rel.includes('/'))));
  const bytes = v1Files.reduce((n, f) => n + f.size, 0);
  console.log(`.NET-like package: ${services} services × ${perService} files = ${v1Files.length} files, ${(bytes / MiB).toFixed(0)} MiB`);
  const rows: PackageRow[] = [];
  const e = await startEmulator(latency);
  try {
    console.log('Running: plain …');
    const plain = packageRow('plain upload', await timedAction(e, { 'package-path': v1, 'image-store-path': 'Plain' }));
    await del(e, 'Plain');
    if (!args['no-naive']) {
      console.log('Running: naive uploader …');
      plain.naiveSeconds = await timed(() => naiveUpload(e, v1, v1Files));
      await del(e, 'Naive');
    }
    rows.push(plain);
    console.log('Running: compress …');
    rows.push(packageRow('compress: true', await timedAction(e, { 'package-path': v1, 'image-store-path': 'Compressed', compress: 'true' })));
    await del(e, 'Compressed');
    console.log('Provisioning 1.0.0 for the diff …');
    await timedAction(e, { 'package-path': v1, 'image-store-path': 'Contoso/1.0.0', provision: 'true' });
    console.log('Running: diff-package …');
    rows.push(
      packageRow(
        `diff-package: true (1 of ${services} services changed)`,
        await timedAction(e, { 'package-path': v2, 'image-store-path': 'Diff', 'diff-package': 'true' })
      )
    );
    await del(e, 'Diff');
    console.log('Running: diff-package + compress …');
    rows.push(
      packageRow(
        'diff-package + compress',
        await timedAction(e, { 'package-path': v2, 'image-store-path': 'DiffZip', 'diff-package': 'true', compress: 'true' })
      )
    );
    await del(e, 'DiffZip');
  } finally {
    await stopEmulator(e);
  }
  const hugeSize = quick ? 64 * MiB : 1024 * MiB;
  const huge = path.join(work, 'dotnet-huge', 'Huge');
  await writeSpec(huge, servicePackageSpec('HugeType', '1.0.0', [{ name: 'BigPkg', code: { 'app.dll': 'x' } }]));
  const model = createWriteStream(path.join(huge, 'BigPkg', 'Code', 'model.bin'));
  for (let i = 0; i < hugeSize / (4 * MiB); i++) {
    if (!model.write(dllLikeBytes(4 * MiB, i))) await new Promise<void>(r => model.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => model.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const e0 = await startEmulator(0);
  try {
    console.log(`Running: compress with a ${hugeSize / MiB} MiB file …`);
    rows.push(
      packageRow(
        `compress: true, one ${quick ? '64 MiB' : '1 GiB'} file, no latency`,
        await timedAction(e0, { 'package-path': huge, 'image-store-path': 'Huge', compress: 'true' })
      )
    );
  } finally {
    await stopEmulator(e0);
    await rm(huge, { recursive: true, force: true });
  }
  const [first] = rows;
  if (first) for (const r of rows) if (r !== first && !r.scenario.includes('no latency')) r.plainSeconds = first.seconds;
  return rows;
}

const PACKAGE_TABLE_HEADER = [
  '| scenario | files uploaded | bytes uploaded | action (whole step) | naive ÷ action | plain ÷ action | requests | action peak RSS |',
  '|---|---|---|---|---|---|---|---|'
];

function formatPackageRow(r: PackageRow, naiveSeconds: number | undefined): string {
  const ratio = (a: number | undefined, b: number) => (a === undefined ? '—' : `**${(a / b).toFixed(1)}×**`);
  return `| ${r.scenario} | ${r.filesUploaded} | ${(r.bytesUploaded / MiB).toFixed(1)} MiB | ${r.seconds.toFixed(2)} s | ${r.scenario.includes('no latency') ? '—' : ratio(naiveSeconds, r.seconds)} | ${ratio(r.plainSeconds, r.seconds)} | ${r.requests} | **${r.peakRssMiB.toFixed(0)} MiB** |`;
}

function del(e: Emulator, rel: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(storeUrl(e, rel), { method: 'DELETE' }, res => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

function formatRow(r: Row): string {
  const f = (n: number) => n.toFixed(2);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rawRate = r.bytes / r.rawSeconds;
  return [
    r.scenario,
    `${(r.bytes / MiB).toFixed(0)} MiB`,
    `${f(r.actionSeconds)} s`,
    r.naiveSeconds === undefined ? '—' : `${f(r.naiveSeconds)} s (**${ratio(r.naiveSeconds, r.actionSeconds)}**)`,
    `${f(r.rawSeconds)} s (${ratio(r.actionSeconds, r.rawSeconds)})`,
    `${f(r.lowerBound)} s (**${ratio(r.actionSeconds, r.lowerBound)}**)`,
    `${f(r.idealBound)} s (${ratio(r.actionSeconds, r.idealBound)})`,
    `${(r.actionUploadRate / MiB).toFixed(0)} MiB/s (**${((r.actionUploadRate / rawRate) * 100).toFixed(0)} %** of raw)`,
    `${r.actionRequests} (${r.neededRequests} needed)`,
    `**${r.peakRssMiB.toFixed(0)} MiB**`,
    r.identical && r.mistakes === 0 ? 'yes' : `NO (${r.mistakes} mistakes)`
  ]
    .join(' | ')
    .replace(/^/, '| ')
    .replace(/$/, ' |');
}

const TABLE_HEADER = [
  '| scenario | bytes | action (whole step) | naive uploader (naive ÷ action) | raw ceiling (action ÷ raw) | lower bound (action ÷ bound) | ideal-overlap bound (action ÷ ideal) | action upload-phase rate | requests | action peak RSS | store identical, no mistakes |',
  '|---|---|---|---|---|---|---|---|---|---|---|'
];

async function main(): Promise<void> {
  const smallFiles = quick ? 200 : 2000;
  const largeSize = quick ? 16 * MiB : 256 * MiB;
  const work = await mkdtemp(path.join(tmpdir(), 'sfu-bench-'));
  try {
    const pkgDir = path.join(work, 'pkg');
    const files = planPackage(smallFiles, largeSize);
    if (args.only !== 'packages') {
      console.log(`Generating the package: ${files.length} files, ${(files.reduce((n, f) => n + f.size, 0) / MiB).toFixed(0)} MiB …`);
      await makePackage(pkgDir, files);
    }
    const largeOnly = files.filter(f => f.size > chunkSize || f.rel === 'ApplicationManifest.xml');
    const hugeDir = path.join(work, 'huge');
    const hugeFiles = [
      { rel: 'ApplicationManifest.xml', size: 1800 },
      { rel: 'Big/one.bin', size: quick ? 64 * MiB : 1024 * MiB }
    ];

    const scenarios: [string, () => Promise<Row>][] = [
      ['package, no latency', () => runScenario('package, no latency', pkgDir, files, 0, !args['no-naive'])],
      ['package, 25 ms latency', () => runScenario('package, 25 ms latency', pkgDir, files, 25, !args['no-naive'])],
      [
        'large files only, no latency',
        async () => {
          const dir = path.join(work, 'large-only');
          for (const f of largeOnly) {
            await mkdir(path.dirname(path.join(dir, f.rel)), { recursive: true });
            await link(path.join(pkgDir, f.rel), path.join(dir, f.rel));
          }
          return runScenario('large files only, no latency', dir, largeOnly, 0, false);
        }
      ],
      [
        `one ${quick ? '64 MiB' : '1 GiB'} file, no latency`,
        async () => {
          await makePackage(hugeDir, hugeFiles);
          const row = await runScenario(`one ${quick ? '64 MiB' : '1 GiB'} file, no latency`, hugeDir, hugeFiles, 0, false);
          await rm(hugeDir, { recursive: true, force: true });
          return row;
        }
      ]
    ];
    const rows: Row[] = [];
    for (const [name, run] of scenarios) {
      if (args.only && (args.only === 'packages' || !name.includes(args.only))) continue;
      console.log(`Running: ${name} …`);
      const row = await run();
      rows.push(row);
      console.log(formatRow(row));
    }
    const table = [...TABLE_HEADER, ...rows.map(formatRow)].join('\n');
    let packageTable: string | undefined;
    if (!args['no-packages'] && (!args.only || args.only === 'packages')) {
      const packageRows = await runPackageScenarios(work);
      const naive = packageRows[0]?.naiveSeconds;
      packageTable = [...PACKAGE_TABLE_HEADER, ...packageRows.map(r => formatPackageRow(r, naive))].join('\n');
      if (naive !== undefined) console.log(`naive uploader on the .NET-like package: ${naive.toFixed(2)} s`);
    }
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
    const settings = `chunk-size ${args['chunk-size']}, concurrency ${concurrency}${args['expect-continue'] ? `, SFU_EXPECT_CONTINUE=${args['expect-continue']}` : ''}`;
    console.log(
      `\n${machine}; ${settings}; ${quick ? 'quick' : 'full'} run, ${new Date().toISOString()}\n\n${rows.length > 0 ? table : ''}\n\n${packageTable ?? ''}`
    );
    if (args.write || !quick) {
      if (rows.length > 0) await writeBenchmarks(table, machine, settings, '<!-- bench:latest -->');
      if (packageTable) await writeBenchmarks(packageTable, machine, settings, '<!-- bench:packages -->');
      console.log('\nWrote BENCHMARKS.md');
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function writeBenchmarks(table: string, machine: string, settings: string, marker: string): Promise<void> {
  const file = path.join(PROJECT_ROOT, 'BENCHMARKS.md');
  const current = await readFile(file, 'utf8').catch(() => '');
  const block = `${marker}\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${settings}.\n\n${table}\n${marker}`;
  const next = current.includes(marker) ? current.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), block) : `${current}\n${block}\n`;
  await writeFile(file, next);
}

await main();
