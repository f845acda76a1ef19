// Whether the cluster has upload sessions (Linux clusters of runtime 6.4 and earlier do not). One
// probe decides for the whole run: the first large file sends its first chunk alone, and every
// other large file waits for that answer. Once a session has worked, the answer is final.
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';

export type SessionDecision = 'sessions' | 'single-put' | 'probe';

export class SessionCapability {
  constructor(private readonly reporter: Reporter = SILENT_REPORTER) {}

  private supported: boolean | undefined;
  private probing: { done: Promise<void>; finish: () => void } | undefined;

  get known(): boolean | undefined {
    return this.supported;
  }

  /**
   * 'sessions' or 'single-put' once known. Otherwise the first caller gets 'probe' and must call
   * probed(); later callers wait for it. A probe that decided nothing (its chunk failed for
   * another reason) hands the probe to the next waiter.
   */
  async decide(): Promise<SessionDecision> {
    for (;;) {
      if (this.supported !== undefined) return this.supported ? 'sessions' : 'single-put';
      if (!this.probing) {
        let finish!: () => void;
        const done = new Promise<void>(resolve => (finish = resolve));
        this.probing = { done, finish };
        return 'probe';
      }
      await this.probing.done;
    }
  }

  /** The probe's outcome: true (a session took the chunk), false (400 E_INVALIDARG), undefined (undecided). */
  probed(outcome: boolean | undefined): void {
    if (outcome !== undefined && this.supported === undefined) {
      this.supported = outcome;
      this.reporter.debug(`upload sessions probe: ${outcome ? 'the cluster has upload sessions' : 'no upload sessions (400 E_INVALIDARG on the first chunk)'}`);
      if (!outcome) {
        this.reporter.warning(
          'This cluster has no upload sessions (Linux clusters of runtime 6.4 and earlier answer 400 E_INVALIDARG): files larger than chunk-size are uploaded with a single PUT each, without resume.'
        );
      }
    } else if (outcome === undefined) {
      this.reporter.debug('upload sessions probe: undecided (the first chunk failed otherwise); the next large file probes again');
    }
    const probing = this.probing;
    this.probing = undefined;
    probing?.finish();
  }
}
