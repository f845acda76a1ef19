// A package of many small files (50,000 peaked at 527 MB, 337 MB compressed): four
// services whose Code holds source-like files of 0.2–4 KiB in folders of 400, uploaded plain and
// compressed without latency; the figure that matters is the action's peak RSS.
import * as path from 'node:path';
import { servicePackageSpec, type ServiceSpec } from '../../test/helpers/sf-packages.js';
import { peakRssMiB, timedAction, writeSpec } from './action-runs.js';
import { sourceLikeBytes } from './content.js';
import { del, startEmulator, stopEmulator } from './emulator-process.js';
import { lcg, settings } from './settings.js';

export interface ManyFilesRow {
  scenario: string;
  files: number;
  seconds: number;
  filesUploaded: number;
  peakRssMiB: number;
}

export function manyFileServices(files: number): ServiceSpec[] {
  const random = lcg(50000);
  return Array.from({ length: 4 }, (_, s) => {
    const code: Record<string, number> = {};
    for (let i = s; i < files; i += 4) code[`lib/m${Math.floor(i / 1600)}/module${i}.js`] = 200 + Math.floor(random() * 3900);
    return { name: `Svc${s}Pkg`, code, config: { 'Settings.xml': '<Settings />' } };
  });
}

export async function runManyFilesScenarios(work: string): Promise<ManyFilesRow[]> {
  const count = settings.quick ? 5_000 : 50_000;
  const dir = path.join(work, 'many', 'Many');
  console.log(`Writing a package of ${count} small files …`);
  await writeSpec(dir, servicePackageSpec('ManyType', '1.0.0', manyFileServices(count)), 0, (_rel, size, seed) => sourceLikeBytes(size, seed));
  const rows: ManyFilesRow[] = [];
  const e = await startEmulator();
  try {
    for (const compress of [false, true]) {
      const scenario = `${count.toLocaleString('en')} files, ${compress ? 'compress: true' : 'plain'}, no latency`;
      console.log(`Running: ${scenario} …`);
      const r = await timedAction(e, { 'package-path': dir, 'image-store-path': 'Many', compress: String(compress) });
      rows.push({ scenario, files: count, seconds: r.seconds, filesUploaded: Number(r.run.outputs['file-count'] ?? 0), peakRssMiB: peakRssMiB(r) });
      console.log(`  ${r.seconds.toFixed(2)} s, ${r.run.outputs['file-count']} files uploaded, peak RSS ${peakRssMiB(r).toFixed(0)} MiB`);
      await del(e, 'Many');
    }
  } finally {
    await stopEmulator(e);
  }
  return rows;
}

export function formatManyFiles(rows: ManyFilesRow[]): string {
  return [
    '| scenario | files uploaded | action (whole step) | action peak RSS | target (under 200 MiB) |',
    '|---|---|---|---|---|',
    ...rows.map(
      r => `| ${r.scenario} | ${r.filesUploaded} | ${r.seconds.toFixed(2)} s | **${r.peakRssMiB.toFixed(0)} MiB** | ${r.peakRssMiB < 200 ? 'met' : 'missed'} |`
    )
  ].join('\n');
}
