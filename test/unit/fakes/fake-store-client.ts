// An Image Store client held in memory, for the upload engine's unit tests: every call is
// recorded, and a test decides how each one answers by overriding the handler it cares about.
import type { ImageStoreClient } from '../../../src/cluster/store-client.js';
import { ImageStoreError } from '../../../src/cluster/errors.js';
import type { BodySource } from '../../../src/cluster/transport.js';
import type { ByteRange } from '../../../src/protocol/byte-ranges.js';
import type { FileInfo, UploadSessionInfo } from '../../../src/protocol/models.js';
import type { ScannedPackage } from '../../../src/package/package-scan.js';

export interface FakeCall {
  op: 'uploadFile' | 'uploadChunk' | 'commit' | 'getUploadSession' | 'getFileInfo' | 'deleteUploadSession';
  path?: string;
  sessionId?: string;
  range?: ByteRange;
}

/** The error the gateway client throws for an answer: `HTTP <status> <code>` after `attempts` attempts. */
export function storeError(status: number, code?: string, attempts = 1): ImageStoreError {
  return new ImageStoreError({ operation: 'fake' }, { status, code, attempts, endpoint: 'http://fake' }, '');
}

export class FakeStoreClient {
  readonly calls: FakeCall[] = [];
  /** Files "in the store" by path, with their size. */
  readonly stored = new Map<string, number>();
  /** Ranges each session still expects; a session absent here is unknown to the cluster. */
  readonly sessions = new Map<string, { path: string; length: number; expected: ByteRange[] }>();

  onUploadChunk: (path: string, sessionId: string, range: ByteRange, length: number) => Promise<void> = async (path, sessionId, range, length) => {
    const session = this.sessions.get(sessionId) ?? { path, length, expected: [{ start: 0, end: length - 1 }] };
    this.sessions.set(sessionId, session);
    session.expected = session.expected.flatMap(r => {
      if (range.end < r.start || range.start > r.end) return [r];
      const left = range.start > r.start ? [{ start: r.start, end: range.start - 1 }] : [];
      const right = range.end < r.end ? [{ start: range.end + 1, end: r.end }] : [];
      return [...left, ...right];
    });
  };

  onCommit: (sessionId: string, path: string) => Promise<void> = async sessionId => {
    const session = this.sessions.get(sessionId);
    if (!session || session.expected.length > 0) throw storeError(400, 'E_INVALIDARG');
    this.sessions.delete(sessionId);
    this.stored.set(session.path, session.length);
  };

  onUploadFile: (path: string, length: number) => Promise<void> = async (path, length) => {
    this.stored.set(path, length);
  };

  count(op: FakeCall['op']): number {
    return this.calls.filter(c => c.op === op).length;
  }

  asClient(): ImageStoreClient {
    return this as unknown as ImageStoreClient;
  }

  async uploadFile(storePath: string, body: BodySource | Buffer): Promise<void> {
    this.calls.push({ op: 'uploadFile', path: storePath });
    await this.onUploadFile(storePath, body.length);
  }

  async uploadChunk(storePath: string, sessionId: string, range: ByteRange, fileLength: number): Promise<void> {
    this.calls.push({ op: 'uploadChunk', path: storePath, sessionId, range });
    await this.onUploadChunk(storePath, sessionId, range, fileLength);
  }

  async commitUploadSession(sessionId: string, storePath: string): Promise<void> {
    this.calls.push({ op: 'commit', path: storePath, sessionId });
    await this.onCommit(sessionId, storePath);
  }

  async getUploadSession(sessionId: string, storePath: string): Promise<UploadSessionInfo | undefined> {
    this.calls.push({ op: 'getUploadSession', path: storePath, sessionId });
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    return {
      StoreRelativePath: session.path,
      SessionId: sessionId,
      ModifiedDate: '',
      FileSize: '0',
      ExpectedRanges: session.expected.map(r => ({ StartPosition: String(r.start), EndPosition: String(r.end) }))
    };
  }

  async getFileInfo(storePath: string): Promise<FileInfo | undefined> {
    this.calls.push({ op: 'getFileInfo', path: storePath });
    const size = this.stored.get(storePath);
    if (size === undefined) return undefined;
    return {
      FileSize: String(size),
      StoreRelativePath: storePath,
      ModifiedDate: '',
      FileVersion: { VersionNumber: '1', EpochDataLossNumber: '1', EpochConfigurationNumber: '1' }
    };
  }

  async deleteUploadSession(sessionId: string): Promise<void> {
    this.calls.push({ op: 'deleteUploadSession', sessionId });
    this.sessions.delete(sessionId);
  }

  forCleanup(): ImageStoreClient {
    return this.asClient();
  }
}

/** A package of files that exist only by name and size: the fake client never opens their bodies. */
export function fakePackage(files: Record<string, number>): ScannedPackage {
  const entries = Object.entries(files).map(([relativePath, size]) => ({ localPath: `/nowhere/${relativePath}`, relativePath, size }));
  const folders = new Set<string>(['']);
  for (const { relativePath } of entries) {
    const parts = relativePath.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return {
    root: '/nowhere',
    unmatchedPatterns: [],
    files: entries,
    folders: [...folders],
    totalBytes: entries.reduce((n, f) => n + f.size, 0),
    ignoredMarkFiles: 0
  };
}
