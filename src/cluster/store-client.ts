// The Image Store REST operations (protocol reference §1), each with retries on transient
// failures and a clear error otherwise. Every attempt takes a slot of the shared limiter, so the
// whole action never has more than `concurrency` requests in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import { Semaphore } from '../util/concurrency.js';
import { CancelledError, type FailedOperation, hintFor, ImageStoreError } from './errors.js';
import { type BodySource, type HttpResponse, type HttpTransport, NetworkError, RequestAbortedError } from './transport.js';
import { type ByteRange, formatContentRange } from '../protocol/byte-ranges.js';
import type {
  AadMetadataObject,
  FileInfo,
  FolderInfo,
  FolderSizeInfo,
  ImageStoreContent,
  ImageStoreCopyDescription,
  UploadSession,
  UploadSessionInfo
} from '../protocol/models.js';
import { parseInt64 } from '../protocol/models.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { encodeStorePath } from '../protocol/store-path.js';
import type { TokenSource } from './auth/aad-token.js';
import { backoffDelay, DEFAULT_BACKOFF, RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES } from './retry-policy.js';

export interface StoreClientOptions {
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
  /** Which credentials were given, for the advice that goes with a 401 or 403. */
  credentials?: { certificate: boolean; token: boolean };
}

interface CallSpec {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  storePath?: string;
  action?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: BodySource | Buffer;
  apiVersion?: string;
  /** Statuses that are an answer, not a failure. */
  accept: number[];
  /** Sent without credentials (the AAD metadata). */
  anonymous?: boolean;
}

const FOLDER_SIZE_API_VERSION = '6.5';

export class ImageStoreClient {
  /** Requests sent, retries included. */
  requestsSent = 0;

  constructor(
    private readonly transport: HttpTransport,
    private readonly options: StoreClientOptions
  ) {}

  useTokens(tokens: TokenSource | undefined): void {
    this.options.tokens = tokens;
  }

  /** The same client without the cancellation signal and with few retries: for cleaning up after a failure. */
  forCleanup(): ImageStoreClient {
    return new ImageStoreClient(this.transport, {
      ...this.options,
      signal: undefined,
      retries: Math.min(this.options.retries, 2),
      timeoutSeconds: Math.min(this.options.timeoutSeconds, 15)
    });
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  async uploadFile(storePath: string, body: BodySource | Buffer): Promise<void> {
    await this.call({ operation: 'upload file', storePath }, {
      method: 'PUT',
      storePath,
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
      accept: [200]
    });
  }

  async uploadChunk(storePath: string, sessionId: string, range: ByteRange, fileLength: number, body: BodySource): Promise<void> {
    await this.call({ operation: `upload chunk ${range.start}-${range.end} of`, storePath }, {
      method: 'PUT',
      storePath,
      action: 'UploadChunk',
      query: { 'session-id': sessionId },
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': formatContentRange(range, fileLength) },
      body,
      accept: [200]
    });
  }

  async commitUploadSession(sessionId: string, storePath: string): Promise<void> {
    await this.call({ operation: 'commit upload session of', storePath }, {
      method: 'POST',
      action: 'CommitUploadSession',
      query: { 'session-id': sessionId },
      accept: [200]
    });
  }

  /** Cancels a session; one the cluster no longer knows counts as done. */
  async deleteUploadSession(sessionId: string): Promise<void> {
    await this.call({ operation: `delete upload session ${sessionId}` }, {
      method: 'DELETE',
      action: 'DeleteUploadSession',
      query: { 'session-id': sessionId },
      accept: [200, 404]
    });
  }

  /** The session, or undefined when the cluster does not know it (204). */
  async getUploadSession(sessionId: string, storePath: string): Promise<UploadSessionInfo | undefined> {
    const res = await this.call({ operation: 'get upload session of', storePath }, {
      method: 'GET',
      action: 'GetUploadSession',
      query: { 'session-id': sessionId },
      accept: [200, 204]
    });
    if (res.status === 204 || res.body.length === 0) return undefined;
    const session = this.parseJson<UploadSession>(res, 'get upload session');
    return session.UploadSessions?.find(s => s.SessionId === sessionId) ?? session.UploadSessions?.[0];
  }

  /** One level of a folder (all pages), or undefined when the path does not exist. */
  async list(storePath: string): Promise<{ files: FileInfo[]; folders: FolderInfo[] } | undefined> {
    const files: FileInfo[] = [];
    const folders: FolderInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.call({ operation: 'list', storePath: storePath || '(store root)' }, {
        method: 'GET',
        storePath,
        query: token ? { ContinuationToken: token } : {},
        accept: [200, 204, 404]
      });
      if (res.status === 404) return undefined;
      if (res.status === 204 || res.body.length === 0) break;
      const page = this.parseJson<ImageStoreContent>(res, 'list');
      files.push(...(page.StoreFiles ?? []));
      folders.push(...(page.StoreFolders ?? []));
      token = page.ContinuationToken || undefined;
    } while (token);
    return { files, folders };
  }

  async getFileInfo(storePath: string): Promise<FileInfo | undefined> {
    const listing = await this.list(storePath);
    return listing?.files.length === 1 && listing.folders.length === 0 ? listing.files[0] : undefined;
  }

  /** Deletes a file or a folder recursively; a missing path is fine. */
  async delete(storePath: string): Promise<void> {
    await this.call({ operation: 'delete', storePath }, { method: 'DELETE', storePath, accept: [200] });
  }

  async copy(description: ImageStoreCopyDescription): Promise<void> {
    await this.call({ operation: `copy '${description.RemoteSource}' to`, storePath: description.RemoteDestination }, {
      method: 'POST',
      action: 'Copy',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(description)),
      accept: [200]
    });
  }

  /** The folder's size as the cluster reports it; undefined where the cluster has no FolderSize (before 6.5). */
  async folderSize(storePath: string): Promise<number | undefined> {
    try {
      const res = await this.call({ operation: 'get folder size of', storePath }, {
        method: 'GET',
        storePath,
        action: 'FolderSize',
        apiVersion: FOLDER_SIZE_API_VERSION,
        accept: [200]
      });
      return parseInt64(this.parseJson<FolderSizeInfo>(res, 'folder size').FolderSize, 'FolderSize');
    } catch (err) {
      if (err instanceof ImageStoreError && err.is(400, ErrorCode.InvalidArg)) return undefined;
      throw err;
    }
  }

  async aadMetadata(): Promise<AadMetadataObject> {
    const res = await this.call({ operation: 'get AAD metadata' }, {
      method: 'GET',
      action: 'GetAadMetadata',
      apiVersion: '6.0',
      accept: [200],
      anonymous: true
    });
    return this.parseJson<AadMetadataObject>(res, 'AAD metadata');
  }

  private url(spec: CallSpec): string {
    const query = new URLSearchParams({
      'api-version': spec.apiVersion ?? this.options.apiVersion,
      timeout: String(this.options.timeoutSeconds),
      ...spec.query
    });
    if (spec.action === 'GetAadMetadata') return `${this.options.endpoint}/$/GetAadMetadata?${query}`;
    const pathPart = spec.storePath ? `/${encodeStorePath(spec.storePath)}` : '';
    const actionPart = spec.action ? `/$/${spec.action}` : '';
    return `${this.options.endpoint}/ImageStore${pathPart}${actionPart}?${query}`;
  }

  private async call(failed: FailedOperation, spec: CallSpec): Promise<HttpResponse> {
    const { retries, signal } = this.options;
    const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
    // The client waits somewhat longer than the server's own timeout, so that the server's
    // timeout answer (504) arrives before the client gives up.
    const timeoutMs = clientWaitMs(this.options.timeoutSeconds);
    const url = this.url(spec);
    const tokens = spec.anonymous ? undefined : this.options.tokens;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new CancelledError('the upload was cancelled');
      let res: HttpResponse | undefined;
      let networkError: NetworkError | undefined;
      const headers = tokens ? { ...spec.headers, Authorization: `Bearer ${await tokens.token()}` } : spec.headers;
      try {
        res = await this.options.limiter.use(() => {
          this.requestsSent++;
          return this.transport.send({ method: spec.method, url, headers, body: spec.body, timeoutMs, signal });
        });
      } catch (err) {
        if (err instanceof RequestAbortedError) throw new CancelledError('the upload was cancelled');
        if (!(err instanceof NetworkError)) throw err;
        networkError = err;
      }
      if (res && spec.accept.includes(res.status)) return res;
      if (res?.status === 401 && tokens && !refreshedToken) {
        // The token may have expired during a long upload: one new token, then once more.
        refreshedToken = true;
        await tokens.token(true);
        attempt--;
        continue;
      }
      const fabric = res ? parseFabricError(res) : undefined;
      const retryable = res ? RETRYABLE_STATUSES.includes(res.status) : RETRYABLE_NETWORK_CODES.includes(networkError!.code);
      const error = new ImageStoreError(
        failed,
        {
          status: res?.status,
          code: fabric?.code,
          serverMessage: fabric?.message,
          networkCode: networkError?.code,
          networkMessage: networkError?.message,
          attempts: attempt,
          endpoint: this.options.endpoint
        },
        hintFor(this.options.endpoint, res?.status, fabric?.code, networkError?.code, this.options.credentials)
      );
      if (!retryable || attempt >= retries) throw error;
      const delay = backoffDelay(attempt, backoff);
      const reason = res ? `HTTP ${res.status}${fabric?.code ? ` ${fabric.code}` : ''}` : networkError!.code;
      this.options.onRetry?.(
        `Attempt ${attempt} of ${retries} to ${failed.operation}${failed.storePath ? ` '${failed.storePath}'` : ''} failed (${reason}); retrying in ${delay} ms`
      );
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        throw new CancelledError('the upload was cancelled');
      }
    }
  }

  private parseJson<T>(res: HttpResponse, what: string): T {
    try {
      return JSON.parse(res.body.toString('utf8')) as T;
    } catch {
      throw new Error(`The cluster answered ${what} with a body that is not JSON (HTTP ${res.status}).`);
    }
  }
}

/** How long the client waits for a request: the server's timeout plus 10 % (at least 2 s). */
export function clientWaitMs(timeoutSeconds: number): number {
  return (timeoutSeconds + Math.max(2, Math.ceil(timeoutSeconds * 0.1))) * 1000;
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
