// One request to ARM, sent again when that is safe: a busy answer (429, 503: nothing was done)
// after its Retry-After, and a read or an idempotent write after any transient failure. A write
// that must not be sent twice (a version's provision, an application's upgrade) whose answer was
// lost or timed out (the work may be done) ends in ArmOutcomeUnknownError: its caller reads the
// resource back before anything is sent again.
import { backoffDelay, DEFAULT_BACKOFF, type AttemptFailure, describeFailure, isRetryable, mayHaveBeenCarriedOut } from '../cluster/retry-policy.js';
import { type HttpResponse, NetworkError } from '../cluster/transport.js';
import { armErrorText, retryAfterMs } from './arm-operation.js';

/** `read`: GET; `idempotent`: a write ARM takes twice as once (DELETE, a PUT of the same body); `once`: a write judged by its read-back. */
export type WriteKind = 'read' | 'idempotent' | 'once';

export class ArmOutcomeUnknownError extends Error {
  override name = 'ArmOutcomeUnknownError';
  constructor(
    readonly what: string,
    /** How the answer was lost: `HTTP 504 GatewayTimeout`, `ECONNRESET`. */
    readonly failure: string
  ) {
    super(`ARM gave no usable answer to ${what} (${failure}): it may have been carried out.`);
  }
}

export interface Exchange {
  send(): Promise<HttpResponse>;
  /** For the log: "reading the application VotingApp". */
  what: string;
  kind: WriteKind;
  /** Sends in all, the first included. */
  attempts: number;
  log(line: string): void;
  /** Waits within the release's deadline and cancellation. */
  pause(ms: number): Promise<void>;
}

/**
 * The answer to send (any status but a transient one once the attempts are spent); throws the last
 * network error, or ArmOutcomeUnknownError for a `once` write that may have been carried out.
 */
export async function retryingExchange(request: Exchange): Promise<HttpResponse> {
  for (let attempt = 1; ; attempt++) {
    let response: HttpResponse | undefined;
    let failure: AttemptFailure;
    try {
      response = await request.send();
      if (!isRetryable({ status: response.status })) return response;
      failure = { status: response.status, code: armErrorText(parseBody(response)).code };
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      failure = { networkCode: err.code, networkMessage: err.message };
      if (!isRetryable(failure)) throw err;
    }
    if (request.kind === 'once' && mayHaveBeenCarriedOut(failure)) throw new ArmOutcomeUnknownError(request.what, describeFailure(failure));
    if (attempt >= request.attempts) {
      if (response !== undefined) return response;
      throw new NetworkError(
        `ARM gave no answer to ${request.what} after ${attempt} attempts (${describeFailure(failure)})`,
        failure.networkCode ?? 'EUNKNOWN'
      );
    }
    // ARM says how long to wait when it is busy (429, 503); without Retry-After, a growing backoff.
    const backoff = backoffDelay(attempt, DEFAULT_BACKOFF);
    const wait = response === undefined ? backoff : retryAfterMs(response.headers, backoff);
    const told = response?.headers['retry-after'] !== undefined;
    request.log(
      `ARM: ${describeFailure(failure)} while ${request.what}: asking again in ${(wait / 1000).toFixed(wait % 1000 === 0 ? 0 : 1)} s${told ? ', as its Retry-After says' : ''} (attempt ${attempt + 1} of ${request.attempts}).`
    );
    await request.pause(wait);
  }
}

function parseBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
