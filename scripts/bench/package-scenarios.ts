// Compressed and diff packages (issue 12) at 25 ms on loopback: a .NET-like package (DLL-like
// bytes) uploaded plain, compressed, as a diff of one service among four, both, and one 1 GiB file
// compressed without latency (the memory bound with a large file inside a package).
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { dllLikeBytes, servicePackageSpec, type ServiceSpec } from '../../test/helpers/sf-packages.js';
import { peakRssMiB, type TimedRun, timedAction, writeSpec } from './action-runs.js';
import { naiveUpload } from './baselines.js';
import { type Emulator, del, startEmulator, stopEmulator } from './emulator-process.js';
import { KiB, lcg, MiB, settings, timed } from './settings.js';

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

export interface PackageRow {
  scenario: string;
  seconds: number;
  filesUploaded: number;
  bytesUploaded: number;
  requests: number;
  peakRssMiB: number;
  naiveSeconds?: number;
  plainSeconds?: number;
}

function packageRow(scenario: string, r: TimedRun): PackageRow {
  const o = r.run.outputs;
  return {
    scenario,
    seconds: r.seconds,
    filesUploaded: Number(o['file-count'] ?? 0),
    bytesUploaded: Number(o['store-size-bytes'] ?? 0),
    requests: r.requests,
    peakRssMiB: peakRssMiB(r)
  };
}

/** Plain, naive, compress, diff (one service of four changed) and diff + compress, all at 25 ms latency. */
export async function runPackageScenarios(work: string): Promise<PackageRow[]> {
  const { quick } = settings;
  const services = quick ? 2 : 4;
  const perService = quick ? 60 : 300;
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
  const e = await startEmulator({ latencyMs: 25 });
  try {
    console.log('Running: plain …');
    const plain = packageRow('plain upload', await timedAction(e, { 'package-path': v1, 'image-store-path': 'Plain' }));
    await del(e, 'Plain');
    if (settings.naive) {
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
    const diff = await timedAction(e, { 'package-path': v2, 'image-store-path': 'Diff', 'diff-package': 'true' });
    rows.push(packageRow(`diff-package: true (1 of ${services} services changed)`, diff));
    await del(e, 'Diff');
    console.log('Running: diff-package + compress …');
    const both = await timedAction(e, { 'package-path': v2, 'image-store-path': 'DiffZip', 'diff-package': 'true', compress: 'true' });
    rows.push(packageRow('diff-package + compress', both));
    await del(e, 'DiffZip');
  } finally {
    await stopEmulator(e);
  }
  rows.push(await compressOneHugeFile(work));
  const [first] = rows;
  if (first) for (const r of rows) if (r !== first && !r.scenario.includes('no latency')) r.plainSeconds = first.seconds;
  return rows;
}

async function compressOneHugeFile(work: string): Promise<PackageRow> {
  const hugeSize = settings.quick ? 64 * MiB : 1024 * MiB;
  const huge = path.join(work, 'dotnet-huge', 'Huge');
  await writeSpec(huge, servicePackageSpec('HugeType', '1.0.0', [{ name: 'BigPkg', code: { 'app.dll': 'x' } }]));
  const model = createWriteStream(path.join(huge, 'BigPkg', 'Code', 'model.bin'));
  for (let i = 0; i < hugeSize / (4 * MiB); i++) {
    if (!model.write(dllLikeBytes(4 * MiB, i))) await new Promise<void>(r => model.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => model.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const e0: Emulator = await startEmulator();
  try {
    console.log(`Running: compress with a ${hugeSize / MiB} MiB file …`);
    const run = await timedAction(e0, { 'package-path': huge, 'image-store-path': 'Huge', compress: 'true' });
    return packageRow(`compress: true, one ${settings.quick ? '64 MiB' : '1 GiB'} file, no latency`, run);
  } finally {
    await stopEmulator(e0);
    await rm(huge, { recursive: true, force: true });
  }
}

export const PACKAGE_TABLE_HEADER = [
  '| scenario | files uploaded | bytes uploaded | action (whole step) | naive ÷ action | plain ÷ action | requests | action peak RSS |',
  '|---|---|---|---|---|---|---|---|'
];

export function formatPackageRow(r: PackageRow, naiveSeconds: number | undefined): string {
  const ratio = (a: number | undefined, b: number) => (a === undefined ? '—' : `**${(a / b).toFixed(1)}×**`);
  return `| ${r.scenario} | ${r.filesUploaded} | ${(r.bytesUploaded / MiB).toFixed(1)} MiB | ${r.seconds.toFixed(2)} s | ${r.scenario.includes('no latency') ? '—' : ratio(naiveSeconds, r.seconds)} | ${ratio(r.plainSeconds, r.seconds)} | ${r.requests} | **${r.peakRssMiB.toFixed(0)} MiB** |`;
}
