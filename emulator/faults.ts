// Seeded fault injection: the failures a real cluster produces (busy, timed out, dropped
// connections, answers lost after the work was done, stalls, primary moves), drawn from a seeded
// generator so that a failing run can be replayed. With several requests in flight the draws
// follow arrival order, so an exact replay needs the same order (concurrency 1 guarantees it).

export const FAULT_KINDS = ['busy', 'timeout', 'reset', 'lost-answer'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  seed?: number;
  /** Share of requests that fail, 0 … 1. */
  failRate?: number;
  /** Kinds drawn among for failRate (default: all). */
  failKinds?: FaultKind[];
  /** Share of requests that get no answer at all. */
  stallRate?: number;
  /** Every N requests, all open upload sessions are lost. */
  failoverEvery?: number;
  /**
   * Where faults are injected: route families (`management`, `image-store`) or route names
   * (`upgrade-application`, `upload-chunk`, …); default all routes. Requests elsewhere draw nothing,
   * so a seed replays the same faults on the routes aimed at.
   */
  routes?: string[];
  /**
   * Share of file writes (PUT of a file, commit of a session) that are answered 200 but not kept:
   * the old file, if any, stays as it was (its size, FileVersion and ModifiedDate). Drawn from a
   * generator of its own, so that the other faults of a seed stay the same.
   */
  dropWriteRate?: number;
  /** Store paths whose writes are always dropped that way (a path matches itself and any path ending in `/<it>`). */
  dropWritePaths?: string[];
}

export const FAULT_ROUTE_FAMILIES = ['all', 'management', 'image-store'] as const;

export type FaultDecision = { kind: FaultKind } | { kind: 'stall' } | undefined;

/** mulberry32: small, fast, good enough to spread faults evenly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;
  private requests = 0;

  constructor(private readonly options: FaultOptions) {
    this.random = mulberry32(options.seed ?? 1);
  }

  /** Read at each draw, like the rates, so that a test can aim other kinds of faults between runs. */
  private get kinds(): readonly FaultKind[] {
    const kinds = this.options.failKinds;
    return kinds && kinds.length > 0 ? kinds : FAULT_KINDS;
  }

  get enabled(): boolean {
    return (this.options.failRate ?? 0) > 0 || (this.options.stallRate ?? 0) > 0 || (this.options.failoverEvery ?? 0) > 0;
  }

  /** Whether faults are aimed at this route (by its family or its name). */
  appliesTo(route: { name: string; family?: string }): boolean {
    const aimed = this.options.routes ?? [];
    if (aimed.length === 0 || aimed.includes('all')) return true;
    return aimed.includes(route.name) || (route.family !== undefined && aimed.includes(route.family));
  }

  /** Counts a request; true when this one comes with a failover (all sessions lost first). */
  failoverDue(): boolean {
    this.requests++;
    const every = this.options.failoverEvery ?? 0;
    return every > 0 && this.requests % every === 0;
  }

  /** What happens to this request: a fault, a stall, or nothing. Two draws every time, for replay. */
  decide(): FaultDecision {
    const failDraw = this.random();
    const kindDraw = this.random();
    if (failDraw < (this.options.failRate ?? 0)) {
      return { kind: this.kinds[Math.floor(kindDraw * this.kinds.length)] ?? 'busy' };
    }
    if (kindDraw < (this.options.stallRate ?? 0)) return { kind: 'stall' };
    return undefined;
  }
}

/**
 * Writes acknowledged but not kept: what a store that loses a write after answering it (a primary
 * that answered and then lost its quorum, a disk cache that was never flushed) looks like to a client.
 * [undoc] How often a real cluster does this is unknown; the fault exists so that a client has to
 * prove, from the listing, that every file it wrote is the one it wrote.
 */
export class WriteDropper {
  private readonly random: () => number;

  constructor(
    private readonly options: Pick<FaultOptions, 'seed' | 'dropWriteRate' | 'dropWritePaths'>,
    private readonly samePath: (a: string, b: string) => boolean
  ) {
    this.random = mulberry32((options.seed ?? 1) ^ 0x5eed);
  }

  /** Whether the write of `storePath` is to be answered and forgotten. */
  drops(storePath: string): boolean {
    const segments = storePath.split('/');
    for (const target of this.options.dropWritePaths ?? []) {
      const n = target.split('/').length;
      if (segments.length >= n && this.samePath(segments.slice(-n).join('/'), target)) return true;
    }
    const rate = this.options.dropWriteRate ?? 0;
    return rate > 0 && this.random() < rate;
  }
}

export function parseFaultKinds(text: string): FaultKind[] {
  const kinds = text
    .split(',')
    .map(k => k.trim())
    .filter(k => k !== '');
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new Error(`--fail-kinds takes ${FAULT_KINDS.join(', ')}, not '${k}'`);
    }
  }
  return kinds as FaultKind[];
}

/** `--fault-routes`: route families or route names, comma-separated. */
export function parseFaultRoutes(text: string): string[] {
  const routes = text
    .split(',')
    .map(r => r.trim())
    .filter(r => r !== '');
  for (const r of routes) {
    if (!/^[a-z][a-z0-9-]*$/.test(r)) {
      throw new Error(`--fault-routes takes ${FAULT_ROUTE_FAMILIES.join(', ')} or route names such as upgrade-application, not '${r}'`);
    }
  }
  return routes;
}
