// Requests that change the cluster (provision, create, upgrade) are not idempotent: when one gets
// no answer, or a timeout, the cluster may have carried it out all the same. Such a request is sent
// again only after the cluster's state shows it was not; a request the state shows carried out is
// this run's work, whatever happens to it next (an upgrade that has since ended is not started again).
import { OutcomeUnknownError } from '../cluster/errors.js';
import type { ManagementClient } from '../cluster/management-client.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../cluster/retry-policy.js';
import { type Deadline, pause } from './polling.js';

export interface SendOnce {
  /** What is sent, for the log: "the upgrade request of fabric:/App to 2.0.0". */
  what: string;
  send(): Promise<void>;
  /** Reads the cluster's state: whether it carried out the request whose answer was lost. */
  carriedOut(): Promise<boolean>;
  /** Sends in all, the first included. */
  attempts: number;
  deadline: Deadline;
  signal: AbortSignal | undefined;
  log(line: string): void;
}

export interface SendOutcome {
  /** False when the cluster's state, not an answer, showed the request carried out. */
  answered: boolean;
  /** Sends whose answer was lost. */
  lostAnswers: number;
}

/** `seen` counts the lost answers as they come, for a caller that catches an error of a later send. */
export async function sendOnce(request: SendOnce, seen: { lostAnswers: number } = { lostAnswers: 0 }): Promise<SendOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await request.send();
      return { answered: true, lostAnswers: seen.lostAnswers };
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) throw err;
      seen.lostAnswers++;
      request.log(
        `No answer to ${request.what} (${err.detail.status ? `HTTP ${err.detail.status}` : (err.detail.networkCode ?? 'no answer')}): reading the cluster's state before sending anything again.`
      );
      if (await request.carriedOut()) {
        request.log(`The cluster carried out ${request.what}: it is not sent again.`);
        return { answered: false, lostAnswers: seen.lostAnswers };
      }
      if (attempt >= request.attempts || request.deadline.passed) throw err;
      request.log(`The cluster has not carried out ${request.what}: sending it again (attempt ${attempt + 1} of ${request.attempts}).`);
      await pause(backoffDelay(attempt, DEFAULT_BACKOFF), request.signal, request.deadline);
    }
  }
}

/** sendOnce with the client's attempts (its `retries`) and signal, and the release's deadline and log. */
export function sendOnceThrough(
  client: ManagementClient,
  options: { deadline: Deadline; log(line: string): void },
  request: Pick<SendOnce, 'what' | 'send' | 'carriedOut'>,
  seen?: { lostAnswers: number }
): Promise<SendOutcome> {
  return sendOnce({ ...request, attempts: client.gateway.attempts, deadline: options.deadline, signal: client.signal, log: line => options.log(line) }, seen);
}
