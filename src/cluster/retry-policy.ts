// Which failed attempts are worth another (transient: busy, timed out, failover in progress, a
// dropped connection), and how long to wait before it: capped exponential backoff with jitter.
// Everything else fails at once, with a hint (hints.ts).

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF = { baseDelayMs: 500, maxDelayMs: 8000 };

/** Delay before attempt `attempt + 1` (attempt counts from 1): half fixed, half random. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** HTTP answers worth another attempt: busy, timed out, failover in progress. */
export const RETRYABLE_STATUSES = [429, 500, 502, 503, 504];

/** Network failures worth another attempt; TLS, DNS and protocol mismatches are not. */
export const RETRYABLE_NETWORK_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE'
];

/** How one attempt failed: an HTTP answer that is not accepted, or no answer at all. */
export interface AttemptFailure {
  status?: number;
  /** The Service Fabric error code of the answer's body, if any. */
  code?: string;
  /** errno or TLS code when there was no answer. */
  networkCode?: string;
  networkMessage?: string;
}

/** The TLS handshake met a server that does not speak TLS (https:// to a plain-HTTP gateway). */
export function isPlainHttpAnswerToTls(f: AttemptFailure): boolean {
  return (
    f.status === undefined &&
    (f.networkCode === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
      f.networkCode === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
      (f.networkCode === 'EPROTO' && /wrong version number|packet length too long|unknown protocol/i.test(f.networkMessage ?? '')))
  );
}

/** The server refused the handshake because it wants a client certificate (TLS alert 116 or 40). */
export function isClientCertificateDemanded(f: AttemptFailure): boolean {
  const text = `${f.networkCode ?? ''} ${f.networkMessage ?? ''}`;
  return (
    f.status === undefined &&
    /CERTIFICATE_REQUIRED|alert certificate required|alert number 116|HANDSHAKE_FAILURE|alert handshake failure|alert number 40\b/i.test(text)
  );
}

export function isRetryable(f: AttemptFailure): boolean {
  if (f.status !== undefined) return RETRYABLE_STATUSES.includes(f.status);
  if (isPlainHttpAnswerToTls(f) || isClientCertificateDemanded(f)) return false;
  return f.networkCode !== undefined && RETRYABLE_NETWORK_CODES.includes(f.networkCode);
}

/** Network failures before the request reached the cluster: nothing was carried out. */
const NOT_DELIVERED_CODES = ['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'];

/**
 * Whether a transient failure may hide work the cluster did: no answer after the request was sent, or
 * a timeout (504). A busy answer (503, 429) or a connection never made means nothing was done.
 */
export function mayHaveBeenCarriedOut(f: AttemptFailure): boolean {
  if (f.status !== undefined) return f.status === 504 || f.status === 500 || f.status === 502;
  return !NOT_DELIVERED_CODES.includes(f.networkCode ?? '');
}

/** A short reason for the log line of a retry: `HTTP 503 FABRIC_E_SERVICE_TOO_BUSY`, `ECONNRESET`. */
export function describeFailure(f: AttemptFailure): string {
  return f.status !== undefined ? `HTTP ${f.status}${f.code ? ` ${f.code}` : ''}` : (f.networkCode ?? 'no answer');
}
