// The emulated HTTP gateway: parses the request, checks api-version and timeout, dispatches to the
// route, and writes answers with the status codes and bodies of the protocol reference.
import { createWriteStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseContentRange, rangeLength } from '../src/protocol/byte-ranges.js';
import { ErrorCode, MARK_FILE_NAME, isReservedRoot } from '../src/protocol/error-codes.js';
import type {
  AadMetadataObject,
  FileInfo,
  FolderSizeInfo,
  ImageStoreContent,
  ImageStoreCopyDescription,
  ImageStoreInfo
} from '../src/protocol/models.js';
import { baseName, isSameOrBeneath, normalizeStorePath, parentStorePath, storePathSegments } from '../src/protocol/store-path.js';
import { type ApiVersion, compareApiVersions, formatApiVersion, parseApiVersion } from './api-version.js';
import { ContentStore, type StoredFile, type StoredFolder } from './content-store.js';
import { FabricHttpError } from './fabric-http-error.js';
import { Journal } from './journal.js';
import { UploadSessions } from './upload-sessions.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { AadAuthority, type AadOptions } from './aad.js';
import { ClusterManager, type ManagementOptions } from './management/cluster-manager.js';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface EmulatorOptions {
  /** Folder holding `content/` (the store) and `staging/` (bodies in progress). */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The runtime version: the highest api-version accepted, and whether 6.5 routes exist. */
  maxApiVersion?: string;
  /** false behaves like a 6.4 Linux cluster: the four session routes answer 400 E_INVALIDARG. */
  uploadSessions?: boolean;
  sessionTimeoutSeconds?: number;
  /** `\` as Windows clusters answer, or `/` as Linux clusters do. */
  pathSeparator?: '\\' | '/';
  /** Added before every answer, to stand in for a remote cluster. */
  latencyMs?: number;
  /** Serves `GET /__emulator/journal` and checks clients for protocol mistakes. */
  journal?: boolean;
  /** Entries per listing page before a ContinuationToken is given. [undoc] the runtime's size. */
  listPageSize?: number;
  /** Seeded fault injection (busy, timeout, reset, lost answers, stalls, failovers). */
  faults?: FaultOptions;
  /** Serve HTTPS with this certificate; `clientCa` makes a client certificate signed by it required. */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };
  /** Secure the cluster with Azure AD: metadata, an authority of its own, bearer tokens required. */
  aad?: AadOptions;
  /** The cluster manager: upgrade domains, their pace, provision delay, unhealthy versions. */
  management?: ManagementOptions;
}

interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  query: URLSearchParams;
  /** Store-relative path before the `$` segment, normalised to `a/b/c`. */
  storePath: string;
  expectsContinue: boolean;
}

interface Route {
  name: string;
  method: string;
  /** Whether the route takes a content path before `$`. */
  withPath: boolean;
  action: string | undefined;
  minApiVersion: ApiVersion;
  sessionRoute?: boolean;
  handle(ctx: RequestContext): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EPOCH_DATA_LOSS = String(BigInt(Date.now()) * 10000n);
const EPOCH_CONFIGURATION = '25769803776';
const MAX_SINGLE_PUT = 2 ** 32; // the gateway reads Content-Length as a 32-bit value

export class ImageStoreEmulator {
  readonly store: ContentStore;
  readonly sessions: UploadSessions;
  readonly journal: Journal;
  readonly management: ClusterManager;
  private readonly server: http.Server;
  private readonly routes: Route[];
  private readonly maxApiVersion: ApiVersion;
  private readonly separator: string;
  /** Store paths whose plain PUT bodies are still arriving. */
  private readonly putsInFlight = new Map<string, number>();
  private readonly faults: FaultInjector;
  private readonly aad: AadAuthority | undefined;
  /** Answers to drop: the work is done, then the connection closes without an answer. */
  private readonly answersToDrop = new WeakSet<http.ServerResponse>();

  constructor(readonly options: EmulatorOptions) {
    const maxApiVersion = parseApiVersion(options.maxApiVersion ?? '9.1');
    if (!maxApiVersion) throw new Error(`invalid max api version '${options.maxApiVersion}'`);
    this.maxApiVersion = maxApiVersion;
    this.separator = options.pathSeparator ?? '\\';
    this.store = new ContentStore(options.root);
    this.sessions = new UploadSessions(this.store.stagingDir, (options.sessionTimeoutSeconds ?? 1800) * 1000);
    this.journal = new Journal(options.journal === true);
    this.faults = new FaultInjector(options.faults ?? {});
    this.routes = this.buildRoutes();
    this.aad = options.aad ? new AadAuthority(options.aad) : undefined;
    this.management = new ClusterManager(this.store, this.journal, maxApiVersion, options.management);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res, false);
    this.server = options.tls
      ? https.createServer(
          {
            cert: options.tls.cert,
            key: options.tls.key,
            ca: options.tls.clientCa,
            // The certificate is asked for in the handshake and judged per request, so that a
            // refused one gets a 403 with an empty body, as a cluster answers.
            requestCert: options.tls.clientCa !== undefined,
            rejectUnauthorized: false
          },
          handler
        )
      : http.createServer(handler);
    // Validate headers before asking for the body, as a gateway does.
    this.server.on('checkContinue', (req, res) => void this.handle(req, res, true));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', () => this.journal.connections++);
  }

  async listen(): Promise<{ url: string; port: number }> {
    await this.store.init();
    this.sessions.startSweeper();
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { url: `${this.options.tls ? 'https' : 'http'}://${shownHost}:${port}`, port };
  }

  async close(): Promise<void> {
    this.sessions.stop();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private buildRoutes(): Route[] {
    const v60: ApiVersion = [6, 0];
    const v65: ApiVersion = [6, 5];
    const r = (
      name: string,
      method: string,
      withPath: boolean,
      action: string | undefined,
      minApiVersion: ApiVersion,
      handle: (ctx: RequestContext) => Promise<void>,
      sessionRoute = false
    ): Route => ({ name, method, withPath, action, minApiVersion, handle, sessionRoute });
    return [
      r('list-root', 'GET', false, undefined, v60, ctx => this.list(ctx)),
      r('list', 'GET', true, undefined, v60, ctx => this.list(ctx)),
      r('upload-file', 'PUT', true, undefined, v60, ctx => this.uploadFile(ctx)),
      r('delete', 'DELETE', true, undefined, v60, ctx => this.deleteContent(ctx)),
      r('upload-chunk', 'PUT', true, 'UploadChunk', v60, ctx => this.uploadChunk(ctx), true),
      r('commit', 'POST', false, 'CommitUploadSession', v60, ctx => this.commit(ctx), true),
      r('delete-session', 'DELETE', false, 'DeleteUploadSession', v60, ctx => this.deleteSession(ctx), true),
      r('session-by-id', 'GET', false, 'GetUploadSession', v60, ctx => this.sessionById(ctx), true),
      r('session-by-path', 'GET', true, 'GetUploadSession', v60, ctx => this.sessionByPath(ctx), true),
      r('copy', 'POST', false, 'Copy', v60, ctx => this.copy(ctx)),
      r('folder-size', 'GET', true, 'FolderSize', v65, ctx => this.folderSize(ctx)),
      r('root-folder-size', 'GET', false, 'FolderSize', v65, ctx => this.folderSize(ctx)),
      r('info', 'GET', false, 'Info', v65, ctx => this.info(ctx))
    ];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const segments = url.pathname.split('/').filter(s => s !== '');
      if (segments.length === 0 && req.method === 'GET') {
        this.journal.countRequest('root');
        return await this.reply(res, 200, 'Service Fabric Image Store emulator\n', 'text/plain; charset=utf-8');
      }
      if (url.pathname === '/__emulator/journal' && this.journal.enabled && req.method === 'GET') {
        return this.sendJournal(res);
      }
      if (segments[0] === '$' && segments[1]?.toLowerCase() === 'getaadmetadata' && segments.length === 2) {
        this.journal.countRequest('aad-metadata');
        this.checkApiVersion(url.searchParams, [1, 0]);
        const body: AadMetadataObject = this.aad ? this.aad.metadata(this.baseUrl(req)) : { type: '' };
        return await this.reply(res, 200, JSON.stringify(body));
      }
      if (this.aad?.ownsPath(url.pathname)) return await this.serveAuthority(req, res, url.pathname);
      if (!this.clientCertificateAccepted(req)) {
        this.journal.countRequest('refused-certificate');
        throw new FabricHttpError(403, ErrorCode.AccessDenied, 'Client certificate required', true);
      }
      if (this.management.handles(req.method ?? '', url.pathname)) {
        if (this.aad && !this.aad.accepts(req.headers.authorization)) {
          throw new FabricHttpError(401, ErrorCode.AccessDenied, 'a bearer token for the cluster is required', true);
        }
        if (expectsContinue) res.writeContinue();
        const parts: Buffer[] = [];
        for await (const part of req) parts.push(part as Buffer);
        const answer = await this.management.handle({ method: req.method ?? '', pathname: url.pathname, query: url.searchParams, body: Buffer.concat(parts) });
        return await this.reply(res, answer.status, answer.json === undefined ? '' : JSON.stringify(answer.json));
      }
      if (segments[0]?.toLowerCase() !== 'imagestore') {
        throw FabricHttpError.invalidArg(`no route for ${req.method} ${url.pathname}`);
      }
      const rest = segments.slice(1);
      const dollar = rest.indexOf('$');
      const pathSegments = dollar < 0 ? rest : rest.slice(0, dollar);
      const action = dollar < 0 ? undefined : rest.slice(dollar + 1).join('/');
      let storePath: string;
      try {
        // The gateway joins the segments and then percent-decodes them: a%2Fb is a/b.
        storePath = normalizeStorePath(decodeURIComponent(pathSegments.join('/')));
      } catch {
        throw FabricHttpError.invalidArg('the path is not valid percent-encoding');
      }
      const route = this.routes.find(
        rt =>
          rt.method === req.method &&
          rt.withPath === (storePath !== '') &&
          (rt.action ?? '').toLowerCase() === (action ?? '').toLowerCase()
      );
      if (!route) throw FabricHttpError.invalidArg(`no route for ${req.method} ${url.pathname}`);
      this.journal.countRequest(route.name);
      if (this.aad && !this.aad.accepts(req.headers.authorization)) {
        // [undoc] The body of the refusal; clients only rely on the status.
        throw new FabricHttpError(401, ErrorCode.AccessDenied, 'a bearer token for the cluster is required', true);
      }
      if (this.faults.enabled && (await this.injectFault(req, res, route.name, storePath))) return;
      this.checkApiVersion(url.searchParams, route.minApiVersion);
      this.checkTimeout(url.searchParams);
      if (route.sessionRoute && this.options.uploadSessions === false) {
        throw FabricHttpError.invalidArg('upload sessions are not supported by this cluster');
      }
      this.store.diskPath(storePath); // refuses `.` and `..`
      await route.handle({ req, res, query: url.searchParams, storePath, expectsContinue });
    } catch (err) {
      await this.replyError(res, err);
    }
  }

  private clientCertificateAccepted(req: http.IncomingMessage): boolean {
    if (!this.options.tls?.clientCa) return true;
    return (req.socket as TLSSocket).authorized === true;
  }

  /** The URL clients used to reach the emulator, for the addresses it hands out. */
  private baseUrl(req: http.IncomingMessage): string {
    return `${this.options.tls ? 'https' : 'http'}://${req.headers.host ?? `127.0.0.1`}`;
  }

  private async serveAuthority(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    const aad = this.aad!;
    this.journal.countRequest('aad-authority');
    if (req.method === 'GET' && pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
      return this.reply(res, 200, JSON.stringify(aad.openIdConfiguration(this.baseUrl(req))));
    }
    if (req.method === 'POST' && pathname.endsWith('/oauth2/v2.0/token')) {
      const parts: Buffer[] = [];
      for await (const part of req) parts.push(part as Buffer);
      const [status, body] = aad.token(new URLSearchParams(Buffer.concat(parts).toString('utf8')));
      return this.reply(res, status, JSON.stringify(body));
    }
    return this.reply(res, 404, JSON.stringify({ error: 'not_found' }));
  }

  /** Returns true when the request was consumed by a fault and must not be handled. */
  private async injectFault(req: http.IncomingMessage, res: http.ServerResponse, route: string, storePath: string): Promise<boolean> {
    if (this.faults.failoverDue()) {
      await this.sessions.loseAll();
      this.journal.fault('failover', route, storePath);
    }
    const decision = this.faults.decide();
    if (!decision) return false;
    this.journal.fault(decision.kind, route, storePath);
    switch (decision.kind) {
      case 'busy':
        await this.replyError(res, new FabricHttpError(503, ErrorCode.ServiceTooBusy, 'injected fault: the service is too busy'));
        return true;
      case 'timeout':
        await this.replyError(res, new FabricHttpError(504, ErrorCode.Timeout, 'injected fault: the operation timed out'));
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'stall':
        // No answer, ever: the client must give up on its own. The socket is closed at shutdown.
        return true;
      case 'lost-answer':
        this.answersToDrop.add(res);
        return false;
    }
  }

  private checkApiVersion(query: URLSearchParams, min: ApiVersion): void {
    const text = query.get('api-version');
    const v = parseApiVersion(text);
    if (!v) throw FabricHttpError.invalidArg(`api-version '${text ?? ''}' is missing or not a version`);
    if (compareApiVersions(v, min) < 0 || compareApiVersions(v, this.maxApiVersion) > 0) {
      throw FabricHttpError.invalidArg(
        `api-version ${text} is not supported here: this route takes ${formatApiVersion(min)} to ${formatApiVersion(this.maxApiVersion)}`
      );
    }
  }

  private checkTimeout(query: URLSearchParams): void {
    const text = query.get('timeout');
    if (text === null) return;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 4294967295) {
      throw FabricHttpError.invalidArg(`timeout '${text}' must be a whole number of seconds from 1 to 4294967295`);
    }
  }

  // ---- answers ----------------------------------------------------------------------------

  private async reply(res: http.ServerResponse, status: number, body = '', contentType = JSON_TYPE): Promise<void> {
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    if (res.destroyed || res.headersSent) return;
    if (this.answersToDrop.has(res)) {
      // The work is done; the answer is lost with the connection.
      res.socket?.destroy();
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': Buffer.byteLength(body) };
    if (body !== '') headers['Content-Type'] = contentType;
    res.writeHead(status, headers);
    res.end(body);
  }

  private async replyError(res: http.ServerResponse, err: unknown): Promise<void> {
    const e =
      err instanceof FabricHttpError
        ? err
        : new FabricHttpError(500, ErrorCode.Fail, err instanceof Error ? err.message : String(err));
    if (!(err instanceof FabricHttpError)) console.error(`emulator: internal error: ${String(err)}`);
    const body = e.emptyBody ? '' : JSON.stringify({ Error: { Code: e.code, Message: e.message } });
    // An answer sent before an announced body was read leaves that body (or, after a refused
    // 100-continue, nothing) on the socket: close the connection afterwards.
    const req = res.req;
    const announcesBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (announcesBody && !req.complete) res.shouldKeepAlive = false;
    await this.reply(res, e.status, body);
  }

  private sendJournal(res: http.ServerResponse): void {
    const body = JSON.stringify({
      entries: this.journal.entries,
      mistakes: this.journal.mistakes,
      requests: this.journal.requests,
      bodiesAfterContinue: this.journal.bodiesAfterContinue,
      connections: this.journal.connections,
      faults: this.journal.faults,
      managementCalls: this.journal.managementCalls,
      openSessions: this.sessions.all().map(s => this.sessions.describe(s, '/'))
    });
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private toFileInfo(f: StoredFile): FileInfo {
    return {
      FileSize: String(f.size),
      StoreRelativePath: this.shown(f.path),
      ModifiedDate: f.modified.toISOString(),
      FileVersion: {
        VersionNumber: String(f.version),
        EpochDataLossNumber: EPOCH_DATA_LOSS,
        EpochConfigurationNumber: EPOCH_CONFIGURATION
      }
    };
  }

  private shown(storePath: string): string {
    return storePath.split('/').join(this.separator);
  }

  // ---- routes -------------------------------------------------------------------------------

  private async list(ctx: RequestContext): Promise<void> {
    const st = await this.store.stat(ctx.storePath);
    if (ctx.storePath !== '' && !st) {
      throw new FabricHttpError(404, ErrorCode.FileNotFound, 'not found', true);
    }
    if (st?.isFile()) {
      const info = await this.store.fileInfo(ctx.storePath);
      const content: ImageStoreContent = { StoreFiles: info ? [this.toFileInfo(info)] : [] };
      return this.reply(ctx.res, 200, JSON.stringify(content));
    }
    const listing = (await this.store.listFolder(ctx.storePath)) ?? { files: [], folders: [] };
    const all: { name: string; file?: StoredFile; folder?: StoredFolder }[] = [
      ...listing.folders.map(f => ({ name: baseName(f.path), folder: f })),
      ...listing.files.map(f => ({ name: baseName(f.path), file: f }))
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (all.length === 0) return this.reply(ctx.res, 204);
    // Paging: the token names the last entry returned, so a listing that changes between pages
    // neither repeats nor skips what stayed.
    const after = ctx.query.get('ContinuationToken');
    const afterName = after ? Buffer.from(after, 'base64url').toString('utf8') : undefined;
    const start = afterName === undefined ? 0 : all.findIndex(e => e.name > afterName);
    const pageSize = this.options.listPageSize ?? 1000;
    const page = start < 0 ? [] : all.slice(start, start + pageSize);
    const content: ImageStoreContent = {
      StoreFiles: page.flatMap(e => (e.file ? [this.toFileInfo(e.file)] : [])),
      StoreFolders: page.flatMap(e =>
        e.folder ? [{ StoreRelativePath: this.shown(e.folder.path), FileCount: String(e.folder.fileCount) }] : []
      )
    };
    if (start >= 0 && start + pageSize < all.length) {
      content.ContinuationToken = Buffer.from(page[page.length - 1].name, 'utf8').toString('base64url');
    }
    return this.reply(ctx.res, 200, JSON.stringify(content));
  }

  private async uploadFile(ctx: RequestContext): Promise<void> {
    const length = this.requireContentLength(ctx);
    if (length >= MAX_SINGLE_PUT) {
      throw new FabricHttpError(413, ErrorCode.MessageTooLarge, 'a single PUT must be smaller than 4 GiB: use an upload session');
    }
    const staged = this.store.newStagingFile('put');
    this.putsInFlight.set(ctx.storePath, (this.putsInFlight.get(ctx.storePath) ?? 0) + 1);
    try {
      await this.askForBody(ctx);
      await pipeline(ctx.req, createWriteStream(staged));
      await this.store.install(staged, ctx.storePath);
    } catch (err) {
      await fs.rm(staged, { force: true });
      throw err;
    } finally {
      const left = (this.putsInFlight.get(ctx.storePath) ?? 1) - 1;
      if (left === 0) this.putsInFlight.delete(ctx.storePath);
      else this.putsInFlight.set(ctx.storePath, left);
    }
    this.journal.record({ op: 'upload-file', path: ctx.storePath, bytes: length });
    await this.checkWriteOrder(ctx.storePath);
    return this.reply(ctx.res, 200);
  }

  /** Answers `100 Continue` (after the configured latency, like any answer) when the client waits for it. */
  private async askForBody(ctx: RequestContext): Promise<void> {
    if (!ctx.expectsContinue) return;
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    this.journal.bodiesAfterContinue++;
    ctx.res.writeContinue();
  }

  private requireContentLength(ctx: RequestContext): number {
    const header = ctx.req.headers['content-length'];
    if (header === undefined) {
      this.journal.mistake('missing-content-length', ctx.storePath, `${ctx.req.method} without Content-Length`);
      // [undoc] The gateway's answer to a body without Content-Length; refusing it keeps the
      // mistake visible.
      throw FabricHttpError.invalidArg('Content-Length is required');
    }
    return Number(header);
  }

  private async uploadChunk(ctx: RequestContext): Promise<void> {
    // The checks run in the runtime's order (protocol reference §4).
    const parsed = parseContentRange(ctx.req.headers['content-range']);
    if (!parsed) {
      // [undoc] A missing Content-Range fails the same parse as a malformed one.
      throw new FabricHttpError(400, ErrorCode.RangeNotSatisfiable, `Content-Range '${ctx.req.headers['content-range'] ?? ''}' is not 'bytes a-b/n'`);
    }
    const id = ctx.query.get('session-id') ?? '';
    if (!GUID.test(id)) throw new FabricHttpError(400, ErrorCode.InvalidUploadSessionId, `'${id}' is not a GUID`);
    const length = this.requireContentLength(ctx);
    if (length !== rangeLength(parsed.range)) {
      this.journal.mistake(
        'chunk-length-mismatch',
        ctx.storePath,
        `Content-Length ${length} but Content-Range ${parsed.range.start}-${parsed.range.end}`
      );
      throw FabricHttpError.invalidArg('Content-Length does not match Content-Range');
    }
    let session = this.sessions.get(id);
    if (!session) {
      session = this.sessions.create(id, ctx.storePath, parsed.length);
    } else if (session.path !== ctx.storePath) {
      throw new FabricHttpError(409, ErrorCode.UploadSessionIdConflict, `session ${id} belongs to another path`);
    } else if (session.length !== parsed.length) {
      throw FabricHttpError.invalidArg(`session ${id} is for a file of ${session.length} bytes`);
    }
    if (!this.sessions.canAccept(session, parsed.range)) {
      throw new FabricHttpError(400, ErrorCode.RangeNotSatisfiable, 'the chunk is not inside one expected range');
    }
    this.sessions.reserve(session, parsed.range);
    let accepted = false;
    try {
      await session.ready;
      await this.askForBody(ctx);
      await pipeline(ctx.req, createWriteStream(session.stagingFile, { flags: 'r+', start: parsed.range.start }));
      accepted = this.sessions.get(id) === session;
    } finally {
      this.sessions.release(session, parsed.range, accepted);
    }
    if (!accepted) {
      // [undoc] A session lost while its chunk arrived (a primary move, or a delete): the runtime's
      // answer is not documented; a failover surfaces as a transient NOT_PRIMARY.
      throw new FabricHttpError(503, ErrorCode.NotPrimary, `session ${id} was lost while the chunk arrived`);
    }
    this.journal.record({
      op: 'upload-chunk',
      path: ctx.storePath,
      bytes: length,
      range: `${parsed.range.start}-${parsed.range.end}/${parsed.length}`,
      sessionId: id
    });
    await this.checkWriteOrder(ctx.storePath, { markFileCheck: false });
    return this.reply(ctx.res, 200);
  }

  private sessionIdOf(ctx: RequestContext): string {
    const id = ctx.query.get('session-id') ?? '';
    if (!GUID.test(id)) throw new FabricHttpError(400, ErrorCode.InvalidUploadSessionId, `'${id}' is not a GUID`);
    return id;
  }

  private async commit(ctx: RequestContext): Promise<void> {
    const id = this.sessionIdOf(ctx);
    const session = this.sessions.get(id);
    if (!session) throw FabricHttpError.invalidArg(`no upload session ${id}`);
    if (!this.sessions.isComplete(session)) {
      throw FabricHttpError.invalidArg(`session ${id} still expects bytes`);
    }
    await this.store.install(session.stagingFile, session.path);
    await this.sessions.remove(id);
    this.journal.record({ op: 'commit', path: session.path, bytes: session.length, sessionId: id });
    await this.checkWriteOrder(session.path);
    return this.reply(ctx.res, 200);
  }

  private async deleteSession(ctx: RequestContext): Promise<void> {
    const id = this.sessionIdOf(ctx);
    if (!(await this.sessions.remove(id))) {
      // [undoc] The code of this 404 is not documented; clients treat it as done.
      throw new FabricHttpError(404, ErrorCode.FileNotFound, `no upload session ${id}`);
    }
    this.journal.record({ op: 'delete-session', path: '', sessionId: id });
    return this.reply(ctx.res, 200);
  }

  private async sessionById(ctx: RequestContext): Promise<void> {
    const session = this.sessions.get(this.sessionIdOf(ctx));
    if (!session) return this.reply(ctx.res, 204);
    return this.reply(ctx.res, 200, JSON.stringify({ UploadSessions: [this.sessions.describe(session, this.separator)] }));
  }

  private async sessionByPath(ctx: RequestContext): Promise<void> {
    const found = this.sessions.byPath(ctx.storePath);
    if (found.length === 0) return this.reply(ctx.res, 204);
    return this.reply(ctx.res, 200, JSON.stringify({ UploadSessions: found.map(s => this.sessions.describe(s, this.separator)) }));
  }

  private async deleteContent(ctx: RequestContext): Promise<void> {
    if (isReservedRoot(ctx.storePath) && storePathSegments(ctx.storePath).length === 1) {
      throw new FabricHttpError(400, ErrorCode.ReservedDirectory, `'${ctx.storePath}' is a reserved folder`);
    }
    await this.store.delete(ctx.storePath);
    this.journal.record({ op: 'delete', path: ctx.storePath });
    return this.reply(ctx.res, 200);
  }

  private async copy(ctx: RequestContext): Promise<void> {
    await this.askForBody(ctx);
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    let description: ImageStoreCopyDescription;
    try {
      description = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ImageStoreCopyDescription;
    } catch {
      throw FabricHttpError.invalidArg('the body is not an ImageStoreCopyDescription');
    }
    if (typeof description?.RemoteSource !== 'string' || typeof description.RemoteDestination !== 'string') {
      throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination are required');
    }
    const source = normalizeStorePath(description.RemoteSource);
    const destination = normalizeStorePath(description.RemoteDestination);
    this.store.diskPath(source);
    this.store.diskPath(destination);
    if (source === '' || destination === '') throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not be empty');
    if (isReservedRoot(destination) && storePathSegments(destination).length === 1) {
      throw new FabricHttpError(400, ErrorCode.ReservedDirectory, `'${destination}' is a reserved folder`);
    }
    // [undoc] Copying a folder into itself or beneath itself.
    if (isSameOrBeneath(destination, source) || isSameOrBeneath(source, destination)) {
      throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not contain each other');
    }
    // [undoc] CheckMarkFile: the 6.4 runtime requires the source's mark file for folders whatever
    // the flag says; so does the emulator.
    await this.store.copy(source, destination, Array.isArray(description.SkipFiles) ? description.SkipFiles : []);
    this.journal.record({ op: 'copy', path: destination });
    return this.reply(ctx.res, 200);
  }

  private async folderSize(ctx: RequestContext): Promise<void> {
    if (ctx.storePath !== '' && !(await this.store.stat(ctx.storePath))) {
      // [undoc] The size of a missing folder.
      throw new FabricHttpError(404, ErrorCode.FileNotFound, `'${ctx.storePath}' does not exist`);
    }
    const { bytes } = await this.store.walk(ctx.storePath);
    const body: FolderSizeInfo = { StoreRelativePath: this.shown(ctx.storePath), FolderSize: String(bytes) };
    return this.reply(ctx.res, 200, JSON.stringify(body));
  }

  private async info(ctx: RequestContext): Promise<void> {
    const disk = await fs.statfs(this.store.contentDir);
    const content = await this.store.walk('');
    const staged = this.sessions.all();
    const usage = (bytes: number, files: number) => ({ UsedSpace: String(bytes), FileCount: String(files) });
    const body: ImageStoreInfo = {
      DiskInfo: { Capacity: String(disk.blocks * disk.bsize), AvailableSpace: String(disk.bavail * disk.bsize) },
      UsedByMetadata: usage(content.bytes, content.fileCount),
      UsedByStaging: usage(staged.reduce((n, s) => n + s.length, 0), staged.length),
      UsedByCopy: usage(0, 0),
      UsedByRegister: usage(0, 0)
    };
    return this.reply(ctx.res, 200, JSON.stringify(body));
  }

  // ---- protocol mistakes ----------------------------------------------------------------------

  /**
   * A write beneath a folder whose mark file already exists tells the cluster a folder was
   * complete when it was not; so does a mark file written while anything beneath its folder is
   * still open or a sub-folder has no mark file yet.
   */
  private async checkWriteOrder(storePath: string, { markFileCheck = true } = {}): Promise<void> {
    if (!this.journal.enabled) return;
    const isMark = baseName(storePath) === MARK_FILE_NAME;
    const folder = parentStorePath(storePath);
    for (let ancestor = isMark ? parentStorePath(folder) : folder; ; ancestor = parentStorePath(ancestor)) {
      if (ancestor !== '' && this.store.hasMarkFile(ancestor)) {
        this.journal.mistake('write-beneath-mark-file', storePath, `'${ancestor}/${MARK_FILE_NAME}' was written before '${storePath}'`);
      }
      if (ancestor === '') break;
    }
    if (!isMark || !markFileCheck || folder === '') return;
    const problems: string[] = [];
    for (const s of this.sessions.all()) {
      if (isSameOrBeneath(s.path, folder)) problems.push(`upload session for '${s.path}' still open`);
    }
    for (const p of this.putsInFlight.keys()) {
      if (p !== storePath && isSameOrBeneath(p, folder)) problems.push(`upload of '${p}' still in progress`);
    }
    for (const sub of await this.store.subFolders(folder)) {
      if (!this.store.hasMarkFile(sub)) problems.push(`sub-folder '${sub}' has no mark file`);
    }
    for (const detail of problems) this.journal.mistake('mark-file-before-complete', storePath, detail);
  }
}

export interface RunningEmulator {
  url: string;
  port: number;
  root: string;
  emulator: ImageStoreEmulator;
  close(): Promise<void>;
}

/** Starts an emulator in this process (tests, the demo, the benchmark). */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = new ImageStoreEmulator(options);
  const { url, port } = await emulator.listen();
  return { url, port, root: options.root, emulator, close: () => emulator.close() };
}
