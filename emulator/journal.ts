// What the emulator saw, for tests and for people rehearsing a deployment: every write in order
// and every protocol mistake a client made. Reads are only counted.

export type JournalOperation = 'upload-file' | 'upload-chunk' | 'commit' | 'delete-session' | 'delete' | 'copy';

export interface JournalEntry {
  seq: number;
  /** Milliseconds since the emulator started. */
  at: number;
  op: JournalOperation;
  path: string;
  bytes?: number;
  range?: string;
  sessionId?: string;
}

export type MistakeKind = 'mark-file-before-complete' | 'write-beneath-mark-file' | 'chunk-length-mismatch';

export interface Mistake {
  seq: number;
  kind: MistakeKind;
  path: string;
  detail: string;
}

/** Something a client did that a cluster accepts but that is worth knowing (not a mistake). */
export type NoteKind = 'body-without-content-length';

export interface Note {
  seq: number;
  kind: NoteKind;
  path: string;
  detail: string;
}

/** A management call that changes the cluster (provision, create, upgrade, …) and its outcome. */
export interface ManagementCall {
  seq: number;
  /** Milliseconds since the emulator started. */
  at: number;
  operation: string;
  detail: Record<string, string | number | boolean | undefined>;
}

export interface InjectedFault {
  seq: number;
  kind: string;
  route: string;
  path: string;
}

export class Journal {
  private readonly started = Date.now();
  private seq = 0;
  readonly entries: JournalEntry[] = [];
  readonly mistakes: Mistake[] = [];
  readonly notes: Note[] = [];
  /** Requests by route name, reads included (the journal route itself is not counted). */
  readonly requests: Record<string, number> = {};
  /** Faults injected, in order (recorded whether or not the journal is served). */
  readonly faults: InjectedFault[] = [];
  /** Management calls that change the cluster, in order (reads are only counted). */
  readonly managementCalls: ManagementCall[] = [];
  /** Request bodies sent only after the emulator answered `100 Continue`. */
  bodiesAfterContinue = 0;
  /** TCP connections accepted (keep-alive reuse shows as few connections for many requests). */
  connections = 0;

  constructor(readonly enabled: boolean) {}

  countRequest(route: string): void {
    this.requests[route] = (this.requests[route] ?? 0) + 1;
  }

  record(entry: Omit<JournalEntry, 'seq' | 'at'>): void {
    if (!this.enabled) return;
    this.entries.push({ seq: ++this.seq, at: Date.now() - this.started, ...entry });
  }

  fault(kind: string, route: string, path: string): void {
    this.faults.push({ seq: ++this.seq, kind, route, path });
  }

  note(kind: NoteKind, path: string, detail: string): void {
    if (!this.enabled) return;
    this.notes.push({ seq: ++this.seq, kind, path, detail });
  }

  management(operation: string, detail: ManagementCall['detail']): void {
    if (!this.enabled) return;
    this.managementCalls.push({ seq: ++this.seq, at: Date.now() - this.started, operation, detail });
  }

  mistake(kind: MistakeKind, path: string, detail: string): void {
    if (!this.enabled) return;
    this.mistakes.push({ seq: ++this.seq, kind, path, detail });
  }
}
