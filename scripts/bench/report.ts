// BENCHMARKS.md: each group of scenarios writes its block between two markers, with the machine
// and the run's date; the link scenarios' targets (issue 21) get a verdict from the figures.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../runner.js';
import type { LinkPackage, LinkResult } from './link-scenarios.js';
import type { ManyFilesRow } from './many-files.js';
import { MiB, settings } from './settings.js';

export const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;

export const runSettings = `chunk-size ${settings.chunkSizeText}, concurrency ${settings.concurrency}${settings.expectContinue ? `, SFU_EXPECT_CONTINUE=${settings.expectContinue}` : ''}`;

export function measuredLine(): string {
  const load = settings.underLoad ? ` **Ran under load** (${settings.underLoad}): the figures are noisy.` : '';
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${runSettings}.${load}`;
}

/** Replaces the block between two `marker`s in BENCHMARKS.md (appends it when missing). */
export async function writeBenchmarks(marker: string, body: string): Promise<void> {
  const file = path.join(PROJECT_ROOT, 'BENCHMARKS.md');
  const current = await readFile(file, 'utf8').catch(() => '');
  const block = `${marker}\n${measuredLine()}\n\n${body}\n${marker}`;
  const at = current.indexOf(marker);
  const end = at < 0 ? -1 : current.indexOf(marker, at + marker.length);
  const next = at >= 0 && end >= 0 ? current.slice(0, at) + block + current.slice(end + marker.length) : `${current}\n${block}\n`;
  await writeFile(file, next);
}

const verdict = (met: boolean) => (met ? '**met**' : '**missed**');

/** The targets of issue 21, each with its figure and verdict. */
export function linkTargets(pkg: LinkPackage, results: LinkResult[], manyFiles: ManyFilesRow[], otherPeaksMiB: number[]): string {
  const far = results.find(r => r.link.bitsPerSecond === 100e6);
  const near = results.find(r => r.link.bitsPerSecond === 1e9);
  const rows: string[] = ['| target | figure | verdict |', '|---|---|---|'];
  if (far) {
    const compressTarget = pkg.compressionRatio < 2.5 ? pkg.compressionRatio * 0.85 : 2.5;
    rows.push(
      `| plain within 1.25× of the link's floor at 100 Mbit/s | ${(far.plain / far.floor).toFixed(2)}× (${far.plain.toFixed(2)} s against ${far.floor.toFixed(2)} s) | ${verdict(far.plain / far.floor <= 1.25)} |`,
      `| \`compress\` at least ${compressTarget.toFixed(2)}× faster than plain at 100 Mbit/s (package ratio ${pkg.compressionRatio.toFixed(2)}) | ${(far.plain / far.compress).toFixed(2)}× | ${verdict(far.plain / far.compress >= compressTarget)} |`,
      `| \`diff-package\` (1 of 4 services changed) at least 3× faster than plain at 100 Mbit/s | ${(far.plain / far.diff).toFixed(2)}× | ${verdict(far.plain / far.diff >= 3)} |`
    );
  }
  if (near) {
    rows.push(
      `| plain within 1.5× of the link's floor at 1 Gbit/s | ${(near.plain / near.floor).toFixed(2)}× (${near.plain.toFixed(2)} s against ${near.floor.toFixed(2)} s) | ${verdict(near.plain / near.floor <= 1.5)} |`
    );
  }
  for (const r of results) {
    rows.push(
      `| the release's own overhead beside the upload under 1 s (${r.link.name}) | ${r.releaseOverhead.toFixed(2)} s | ${verdict(r.releaseOverhead < 1)} |`
    );
  }
  const linkPeaks = results.flatMap(r => r.rows.map(row => row.peakRssMiB).filter((p): p is number => p !== undefined));
  const peaks = [...linkPeaks, ...otherPeaksMiB];
  if (peaks.length > 0) {
    const most = Math.max(...peaks);
    rows.push(
      `| peak RSS under 150 MiB in every scenario of this run but the many-file ones (their bound is below) | ${Math.min(...peaks).toFixed(0)}–${most.toFixed(0)} MiB | ${verdict(most < 150)} |`
    );
  }
  for (const m of manyFiles) rows.push(`| ${m.scenario}: peak RSS under 200 MiB | ${m.peakRssMiB.toFixed(0)} MiB | ${verdict(m.peakRssMiB < 200)} |`);
  if (far && near) {
    const wins = far.plain / far.compress;
    const cost = near.compress / near.plain - 1;
    rows.push(
      `| \`compress\` as the default: wins at 100 Mbit/s and costs under 10 % at 1 Gbit/s | ${wins.toFixed(2)}× faster at 100 Mbit/s; ${cost >= 0 ? `${(cost * 100).toFixed(0)} % slower` : `${(-cost * 100).toFixed(0)} % faster`} at 1 Gbit/s | ${wins > 1 && cost < 0.1 ? '**propose it**' : '**keep off**'} |`
    );
  }
  return rows.join('\n');
}

export function linkPackageLine(pkg: LinkPackage): string {
  return `Package: ${pkg.v1Files.length} files, ${(pkg.bytes / MiB).toFixed(1)} MiB, **compression ratio ${pkg.compressionRatio.toFixed(2)}** (deflate level 1: ${((100 / pkg.compressionRatio) | 0).toString()} % of its bytes).`;
}
