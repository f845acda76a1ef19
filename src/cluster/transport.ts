// One HTTP exchange with the cluster. The agent (keep-alive pool, proxy tunnel, and the TLS
// settings a request handler adds) comes from @actions/http-client; the request itself is made
// with Node's http/https so that a body can wait for `100 Continue`, which the toolkit's
// requestRaw cannot do.
import { HttpClient } from '@actions/http-client';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import type { ConnectionOptions, TLSSocket } from 'node:tls';

/** A request body that can be produced again for every attempt (a spent stream cannot). */
export interface BodySource {
  length: number;
  open(): Readable;
  /** The local file, for messages. */
  name?: string;
}

/** The local file gave other bytes than announced: it changed during the upload. Not retried. */
export class LocalFileChangedError extends Error {
  override name = 'LocalFileChangedError';
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: BodySource | Buffer;
  /** Abandon the exchange when nothing moves for this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The exchange failed without an HTTP answer: refused, reset, timed out, TLS, DNS. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    /** errno or TLS code, such as ECONNREFUSED, ECONNRESET, ETIMEDOUT, CERT_HAS_EXPIRED. */
    readonly code: string
  ) {
    super(message);
  }
}

export class RequestAbortedError extends Error {
  override name = 'RequestAbortedError';
}

/** How long to wait for `100 Continue` before sending the body anyway (curl waits 1 s). */
const CONTINUE_FALLBACK_MS = 1000;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * When a body waits for `100 Continue`. Windows gateways on certificate-secured clusters may ask
 * for the client certificate after reading the headers; a body already streaming then stalls. That
 * can only happen while the TLS session has no client certificate yet: on the first request of a
 * connection. Later requests on the same keep-alive connection would pay a round trip for nothing.
 */
export type ExpectContinueMode = 'first-request' | 'always' | 'never';

export interface TransportOptions {
  userAgent: string;
  /** Connections kept per host: the most requests that can be in flight. */
  maxSockets: number;
  /** Handlers that add TLS material or credentials to every request (issue: secure clusters). */
  handlers?: RequestHandler[];
  expectContinue?: ExpectContinueMode;
  /** TLS settings of every connection: client certificate, trust anchors, how to judge the server. */
  tls?: {
    agentOptions: ConnectionOptions;
    /** Judges the server after the handshake, before a byte (or a token) is written. */
    verifyPeer?: (socket: TLSSocket) => Error | undefined;
  };
}

export class HttpTransport {
  private readonly client: HttpClient;
  private readonly handlers: RequestHandler[];
  /** Connections that have carried a request: their TLS session is settled. */
  private readonly usedSockets = new WeakSet<object>();
  /** Connections whose server passed verifyPeer. */
  private readonly verifiedSockets = new WeakSet<object>();
  /** Agents that carry the TLS settings already. */
  private readonly configuredAgents = new WeakSet<object>();

  constructor(private readonly options: TransportOptions) {
    this.handlers = options.handlers ?? [];
    this.client = new HttpClient(options.userAgent, this.handlers, {
      keepAlive: true,
      maxSockets: options.maxSockets,
      allowRedirects: false,
      allowRetries: false
    });
  }

  dispose(): void {
    this.client.dispose();
  }

  /**
   * The pooled agent, carrying the TLS settings in its own options: a proxy tunnel builds the
   * cluster connection from those alone, and request options would not reach it.
   */
  private agentFor(url: string): http.Agent {
    const agent = this.client.getAgent(url) as http.Agent & { options?: Record<string, unknown> };
    if (this.options.tls && !this.configuredAgents.has(agent)) {
      agent.options = { ...agent.options, ...this.options.tls.agentOptions };
      if (this.options.tls.verifyPeer) {
        // A resumed TLS session shows no peer certificate to verify: the pool must not cache
        // sessions. https.Agent reads this setting as a property, not from its options.
        const pool = agent as http.Agent & { maxCachedSessions?: number; _sessionCache?: { map: object; list: unknown[] } };
        pool.maxCachedSessions = 0;
        if (pool._sessionCache) pool._sessionCache = { map: {}, list: [] };
      }
      this.configuredAgents.add(agent);
    }
    return agent;
  }

  /** Runs `then` once the connection's server is judged acceptable; closes it otherwise. */
  private whenVerified(req: http.ClientRequest, socket: object, then: () => void): void {
    const verify = this.options.tls?.verifyPeer;
    if (!verify || this.verifiedSockets.has(socket) || !('encrypted' in socket)) return then();
    const tlsSocket = socket as TLSSocket;
    const check = () => {
      const problem = verify(tlsSocket);
      if (problem) {
        req.destroy(problem);
        tlsSocket.destroy();
        return;
      }
      this.verifiedSockets.add(socket);
      then();
    };
    const peer = tlsSocket.getPeerCertificate?.();
    if (peer && Object.keys(peer).length > 0) check();
    else tlsSocket.once('secureConnect', check);
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const isHttps = url.protocol === 'https:';
    const body = request.body;
    const bodyLength = body === undefined ? 0 : Buffer.isBuffer(body) ? body.length : body.length;
    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent,
      ...request.headers,
      'Content-Length': String(bodyLength)
    };
    const expectMode = this.options.expectContinue ?? 'first-request';
    const options: http.RequestOptions = {
      method: request.method,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : isHttps ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: this.agentFor(request.url)
    };
    for (const handler of this.handlers) handler.prepareRequest(options);

    return new Promise<HttpResponse>((resolve, reject) => {
      if (request.signal?.aborted) return reject(new RequestAbortedError('the upload was cancelled'));
      let settled = false;
      let bodyStarted = false;
      let waitForContinue = false;
      let fallback: NodeJS.Timeout | undefined;
      const settle = (err: Error | undefined, res?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(fallback);
        request.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res as HttpResponse);
      };
      const req = (isHttps ? https : http).request(options, res => {
        // A final answer before the body started (a refusal after the headers): no body follows,
        // and the connection is not reused since the server may still expect one.
        const bodySkipped = waitForContinue && !bodyStarted;
        bodyStarted = true;
        clearTimeout(fallback);
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new NetworkError('the response is too large', 'ERESPONSETOOLARGE'));
          else parts.push(d);
        });
        res.on('end', () => {
          settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
          if (bodySkipped) req.destroy();
        });
        res.on('error', err => settle(toNetworkError(err)));
      });
      const startBody = () => {
        if (bodyStarted || settled) return;
        bodyStarted = true;
        clearTimeout(fallback);
        if (body === undefined) return void req.end();
        if (Buffer.isBuffer(body)) return void req.end(body);
        // Pumped by hand rather than piped, to check that the file still has the bytes announced
        // in Content-Length: a file that shrank would otherwise leave the server waiting.
        const stream = body.open();
        let sent = 0;
        stream.on('data', (chunk: Buffer) => {
          sent += chunk.length;
          if (!req.write(chunk)) {
            stream.pause();
            req.once('drain', () => stream.resume());
          }
        });
        stream.on('end', () => {
          if (sent === body.length) return void req.end();
          req.destroy(
            new LocalFileChangedError(
              `'${body.name ?? 'a local file'}' gave ${sent} bytes where ${body.length} were expected: it changed during the upload. Build the package completely before this step.`
            )
          );
        });
        stream.on('error', err => req.destroy(new LocalFileChangedError(`reading '${body.name ?? 'a local file'}' failed: ${err.message}`)));
        req.on('close', () => stream.destroy());
      };
      const onAbort = () => req.destroy(new RequestAbortedError('the upload was cancelled'));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.setTimeout(request.timeoutMs, () =>
        req.destroy(new NetworkError(`no answer within ${Math.round(request.timeoutMs / 1000)} s`, 'ETIMEDOUT'))
      );
      req.on('error', err =>
        settle(err instanceof RequestAbortedError || err instanceof LocalFileChangedError ? err : toNetworkError(err))
      );
      // Headers go out once the connection is known, so that whether to wait for `100 Continue`
      // can depend on it.
      req.once('socket', socket => this.whenVerified(req, socket, () => {
        const fresh = !this.usedSockets.has(socket);
        this.usedSockets.add(socket);
        waitForContinue = bodyLength > 0 && (expectMode === 'always' || (expectMode === 'first-request' && fresh));
        if (waitForContinue) {
          req.setHeader('Expect', '100-continue');
          req.on('continue', startBody);
          fallback = setTimeout(startBody, CONTINUE_FALLBACK_MS);
          req.flushHeaders();
        } else {
          startBody();
        }
      }));
    });
  }
}

function toNetworkError(err: Error): NetworkError {
  if (err instanceof NetworkError) return err;
  return new NetworkError(err.message, (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN');
}
