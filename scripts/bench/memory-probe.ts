// Where an action run's memory goes: runs builds of the action (dist folders) in alternation on one
// scenario, each run sampling its own process.memoryUsage() every 10 ms (a module loaded with
// --import), and prints per run the wall time, maxRSS and the peak of each part. Measurement only;
// writes nothing into BENCHMARKS.md. Settings by environment (the bench's argument parser is strict):
//   PROBE_SCENARIO  package | package-25ms | large-only | link-compress | link-plain (-1g: 10 ms / 1 Gbit/s) | many-files | many-files-compress
//   PROBE_BUILDS    name=distDir,name=distDir (default: dist)
//   PROBE_ROUNDS    rounds of all builds (default 3)
//   PROBE_FILES     files of the many-files scenarios (default 50,000)
//   PROBE_NODE_OPTIONS  extra node flags for the action (e.g. --trace-gc, --max-semi-space-size=4)
//   PROBE_ALLOC_PROFILE a file: the sampled allocations of the (last) run, collected ones included
//   PROBE_TIMELINE  a folder: each run's samples as CSV (ms, rss, heapTotal, heapUsed, external, arrayBuffers)
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { servicePackageSpec } from '../../test/helpers/sf-packages.js';
import { actionDefaults, inputVariable, PROJECT_ROOT } from '../runner.js';
import { writeSpec } from './action-runs.js';
import { sourceLikeBytes } from './content.js';
import { type Emulator, type EmulatorSettings, startEmulator, stopEmulator } from './emulator-process.js';
import { writeLinkPackage } from './link-scenarios.js';
import { makePackage, planPackage } from './loopback-scenarios.js';
import { manyFileServices } from './many-files.js';
import { MiB, settings } from './settings.js';

const SAMPLER = `
const started = Date.now();
const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
let atPeak;
const rows = [];
function sample() {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) if (m[k] > peak[k]) peak[k] = m[k];
  if (!atPeak || m.rss >= atPeak.rss) atPeak = { ms: Date.now() - started, ...m };
  if (process.env.PROBE_TIMELINE_FILE) rows.push([Date.now() - started, m.rss, m.heapTotal, m.heapUsed, m.external, m.arrayBuffers].join(','));
}
setInterval(sample, 10).unref();
let session;
if (process.env.PROBE_ALLOC_PROFILE) {
  session = new (require('node:inspector').Session)();
  session.connect();
  session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: !process.env.PROBE_ALLOC_LIVE, includeObjectsCollectedByMinorGC: !process.env.PROBE_ALLOC_LIVE && !process.env.PROBE_ALLOC_SURVIVORS });
}
process.on('exit', () => {
  sample();
  if (session) session.post('HeapProfiler.stopSampling', (err, r) => require('node:fs').writeFileSync(process.env.PROBE_ALLOC_PROFILE, JSON.stringify(r.profile)));
  const u = process.resourceUsage();
  process.stderr.write('MEMPROBE ' + JSON.stringify({ maxRSS: u.maxRSS * 1024, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, peak, atPeak }) + '\\n');
  if (process.env.PROBE_TIMELINE_FILE) require('node:fs').writeFileSync(process.env.PROBE_TIMELINE_FILE, 'ms,rss,heapTotal,heapUsed,external,arrayBuffers\\n' + rows.join('\\n') + '\\n');
});
`;

interface Scenario {
  emulator: EmulatorSettings;
  inputs: Record<string, string>;
}

async function prepare(name: string, work: string): Promise<Scenario> {
  const dest = { 'image-store-path': 'Probe' };
  if (name === 'package' || name === 'package-25ms' || name === 'large-only') {
    const dir = path.join(work, 'pkg');
    const files = planPackage(2000, 256 * MiB).filter(f => name !== 'large-only' || f.size > settings.chunkSize || f.rel === 'ApplicationManifest.xml');
    await makePackage(dir, files);
    return { emulator: { latencyMs: name === 'package' ? 0 : 25 }, inputs: { 'package-path': dir, ...dest } };
  }
  if (name.startsWith('link-')) {
    const pkg = await writeLinkPackage(work);
    const compress = String(name.startsWith('link-compress'));
    // `-1g`: the same-region link (10 ms / 1 Gbit/s) instead of 40 ms / 100 Mbit/s.
    const link = name.endsWith('-1g') ? { latencyMs: 10, bitsPerSecond: 1e9 } : { latencyMs: 40, bitsPerSecond: 100e6 };
    return { emulator: link, inputs: { 'package-path': pkg.v1, compress, ...dest } };
  }
  if (name.startsWith('many-files')) {
    const dir = path.join(work, 'many', 'Many');
    await writeSpec(dir, servicePackageSpec('ManyType', '1.0.0', manyFileServices(Number(process.env.PROBE_FILES ?? 50_000))), 0, (_rel, size, seed) =>
      sourceLikeBytes(size, seed)
    );
    return { emulator: {}, inputs: { 'package-path': dir, compress: String(name.endsWith('-compress')), ...dest } };
  }
  throw new Error(`unknown PROBE_SCENARIO ${name}`);
}

interface ProbeRun {
  seconds: number;
  /** The action's own CPU time (user + system): steadier than the wall time on a loaded machine. */
  cpuSeconds: number;
  maxRSS: number;
  peak: Record<string, number>;
  atPeak: Record<string, number>;
  gcLines: number;
}

async function runOnce(entry: string, e: Emulator, scenario: Scenario, samplerFile: string, timeline: string | undefined): Promise<ProbeRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')) env[k] = v;
  const inputs = {
    ...(await actionDefaults()),
    'cluster-endpoint': e.url,
    'chunk-size': settings.chunkSizeText,
    concurrency: String(settings.concurrency),
    ...scenario.inputs
  };
  for (const [k, v] of Object.entries(inputs)) env[inputVariable(k)] = v;
  const dir = await mkdtemp(path.join(tmpdir(), 'sfu-probe-run-'));
  Object.assign(env, { GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), GITHUB_ACTIONS: 'true' });
  await writeFile(env.GITHUB_OUTPUT!, '');
  await writeFile(env.GITHUB_STEP_SUMMARY!, '');
  if (timeline) env.PROBE_TIMELINE_FILE = timeline;
  const flags = (process.env.PROBE_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...flags, '--require', samplerFile, entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>(r => child.on('close', r));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await rm(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the action failed (${code}):\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
  const probe = /MEMPROBE (.*)/.exec(stderr);
  if (!probe) throw new Error(`no MEMPROBE line:\n${stderr.slice(-2000)}`);
  if (process.env.PROBE_GC_LOG && timeline)
    await writeFile(
      `${timeline}.gc.txt`,
      stdout
        .split('\n')
        .filter(l => /Scavenge|Mark-Compact|Mark-sweep|MinorMS| gc=/.test(l))
        .join('\n')
    );
  const gcLines = stdout.split('\n').filter(l => /Mark-Compact|Mark-sweep/.test(l)).length;
  return { seconds, ...(JSON.parse(probe[1]!) as Omit<ProbeRun, 'seconds' | 'gcLines'>), gcLines };
}

const mib = (n: number | undefined) => ((n ?? 0) / MiB).toFixed(0);

async function main(): Promise<void> {
  const scenarioName = process.env.PROBE_SCENARIO ?? 'package';
  const builds = (process.env.PROBE_BUILDS ?? 'current=dist').split(',').map(b => {
    const [name, dir] = b.split('=') as [string, string];
    return { name, entry: path.resolve(PROJECT_ROOT, dir, 'index.js') };
  });
  const rounds = Number(process.env.PROBE_ROUNDS ?? 3);
  const timelineDir = process.env.PROBE_TIMELINE;
  const work = await mkdtemp(path.join(tmpdir(), 'sfu-probe-'));
  const samplerFile = path.join(work, 'sampler.cjs');
  await writeFile(samplerFile, SAMPLER);
  try {
    console.log(`Preparing ${scenarioName} …`);
    const scenario = await prepare(scenarioName, work);
    const results = new Map<string, ProbeRun[]>(builds.map(b => [b.name, []]));
    for (let round = 1; round <= rounds; round++) {
      // Every other round in the reverse order; a fresh emulator for every run (one that has taken
      // several runs answers more slowly).
      for (const b of round % 2 === 1 ? builds : [...builds].reverse()) {
        const e = await startEmulator(scenario.emulator);
        try {
          const timeline = timelineDir ? path.join(timelineDir, `${scenarioName}-${b.name}-${round}.csv`) : undefined;
          const r = await runOnce(b.entry, e, scenario, pathToFileURL(samplerFile).pathname, timeline);
          results.get(b.name)!.push(r);
          const at = r.atPeak;
          console.log(
            `${b.name.padEnd(10)} round ${round}: ${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(2)} s)  maxRSS ${mib(r.maxRSS)} MiB | peaks: heapTotal ${mib(r.peak.heapTotal)} heapUsed ${mib(r.peak.heapUsed)} external ${mib(r.peak.external)} arrayBuffers ${mib(r.peak.arrayBuffers)} | at the sampled RSS peak (${at.ms} ms): rss ${mib(at.rss)} heapTotal ${mib(at.heapTotal)} heapUsed ${mib(at.heapUsed)} external ${mib(at.external)} arrayBuffers ${mib(at.arrayBuffers)}${r.gcLines ? ` | full GCs ${r.gcLines}` : ''}  (load ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]})`
          );
        } finally {
          await stopEmulator(e);
        }
      }
    }
    for (const [name, runs] of results) {
      const rss = runs.map(r => r.maxRSS / MiB);
      const secs = runs.map(r => r.seconds);
      const cpu = runs.map(r => r.cpuSeconds);
      console.log(
        `${name}: maxRSS ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MiB (mean ${(rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(0)}), time ${Math.min(...secs).toFixed(2)}–${Math.max(...secs).toFixed(2)} s, CPU ${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)} s`
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
