// ARM's long-running operations and errors, decided offline: where to poll, how long to wait,
// whether the operation is over, and the sentence an ARM error becomes. The requests are in
// arm-client.ts.
import type { IncomingHttpHeaders } from 'node:http';

export type OperationState = 'Succeeded' | 'Failed' | 'Canceled' | 'Running';

export class ArmError extends Error {
  override name = 'ArmError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined
  ) {
    super(message);
  }
}

/** Longest wait between polls, whatever Retry-After says, so that a cancellation or deadline is seen in time. */
export const MAX_POLL_WAIT_MS = 60_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The URL to follow: `Azure-AsyncOperation` first (it reports the status), else `Location`;
 * undefined when the answer names neither (the operation ended with the answer). The URL must be
 * on the ARM endpoint's origin: the action sends its token to it, and ARM never points elsewhere.
 */
export function operationPollUrl(headers: IncomingHttpHeaders, endpoint: string): { url: string; kind: 'async-operation' | 'location' } | undefined {
  const asyncOperation = header(headers, 'azure-asyncoperation');
  const location = header(headers, 'location');
  const chosen =
    asyncOperation !== undefined
      ? { url: asyncOperation, kind: 'async-operation' as const }
      : location !== undefined
        ? { url: location, kind: 'location' as const }
        : undefined;
  if (chosen === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(chosen.url, endpoint);
  } catch {
    throw new ArmError(`ARM answered with an operation URL that is not a URL ('${chosen.url}').`, 0, undefined);
  }
  if (url.origin !== new URL(endpoint).origin) {
    throw new ArmError(
      `ARM answered with an operation URL on ${url.origin}, not on ${new URL(endpoint).origin}: the action does not send its token there.`,
      0,
      undefined
    );
  }
  return { url: url.href, kind: chosen.kind };
}

/** Retry-After in seconds or as an HTTP date, else `fallbackMs`; never more than MAX_POLL_WAIT_MS. */
export function retryAfterMs(headers: IncomingHttpHeaders, fallbackMs: number, now = Date.now()): number {
  const value = header(headers, 'retry-after')?.trim();
  let ms = fallbackMs;
  if (value !== undefined && /^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (value !== undefined && !Number.isNaN(Date.parse(value))) ms = Math.max(0, Date.parse(value) - now);
  return Math.min(ms, MAX_POLL_WAIT_MS);
}

/** The state an operation-status body reports (`{"status":"InProgress"}`…); unknown states are still running. */
export function operationState(body: unknown): OperationState {
  const status = (body as { status?: unknown } | null)?.status;
  if (typeof status !== 'string') return 'Running';
  const known = (['Succeeded', 'Failed', 'Canceled'] as const).find(s => s.toLowerCase() === status.toLowerCase());
  return known ?? 'Running';
}

/** ARM's error body `{"error":{"code","message"}}` (also the `error` of a failed operation), as text. */
export function armErrorText(body: unknown): { code: string | undefined; message: string | undefined } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : undefined,
    message: typeof error?.message === 'string' ? error.message : undefined
  };
}

/** The sentence for an ARM error answer; it says what to do for the causes that have a clear fix. */
export function armErrorMessage(what: string, status: number, body: unknown): string {
  const { code, message } = armErrorText(body);
  const said = message ? `: ${code ?? 'error'}: ${message}` : code ? `: ${code}` : '';
  let todo = '';
  if (status === 401) todo = ' Check the service principal (or the federated credential) and that its token is for ARM.';
  else if (status === 403) todo = ' Give the service principal a role on the managed cluster that may write its applications (such as Contributor).';
  else if (status === 404 && code === 'ResourceNotFound') todo = " Check the managed cluster's resource id.";
  return `${what} failed with HTTP ${status}${said}.${todo}`;
}
