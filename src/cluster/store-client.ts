// The Image Store REST operations (protocol reference §1) over the gateway client, which owns
// retries, tokens and error classification.
import { type FailedOperation, ImageStoreError } from './errors.js';
import type { BodySource, HttpResponse } from './transport.js';
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
import type { GatewayClient, GatewayRequest } from './gateway-client.js';

interface CallSpec extends Omit<GatewayRequest, 'path'> {
  storePath?: string;
  action?: string;
}

const FOLDER_SIZE_API_VERSION = '6.5';

export class ImageStoreClient {
  constructor(readonly gateway: GatewayClient) {}

  /** Requests sent, retries included. */
  get requestsSent(): number {
    return this.gateway.requestsSent;
  }

  /** The same client without the cancellation signal and with few retries: for cleaning up after a failure. */
  forCleanup(): ImageStoreClient {
    return new ImageStoreClient(this.gateway.forCleanup());
  }

  async uploadFile(storePath: string, body: BodySource | Buffer): Promise<void> {
    await this.call(
      { operation: 'upload file', storePath },
      {
        method: 'PUT',
        storePath,
        headers: { 'Content-Type': 'application/octet-stream' },
        body,
        accept: [200]
      }
    );
  }

  async uploadChunk(storePath: string, sessionId: string, range: ByteRange, fileLength: number, body: BodySource): Promise<void> {
    await this.call(
      { operation: `upload chunk ${range.start}-${range.end} of`, storePath },
      {
        method: 'PUT',
        storePath,
        action: 'UploadChunk',
        query: { 'session-id': sessionId },
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': formatContentRange(range, fileLength) },
        body,
        accept: [200]
      }
    );
  }

  async commitUploadSession(sessionId: string, storePath: string): Promise<void> {
    await this.call(
      { operation: 'commit upload session of', storePath },
      {
        method: 'POST',
        action: 'CommitUploadSession',
        query: { 'session-id': sessionId },
        accept: [200]
      }
    );
  }

  /** Cancels a session; one the cluster no longer knows counts as done. */
  async deleteUploadSession(sessionId: string): Promise<void> {
    await this.call(
      { operation: `delete upload session ${sessionId}` },
      {
        method: 'DELETE',
        action: 'DeleteUploadSession',
        query: { 'session-id': sessionId },
        accept: [200, 404]
      }
    );
  }

  /** The session, or undefined when the cluster does not know it (204). */
  async getUploadSession(sessionId: string, storePath: string): Promise<UploadSessionInfo | undefined> {
    const res = await this.call(
      { operation: 'get upload session of', storePath },
      {
        method: 'GET',
        action: 'GetUploadSession',
        query: { 'session-id': sessionId },
        accept: [200, 204]
      }
    );
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
      const res = await this.call(
        { operation: 'list', storePath: storePath || '(store root)' },
        {
          method: 'GET',
          storePath,
          query: token ? { ContinuationToken: token } : {},
          accept: [200, 204, 404]
        }
      );
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
    await this.call(
      { operation: `copy '${description.RemoteSource}' to`, storePath: description.RemoteDestination },
      {
        method: 'POST',
        action: 'Copy',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(description)),
        accept: [200]
      }
    );
  }

  /** The folder's size as the cluster reports it; undefined where the cluster has no FolderSize (before 6.5). */
  async folderSize(storePath: string): Promise<number | undefined> {
    try {
      const res = await this.call(
        { operation: 'get folder size of', storePath },
        {
          method: 'GET',
          storePath,
          action: 'FolderSize',
          apiVersion: FOLDER_SIZE_API_VERSION,
          accept: [200]
        }
      );
      return parseInt64(this.parseJson<FolderSizeInfo>(res, 'folder size').FolderSize, 'FolderSize');
    } catch (err) {
      if (err instanceof ImageStoreError && err.is(400, ErrorCode.InvalidArg)) return undefined;
      throw err;
    }
  }

  async aadMetadata(): Promise<AadMetadataObject> {
    const res = await this.call(
      { operation: 'get AAD metadata' },
      {
        method: 'GET',
        action: 'GetAadMetadata',
        apiVersion: '6.0',
        accept: [200],
        anonymous: true
      }
    );
    return this.parseJson<AadMetadataObject>(res, 'AAD metadata');
  }

  private call(failed: FailedOperation, spec: CallSpec): Promise<HttpResponse> {
    const { storePath, action, ...request } = spec;
    let path: string;
    if (action === 'GetAadMetadata') path = '/$/GetAadMetadata';
    else path = `/ImageStore${storePath ? `/${encodeStorePath(storePath)}` : ''}${action ? `/$/${action}` : ''}`;
    return this.gateway.call(failed, { ...request, path });
  }

  private parseJson<T>(res: HttpResponse, what: string): T {
    return this.gateway.parseJson<T>(res, what);
  }
}
