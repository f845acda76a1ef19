// The link scenarios (issue 21): a service-like package (it deflates like real files) over the
// emulator's link model at 40 ms / 100 Mbit/s (a runner far from its cluster) and 10 ms / 1 Gbit/s
// (same region): plain, compress, diff-package (one service of four changed), both, the naive
// uploader, the whole release with instant provision and upgrade, and the link's floor.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { servicePackageSpec, type ServiceSpec } from '../../test/helpers/sf-packages.js';
import { peakRssMiB, type TimedRun, timedAction, writeSpec } from './action-runs.js';
import { type BenchFile, naiveUpload, neededRequests } from './baselines.js';
import { binaryLikeBytes, sourceLikeBytes } from './content.js';
import { del, startEmulator, stopEmulator } from './emulator-process.js';
import { KiB, lcg, MiB, settings, timed } from './settings.js';

export interface LinkSpec {
  name: string;
  latencyMs: number;
  bitsPerSecond: number;
}

export const LINKS: LinkSpec[] = [
  { name: '40 ms / 100 Mbit/s', latencyMs: 40, bitsPerSecond: 100e6 },
  { name: '10 ms / 1 Gbit/s', latencyMs: 10, bitsPerSecond: 1e9 }
];

export interface LinkRow {
  scenario: string;
  seconds: number;
  filesUploaded?: number;
  bytesUploaded?: number;
  requests?: number;
  peakRssMiB?: number;
  /** bytes ÷ bandwidth + unavoidable requests × latency ÷ concurrency, for what this scenario sent. */
  floorSeconds?: number;
  note?: string;
}

export interface LinkResult {
  link: LinkSpec;
  rows: LinkRow[];
  plain: number;
  compress: number;
  diff: number;
  floor: number;
  /** The release's whole step minus its upload phase. */
  releaseOverhead: number;
}

export interface LinkPackage {
  v1: string;
  v2: string;
  v1Files: BenchFile[];
  bytes: number;
  /** Package bytes ÷ their deflated bytes at level 1 (the zip writer's level). */
  compressionRatio: number;
}

/**
 * Four services; each Code holds assemblies and native libraries (binary-like bytes, deflate to
 * about 45 %) and scripts with their maps (source-like, about 29 %), log-uniform 2–512 KiB, and two
 * services a 12 MiB native library (sent in chunks).
 */
function serviceLikeServices(filesPerService: number, changed: { service: number; version: string } | undefined): ServiceSpec[] {
  const random = lcg(2112);
  return Array.from({ length: 4 }, (_, s) => {
    const version = changed?.service === s ? changed.version : '1.0.0';
    const code: Record<string, number> = {};
    for (let i = 0; i < filesPerService; i++) {
      const size = Math.round(2 * KiB * Math.exp(random() * Math.log(256)));
      const kind = Math.floor(random() * 5);
      const name = [
        `Contoso.Lib${i}.dll`,
        `runtimes/linux-x64/native/libcontoso${i}.so`,
        `wwwroot/js/chunk${i}.js`,
        `wwwroot/js/chunk${i}.js.map`,
        `dist/module${i}.mjs`
      ][kind]!;
      code[name] = size;
    }
    if (s % 2 === 1 && !settings.quick) code['runtimes/linux-x64/native/libgrpc_csharp_ext.so'] = 12 * MiB + 7;
    return {
      name: `Svc${s}Pkg`,
      version,
      code,
      config: { 'Settings.xml': `<Settings><!-- ${version} --></Settings>`, 'appsettings.json': JSON.stringify({ version, s }) }
    };
  });
}

const contentFor = (rel: string, size: number, seed: number) => (/\.(dll|so)$/.test(rel) ? binaryLikeBytes(size, seed) : sourceLikeBytes(size, seed));

export async function writeLinkPackage(work: string): Promise<LinkPackage> {
  const perService = settings.quick ? 30 : 120;
  const v1 = path.join(work, 'service-1.0.0', 'Contoso');
  const v2 = path.join(work, 'service-1.1.0', 'Contoso');
  const v1Files = await writeSpec(v1, servicePackageSpec('ContosoType', '1.0.0', serviceLikeServices(perService, undefined)), 0, contentFor);
  // 1.1.0: Svc0Pkg changed (other bytes, version 1.1.0), the other three as they were.
  const v2Spec = servicePackageSpec('ContosoType', '1.1.0', serviceLikeServices(perService, { service: 0, version: '1.1.0' }));
  const changed = (rel: string) => rel.startsWith('Svc0Pkg/') || !rel.includes('/');
  await writeSpec(v2, Object.fromEntries(Object.entries(v2Spec).filter(([rel]) => changed(rel))), 7, contentFor);
  await writeSpec(v2, Object.fromEntries(Object.entries(v2Spec).filter(([rel]) => !changed(rel))), 0, contentFor);
  let bytes = 0;
  let deflated = 0;
  for (const f of v1Files) {
    const data = await readFile(path.join(v1, f.rel));
    bytes += data.length;
    deflated += deflateRawSync(data, { level: 1 }).length;
  }
  return { v1, v2, v1Files, bytes, compressionRatio: bytes / deflated };
}

/** The floor of a transfer: its bytes at the link's rate, plus its requests' round trips `concurrency` at a time. */
function floorOf(link: LinkSpec, bytes: number, requests: number): number {
  return (bytes * 8) / link.bitsPerSecond + (requests * link.latencyMs) / 1000 / settings.concurrency;
}

function actionRow(link: LinkSpec, scenario: string, r: TimedRun): LinkRow {
  const o = r.run.outputs;
  const files = Number(o['file-count'] ?? 0);
  const bytes = Number(o['store-size-bytes'] ?? 0);
  // A request per file and per mark file, and a commit and the extra chunks of each chunked file (8 MiB chunks: 12 MiB is two).
  const requests = files + Number(o['folder-count'] ?? 0) + 2 * Number(o['chunked-file-count'] ?? 0);
  return {
    scenario,
    seconds: r.seconds,
    filesUploaded: files,
    bytesUploaded: bytes,
    requests: r.requests,
    peakRssMiB: peakRssMiB(r),
    floorSeconds: floorOf(link, bytes, requests)
  };
}

export async function runLinkScenarios(pkg: LinkPackage, link: LinkSpec): Promise<LinkResult> {
  const e = await startEmulator({ latencyMs: link.latencyMs, bitsPerSecond: link.bitsPerSecond, provisionSeconds: 0, upgradeDomainSeconds: 0 });
  const rows: LinkRow[] = [];
  const step = async (scenario: string, inputs: Record<string, string>, destination: string | undefined): Promise<TimedRun> => {
    console.log(`Running (${link.name}): ${scenario} …`);
    const r = await timedAction(e, inputs);
    rows.push(actionRow(link, scenario, r));
    console.log(`  ${r.seconds.toFixed(2)} s, peak RSS ${peakRssMiB(r).toFixed(0)} MiB`);
    if (destination !== undefined) await del(e, destination);
    return r;
  };
  try {
    const plain = await step('plain', { 'package-path': pkg.v1, 'image-store-path': 'Plain' }, 'Plain');
    const floor = floorOf(link, pkg.bytes, neededRequests(pkg.v1Files));
    rows.push({ scenario: "the link's floor", seconds: floor, note: 'bytes ÷ bandwidth + needed requests × latency ÷ concurrency' });
    if (settings.naive) {
      console.log(`Running (${link.name}): naive uploader …`);
      const seconds = await timed(() => naiveUpload(e, pkg.v1, pkg.v1Files));
      rows.push({ scenario: 'naive uploader', seconds, note: 'one PUT per file, one at a time' });
      await del(e, 'Naive');
    }
    const compress = await step('compress', { 'package-path': pkg.v1, 'image-store-path': 'Compressed', compress: 'true' }, 'Compressed');
    // The whole release of 1.0.0 (upload, provision, create the application, wait), provision and upgrade instant.
    const release = await step(
      'release (upload, provision, create)',
      { 'package-path': pkg.v1, 'image-store-path': 'Contoso/1.0.0', provision: 'true', 'application-name': 'fabric:/Contoso' },
      undefined
    );
    const uploadPhase = Number(release.run.outputs['total-bytes']) / Number(release.run.outputs['throughput-bytes-per-second']);
    const releaseOverhead = release.seconds - uploadPhase;
    rows[rows.length - 1]!.note = `upload phase ${uploadPhase.toFixed(2)} s, the rest ${releaseOverhead.toFixed(2)} s`;
    const diff = await step('diff-package (1 of 4 services changed)', { 'package-path': pkg.v2, 'image-store-path': 'Diff', 'diff-package': 'true' }, 'Diff');
    await step('diff-package + compress', { 'package-path': pkg.v2, 'image-store-path': 'DiffZip', 'diff-package': 'true', compress: 'true' }, 'DiffZip');
    return { link, rows, plain: plain.seconds, compress: compress.seconds, diff: diff.seconds, floor, releaseOverhead };
  } finally {
    await stopEmulator(e);
  }
}

export function formatLinkTable(result: LinkResult): string {
  const f = (n: number | undefined, unit = '') => (n === undefined ? '—' : `${n.toFixed(2)}${unit}`);
  return [
    `| ${result.link.name} | action (whole step) | plain ÷ this | floor of what it sent (this ÷ floor) | files uploaded | bytes uploaded | requests | peak RSS | note |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...result.rows.map(r =>
      [
        r.scenario,
        `${f(r.seconds)} s`,
        r.scenario === 'plain' ? '—' : `**${(result.plain / r.seconds).toFixed(2)}×**`,
        r.floorSeconds === undefined ? '—' : `${f(r.floorSeconds)} s (${(r.seconds / r.floorSeconds).toFixed(2)}×)`,
        r.filesUploaded ?? '—',
        r.bytesUploaded === undefined ? '—' : `${(r.bytesUploaded / MiB).toFixed(1)} MiB`,
        r.requests ?? '—',
        r.peakRssMiB === undefined ? '—' : `**${r.peakRssMiB.toFixed(0)} MiB**`,
        r.note ?? ''
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .replace(/$/, ' |')
    )
  ].join('\n');
}

/** A Mermaid bar chart of the step's time per scenario on one link. */
export function linkChart(result: LinkResult): string {
  const names = result.rows.map(r => JSON.stringify(r.scenario.replace(/ \(.*\)$/, '').replace(/"/g, '')));
  const top = Math.ceil(Math.max(...result.rows.map(r => r.seconds)) * 1.1);
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${result.link.name}: the step's time per scenario (s)"`,
    `    x-axis [${names.join(', ')}]`,
    `    y-axis "seconds" 0 --> ${top}`,
    `    bar [${result.rows.map(r => r.seconds.toFixed(2)).join(', ')}]`,
    '```'
  ].join('\n');
}
