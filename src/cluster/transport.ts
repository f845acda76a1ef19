// One HTTP exchange with the cluster, made with Node's http/https so that a body can wait for
// `100 Continue`. The connection pools are ordinary Node agents carrying the TLS settings in their
// options (public API only); a proxy named by https_proxy/http_proxy (with no_proxy, read by
// @actions/http-client's rules) is reached by a CONNECT tunnel that the agent opens itself.
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import * as http from 'node:http';
import { isIP } from 'node:net';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { clampTimerMs, onAbort } from '../util/cancellation.js';
import { BufferPool } from './buffer-pool.js';
import { type BodySource, LocalFileChangedError, writeBody } from './request-body.js';

export { type BodyReader, type BodySource, LocalFileChangedError } from './request-body.js';

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
 * Bodies are read in pieces of this size (less at a body's end): 1 MiB brought peak memory too
 * close to 150 MiB, 256 KiB was slower (BENCHMARKS.md, "Read buffers of 512 KiB").
 */
export const BODY_BUFFER_BYTES = 512 * 1024;

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
  expectContinue?: ExpectContinueMode;
  /** Where request bodies are read into: by default a pool of its own, a buffer per connection at most. */
  bodyBuffers?: BufferPool;
  /** TLS settings of every connection: client certificate, trust anchors, how to judge the server. */
  tls?: {
    agentOptions: tls.ConnectionOptions;
    /** Judges the server after the handshake, before a byte (or a token) is written. */
    verifyPeer?: (socket: tls.TLSSocket) => Error | undefined;
  };
}

export class HttpTransport {
  /** Connection pools by protocol and proxy. */
  private readonly agents = new Map<string, http.Agent>();
  /** Connections that have carried a request: their TLS session is settled. */
  private readonly usedSockets = new WeakSet<object>();
  /** Connections whose server passed verifyPeer. */
  private readonly verifiedSockets = new WeakSet<object>();
  /** One per request in flight at most, reused by every body of the run. */
  private readonly bodyBuffers: BufferPool;

  constructor(private readonly options: TransportOptions) {
    this.bodyBuffers = options.bodyBuffers ?? new BufferPool(BODY_BUFFER_BYTES, options.maxSockets);
  }

  dispose(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /**
   * Whether a TLS handshake succeeds at the URL's host and port: for telling an http:// endpoint
   * that meets a TLS port (which resets plain requests) from a cluster that drops connections.
   * Direct connections only; false when a proxy is in the way.
   */
  speaksTls(url: string, timeoutMs = 3000): Promise<boolean> {
    const target = new URL(url);
    if (getProxyUrl(target)) return Promise.resolve(false);
    return new Promise(resolve => {
      const host = target.hostname.replace(/^\[|\]$/g, '');
      const socket = tls.connect({
        host,
        port: target.port ? Number(target.port) : 80,
        servername: isIP(host) ? undefined : host,
        // Only whether the port speaks TLS matters here; nothing is sent over it.
        rejectUnauthorized: false
      });
      const done = (result: boolean) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('secureConnect', () => done(true));
      socket.once('error', (err: NodeJS.ErrnoException) => done(/alert|CERTIFICATE_REQUIRED/i.test(`${err.code} ${err.message}`)));
    });
  }

  private agentFor(url: URL): http.Agent {
    const proxy = getProxyUrl(url);
    const key = `${url.protocol}|${proxy?.href ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const pool = { keepAlive: true, maxSockets: this.options.maxSockets };
      if (url.protocol === 'https:') {
        const tlsSettings = this.options.tls;
        agent = new ClusterHttpsAgent(
          {
            ...pool,
            ...tlsSettings?.agentOptions,
            // A resumed TLS session shows no peer certificate to verify: no session cache then.
            ...(tlsSettings?.verifyPeer ? { maxCachedSessions: 0 } : {})
          },
          proxy
        );
      } else {
        agent = new ClusterHttpAgent(pool, proxy);
      }
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Runs `then` once the connection's server is judged acceptable; closes it otherwise. */
  private whenVerified(req: http.ClientRequest, socket: object, then: () => void): void {
    const verify = this.options.tls?.verifyPeer;
    if (!verify || this.verifiedSockets.has(socket) || !('encrypted' in socket)) return then();
    const tlsSocket = socket as tls.TLSSocket;
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
      agent: this.agentFor(url)
    };

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
        stopListening();
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
        // Read into pooled buffers and checked against Content-Length: a file that shrank would
        // otherwise leave the server waiting.
        writeBody(req, body, this.bodyBuffers);
      };
      const stopListening = request.signal ? onAbort(request.signal, () => req.destroy(new RequestAbortedError('the upload was cancelled'))) : () => undefined;
      req.setTimeout(clampTimerMs(request.timeoutMs), () =>
        req.destroy(new NetworkError(`no answer within ${Math.round(request.timeoutMs / 1000)} s`, 'ETIMEDOUT'))
      );
      req.on('error', err => settle(err instanceof RequestAbortedError || err instanceof LocalFileChangedError ? err : toNetworkError(err)));
      // Headers go out once the connection is known, so that whether to wait for `100 Continue`
      // can depend on it.
      req.once('socket', socket =>
        this.whenVerified(req, socket, () => {
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
        })
      );
    });
  }
}

function toNetworkError(err: Error): NetworkError {
  if (err instanceof NetworkError) return err;
  return new NetworkError(err.message, (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN');
}

/** Opens a CONNECT tunnel through `proxy` to host:port. */
function openTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { Host: target };
    if (proxy.username || proxy.password) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const req = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port ? Number(proxy.port) : proxy.protocol === 'https:' ? 443 : 80,
      method: 'CONNECT',
      path: target,
      headers,
      agent: false
    });
    req.setTimeout(clampTimerMs(timeoutMs), () => req.destroy(new NetworkError(`the proxy ${proxy.host} did not open a tunnel in time`, 'ETIMEDOUT')));
    req.once('connect', (res, socket) => {
      req.setTimeout(0);
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new NetworkError(`the proxy ${proxy.host} refused a tunnel to ${target} (HTTP ${res.statusCode})`, 'EPROXY'));
    });
    req.once('error', reject);
    req.end();
  });
}

const TUNNEL_TIMEOUT_MS = 30_000;

type ConnectionCallback = (err: Error | null, stream: Duplex) => void;

/** A keep-alive pool for http://, direct or through a proxy tunnel. */
class ClusterHttpAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly proxy: URL | undefined
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    if (!this.proxy) return super.createConnection(options, callback);
    openTunnel(this.proxy, options.host ?? 'localhost', Number(options.port ?? 80), TUNNEL_TIMEOUT_MS).then(
      socket => callback?.(null, socket),
      (err: Error) => callback?.(err, undefined as unknown as Duplex)
    );
    return undefined;
  }
}

/** A keep-alive pool for https://, its TLS settings in its options; direct or through a proxy tunnel. */
class ClusterHttpsAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly proxy: URL | undefined
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectionCallback): Duplex | null | undefined {
    if (!this.proxy) return super.createConnection(options, callback);
    const host = options.host ?? 'localhost';
    openTunnel(this.proxy, host, Number(options.port ?? 443), TUNNEL_TIMEOUT_MS).then(
      socket => {
        // The agent's TLS settings are in `options` (an agent merges its own options into each connection's).
        const servername = options.servername ?? (isIP(host) ? undefined : host);
        let secured: tls.TLSSocket;
        try {
          secured = tls.connect({ ...(options as tls.ConnectionOptions), socket, servername });
        } catch (err) {
          socket.destroy();
          return callback?.(err as Error, undefined as unknown as Duplex);
        }
        callback?.(null, secured);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex)
    );
    return undefined;
  }
}
