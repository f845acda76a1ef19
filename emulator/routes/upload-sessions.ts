// Upload-session routes: upload a chunk, commit, cancel, and the session by id or by path.
// The storage of sessions is ../upload-sessions.ts; this is the protocol on top of it.
import { parseContentRange, rangeLength } from '../../src/protocol/byte-ranges.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { declaredLength, receiveBodyInto } from '../request-body.js';
import { type Route, type RouteContext, imageStoreRoute } from '../router.js';
import { GUID, type ImageStoreDeps } from './image-store-deps.js';

export function uploadSessionRoutes(deps: ImageStoreDeps): Route[] {
  const route = (name: string, method: string, withPath: boolean, action: string, handle: (ctx: RouteContext) => Promise<void>) =>
    imageStoreRoute({ name, method, withPath, action, minApiVersion: '6.0', sessionRoute: true, handle });
  return [
    route('upload-chunk', 'PUT', true, 'UploadChunk', ctx => uploadChunk(deps, ctx)),
    route('commit', 'POST', false, 'CommitUploadSession', ctx => commit(deps, ctx)),
    route('delete-session', 'DELETE', false, 'DeleteUploadSession', ctx => deleteSession(deps, ctx)),
    route('session-by-id', 'GET', false, 'GetUploadSession', ctx => sessionById(deps, ctx)),
    route('session-by-path', 'GET', true, 'GetUploadSession', ctx => sessionByPath(deps, ctx))
  ];
}

function sessionIdOf(ctx: RouteContext): string {
  const id = ctx.query.get('session-id') ?? '';
  if (!GUID.test(id)) throw FabricHttpError.invalidUploadSessionId(id);
  return id;
}

async function uploadChunk(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  // The checks run in the runtime's order (protocol reference §4).
  const parsed = parseContentRange(ctx.req.headers['content-range']);
  if (!parsed) {
    // [undoc] A missing Content-Range fails the same parse as a malformed one.
    throw FabricHttpError.rangeNotSatisfiable(`Content-Range '${ctx.req.headers['content-range'] ?? ''}' is not 'bytes a-b/n'`);
  }
  const id = sessionIdOf(ctx);
  const expected = rangeLength(parsed.range);
  const rangeText = `${parsed.range.start}-${parsed.range.end}`;
  const mismatch = (got: string) => {
    deps.journal.mistake('chunk-length-mismatch', ctx.storePath, `${got} but Content-Range ${rangeText}`);
    return FabricHttpError.invalidArg('the body does not match Content-Range');
  };
  const length = declaredLength(ctx, deps.journal);
  if (length !== undefined && length !== expected) throw mismatch(`Content-Length ${length}`);
  let session = deps.sessions.get(id);
  if (!session) {
    session = deps.sessions.create(id, ctx.storePath, parsed.length);
  } else if (!deps.sessions.comparer.same(session.path, ctx.storePath)) {
    throw FabricHttpError.uploadSessionIdConflict(`session ${id} belongs to another path`);
  } else if (session.length !== parsed.length) {
    throw FabricHttpError.invalidArg(`session ${id} is for a file of ${session.length} bytes`);
  }
  if (!deps.sessions.canAccept(session, parsed.range)) {
    throw FabricHttpError.rangeNotSatisfiable('the chunk is not inside one expected range');
  }
  deps.sessions.reserve(session, parsed.range);
  let accepted = false;
  try {
    await session.ready;
    // A body without Content-Length is read to its end, but never written beyond its range.
    const bytes = await receiveBodyInto(ctx, session.stagingFile, {
      start: parsed.range.start,
      limit: expected,
      tooLong: () => mismatch(`a body of more than ${expected} bytes`)
    });
    if (bytes !== expected) throw mismatch(`a body of ${bytes} bytes`);
    accepted = deps.sessions.get(id) === session;
  } finally {
    deps.sessions.release(session, parsed.range, accepted);
  }
  if (!accepted) {
    // [undoc] A session lost while its chunk arrived (a primary move, or a delete): the runtime's
    // answer is not documented; a failover surfaces as a transient NOT_PRIMARY.
    throw FabricHttpError.notPrimary(`session ${id} was lost while the chunk arrived`);
  }
  deps.journal.record({
    op: 'upload-chunk',
    path: session.path,
    bytes: expected,
    range: `${rangeText}/${parsed.length}`,
    sessionId: id
  });
  await deps.writeOrder.check(session.path, { markFileCheck: false });
  return ctx.reply(200);
}

async function commit(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const id = sessionIdOf(ctx);
  const session = deps.sessions.get(id);
  if (!session) throw FabricHttpError.invalidArg(`no upload session ${id}`);
  if (!deps.sessions.isComplete(session)) throw FabricHttpError.invalidArg(`session ${id} still expects bytes`);
  if (deps.dropper.drops(session.path)) {
    // Injected fault: answered, not kept; the session is gone and the old file (if any) stays as it was.
    await deps.sessions.remove(id);
    deps.journal.fault('dropped-write', 'commit', session.path);
    return ctx.reply(200);
  }
  await deps.store.install(session.stagingFile, session.path);
  await deps.sessions.remove(id);
  const stored = deps.store.canonical(session.path);
  deps.journal.record({ op: 'commit', path: stored, bytes: session.length, sessionId: id });
  await deps.writeOrder.check(stored);
  return ctx.reply(200);
}

async function deleteSession(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const id = sessionIdOf(ctx);
  if (!(await deps.sessions.remove(id))) {
    // [undoc] The code of this 404 is not documented; clients treat it as done.
    throw FabricHttpError.fileNotFound(`no upload session ${id}`);
  }
  deps.journal.record({ op: 'delete-session', path: '', sessionId: id });
  return ctx.reply(200);
}

async function sessionById(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const session = deps.sessions.get(sessionIdOf(ctx));
  if (!session) return ctx.reply(204);
  return ctx.replyJson(200, { UploadSessions: [deps.sessions.describe(session, deps.separator)] });
}

async function sessionByPath(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const found = deps.sessions.byPath(ctx.storePath);
  if (found.length === 0) return ctx.reply(204);
  return ctx.replyJson(200, { UploadSessions: found.map(s => deps.sessions.describe(s, deps.separator)) });
}
