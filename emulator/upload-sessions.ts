// Upload sessions, as the primary replica keeps them: in memory (a restart or failover loses
// them), with their bytes staged on disk so that a large upload never sits in memory.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type ByteRange, liesWithinOne, mergeRanges, missingRanges, overlaps } from '../src/protocol/byte-ranges.js';
import type { UploadSessionInfo } from '../src/protocol/models.js';
import { PathComparer } from './path-case.js';

export interface UploadSessionState {
  id: string;
  path: string;
  length: number;
  stagingFile: string;
  /** Ranges whose bytes were written and acknowledged. */
  received: ByteRange[];
  /** Ranges of chunks whose bodies are still arriving. */
  inFlight: ByteRange[];
  modified: Date;
  /** Settles once the staged file exists: chunks wait for it before writing. */
  ready: Promise<void>;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSessionState>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Sessions created so far: numbers each one's staged file. */
  private created = 0;

  constructor(
    private readonly stagingDir: string,
    private readonly timeoutMs: number,
    /** How the cluster compares paths (sessions by path, a chunk's path against its session's). */
    readonly comparer = new PathComparer(false)
  ) {}

  startSweeper(): void {
    // The runtime sweeps every 5 minutes; lookups also drop expired sessions, so that a short
    // configured timeout takes effect exactly.
    const every = Math.min(5 * 60_000, Math.max(1000, this.timeoutMs));
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => console.error(`emulator: sweeping upload sessions failed: ${String(err)}`));
    }, every);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async sweep(): Promise<void> {
    for (const s of [...this.sessions.values()]) {
      if (this.isExpired(s)) await this.remove(s.id);
    }
  }

  private isExpired(s: UploadSessionState): boolean {
    return s.inFlight.length === 0 && Date.now() - s.modified.getTime() > this.timeoutMs;
  }

  get(id: string): UploadSessionState | undefined {
    const s = this.sessions.get(id);
    if (s && this.isExpired(s)) {
      this.sessions.delete(id);
      // Best effort: a staged file left behind is removed at the next start.
      fs.rm(s.stagingFile, { force: true }).catch(() => undefined);
      return undefined;
    }
    return s;
  }

  byPath(storePath: string): UploadSessionState[] {
    return [...this.sessions.keys()].map(id => this.get(id)).filter((s): s is UploadSessionState => s !== undefined && this.comparer.same(s.path, storePath));
  }

  all(): UploadSessionState[] {
    return [...this.sessions.keys()].map(id => this.get(id)).filter((s): s is UploadSessionState => s !== undefined);
  }

  /**
   * Registers a session at once, so that chunks arriving together for a new id share one session;
   * its staged file is made in the background (`ready`).
   */
  create(id: string, storePath: string, length: number): UploadSessionState {
    // A name of its own per session, not per id: a session lost to a failover may still be
    // removing its staged file while a new session with the same id creates one.
    const stagingFile = path.join(this.stagingDir, `session-${id}-${++this.created}`);
    const s: UploadSessionState = {
      id,
      path: storePath,
      length,
      stagingFile,
      received: [],
      inFlight: [],
      modified: new Date(),
      ready: (async () => {
        const handle = await fs.open(stagingFile, 'w');
        try {
          await handle.truncate(length);
        } finally {
          await handle.close();
        }
      })()
    };
    s.ready.catch(() => this.sessions.delete(id));
    this.sessions.set(id, s);
    return s;
  }

  expectedRanges(s: UploadSessionState): ByteRange[] {
    return missingRanges(s.received, s.length);
  }

  /** A chunk is taken only if it lies inside one expected range and no chunk in flight overlaps it. */
  canAccept(s: UploadSessionState, r: ByteRange): boolean {
    return liesWithinOne(this.expectedRanges(s), r) && !s.inFlight.some(f => overlaps(f, r));
  }

  reserve(s: UploadSessionState, r: ByteRange): void {
    s.inFlight.push(r);
  }

  release(s: UploadSessionState, r: ByteRange, accepted: boolean): void {
    s.inFlight = s.inFlight.filter(f => f !== r);
    if (accepted) {
      s.received = mergeRanges([...s.received, r]);
      s.modified = new Date();
    }
  }

  isComplete(s: UploadSessionState): boolean {
    return s.inFlight.length === 0 && this.expectedRanges(s).length === 0;
  }

  /** Forgets a session; its staged bytes are deleted unless they were moved into the store. */
  async remove(id: string): Promise<boolean> {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.sessions.delete(id);
    await fs.rm(s.stagingFile, { force: true });
    return true;
  }

  /** Drops every session, as a primary replica move does. */
  async loseAll(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.remove(id);
  }

  describe(s: UploadSessionState, separator: string): UploadSessionInfo {
    return {
      StoreRelativePath: s.path.split('/').join(separator),
      SessionId: s.id,
      ModifiedDate: s.modified.toISOString(),
      FileSize: String(s.length),
      ExpectedRanges: this.expectedRanges(s).map(r => ({
        StartPosition: String(r.start),
        EndPosition: String(r.end)
      }))
    };
  }
}
