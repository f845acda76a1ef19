// Content routes: list, upload a file, delete, copy within the store, folder size, store info.
import { promises as fs } from 'node:fs';
import { RESERVED_ROOTS } from '../../src/protocol/error-codes.js';
import type { FileInfo, FolderSizeInfo, ImageStoreContent, ImageStoreCopyDescription, ImageStoreInfo } from '../../src/protocol/models.js';
import { baseName, compareCodeUnits, normalizeStorePath, storePathSegments } from '../../src/protocol/store-path.js';
import type { StoredFile, StoredFolder } from '../content-store.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { declaredLength, receiveBodyInto } from '../request-body.js';
import { type Route, type RouteContext, imageStoreRoute } from '../router.js';
import { type ImageStoreDeps, shownPath } from './image-store-deps.js';

const EPOCH_DATA_LOSS = String(BigInt(Date.now()) * 10000n);
const EPOCH_CONFIGURATION = '25769803776';
const MAX_SINGLE_PUT = 2 ** 32; // the gateway reads Content-Length as a 32-bit value

export function contentRoutes(deps: ImageStoreDeps): Route[] {
  const list = (ctx: RouteContext) => listContent(deps, ctx);
  const size = (ctx: RouteContext) => folderSize(deps, ctx);
  return [
    imageStoreRoute({ name: 'list-root', method: 'GET', withPath: false, minApiVersion: '6.0', handle: list }),
    imageStoreRoute({ name: 'list', method: 'GET', withPath: true, minApiVersion: '6.0', handle: list }),
    imageStoreRoute({ name: 'upload-file', method: 'PUT', withPath: true, minApiVersion: '6.0', handle: ctx => uploadFile(deps, ctx) }),
    imageStoreRoute({ name: 'delete', method: 'DELETE', withPath: true, minApiVersion: '6.0', handle: ctx => deleteContent(deps, ctx) }),
    imageStoreRoute({ name: 'copy', method: 'POST', withPath: false, action: 'Copy', minApiVersion: '6.0', handle: ctx => copy(deps, ctx) }),
    imageStoreRoute({ name: 'folder-size', method: 'GET', withPath: true, action: 'FolderSize', minApiVersion: '6.5', handle: size }),
    imageStoreRoute({ name: 'root-folder-size', method: 'GET', withPath: false, action: 'FolderSize', minApiVersion: '6.5', handle: size }),
    imageStoreRoute({ name: 'info', method: 'GET', withPath: false, action: 'Info', minApiVersion: '6.5', handle: ctx => info(deps, ctx) })
  ];
}

function toFileInfo(deps: ImageStoreDeps, f: StoredFile): FileInfo {
  return {
    FileSize: String(f.size),
    StoreRelativePath: shownPath(deps, f.path),
    ModifiedDate: f.modified.toISOString(),
    FileVersion: {
      VersionNumber: String(f.version),
      EpochDataLossNumber: EPOCH_DATA_LOSS,
      EpochConfigurationNumber: EPOCH_CONFIGURATION
    }
  };
}

async function listContent(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const st = await deps.store.stat(ctx.storePath);
  if (ctx.storePath !== '' && !st) throw FabricHttpError.fileNotFound('not found', true);
  if (st?.isFile()) {
    const info = await deps.store.fileInfo(ctx.storePath);
    const content: ImageStoreContent = { StoreFiles: info ? [toFileInfo(deps, info)] : [] };
    return ctx.replyJson(200, content);
  }
  const listing = (await deps.store.listFolder(ctx.storePath)) ?? { files: [], folders: [] };
  const all: { name: string; file?: StoredFile; folder?: StoredFolder }[] = [
    ...listing.folders.map(f => ({ name: baseName(f.path), folder: f })),
    ...listing.files.map(f => ({ name: baseName(f.path), file: f }))
  ].sort((a, b) => compareCodeUnits(a.name, b.name));
  if (all.length === 0) return ctx.reply(204);
  // Paging: the token names the last entry returned, so a listing that changes between pages
  // neither repeats nor skips what stayed.
  const after = ctx.query.get('ContinuationToken');
  const afterName = after ? Buffer.from(after, 'base64url').toString('utf8') : undefined;
  const start = afterName === undefined ? 0 : all.findIndex(e => e.name > afterName);
  const page = start < 0 ? [] : all.slice(start, start + deps.listPageSize);
  const content: ImageStoreContent = {
    StoreFiles: page.flatMap(e => (e.file ? [toFileInfo(deps, e.file)] : [])),
    StoreFolders: page.flatMap(e => (e.folder ? [{ StoreRelativePath: shownPath(deps, e.folder.path), FileCount: String(e.folder.fileCount) }] : []))
  };
  const last = page[page.length - 1];
  if (last && start + deps.listPageSize < all.length) {
    content.ContinuationToken = Buffer.from(last.name, 'utf8').toString('base64url');
  }
  return ctx.replyJson(200, content);
}

async function uploadFile(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const length = declaredLength(ctx, deps.journal);
  if (length !== undefined && length >= MAX_SINGLE_PUT) {
    throw FabricHttpError.messageTooLarge('a single PUT must be smaller than 4 GiB: use an upload session');
  }
  const staged = deps.store.newStagingFile('put');
  let bytes: number;
  let dropped = false;
  deps.writeOrder.putStarted(ctx.storePath);
  try {
    bytes = await receiveBodyInto(ctx, staged);
    dropped = deps.dropper.drops(ctx.storePath);
    // Injected fault: answered, not kept; the old file (if any) stays as it was.
    if (dropped) await fs.rm(staged, { force: true });
    else await deps.store.install(staged, ctx.storePath);
  } catch (err) {
    await fs.rm(staged, { force: true });
    throw err;
  } finally {
    deps.writeOrder.putEnded(ctx.storePath);
  }
  if (dropped) {
    deps.journal.fault('dropped-write', 'upload-file', ctx.storePath);
    return ctx.reply(200);
  }
  deps.journal.record({ op: 'upload-file', path: ctx.storePath, bytes });
  await deps.writeOrder.check(ctx.storePath);
  return ctx.reply(200);
}

/** The reserved roots themselves (not what lies beneath them), compared as the store compares paths. */
function refuseReservedRoot(deps: ImageStoreDeps, storePath: string): void {
  if (storePathSegments(storePath).length === 1 && RESERVED_ROOTS.some(root => deps.store.samePath(root, storePath))) {
    throw FabricHttpError.reservedDirectory(storePath);
  }
}

async function deleteContent(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  refuseReservedRoot(deps, ctx.storePath);
  await deps.store.delete(ctx.storePath);
  deps.journal.record({ op: 'delete', path: ctx.storePath });
  return ctx.reply(200);
}

async function copy(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  let description: ImageStoreCopyDescription;
  try {
    description = JSON.parse((await ctx.readBody()).toString('utf8')) as ImageStoreCopyDescription;
  } catch {
    throw FabricHttpError.invalidArg('the body is not an ImageStoreCopyDescription');
  }
  if (typeof description?.RemoteSource !== 'string' || typeof description.RemoteDestination !== 'string') {
    throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination are required');
  }
  const source = deps.store.canonical(normalizeStorePath(description.RemoteSource));
  const destination = deps.store.canonical(normalizeStorePath(description.RemoteDestination));
  if (source === '' || destination === '') throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not be empty');
  refuseReservedRoot(deps, destination);
  // [undoc] Copying a folder into itself or beneath itself. Compared as the store compares paths.
  const paths = deps.store.comparer;
  if (paths.isSameOrBeneath(destination, source) || paths.isSameOrBeneath(source, destination)) {
    throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not contain each other');
  }
  // [undoc] CheckMarkFile: the 6.4 runtime requires the source's mark file for folders whatever
  // the flag says; so does the emulator.
  await deps.store.copy(source, destination, Array.isArray(description.SkipFiles) ? description.SkipFiles : []);
  deps.journal.record({ op: 'copy', path: destination });
  return ctx.reply(200);
}

async function folderSize(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  if (ctx.storePath !== '' && !(await deps.store.stat(ctx.storePath))) {
    // [undoc] The size of a missing folder.
    throw FabricHttpError.fileNotFound(`'${ctx.storePath}' does not exist`);
  }
  const { bytes } = await deps.store.walk(ctx.storePath);
  const body: FolderSizeInfo = { StoreRelativePath: shownPath(deps, ctx.storePath), FolderSize: String(bytes) };
  return ctx.replyJson(200, body);
}

async function info(deps: ImageStoreDeps, ctx: RouteContext): Promise<void> {
  const disk = await fs.statfs(deps.store.contentDir);
  const content = await deps.store.walk('');
  const staged = deps.sessions.all();
  const usage = (bytes: number, files: number) => ({ UsedSpace: String(bytes), FileCount: String(files) });
  const body: ImageStoreInfo = {
    DiskInfo: { Capacity: String(disk.blocks * disk.bsize), AvailableSpace: String(disk.bavail * disk.bsize) },
    UsedByMetadata: usage(content.bytes, content.fileCount),
    UsedByStaging: usage(
      staged.reduce((n, s) => n + s.length, 0),
      staged.length
    ),
    UsedByCopy: usage(0, 0),
    UsedByRegister: usage(0, 0)
  };
  return ctx.replyJson(200, body);
}
