// The loopback scenarios (upload engine): a package of random bytes (2,000 files with a
// heavy tail and two 256 MiB files), no added latency and 25 ms, beside the naive uploader and the
// raw ceiling. No bandwidth limit: these show the CPU's cost.
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runAction } from '../runner.js';
import { type BenchFile, identical, naiveUpload, neededRequests, rawUpload } from './baselines.js';
import { del, get, journalMistakes, journalRequests, startEmulator, stopEmulator } from './emulator-process.js';
import { KiB, lcg, MiB, runsGroup, settings, timed, verboseEcho } from './settings.js';

export function planPackage(smallFiles: number, largeSize: number): BenchFile[] {
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

export async function makePackage(dir: string, files: BenchFile[]): Promise<void> {
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

export interface Row {
  scenario: string;
  latencyMs: number;
  actionSeconds: number;
  /** Package bytes over the action's upload phase (its throughput-bytes-per-second output). */
  actionUploadRate: number;
  naiveSeconds?: number;
  rawSeconds: number;
  /** The bound: max(bytes / raw throughput in this scenario, requests × latency / concurrency). */
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

/** Bytes per second of the raw ceiling with no added latency, per package: the link's bandwidth. */
const linkBandwidth = new Map<string, number>();

async function runScenario(name: string, dir: string, files: BenchFile[], latencyMs: number, withNaive: boolean): Promise<Row> {
  const { concurrency } = settings;
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const e = await startEmulator({ latencyMs });
  try {
    const before = await journalRequests(e);
    const inputs: Record<string, string> = {
      'cluster-endpoint': e.url,
      'package-path': dir,
      'image-store-path': 'Action',
      'chunk-size': settings.chunkSizeText,
      concurrency: String(concurrency)
    };
    const env: Record<string, string> = { SFU_REPORT_RESOURCE_USAGE: '1' };
    if (settings.expectContinue) env.SFU_EXPECT_CONTINUE = settings.expectContinue;
    let run: Awaited<ReturnType<typeof runAction>> | undefined;
    const echo = verboseEcho(Date.now());
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
    const needed = neededRequests(files);
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

export function formatRow(r: Row): string {
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

export const TABLE_HEADER = [
  '| scenario | bytes | action (whole step) | naive uploader (naive ÷ action) | raw ceiling (action ÷ raw) | lower bound (action ÷ bound) | ideal-overlap bound (action ÷ ideal) | action upload-phase rate | requests | action peak RSS | store identical, no mistakes |',
  '|---|---|---|---|---|---|---|---|---|---|---|'
];

/** The loopback scenarios --only selects (all without it); prints each row as it comes. */
export async function runLoopbackScenarios(work: string): Promise<Row[]> {
  const { quick } = settings;
  const files = planPackage(quick ? 200 : 2000, quick ? 16 * MiB : 256 * MiB);
  const pkgDir = path.join(work, 'pkg');
  const hugeName = `one ${quick ? '64 MiB' : '1 GiB'} file, no latency`;
  const scenarios: [string, () => Promise<Row>][] = [
    ['package, no latency', () => runScenario('package, no latency', pkgDir, files, 0, settings.naive)],
    ['package, 25 ms latency', () => runScenario('package, 25 ms latency', pkgDir, files, 25, settings.naive)],
    [
      'large files only, no latency',
      async () => {
        const dir = path.join(work, 'large-only');
        const largeOnly = files.filter(f => f.size > settings.chunkSize || f.rel === 'ApplicationManifest.xml');
        for (const f of largeOnly) {
          await mkdir(path.dirname(path.join(dir, f.rel)), { recursive: true });
          await link(path.join(pkgDir, f.rel), path.join(dir, f.rel));
        }
        return runScenario('large files only, no latency', dir, largeOnly, 0, false);
      }
    ],
    [
      hugeName,
      async () => {
        const hugeDir = path.join(work, 'huge');
        const hugeFiles = [
          { rel: 'ApplicationManifest.xml', size: 1800 },
          { rel: 'Big/one.bin', size: quick ? 64 * MiB : 1024 * MiB }
        ];
        await makePackage(hugeDir, hugeFiles);
        const row = await runScenario(hugeName, hugeDir, hugeFiles, 0, false);
        await rm(hugeDir, { recursive: true, force: true });
        return row;
      }
    ]
  ];
  const chosen = scenarios.filter(([name]) => runsGroup('loopback', name));
  if (chosen.length === 0) return [];
  console.log(`Generating the package: ${files.length} files, ${(files.reduce((n, f) => n + f.size, 0) / MiB).toFixed(0)} MiB …`);
  await makePackage(pkgDir, files);
  const rows: Row[] = [];
  for (const [name, run] of chosen) {
    console.log(`Running: ${name} …`);
    const row = await run();
    rows.push(row);
    console.log(formatRow(row));
  }
  return rows;
}
