// One request to the cluster's HTTP gateway, whatever the route: the api-version and timeout
// query, the bearer token (refreshed once on a 401), retries on transient failures with backoff
// (retry-policy.ts), and a clear error otherwise (hints.ts). The Image Store client and the
// management client are built on it. Every attempt takes a slot of the shared limiter, so the
// whole action never has more than `concurrency` requests in flight.
import type { Semaphore } from '../util/concurrency.js';
import { clampTimerMs, sleep } from '../util/cancellation.js';
import { CancelledError, type FailedOperation, ImageStoreError, OutcomeUnknownError } from './errors.js';
import { hintFor, noFirstAnswerHint } from './hints.js';
import { type BodySource, type HttpResponse, type HttpTransport, NetworkError, RequestAbortedError } from './transport.js';
import type { TokenSource } from './auth/aad-token.js';
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';
import { type AttemptFailure, backoffDelay, DEFAULT_BACKOFF, describeFailure, isRetryable, mayHaveBeenCarriedOut } from './retry-policy.js';

export interface GatewayClientOptions {
  endpoint: string;
  apiVersion: string;
  timeoutSeconds: number;
  /** Attempts per request, the first included. */
  retries: number;
  limiter: Semaphore;
  signal?: AbortSignal;
  /** Called before each retry with a line for the log. */
  onRetry?: (line: string) => void;
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /** Bearer tokens for a cluster secured with Azure AD. */
  tokens?: TokenSource;
  /**
   * How long an attempt waits while the gateway has not answered any request yet (default
   * FIRST_ANSWER_TIMEOUT_MS); see firstContact below.
   */
  firstAnswerTimeoutMs?: number;
  /** Which credentials were given, for the advice that goes with a 401 or 403. */
  credentials?: { certificate: boolean; token: boolean; federatedCredential?: string };
  /** Where debug lines go; nothing is printed without one. */
  reporter?: Reporter;
  /** How the front door names its settings, for the advice that goes with a failure. */
  names?: SettingNames;
}

export interface GatewayRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** The path after the endpoint, already encoded: `/ImageStore/a/b/$/UploadChunk`, `/ApplicationTypes/$/Provision`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: BodySource | Buffer;
  /** Overrides the client's api-version for this route. */
  apiVersion?: string;
  /** Statuses that are an answer, not a failure. */
  accept: number[];
  /** Sent without credentials (the AAD metadata). */
  anonymous?: boolean;
  /**
   * Not idempotent (create, provision, upgrade): a failure that may hide work the cluster did (no
   * answer, a timeout) is not retried but thrown as OutcomeUnknownError, for the caller to read the
   * state first. Busy answers and connections never made are still retried.
   */
  notIdempotent?: boolean;
}

/**
 * Until the gateway has answered once, an attempt waits FIRST_ANSWER_TIMEOUT_MS, and no answer
 * within it is tried at most FIRST_CONTACT_ATTEMPTS times in all: a gateway that accepts
 * connections and never answers (a firewall that drops, a load balancer rule to a dead port) fails
 * the run in about 30 s with a message about the network path, instead of `retries` attempts of
 * `timeout` + 10 % each (5.6 minutes by default). Every first request is a small read (a listing,
 * the AAD metadata, an application type) that a gateway answers in milliseconds; 10 s covers the
 * TCP and TLS handshakes (client certificate included) across regions many times over, and three
 * attempts ride out a lost packet. Once an answer has arrived, the path works and `timeout` rules
 * (a large chunk may legitimately take long).
 */
export const FIRST_ANSWER_TIMEOUT_MS = 10_000;
export const FIRST_CONTACT_ATTEMPTS = 3;

/** One attempt's result: an answer (any status), or no answer. */
type Attempt = { res: HttpResponse; networkError?: undefined } | { res?: undefined; networkError: NetworkError };

const cancelled = () => new CancelledError('the upload was cancelled');

export class GatewayClient {
  /** Requests sent, retries included, and whether any got an answer (shared by every client built on this one). */
  private readonly counter: { sent: number; answered?: boolean };
  /** Whether an http:// endpoint's port speaks TLS; asked once, after a connection reset. */
  private tlsProbe: Promise<boolean> | undefined;

  constructor(
    private readonly transport: HttpTransport,
    private readonly options: GatewayClientOptions,
    counter?: { sent: number; answered?: boolean }
  ) {
    this.counter = counter ?? { sent: 0 };
  }

  /** Where this client and the code using it report. */
  get reporter(): Reporter {
    return this.options.reporter ?? SILENT_REPORTER;
  }

  get requestsSent(): number {
    return this.counter.sent;
  }

  /** Attempts per request, the first included (the `retries` input). */
  get attempts(): number {
    return this.options.retries;
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** @deprecated the run's signal: give it to whoever needs it directly (UploadSettings.signal). */
  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  useTokens(tokens: TokenSource | undefined): void {
    this.options.tokens = tokens;
  }

  /** The same client without the cancellation signal and with few retries: for cleaning up after a failure. */
  forCleanup(): GatewayClient {
    return new GatewayClient(
      this.transport,
      {
        ...this.options,
        signal: undefined,
        retries: Math.min(this.options.retries, 2),
        timeoutSeconds: Math.min(this.options.timeoutSeconds, 15)
      },
      this.counter
    );
  }

  /**
   * The same client bounded by `signal` as well (the release's deadline): a request or a backoff in
   * progress when it fires ends with CancelledError.
   */
  boundedBy(signal: AbortSignal): GatewayClient {
    const own = this.options.signal;
    return new GatewayClient(this.transport, { ...this.options, signal: own ? AbortSignal.any([own, signal]) : signal }, this.counter);
  }

  /** Sends the request until it is answered with an accepted status, retrying what is transient. */
  async call(failed: FailedOperation, spec: GatewayRequest): Promise<HttpResponse> {
    const { retries, signal } = this.options;
    const what = `${failed.operation}${failed.storePath ? ` '${failed.storePath}'` : ''}`;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw cancelled();
      const tokens = spec.anonymous ? undefined : this.options.tokens;
      const { res, networkError } = await this.attempt(spec, tokens);
      if (res && spec.accept.includes(res.status)) return res;
      if (res?.status === 401 && tokens && !refreshedToken) {
        // The token may have expired during a long upload: one new token, then once more.
        this.reporter.debug(`${what}: HTTP 401, getting a new Azure AD token and trying again`);
        refreshedToken = true;
        await tokens.token(true);
        attempt--;
        continue;
      }
      const fabric = res ? parseFabricError(res) : undefined;
      const failure: AttemptFailure = {
        status: res?.status,
        code: fabric?.code,
        networkCode: networkError?.code,
        networkMessage: networkError?.message
      };
      if (failure.networkCode === 'ECONNRESET' && (await this.isTlsPortBehindHttpEndpoint())) {
        failure.networkCode = 'ESERVERTLS';
        failure.networkMessage = 'the port answers TLS handshakes';
      }
      const retryable = isRetryable(failure);
      const unanswered = networkError?.code === 'ETIMEDOUT' && !this.counter.answered;
      if (unanswered && attempt >= Math.min(retries, FIRST_CONTACT_ATTEMPTS)) {
        this.reporter.debug(`${what}: attempt ${attempt} got no answer within ${this.firstAnswerTimeoutMs} ms, and the gateway has never answered`);
        throw this.noFirstAnswerError(failed, failure, attempt);
      }
      if (retryable && spec.notIdempotent && mayHaveBeenCarriedOut(failure)) {
        this.reporter.debug(`${what}: attempt ${attempt} failed (${describeFailure(failure)}); not sent again before the cluster's state is read`);
        throw this.error(failed, spec, failure, fabric?.message, attempt, true);
      }
      if (!retryable || attempt >= retries) {
        this.reporter.debug(`${what}: attempt ${attempt} failed (${describeFailure(failure)}); ${retryable ? 'no attempts left' : 'not retryable'}`);
        throw this.error(failed, spec, failure, fabric?.message, attempt);
      }
      const delay = backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF);
      this.options.onRetry?.(`Attempt ${attempt} of ${retries} to ${what} failed (${describeFailure(failure)}); retrying in ${delay} ms`);
      await sleep(delay, signal, cancelled);
    }
  }

  parseJson<T>(res: HttpResponse, what: string): T {
    try {
      return JSON.parse(res.body.toString('utf8')) as T;
    } catch {
      throw new Error(`The cluster answered ${what} with a body that is not JSON (HTTP ${res.status}).`);
    }
  }

  /** A plain request to a TLS port is reset: an http:// endpoint whose port speaks TLS means https://. */
  private isTlsPortBehindHttpEndpoint(): Promise<boolean> {
    if (!this.options.endpoint.startsWith('http://')) return Promise.resolve(false);
    this.tlsProbe ??= this.transport.speaksTls(this.options.endpoint).then(tls => {
      this.reporter.debug(
        `${this.options.endpoint} reset a connection; its port ${tls ? 'speaks TLS: the endpoint should be https://' : 'does not speak TLS'}`
      );
      return tls;
    });
    return this.tlsProbe;
  }

  private async attempt(spec: GatewayRequest, tokens: TokenSource | undefined): Promise<Attempt> {
    const headers = tokens ? { ...spec.headers, Authorization: `Bearer ${await tokens.token()}` } : spec.headers;
    // The client waits somewhat longer than the server's own timeout, so that the server's
    // timeout answer (504) arrives before the client gives up; until the gateway has answered
    // once, it waits the first-answer deadline instead.
    const serverWaitMs = clientWaitMs(this.options.timeoutSeconds);
    try {
      const res = await this.options.limiter.use(() => {
        this.counter.sent++;
        const timeoutMs = this.counter.answered ? serverWaitMs : Math.min(serverWaitMs, this.firstAnswerTimeoutMs);
        return this.transport.send({ method: spec.method, url: this.url(spec), headers, body: spec.body, timeoutMs, signal: this.options.signal });
      });
      this.counter.answered = true;
      return { res };
    } catch (err) {
      if (err instanceof RequestAbortedError) throw cancelled();
      if (!(err instanceof NetworkError)) throw err;
      return { networkError: err };
    }
  }

  private get firstAnswerTimeoutMs(): number {
    return this.options.firstAnswerTimeoutMs ?? FIRST_ANSWER_TIMEOUT_MS;
  }

  /** The gateway accepted connections (or they hung) and never answered: the network path, not `timeout`. */
  private noFirstAnswerError(failed: FailedOperation, failure: AttemptFailure, attempts: number): ImageStoreError {
    const seconds = Math.round(this.firstAnswerTimeoutMs / 1000);
    const { endpoint } = this.options;
    return new ImageStoreError(
      failed,
      { ...failure, networkMessage: `no answer within ${seconds} s`, attempts, endpoint },
      noFirstAnswerHint(endpoint, seconds, attempts, this.options.names)
    );
  }

  private error(
    failed: FailedOperation,
    spec: GatewayRequest,
    failure: AttemptFailure,
    serverMessage: string | undefined,
    attempts: number,
    outcomeUnknown = false
  ): ImageStoreError {
    const apiVersion = spec.apiVersion ?? this.options.apiVersion;
    return new (outcomeUnknown ? OutcomeUnknownError : ImageStoreError)(
      failed,
      { ...failure, serverMessage, attempts, endpoint: this.options.endpoint },
      hintFor(failure, { endpoint: this.options.endpoint, apiVersion, credentials: this.options.credentials, serverMessage, names: this.options.names })
    );
  }

  private url(spec: GatewayRequest): string {
    return `${this.options.endpoint}${spec.path}?${queryString({
      'api-version': spec.apiVersion ?? this.options.apiVersion,
      timeout: String(this.options.timeoutSeconds),
      ...spec.query
    })}`;
  }
}

/**
 * Each name and value percent-encoded as UTF-8 on its own (RFC 3986, as sfctl does): a space is
 * %20, never `+`, which the gateway reads as a plus sign (URLSearchParams would write `+`).
 */
export function queryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** How long the client waits for a request: the server's timeout plus 10 % (at least 2 s), within what a timer can hold. */
export function clientWaitMs(timeoutSeconds: number): number {
  return clampTimerMs((timeoutSeconds + Math.max(2, Math.ceil(timeoutSeconds * 0.1))) * 1000);
}

function parseFabricError(res: HttpResponse): { code?: string; message?: string } | undefined {
  if (res.body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { Error?: { Code?: unknown; Message?: unknown } };
    const code = typeof parsed.Error?.Code === 'string' ? parsed.Error.Code : undefined;
    const message = typeof parsed.Error?.Message === 'string' ? parsed.Error.Message.slice(0, 300) : undefined;
    return { code, message };
  } catch {
    return undefined;
  }
}
