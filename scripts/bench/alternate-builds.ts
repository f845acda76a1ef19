// Two or more builds of the action measured in alternation on the link package, for telling a change
// from the machine's load (each figure is printed with the load average of the minute):
//
//   SFU_BUILDS=/tmp/before,/tmp/after SFU_ROUNDS=4 SFU_LATENCY_MS=40 SFU_BITS_PER_SECOND=100e6 \
//   SFU_SCENARIOS=compress,release node --import tsx scripts/bench/alternate-builds.ts [--verbose]
//
// Each build is a folder holding what `ncc build src/index.ts -o <folder>` writes; its files are copied
// into dist/ before its runs (so dist/ ends up holding the last build: rebuild it afterwards). Each run
// gets a fresh emulator. `release` prints the release's own overhead (the whole step minus its upload
// phase), `compress` and `plain` the whole step. A large latency (200 ms, say) makes a round trip saved
// stand out of the noise of a shared machine.
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../runner.js';
import { timedAction } from './action-runs.js';
import { startEmulator, stopEmulator } from './emulator-process.js';
import { writeLinkPackage } from './link-scenarios.js';

const builds = (process.env.SFU_BUILDS ?? '').split(',').filter(Boolean);
const rounds = Number(process.env.SFU_ROUNDS ?? 3);
const latencyMs = Number(process.env.SFU_LATENCY_MS ?? 40);
const bitsPerSecond = Number(process.env.SFU_BITS_PER_SECOND ?? 100e6);
const scenarios = (process.env.SFU_SCENARIOS ?? 'compress,release').split(',');

async function useBuild(folder: string): Promise<void> {
  for (const f of await readdir(folder)) await copyFile(path.join(folder, f), path.join(PROJECT_ROOT, 'dist', f));
}

async function measure(scenario: string, v1: string): Promise<number> {
  const e = await startEmulator({ latencyMs, bitsPerSecond, provisionSeconds: 0, upgradeDomainSeconds: 0 });
  try {
    if (scenario === 'compress') return (await timedAction(e, { 'package-path': v1, 'image-store-path': 'Compressed', compress: 'true' })).seconds;
    if (scenario === 'plain') return (await timedAction(e, { 'package-path': v1, 'image-store-path': 'Plain' })).seconds;
    const r = await timedAction(e, { 'package-path': v1, 'image-store-path': 'Contoso/1.0.0', provision: 'true', 'application-name': 'fabric:/Contoso' });
    return r.seconds - Number(r.run.outputs['total-bytes']) / Number(r.run.outputs['throughput-bytes-per-second']);
  } finally {
    await stopEmulator(e);
  }
}

if (builds.length === 0) throw new Error('SFU_BUILDS: the build folders to alternate, separated by commas');
const work = await mkdtemp(path.join(tmpdir(), 'sfu-alternate-'));
const figures = new Map<string, number[]>();
try {
  const pkg = await writeLinkPackage(work);
  for (let round = 1; round <= rounds; round++) {
    for (const build of builds) {
      await useBuild(build);
      for (const scenario of scenarios) {
        const load = loadavg()[0]!.toFixed(1);
        const seconds = await measure(scenario, pkg.v1);
        const key = `${path.basename(build)} ${scenario}`;
        figures.set(key, [...(figures.get(key) ?? []), seconds]);
        console.log(`round ${round}: ${key} ${seconds.toFixed(2)} s (load ${load})`);
      }
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
};
for (const [key, xs] of figures) console.log(`${key}: median ${median(xs).toFixed(2)} s [${xs.map(x => x.toFixed(2)).join(', ')}]`);
