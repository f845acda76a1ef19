// The benchmark's command line (`npm run bench -- …`) and what every scenario shares.
import { parseArgs } from 'node:util';

export const KiB = 1024;
export const MiB = 1024 * KiB;

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
    'no-packages': { type: 'boolean', default: false },
    'under-load': { type: 'string', default: '' }
  }
});

export function parseSize(text: string): number {
  const m = /^(\d+)(KiB|MiB|GiB)?$/.exec(text);
  if (!m) throw new Error(`bad size ${text}`);
  return Number(m[1]) * ({ KiB, MiB, GiB: 1024 * MiB }[m[2] ?? ''] ?? 1);
}

export const settings = {
  /** A scaled-down run (smoke test): smaller packages, same scenarios. */
  quick: args.quick,
  /** Write BENCHMARKS.md after a quick run or one with --only too (a full run always writes it). */
  write: args.write,
  chunkSizeText: args['chunk-size'],
  chunkSize: parseSize(args['chunk-size']),
  concurrency: Number(args.concurrency),
  expectContinue: args['expect-continue'],
  /** `links`, `many-files`, `packages`, or part of a loopback scenario's name, or several with commas: only those run. */
  only: args.only,
  verbose: args.verbose,
  naive: !args['no-naive'],
  packages: !args['no-packages'],
  /** A note on the machine's load during the run, written beside the figures (e.g. "7 other helpers running tests"). */
  underLoad: args['under-load']
};

/** Whether a group of scenarios runs, given --only. */
export function runsGroup(group: 'loopback' | 'packages' | 'links' | 'many-files', loopbackName = ''): boolean {
  if (settings.only === '') return group !== 'packages' || settings.packages;
  const only = settings.only.split(',');
  if (group === 'loopback') return only.some(o => !['links', 'many-files', 'packages'].includes(o) && loopbackName.includes(o));
  return only.includes(group);
}

/** With --verbose, prints each line of the action's log with the milliseconds since `started`. */
export function verboseEcho(started: number): ((line: string) => void) | undefined {
  if (!settings.verbose) return undefined;
  return line => {
    if (line && !line.startsWith('::debug')) console.log(`${String(Date.now() - started).padStart(7)} ms  ${line}`);
  };
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Deterministic generator, so that every run measures the same package. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}
