// Waiting between status polls: an interval that tests can shorten, a deadline shared by the
// whole release, and sleeps that end at once when the job is cancelled.
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError } from '../cluster/errors.js';

/** The cluster's own deploy task polls every 3 s: often enough to follow an upgrade, rare enough not to load the gateway. */
export const DEFAULT_POLL_INTERVAL_MS = 3000;

/** SFU_POLL_INTERVAL_MS (for tests and the demo) overrides the interval between status polls. */
export function pollIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.SFU_POLL_INTERVAL_MS);
  return Number.isFinite(value) && value >= 10 ? Math.round(value) : DEFAULT_POLL_INTERVAL_MS;
}

/** The first poll after a request comes this soon; the next ones double up to the interval. */
export const FIRST_POLL_MS = 250;

/**
 * The pause before poll `n + 1` (n = polls made so far): 250 ms, 500 ms, 1 s, 2 s, then the interval.
 * Short provisions and upgrades end without waiting a whole interval; long ones are polled as before.
 */
export function rampedPollMs(pollMs: number, polls: number): number {
  return Math.min(pollMs, FIRST_POLL_MS * 2 ** Math.min(polls - 1, 16));
}

/**
 * The pause before the next poll, so that polls start `ms` apart: the last poll's round trip counts
 * toward it (a status that changes meanwhile is seen a round trip sooner). At least half of `ms`,
 * so that a slow gateway is not polled back to back.
 */
export function pauseAfterPoll(ms: number, polledAt: number, now = Date.now()): number {
  return Math.max(ms / 2, ms - (now - polledAt));
}

export class Deadline {
  private readonly at: number;

  constructor(
    readonly seconds: number,
    now = Date.now()
  ) {
    this.at = now + seconds * 1000;
  }

  get passed(): boolean {
    return Date.now() >= this.at;
  }

  get remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }
}

/** Sleeps `ms` (never past the deadline); a cancelled job ends the sleep with CancelledError. */
export async function pause(ms: number, signal: AbortSignal | undefined, deadline?: Deadline): Promise<void> {
  const wait = deadline ? Math.min(ms, deadline.remainingMs) : ms;
  if (signal?.aborted) throw new CancelledError('the release was cancelled');
  try {
    await sleep(wait, undefined, { signal });
  } catch {
    throw new CancelledError('the release was cancelled');
  }
}

/** An error that ends the release with a message meant for the user as it stands. */
export class ReleaseError extends Error {
  override name = 'ReleaseError';
}

/** A wait says what it waits for every this many polls (30 s at the default interval). */
export const HEARTBEAT_POLLS = 10;

/** Says on a timer what a wait is waiting for: a line every HEARTBEAT_POLLS polls' time. */
export class Heartbeat {
  private readonly started = Date.now();
  private last = this.started;

  constructor(
    pollMs: number,
    private readonly log: (line: string) => void,
    private readonly everyMs = pollMs * HEARTBEAT_POLLS
  ) {}

  /** Logs `describe()` once the interval has passed since the last line. */
  beat(describe: () => string): void {
    const now = Date.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    this.log(`${describe()} (waiting for ${Math.round((now - this.started) / 1000)} s)`);
  }
}
