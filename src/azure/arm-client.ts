// Requests to ARM for the resources under one managed cluster: read, write and delete, each
// long-running operation followed to its end (Azure-AsyncOperation or Location, Retry-After) within
// the release's deadline and cancellation. Busy answers (429, 503) are sent again after their
// Retry-After; a write whose answer was lost is judged by reading the resource back (arm-exchange.ts).
// What ARM does is said through `log`.
import { CancelledError } from '../cluster/errors.js';
import { type HttpResponse, type HttpTransport, RequestAbortedError } from '../cluster/transport.js';
import { type Deadline, pause, ReleaseError } from '../deploy/polling.js';
import { ArmOutcomeUnknownError, retryingExchange, type WriteKind } from './arm-exchange.js';
import { ArmError, armErrorMessage, armErrorText, operationPollUrl, operationState, type OperationState, retryAfterMs } from './arm-operation.js';
import { isTerminalState } from './arm-outcome.js';
import type { ManagedClusterResources } from './arm-target.js';

export interface ArmClientOptions {
  resources: ManagedClusterResources;
  transport: HttpTransport;
  /** An Azure AD token for ARM (the scope of `armResource`); the source masks it. */
  token: () => Promise<string>;
  log: (line: string) => void;
  signal: AbortSignal;
  deadline: Deadline;
  /** Wait between polls when ARM gives no Retry-After. */
  pollMs: number;
  /** Abandon one exchange when nothing moves for this long. */
  requestTimeoutMs: number;
  /** Sends of one request in all, the first included, when ARM is busy or an answer is lost (default 5). */
  attempts?: number;
}

export interface OperationResult {
  state: Exclude<OperationState, 'Running'>;
  /** The resource as the last answer showed it (PUT's own answer when the operation ended at once). */
  body: unknown;
}

export class ArmClient {
  /** The write under way, for the sentence a cancellation ends with. */
  private doing: string | undefined;

  constructor(private readonly options: ArmClientOptions) {}

  get resources(): ManagedClusterResources {
    return this.options.resources;
  }

  /** The resource, or undefined when ARM says it does not exist. */
  async get<T>(resourceId: string, what: string): Promise<T | undefined> {
    const response = await this.exchange('GET', this.options.resources.url(resourceId), undefined, `reading ${what}`, 'read');
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.error(`Reading ${what}`, response);
    return parse(response) as T;
  }

  /** Every item of a collection, following `nextLink`. */
  async list<T>(collectionId: string, what: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.options.resources.url(collectionId);
    while (url !== undefined) {
      const response = await this.exchange('GET', url, undefined, `listing ${what}`, 'read');
      if (response.status === 404) return items;
      if (response.status !== 200) throw this.error(`Listing ${what}`, response);
      const page = parse(response) as { value?: T[]; nextLink?: string } | undefined;
      items.push(...(page?.value ?? []));
      url = page?.nextLink ? operationPollUrl({ location: page.nextLink }, this.options.resources.endpoint)!.url : undefined;
    }
    return items;
  }

  /**
   * PUT `body` and follow the operation; `doing` says it in the log ("creating the application type
   * version 1.0"). Without `carriedOut`, the PUT is sent again as ARM's PUTs are meant to be
   * (idempotent). With it, a PUT whose answer was lost is not sent again before the resource is read
   * back: an operation under way on it is followed, and `carriedOut(resource)` says whether the
   * resource shows the PUT done.
   */
  async put(resourceId: string, body: unknown, doing: string, carriedOut?: (resource: unknown) => boolean): Promise<OperationResult> {
    this.options.log(`ARM: ${doing}…`);
    this.doing = doing;
    try {
      const url = this.options.resources.url(resourceId);
      for (let attempt = 1; ; attempt++) {
        let response: HttpResponse;
        try {
          response = await this.exchange('PUT', url, body, doing, carriedOut === undefined ? 'idempotent' : 'once');
        } catch (err) {
          if (!(err instanceof ArmOutcomeUnknownError) || carriedOut === undefined) throw err;
          this.options.log(`ARM: no answer to ${doing} (${err.failure}): reading the resource back before sending anything again.`);
          const now = await this.get<{ properties?: { provisioningState?: string } }>(resourceId, 'the resource just written');
          const state = now?.properties?.provisioningState;
          if (now !== undefined && !isTerminalState(state)) {
            this.options.log(`ARM: the resource is ${state}: ${doing} was carried out; following it, not sending it again.`);
            return await this.followResource(resourceId, doing);
          }
          if (now !== undefined && carriedOut(now)) {
            this.options.log(`ARM: the resource shows ${doing} carried out: it is not sent again.`);
            return { state: endState(state, doing), body: now };
          }
          if (attempt >= this.attempts)
            throw new ReleaseError(`ARM gave no answer to ${doing} ${attempt} times, and the resource does not show it done. ${goesOnSentence(doing)}`);
          this.options.log(`ARM: the resource does not show ${doing}: sending it again (attempt ${attempt + 1} of ${this.attempts}).`);
          continue;
        }
        if (response.status !== 200 && response.status !== 201 && response.status !== 202) throw this.error(capital(doing), response);
        return await this.follow(response, doing, parse(response));
      }
    } finally {
      this.doing = undefined;
    }
  }

  /** DELETE and follow the operation; gone already is fine. Sent again when its answer is lost (a DELETE is idempotent). */
  async delete(resourceId: string, doing: string): Promise<void> {
    this.options.log(`ARM: ${doing}…`);
    this.doing = doing;
    try {
      const response = await this.exchange('DELETE', this.options.resources.url(resourceId), undefined, doing, 'idempotent');
      if (response.status === 204 || response.status === 404) return;
      if (response.status !== 200 && response.status !== 202) throw this.error(capital(doing), response);
      const result = await this.follow(response, doing, undefined);
      if (result.state !== 'Succeeded') throw new ReleaseError(`ARM reported ${doing} ${result.state}.`);
    } finally {
      this.doing = undefined;
    }
  }

  private get attempts(): number {
    return Math.max(1, this.options.attempts ?? 5);
  }

  /** Polls the resource itself until its provisioningState ends: the operation URL was in the answer that was lost. */
  private async followResource(resourceId: string, doing: string): Promise<OperationResult> {
    let lastState = '';
    for (;;) {
      await this.pauseWithin(this.options.pollMs, doing);
      const now = await this.get<{ properties?: { provisioningState?: string } }>(resourceId, 'the resource being written');
      if (now === undefined) throw new ReleaseError(`ARM was ${doing}, but the resource is gone. ${goesOnSentence(doing)}`);
      const state = now.properties?.provisioningState;
      if (state !== lastState) this.options.log(`ARM: ${doing}: ${state ?? 'no provisioningState'}.`);
      lastState = state ?? '';
      if (isTerminalState(state)) return { state: endState(state, doing), body: now };
    }
  }

  /** One request through retryingExchange, its waits within the deadline and cancellation. */
  private exchange(method: string, url: string, body: unknown, what: string, kind: WriteKind): Promise<HttpResponse> {
    return retryingExchange({
      send: () => this.send(method, url, body),
      what,
      kind,
      attempts: this.attempts,
      log: this.options.log,
      pause: ms => this.pauseWithin(ms, this.doing)
    });
  }

  private async follow(first: HttpResponse, doing: string, firstBody: unknown): Promise<OperationResult> {
    const { endpoint } = this.options.resources;
    const poll = operationPollUrl(first.headers, endpoint);
    if (poll === undefined) {
      // No operation to follow: the answer is the end. Its provisioningState says how it ended.
      const state = (firstBody as { properties?: { provisioningState?: string } } | undefined)?.properties?.provisioningState;
      return { state: state === undefined ? 'Succeeded' : (operationState({ status: state }) as OperationResult['state']), body: firstBody };
    }
    let wait = retryAfterMs(first.headers, this.options.pollMs);
    let lastStatus = '';
    for (;;) {
      await this.pauseWithin(wait, doing);
      const response = await this.exchange('GET', poll.url, undefined, `following ${doing}`, 'read');
      if (poll.kind === 'location') {
        // A Location URL answers 202 while the operation runs, and the result when it is over.
        if (response.status === 202) {
          wait = retryAfterMs(response.headers, this.options.pollMs);
          continue;
        }
        if (response.status === 200 || response.status === 201 || response.status === 204) return { state: 'Succeeded', body: parse(response) };
        throw this.error(capital(doing), response);
      }
      if (response.status !== 200) throw this.error(`Following ${doing}`, response);
      const status = parse(response);
      const state = operationState(status);
      const shown = (status as { status?: string } | undefined)?.status ?? 'unknown';
      if (shown !== lastStatus) this.options.log(`ARM: ${doing}: ${shown}.`);
      lastStatus = shown;
      if (state === 'Failed' || state === 'Canceled') {
        const { code, message } = armErrorText(status);
        throw new ReleaseError(`ARM reported ${doing} ${state}${message ? `: ${code ?? 'error'}: ${message}` : ''}.`);
      }
      if (state === 'Succeeded') return { state, body: undefined };
      wait = retryAfterMs(response.headers, this.options.pollMs);
    }
  }

  /** Waits within the deadline and cancellation; `doing` is the write under way, if any, for what ARM goes on with. */
  private async pauseWithin(ms: number, doing: string | undefined): Promise<void> {
    const { deadline, signal } = this.options;
    const during = doing === undefined ? 'waiting to ask ARM again' : `ARM was ${doing}`;
    const goesOn = doing === undefined ? 'Nothing was being written through ARM.' : goesOnSentence(doing);
    if (deadline.passed) throw new ReleaseError(`The deploy timeout of ${deadline.seconds} s ended while ${during}. ${goesOn}`);
    try {
      await pause(ms, signal, deadline);
    } catch (err) {
      if (err instanceof CancelledError) throw new CancelledError(`the release was cancelled while ${during}. ${goesOn}`);
      throw err;
    }
  }

  private async send(method: string, url: string, body?: unknown): Promise<HttpResponse> {
    const token = await this.options.token();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let payload: Buffer | undefined;
    if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers['content-type'] = 'application/json';
    }
    try {
      return await this.options.transport.send({ method, url, headers, body: payload, timeoutMs: this.options.requestTimeoutMs, signal: this.options.signal });
    } catch (err) {
      // Cancelled in the middle of an exchange: say what ARM may still be doing, as during a wait.
      if ((err instanceof CancelledError || err instanceof RequestAbortedError) && this.doing !== undefined) {
        throw new CancelledError(`the release was cancelled while ARM was ${this.doing}. ${goesOnSentence(this.doing)}`);
      }
      throw err;
    }
  }

  private error(what: string, response: HttpResponse): ArmError {
    const body = parse(response);
    return new ArmError(armErrorMessage(what, response.status, body), response.status, armErrorText(body).code);
  }
}

/** A resource's terminal provisioningState as an operation's end; Failed and Canceled fail the step. */
function endState(state: string | undefined, doing: string): OperationResult['state'] {
  const ended = state === undefined ? 'Succeeded' : operationState({ status: state });
  if (ended === 'Failed' || ended === 'Canceled') throw new ReleaseError(`ARM reported ${doing} ${ended}.`);
  return ended === 'Running' ? 'Succeeded' : ended;
}

function goesOnSentence(doing: string): string {
  return `ARM goes on ${doing} in the cluster: look at the managed cluster's resource in the Azure portal (or 'az resource show') before running the release again.`;
}

function parse(response: HttpResponse): unknown {
  if (response.body.length === 0) return undefined;
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
