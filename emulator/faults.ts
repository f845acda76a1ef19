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
  private readonly kinds: readonly FaultKind[];

  constructor(private readonly options: FaultOptions) {
    this.random = mulberry32(options.seed ?? 1);
    this.kinds = options.failKinds && options.failKinds.length > 0 ? options.failKinds : FAULT_KINDS;
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
