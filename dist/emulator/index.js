import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  M: () => (/* binding */ parseEmulatorArgs)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./emulator/faults.ts
// Seeded fault injection: the failures a real cluster produces (busy, timed out, dropped
// connections, answers lost after the work was done, stalls, primary moves), drawn from a seeded
// generator so that a failing run can be replayed. With several requests in flight the draws
// follow arrival order, so an exact replay needs the same order (concurrency 1 guarantees it).
const FAULT_KINDS = ['busy', 'timeout', 'reset', 'lost-answer'];
/** mulberry32: small, fast, good enough to spread faults evenly. */
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
class FaultInjector {
    options;
    random;
    requests = 0;
    kinds;
    constructor(options) {
        this.options = options;
        this.random = mulberry32(options.seed ?? 1);
        this.kinds = options.failKinds && options.failKinds.length > 0 ? options.failKinds : FAULT_KINDS;
    }
    get enabled() {
        return (this.options.failRate ?? 0) > 0 || (this.options.stallRate ?? 0) > 0 || (this.options.failoverEvery ?? 0) > 0;
    }
    /** Counts a request; true when this one comes with a failover (all sessions lost first). */
    failoverDue() {
        this.requests++;
        const every = this.options.failoverEvery ?? 0;
        return every > 0 && this.requests % every === 0;
    }
    /** What happens to this request: a fault, a stall, or nothing. Two draws every time, for replay. */
    decide() {
        const failDraw = this.random();
        const kindDraw = this.random();
        if (failDraw < (this.options.failRate ?? 0)) {
            return { kind: this.kinds[Math.floor(kindDraw * this.kinds.length)] };
        }
        if (kindDraw < (this.options.stallRate ?? 0))
            return { kind: 'stall' };
        return undefined;
    }
}
function parseFaultKinds(text) {
    const kinds = text.split(',').map(k => k.trim()).filter(k => k !== '');
    for (const k of kinds) {
        if (!FAULT_KINDS.includes(k)) {
            throw new Error(`--fail-kinds takes ${FAULT_KINDS.join(', ')}, not '${k}'`);
        }
    }
    return kinds;
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:stream/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/protocol/byte-ranges.ts
// Inclusive byte ranges, as upload sessions describe them (`ExpectedRanges`, `Content-Range`).
function rangeLength(r) {
    return r.end - r.start + 1;
}
/** Sorts and merges overlapping or adjacent ranges. */
function mergeRanges(ranges) {
    const sorted = [...ranges].sort((a, b) => a.start - b.start);
    const merged = [];
    for (const r of sorted) {
        const last = merged[merged.length - 1];
        if (last && r.start <= last.end + 1) {
            last.end = Math.max(last.end, r.end);
        }
        else {
            merged.push({ ...r });
        }
    }
    return merged;
}
/** The parts of [0, length) not covered by `covered`. */
function missingRanges(covered, length) {
    const missing = [];
    let next = 0;
    for (const r of mergeRanges(covered)) {
        if (r.start > next)
            missing.push({ start: next, end: r.start - 1 });
        next = Math.max(next, r.end + 1);
    }
    if (next < length)
        missing.push({ start: next, end: length - 1 });
    return missing;
}
function overlaps(a, b) {
    return a.start <= b.end && b.start <= a.end;
}
/** True when `r` lies entirely inside one of `ranges`. */
function liesWithinOne(ranges, r) {
    return ranges.some(x => x.start <= r.start && r.end <= x.end);
}
/** Cuts ranges into pieces of at most `chunkSize` bytes, in order. */
function splitIntoChunks(ranges, chunkSize) {
    const chunks = [];
    for (const r of ranges) {
        for (let start = r.start; start <= r.end; start += chunkSize) {
            chunks.push({ start, end: Math.min(r.end, start + chunkSize - 1) });
        }
    }
    return chunks;
}
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;
/** Parses `bytes a-b/n` exactly (the `bytes=` form is refused, as the gateway does). */
function parseContentRange(header) {
    const m = header === undefined ? null : CONTENT_RANGE.exec(header);
    if (!m)
        return undefined;
    const [start, end, length] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (![start, end, length].every(Number.isSafeInteger) || start > end || end >= length) {
        return undefined;
    }
    return { range: { start, end }, length };
}
function formatContentRange(r, length) {
    return `bytes ${r.start}-${r.end}/${length}`;
}

;// CONCATENATED MODULE: ./src/protocol/error-codes.ts
// Fabric error codes the project produces or reacts to (protocol reference §3). Codes are an open
// set: clients compare against these but must accept any other string.
const ErrorCode = {
    InvalidArg: 'E_INVALIDARG',
    AccessDenied: 'E_ACCESSDENIED',
    Fail: 'E_FAIL',
    RangeNotSatisfiable: 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE',
    InvalidUploadSessionId: 'FABRIC_E_INVALID_UPLOAD_SESSION_ID',
    UploadSessionIdConflict: 'FABRIC_E_UPLOAD_SESSION_ID_CONFLICT',
    PathTooLong: 'FABRIC_E_PATH_TOO_LONG',
    InvalidDirectory: 'FABRIC_E_INVALID_DIRECTORY',
    ReservedDirectory: 'FABRIC_E_IMAGEBUILDER_RESERVED_DIRECTORY_ERROR',
    FileNotFound: 'FABRIC_E_FILE_NOT_FOUND',
    DirectoryNotFound: 'FABRIC_E_DIRECTORY_NOT_FOUND',
    MessageTooLarge: 'FABRIC_E_MESSAGE_TOO_LARGE',
    ServiceTooBusy: 'FABRIC_E_SERVICE_TOO_BUSY',
    NotPrimary: 'FABRIC_E_NOT_PRIMARY',
    Timeout: 'FABRIC_E_TIMEOUT'
};
/** The folder mark file: a folder exists for the cluster only when it holds this empty file. */
const MARK_FILE_NAME = '_.dir';
/** Store roots the cluster refuses to delete or overwrite (compared case-insensitively). */
const RESERVED_ROOTS = ['Store', 'WindowsFabricStore'];
function isReservedRoot(storePath) {
    const first = storePath.split(/[\\/]/).filter(s => s !== '')[0] ?? '';
    return RESERVED_ROOTS.some(r => r.toLowerCase() === first.toLowerCase());
}

;// CONCATENATED MODULE: ./src/protocol/store-path.ts
// Store-relative paths. The store always uses `/` on the wire from this project; Windows
// clusters answer with `\`, so parsing accepts both.
function storePathSegments(storePath) {
    return storePath.split(/[\\/]/).filter(s => s !== '');
}
/** Normalises to `a/b/c`: either separator in, `/` out, no empty segments. */
function normalizeStorePath(storePath) {
    return storePathSegments(storePath).join('/');
}
function joinStorePath(...parts) {
    return normalizeStorePath(parts.filter(p => p !== '').join('/'));
}
/** Percent-encodes each segment on its own (names may hold space, #, ?, %, +, ;, &, =, '). */
function encodeStorePath(storePath) {
    return storePathSegments(storePath).map(encodeURIComponent).join('/');
}
function parentStorePath(storePath) {
    const segments = storePathSegments(storePath);
    return segments.slice(0, -1).join('/');
}
function baseName(storePath) {
    const segments = storePathSegments(storePath);
    return segments[segments.length - 1] ?? '';
}
/** True when `path` is `ancestor` itself or lies beneath it. */
function isSameOrBeneath(path, ancestor) {
    const p = normalizeStorePath(path);
    const a = normalizeStorePath(ancestor);
    return a === '' || p === a || p.startsWith(a + '/');
}

;// CONCATENATED MODULE: ./emulator/api-version.ts
// api-version handling as the runtime does it: a `-preview` suffix is ignored, and a version
// outside [route minimum, runtime version] is refused with 400 E_INVALIDARG.
const API_VERSION = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/i;
function parseApiVersion(text) {
    const m = text ? API_VERSION.exec(text.trim()) : null;
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}
function compareApiVersions(a, b) {
    return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
function formatApiVersion(v) {
    return `${v[0]}.${v[1]}`;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./emulator/fabric-http-error.ts

/** An answer the emulator gives instead of success: status, Fabric code and, usually, a body. */
class FabricHttpError extends Error {
    status;
    code;
    emptyBody;
    constructor(status, code, message, 
    /** Some gateway answers carry no body at all (404 on listing, 403 on a refused certificate). */
    emptyBody = false) {
        super(message);
        this.status = status;
        this.code = code;
        this.emptyBody = emptyBody;
    }
    static invalidArg(message) {
        return new FabricHttpError(400, ErrorCode.InvalidArg, message);
    }
}

;// CONCATENATED MODULE: ./emulator/content-store.ts
// The committed files of the emulated Image Store, kept as ordinary files under `<root>/content`.
// Staged bodies (plain PUTs in progress, upload sessions) live under `<root>/staging`, so that a
// half-received file never appears in the store.






class ContentStore {
    contentDir;
    stagingDir;
    /** VersionNumber of every file written since start; files found on disk report 1. */
    versions = new Map();
    nextVersion = 2;
    /** Folders whose `_.dir` exists. */
    markedFolders = new Set();
    constructor(root) {
        this.contentDir = external_node_path_namespaceObject.join(root, 'content');
        this.stagingDir = external_node_path_namespaceObject.join(root, 'staging');
    }
    async init() {
        await external_node_fs_namespaceObject.promises.mkdir(this.contentDir, { recursive: true });
        for (const entry of await external_node_fs_namespaceObject.promises.readdir(this.contentDir, { recursive: true, withFileTypes: true })) {
            if (entry.isFile() && entry.name === MARK_FILE_NAME) {
                this.markedFolders.add(normalizeStorePath(external_node_path_namespaceObject.relative(this.contentDir, entry.parentPath ?? entry.path).split(external_node_path_namespaceObject.sep).join('/')));
            }
        }
        // Staged bodies of an earlier run belong to sessions that no longer exist.
        await external_node_fs_namespaceObject.promises.rm(this.stagingDir, { recursive: true, force: true });
        await external_node_fs_namespaceObject.promises.mkdir(this.stagingDir, { recursive: true });
    }
    /** Disk path of a store path; `.` and `..` segments are refused so nothing escapes the root. */
    diskPath(storePath) {
        const segments = storePathSegments(storePath);
        for (const s of segments) {
            if (s === '.' || s === '..' || s.includes('\0')) {
                throw FabricHttpError.invalidArg(`invalid path segment '${s}'`);
            }
        }
        return external_node_path_namespaceObject.join(this.contentDir, ...segments);
    }
    newStagingFile(prefix) {
        return external_node_path_namespaceObject.join(this.stagingDir, `${prefix}-${(0,external_node_crypto_namespaceObject.randomUUID)()}`);
    }
    async stat(storePath) {
        try {
            return await external_node_fs_namespaceObject.promises.stat(this.diskPath(storePath));
        }
        catch (err) {
            if (isMissing(err))
                return undefined;
            throw err;
        }
    }
    versionOf(storePath) {
        return this.versions.get(storePath) ?? 1;
    }
    /** Moves a fully staged file into the store, creating or overwriting `storePath`. */
    async install(stagedFile, storePath) {
        const target = this.diskPath(storePath);
        // Optimistic: the parent usually exists; the errors say when it does not, or when the target
        // or a parent is of the wrong kind.
        try {
            await external_node_fs_namespaceObject.promises.rename(stagedFile, target);
        }
        catch (err) {
            const code = err.code;
            if (code === 'ENOENT') {
                await this.makeParent(target, storePath);
                await this.renameOrExplain(stagedFile, target, storePath);
            }
            else {
                throw this.explain(err, storePath);
            }
        }
        this.versions.set(storePath, this.nextVersion++);
        if (baseName(storePath) === MARK_FILE_NAME)
            this.markedFolders.add(parentStorePath(storePath));
    }
    async makeParent(target, storePath) {
        try {
            await external_node_fs_namespaceObject.promises.mkdir(external_node_path_namespaceObject.dirname(target), { recursive: true });
        }
        catch (err) {
            throw this.explain(err, storePath);
        }
    }
    async renameOrExplain(stagedFile, target, storePath) {
        try {
            await external_node_fs_namespaceObject.promises.rename(stagedFile, target);
        }
        catch (err) {
            throw this.explain(err, storePath);
        }
    }
    explain(err, storePath) {
        switch (err.code) {
            case 'EISDIR':
            case 'ENOTEMPTY':
                // [undoc] The runtime's answer to a file written over a folder is not documented.
                return FabricHttpError.invalidArg(`'${storePath}' is a folder`);
            case 'ENOTDIR':
            case 'EEXIST':
                return new FabricHttpError(400, ErrorCode.InvalidDirectory, `a parent of '${storePath}' is a file`);
            default:
                return err;
        }
    }
    async fileInfo(storePath) {
        const st = await this.stat(storePath);
        if (!st?.isFile())
            return undefined;
        return { path: storePath, size: st.size, modified: st.mtime, version: this.versionOf(storePath) };
    }
    /** One level of a folder, sorted by name; undefined when the folder does not exist. */
    async listFolder(storePath) {
        let dirents;
        try {
            dirents = await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { withFileTypes: true });
        }
        catch (err) {
            if (isMissing(err) || err.code === 'ENOTDIR')
                return undefined;
            throw err;
        }
        dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const files = [];
        const folders = [];
        for (const d of dirents) {
            const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
            if (d.isDirectory()) {
                folders.push({ path: child, fileCount: await this.countFiles(child) });
            }
            else if (d.isFile()) {
                const info = await this.fileInfo(child);
                if (info)
                    files.push(info);
            }
        }
        return { files, folders };
    }
    /** Files beneath a folder, at any depth (names only: no stat per file). */
    async countFiles(storePath) {
        const entries = await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { recursive: true, withFileTypes: true });
        return entries.filter(e => e.isFile()).length;
    }
    /** Recursive totals of a folder (or of one file). */
    async walk(storePath) {
        const st = await this.stat(storePath);
        if (!st)
            return { fileCount: 0, bytes: 0 };
        if (st.isFile())
            return { fileCount: 1, bytes: st.size };
        let fileCount = 0;
        let bytes = 0;
        for (const d of await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { withFileTypes: true })) {
            const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
            const sub = await this.walk(child);
            fileCount += sub.fileCount;
            bytes += sub.bytes;
        }
        return { fileCount, bytes };
    }
    /** Every folder beneath `storePath` (not itself). */
    async subFolders(storePath) {
        const found = [];
        let dirents;
        try {
            dirents = await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { withFileTypes: true });
        }
        catch {
            return found;
        }
        for (const d of dirents) {
            if (!d.isDirectory())
                continue;
            const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
            found.push(child, ...(await this.subFolders(child)));
        }
        return found;
    }
    /** Whether the folder holds its mark file (kept in memory, so that a write costs no extra stat). */
    hasMarkFile(folder) {
        return this.markedFolders.has(folder);
    }
    async delete(storePath) {
        await external_node_fs_namespaceObject.promises.rm(this.diskPath(storePath), { recursive: true, force: true });
        for (const folder of this.markedFolders) {
            if (isSameOrBeneath(folder, storePath))
                this.markedFolders.delete(folder);
        }
        if (baseName(storePath) === MARK_FILE_NAME)
            this.markedFolders.delete(parentStorePath(storePath));
        for (const key of this.versions.keys()) {
            if (isSameOrBeneath(key, storePath))
                this.versions.delete(key);
        }
    }
    /**
     * Copies within the store as the runtime does: the destination is deleted first, files are
     * copied (names in `skipFiles` left out, at any depth, case-insensitively), and for a folder
     * the destination's mark file is written last.
     */
    async copy(source, destination, skipFiles) {
        const skip = new Set(skipFiles.map(s => s.toLowerCase()));
        const st = await this.stat(source);
        if (!st)
            throw new FabricHttpError(404, ErrorCode.FileNotFound, `'${source}' does not exist`);
        if (st.isFile()) {
            await this.copyFile(source, destination);
            return;
        }
        if (!this.hasMarkFile(source)) {
            throw new FabricHttpError(404, ErrorCode.FileNotFound, `'${source}/${MARK_FILE_NAME}' does not exist`);
        }
        await this.delete(destination);
        await this.copyFolderContent(source, destination, skip);
        await this.copyFile(`${source}/${MARK_FILE_NAME}`, `${destination}/${MARK_FILE_NAME}`);
    }
    async copyFolderContent(source, destination, skip) {
        await external_node_fs_namespaceObject.promises.mkdir(this.diskPath(destination), { recursive: true });
        const listing = await this.listFolder(source);
        for (const file of listing?.files ?? []) {
            const name = baseName(file.path);
            if (skip.has(name.toLowerCase()))
                continue;
            if (name === MARK_FILE_NAME && source !== '' && destination !== '') {
                // The mark file of this folder is copied after its content (below, or by copy()).
                continue;
            }
            await this.copyFile(file.path, `${destination}/${name}`);
        }
        for (const folder of listing?.folders ?? []) {
            const name = baseName(folder.path);
            await this.copyFolderContent(folder.path, `${destination}/${name}`, skip);
            if (this.hasMarkFile(folder.path)) {
                await this.copyFile(`${folder.path}/${MARK_FILE_NAME}`, `${destination}/${name}/${MARK_FILE_NAME}`);
            }
        }
    }
    async copyFile(source, destination) {
        const staged = this.newStagingFile('copy');
        await external_node_fs_namespaceObject.promises.copyFile(this.diskPath(source), staged);
        await this.install(staged, destination);
    }
}
function isMissing(err) {
    return err?.code === 'ENOENT';
}

;// CONCATENATED MODULE: ./emulator/journal.ts
// What the emulator saw, for tests and for people rehearsing a deployment: every write in order
// and every protocol mistake a client made. Reads are only counted.
class Journal {
    enabled;
    started = Date.now();
    seq = 0;
    entries = [];
    mistakes = [];
    /** Requests by route name, reads included (the journal route itself is not counted). */
    requests = {};
    /** Faults injected, in order (recorded whether or not the journal is served). */
    faults = [];
    /** Request bodies sent only after the emulator answered `100 Continue`. */
    bodiesAfterContinue = 0;
    /** TCP connections accepted (keep-alive reuse shows as few connections for many requests). */
    connections = 0;
    constructor(enabled) {
        this.enabled = enabled;
    }
    countRequest(route) {
        this.requests[route] = (this.requests[route] ?? 0) + 1;
    }
    record(entry) {
        if (!this.enabled)
            return;
        this.entries.push({ seq: ++this.seq, at: Date.now() - this.started, ...entry });
    }
    fault(kind, route, path) {
        this.faults.push({ seq: ++this.seq, kind, route, path });
    }
    mistake(kind, path, detail) {
        if (!this.enabled)
            return;
        this.mistakes.push({ seq: ++this.seq, kind, path, detail });
    }
}

;// CONCATENATED MODULE: ./emulator/upload-sessions.ts
// Upload sessions, as the primary replica keeps them: in memory (a restart or failover loses
// them), with their bytes staged on disk so that a large upload never sits in memory.



class UploadSessions {
    stagingDir;
    timeoutMs;
    sessions = new Map();
    sweeper;
    constructor(stagingDir, timeoutMs) {
        this.stagingDir = stagingDir;
        this.timeoutMs = timeoutMs;
    }
    startSweeper() {
        // The runtime sweeps every 5 minutes; lookups also drop expired sessions, so that a short
        // configured timeout takes effect exactly.
        const every = Math.min(5 * 60_000, Math.max(1000, this.timeoutMs));
        this.sweeper = setInterval(() => void this.sweep(), every);
        this.sweeper.unref();
    }
    stop() {
        if (this.sweeper)
            clearInterval(this.sweeper);
    }
    async sweep() {
        for (const s of [...this.sessions.values()]) {
            if (this.isExpired(s))
                await this.remove(s.id);
        }
    }
    isExpired(s) {
        return s.inFlight.length === 0 && Date.now() - s.modified.getTime() > this.timeoutMs;
    }
    get(id) {
        const s = this.sessions.get(id);
        if (s && this.isExpired(s)) {
            this.sessions.delete(id);
            void external_node_fs_namespaceObject.promises.rm(s.stagingFile, { force: true });
            return undefined;
        }
        return s;
    }
    byPath(storePath) {
        return [...this.sessions.keys()]
            .map(id => this.get(id))
            .filter((s) => s !== undefined && s.path === storePath);
    }
    all() {
        return [...this.sessions.keys()]
            .map(id => this.get(id))
            .filter((s) => s !== undefined);
    }
    /**
     * Registers a session at once, so that chunks arriving together for a new id share one session;
     * its staged file is made in the background (`ready`).
     */
    create(id, storePath, length) {
        const stagingFile = external_node_path_namespaceObject.join(this.stagingDir, `session-${id}`);
        const s = {
            id,
            path: storePath,
            length,
            stagingFile,
            received: [],
            inFlight: [],
            modified: new Date(),
            ready: (async () => {
                const handle = await external_node_fs_namespaceObject.promises.open(stagingFile, 'w');
                try {
                    await handle.truncate(length);
                }
                finally {
                    await handle.close();
                }
            })()
        };
        s.ready.catch(() => this.sessions.delete(id));
        this.sessions.set(id, s);
        return s;
    }
    expectedRanges(s) {
        return missingRanges(s.received, s.length);
    }
    /** A chunk is taken only if it lies inside one expected range and no chunk in flight overlaps it. */
    canAccept(s, r) {
        return liesWithinOne(this.expectedRanges(s), r) && !s.inFlight.some(f => overlaps(f, r));
    }
    reserve(s, r) {
        s.inFlight.push(r);
    }
    release(s, r, accepted) {
        s.inFlight = s.inFlight.filter(f => f !== r);
        if (accepted) {
            s.received = mergeRanges([...s.received, r]);
            s.modified = new Date();
        }
    }
    isComplete(s) {
        return s.inFlight.length === 0 && this.expectedRanges(s).length === 0;
    }
    /** Forgets a session; its staged bytes are deleted unless they were moved into the store. */
    async remove(id) {
        const s = this.sessions.get(id);
        if (!s)
            return false;
        this.sessions.delete(id);
        await external_node_fs_namespaceObject.promises.rm(s.stagingFile, { force: true });
        return true;
    }
    /** Drops every session, as a primary replica move does. */
    async loseAll() {
        for (const id of [...this.sessions.keys()])
            await this.remove(id);
    }
    describe(s, separator) {
        return {
            StoreRelativePath: s.path.split('/').join(separator),
            SessionId: s.id,
            ModifiedDate: s.modified.toISOString(),
            FileSize: String(s.length),
            ExpectedRanges: this.expectedRanges(s).map(r => ({
                StartPosition: String(r.start),
                EndPosition: String(r.end)
            }))
        };
    }
}

;// CONCATENATED MODULE: ./emulator/aad.ts
// An Azure AD (Entra ID) stand-in for a cluster secured with AAD: the cluster's anonymous AAD
// metadata, an authority (OpenID configuration and token endpoint) served by the emulator itself,
// and the check that every Image Store request carries a token it issued.

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
class AadAuthority {
    options;
    tenantId;
    clusterApplicationId;
    clientApplicationId;
    issued = new Set();
    constructor(options) {
        this.options = options;
        this.tenantId = options.tenantId ?? '72f988bf-0000-4000-8000-00000000aad0';
        this.clusterApplicationId = options.clusterApplicationId ?? '6f4e3c2a-0000-4000-8000-0000000c1057';
        this.clientApplicationId = options.clientApplicationId ?? '9a8b7c6d-0000-4000-8000-00000000c11e';
    }
    metadata(base) {
        return {
            type: 'aad',
            metadata: {
                authority: `${base}/${this.tenantId}`,
                client: this.clientApplicationId,
                cluster: this.clusterApplicationId,
                login: base,
                redirect: `${base}/`,
                tenant: this.tenantId
            }
        };
    }
    /** The routes this authority serves: `/<tenant>/v2.0/.well-known/openid-configuration` and `/<tenant>/oauth2/v2.0/token`. */
    ownsPath(pathname) {
        return pathname.startsWith(`/${this.tenantId}/`);
    }
    openIdConfiguration(base) {
        const authority = `${base}/${this.tenantId}`;
        return {
            issuer: `${authority}/v2.0`,
            token_endpoint: `${authority}/oauth2/v2.0/token`,
            authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
            jwks_uri: `${authority}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'token'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: ['openid', 'profile', 'email', 'offline_access']
        };
    }
    /** Answers a client-credentials token request: [status, body]. */
    token(form) {
        const refuse = (error, description) => [
            400,
            { error, error_description: description }
        ];
        if (form.get('grant_type') !== 'client_credentials')
            return refuse('unsupported_grant_type', 'only client_credentials');
        if (form.get('client_id') !== this.options.clientId)
            return refuse('unauthorized_client', 'unknown client_id');
        if (form.get('scope') !== `${this.clusterApplicationId}/.default`) {
            return refuse('invalid_scope', `the scope must be ${this.clusterApplicationId}/.default`);
        }
        const secretOk = this.options.clientSecret !== undefined && form.get('client_secret') === this.options.clientSecret;
        const assertionOk = this.options.federatedToken !== undefined &&
            form.get('client_assertion_type') === CLIENT_ASSERTION_TYPE &&
            form.get('client_assertion') === this.options.federatedToken;
        if (!secretOk && !assertionOk)
            return [401, { error: 'invalid_client', error_description: 'wrong secret or assertion' }];
        const token = this.newToken();
        this.issued.add(token);
        return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token }];
    }
    /** True when the Authorization header carries a token this authority issued. */
    accepts(authorization) {
        const m = /^Bearer (\S+)$/.exec(authorization ?? '');
        return m !== null && this.issued.has(m[1]);
    }
    newToken() {
        const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const header = part({ typ: 'JWT', alg: 'none' });
        const payload = part({ aud: this.clusterApplicationId, tid: this.tenantId, appid: this.options.clientId, iat: now, exp: now + 3599 });
        return `${header}.${payload}.${(0,external_node_crypto_namespaceObject.randomBytes)(24).toString('base64url')}`;
    }
}

;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: ./emulator/server.ts
// The emulated HTTP gateway: parses the request, checks api-version and timeout, dispatches to the
// route, and writes answers with the status codes and bodies of the protocol reference.















const JSON_TYPE = 'application/json; charset=utf-8';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EPOCH_DATA_LOSS = String(BigInt(Date.now()) * 10000n);
const EPOCH_CONFIGURATION = '25769803776';
const MAX_SINGLE_PUT = 2 ** 32; // the gateway reads Content-Length as a 32-bit value
class ImageStoreEmulator {
    options;
    store;
    sessions;
    journal;
    server;
    routes;
    maxApiVersion;
    separator;
    /** Store paths whose plain PUT bodies are still arriving. */
    putsInFlight = new Map();
    faults;
    aad;
    /** Answers to drop: the work is done, then the connection closes without an answer. */
    answersToDrop = new WeakSet();
    constructor(options) {
        this.options = options;
        const maxApiVersion = parseApiVersion(options.maxApiVersion ?? '9.1');
        if (!maxApiVersion)
            throw new Error(`invalid max api version '${options.maxApiVersion}'`);
        this.maxApiVersion = maxApiVersion;
        this.separator = options.pathSeparator ?? '\\';
        this.store = new ContentStore(options.root);
        this.sessions = new UploadSessions(this.store.stagingDir, (options.sessionTimeoutSeconds ?? 1800) * 1000);
        this.journal = new Journal(options.journal === true);
        this.faults = new FaultInjector(options.faults ?? {});
        this.routes = this.buildRoutes();
        this.aad = options.aad ? new AadAuthority(options.aad) : undefined;
        const handler = (req, res) => void this.handle(req, res, false);
        this.server = options.tls
            ? external_node_https_namespaceObject.createServer({
                cert: options.tls.cert,
                key: options.tls.key,
                ca: options.tls.clientCa,
                // The certificate is asked for in the handshake and judged per request, so that a
                // refused one gets a 403 with an empty body, as a cluster answers.
                requestCert: options.tls.clientCa !== undefined,
                rejectUnauthorized: false
            }, handler)
            : external_node_http_namespaceObject.createServer(handler);
        // Validate headers before asking for the body, as a gateway does.
        this.server.on('checkContinue', (req, res) => void this.handle(req, res, true));
        this.server.keepAliveTimeout = 65_000;
        this.server.on('connection', () => this.journal.connections++);
    }
    async listen() {
        await this.store.init();
        this.sessions.startSweeper();
        const host = this.options.host ?? '127.0.0.1';
        await new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(this.options.port ?? 0, host, () => resolve());
        });
        const port = this.server.address().port;
        const shownHost = host.includes(':') ? `[${host}]` : host;
        return { url: `${this.options.tls ? 'https' : 'http'}://${shownHost}:${port}`, port };
    }
    async close() {
        this.sessions.stop();
        this.server.closeAllConnections();
        await new Promise(resolve => this.server.close(() => resolve()));
    }
    buildRoutes() {
        const v60 = [6, 0];
        const v65 = [6, 5];
        const r = (name, method, withPath, action, minApiVersion, handle, sessionRoute = false) => ({ name, method, withPath, action, minApiVersion, handle, sessionRoute });
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
    async handle(req, res, expectsContinue) {
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
                const body = this.aad ? this.aad.metadata(this.baseUrl(req)) : { type: '' };
                return await this.reply(res, 200, JSON.stringify(body));
            }
            if (this.aad?.ownsPath(url.pathname))
                return await this.serveAuthority(req, res, url.pathname);
            if (!this.clientCertificateAccepted(req)) {
                this.journal.countRequest('refused-certificate');
                throw new FabricHttpError(403, ErrorCode.AccessDenied, 'Client certificate required', true);
            }
            if (segments[0]?.toLowerCase() !== 'imagestore') {
                throw FabricHttpError.invalidArg(`no route for ${req.method} ${url.pathname}`);
            }
            const rest = segments.slice(1);
            const dollar = rest.indexOf('$');
            const pathSegments = dollar < 0 ? rest : rest.slice(0, dollar);
            const action = dollar < 0 ? undefined : rest.slice(dollar + 1).join('/');
            let storePath;
            try {
                // The gateway joins the segments and then percent-decodes them: a%2Fb is a/b.
                storePath = normalizeStorePath(decodeURIComponent(pathSegments.join('/')));
            }
            catch {
                throw FabricHttpError.invalidArg('the path is not valid percent-encoding');
            }
            const route = this.routes.find(rt => rt.method === req.method &&
                rt.withPath === (storePath !== '') &&
                (rt.action ?? '').toLowerCase() === (action ?? '').toLowerCase());
            if (!route)
                throw FabricHttpError.invalidArg(`no route for ${req.method} ${url.pathname}`);
            this.journal.countRequest(route.name);
            if (this.aad && !this.aad.accepts(req.headers.authorization)) {
                // [undoc] The body of the refusal; clients only rely on the status.
                throw new FabricHttpError(401, ErrorCode.AccessDenied, 'a bearer token for the cluster is required', true);
            }
            if (this.faults.enabled && (await this.injectFault(req, res, route.name, storePath)))
                return;
            this.checkApiVersion(url.searchParams, route.minApiVersion);
            this.checkTimeout(url.searchParams);
            if (route.sessionRoute && this.options.uploadSessions === false) {
                throw FabricHttpError.invalidArg('upload sessions are not supported by this cluster');
            }
            this.store.diskPath(storePath); // refuses `.` and `..`
            await route.handle({ req, res, query: url.searchParams, storePath, expectsContinue });
        }
        catch (err) {
            await this.replyError(res, err);
        }
    }
    clientCertificateAccepted(req) {
        if (!this.options.tls?.clientCa)
            return true;
        return req.socket.authorized === true;
    }
    /** The URL clients used to reach the emulator, for the addresses it hands out. */
    baseUrl(req) {
        return `${this.options.tls ? 'https' : 'http'}://${req.headers.host ?? `127.0.0.1`}`;
    }
    async serveAuthority(req, res, pathname) {
        const aad = this.aad;
        this.journal.countRequest('aad-authority');
        if (req.method === 'GET' && pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
            return this.reply(res, 200, JSON.stringify(aad.openIdConfiguration(this.baseUrl(req))));
        }
        if (req.method === 'POST' && pathname.endsWith('/oauth2/v2.0/token')) {
            const parts = [];
            for await (const part of req)
                parts.push(part);
            const [status, body] = aad.token(new URLSearchParams(Buffer.concat(parts).toString('utf8')));
            return this.reply(res, status, JSON.stringify(body));
        }
        return this.reply(res, 404, JSON.stringify({ error: 'not_found' }));
    }
    /** Returns true when the request was consumed by a fault and must not be handled. */
    async injectFault(req, res, route, storePath) {
        if (this.faults.failoverDue()) {
            await this.sessions.loseAll();
            this.journal.fault('failover', route, storePath);
        }
        const decision = this.faults.decide();
        if (!decision)
            return false;
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
    checkApiVersion(query, min) {
        const text = query.get('api-version');
        const v = parseApiVersion(text);
        if (!v)
            throw FabricHttpError.invalidArg(`api-version '${text ?? ''}' is missing or not a version`);
        if (compareApiVersions(v, min) < 0 || compareApiVersions(v, this.maxApiVersion) > 0) {
            throw FabricHttpError.invalidArg(`api-version ${text} is not supported here: this route takes ${formatApiVersion(min)} to ${formatApiVersion(this.maxApiVersion)}`);
        }
    }
    checkTimeout(query) {
        const text = query.get('timeout');
        if (text === null)
            return;
        const n = Number(text);
        if (!/^\d+$/.test(text) || n < 1 || n > 4294967295) {
            throw FabricHttpError.invalidArg(`timeout '${text}' must be a whole number of seconds from 1 to 4294967295`);
        }
    }
    // ---- answers ----------------------------------------------------------------------------
    async reply(res, status, body = '', contentType = JSON_TYPE) {
        if (this.options.latencyMs)
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(this.options.latencyMs);
        if (res.destroyed || res.headersSent)
            return;
        if (this.answersToDrop.has(res)) {
            // The work is done; the answer is lost with the connection.
            res.socket?.destroy();
            return;
        }
        const headers = { 'Content-Length': Buffer.byteLength(body) };
        if (body !== '')
            headers['Content-Type'] = contentType;
        res.writeHead(status, headers);
        res.end(body);
    }
    async replyError(res, err) {
        const e = err instanceof FabricHttpError
            ? err
            : new FabricHttpError(500, ErrorCode.Fail, err instanceof Error ? err.message : String(err));
        if (!(err instanceof FabricHttpError))
            console.error(`emulator: internal error: ${String(err)}`);
        const body = e.emptyBody ? '' : JSON.stringify({ Error: { Code: e.code, Message: e.message } });
        // An answer sent before an announced body was read leaves that body (or, after a refused
        // 100-continue, nothing) on the socket: close the connection afterwards.
        const req = res.req;
        const announcesBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        if (announcesBody && !req.complete)
            res.shouldKeepAlive = false;
        await this.reply(res, e.status, body);
    }
    sendJournal(res) {
        const body = JSON.stringify({
            entries: this.journal.entries,
            mistakes: this.journal.mistakes,
            requests: this.journal.requests,
            bodiesAfterContinue: this.journal.bodiesAfterContinue,
            connections: this.journal.connections,
            faults: this.journal.faults,
            openSessions: this.sessions.all().map(s => this.sessions.describe(s, '/'))
        });
        res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
    }
    toFileInfo(f) {
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
    shown(storePath) {
        return storePath.split('/').join(this.separator);
    }
    // ---- routes -------------------------------------------------------------------------------
    async list(ctx) {
        const st = await this.store.stat(ctx.storePath);
        if (ctx.storePath !== '' && !st) {
            throw new FabricHttpError(404, ErrorCode.FileNotFound, 'not found', true);
        }
        if (st?.isFile()) {
            const info = await this.store.fileInfo(ctx.storePath);
            const content = { StoreFiles: info ? [this.toFileInfo(info)] : [] };
            return this.reply(ctx.res, 200, JSON.stringify(content));
        }
        const listing = (await this.store.listFolder(ctx.storePath)) ?? { files: [], folders: [] };
        const all = [
            ...listing.folders.map(f => ({ name: baseName(f.path), folder: f })),
            ...listing.files.map(f => ({ name: baseName(f.path), file: f }))
        ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        if (all.length === 0)
            return this.reply(ctx.res, 204);
        // Paging: the token names the last entry returned, so a listing that changes between pages
        // neither repeats nor skips what stayed.
        const after = ctx.query.get('ContinuationToken');
        const afterName = after ? Buffer.from(after, 'base64url').toString('utf8') : undefined;
        const start = afterName === undefined ? 0 : all.findIndex(e => e.name > afterName);
        const pageSize = this.options.listPageSize ?? 1000;
        const page = start < 0 ? [] : all.slice(start, start + pageSize);
        const content = {
            StoreFiles: page.flatMap(e => (e.file ? [this.toFileInfo(e.file)] : [])),
            StoreFolders: page.flatMap(e => e.folder ? [{ StoreRelativePath: this.shown(e.folder.path), FileCount: String(e.folder.fileCount) }] : [])
        };
        if (start >= 0 && start + pageSize < all.length) {
            content.ContinuationToken = Buffer.from(page[page.length - 1].name, 'utf8').toString('base64url');
        }
        return this.reply(ctx.res, 200, JSON.stringify(content));
    }
    async uploadFile(ctx) {
        const length = this.requireContentLength(ctx);
        if (length >= MAX_SINGLE_PUT) {
            throw new FabricHttpError(413, ErrorCode.MessageTooLarge, 'a single PUT must be smaller than 4 GiB: use an upload session');
        }
        const staged = this.store.newStagingFile('put');
        this.putsInFlight.set(ctx.storePath, (this.putsInFlight.get(ctx.storePath) ?? 0) + 1);
        try {
            await this.askForBody(ctx);
            await (0,promises_namespaceObject.pipeline)(ctx.req, (0,external_node_fs_namespaceObject.createWriteStream)(staged));
            await this.store.install(staged, ctx.storePath);
        }
        catch (err) {
            await external_node_fs_namespaceObject.promises.rm(staged, { force: true });
            throw err;
        }
        finally {
            const left = (this.putsInFlight.get(ctx.storePath) ?? 1) - 1;
            if (left === 0)
                this.putsInFlight.delete(ctx.storePath);
            else
                this.putsInFlight.set(ctx.storePath, left);
        }
        this.journal.record({ op: 'upload-file', path: ctx.storePath, bytes: length });
        await this.checkWriteOrder(ctx.storePath);
        return this.reply(ctx.res, 200);
    }
    /** Answers `100 Continue` (after the configured latency, like any answer) when the client waits for it. */
    async askForBody(ctx) {
        if (!ctx.expectsContinue)
            return;
        if (this.options.latencyMs)
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(this.options.latencyMs);
        this.journal.bodiesAfterContinue++;
        ctx.res.writeContinue();
    }
    requireContentLength(ctx) {
        const header = ctx.req.headers['content-length'];
        if (header === undefined) {
            this.journal.mistake('missing-content-length', ctx.storePath, `${ctx.req.method} without Content-Length`);
            // [undoc] The gateway's answer to a body without Content-Length; refusing it keeps the
            // mistake visible.
            throw FabricHttpError.invalidArg('Content-Length is required');
        }
        return Number(header);
    }
    async uploadChunk(ctx) {
        // The checks run in the runtime's order (protocol reference §4).
        const parsed = parseContentRange(ctx.req.headers['content-range']);
        if (!parsed) {
            // [undoc] A missing Content-Range fails the same parse as a malformed one.
            throw new FabricHttpError(400, ErrorCode.RangeNotSatisfiable, `Content-Range '${ctx.req.headers['content-range'] ?? ''}' is not 'bytes a-b/n'`);
        }
        const id = ctx.query.get('session-id') ?? '';
        if (!GUID.test(id))
            throw new FabricHttpError(400, ErrorCode.InvalidUploadSessionId, `'${id}' is not a GUID`);
        const length = this.requireContentLength(ctx);
        if (length !== rangeLength(parsed.range)) {
            this.journal.mistake('chunk-length-mismatch', ctx.storePath, `Content-Length ${length} but Content-Range ${parsed.range.start}-${parsed.range.end}`);
            throw FabricHttpError.invalidArg('Content-Length does not match Content-Range');
        }
        let session = this.sessions.get(id);
        if (!session) {
            session = this.sessions.create(id, ctx.storePath, parsed.length);
        }
        else if (session.path !== ctx.storePath) {
            throw new FabricHttpError(409, ErrorCode.UploadSessionIdConflict, `session ${id} belongs to another path`);
        }
        else if (session.length !== parsed.length) {
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
            await (0,promises_namespaceObject.pipeline)(ctx.req, (0,external_node_fs_namespaceObject.createWriteStream)(session.stagingFile, { flags: 'r+', start: parsed.range.start }));
            accepted = this.sessions.get(id) === session;
        }
        finally {
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
    sessionIdOf(ctx) {
        const id = ctx.query.get('session-id') ?? '';
        if (!GUID.test(id))
            throw new FabricHttpError(400, ErrorCode.InvalidUploadSessionId, `'${id}' is not a GUID`);
        return id;
    }
    async commit(ctx) {
        const id = this.sessionIdOf(ctx);
        const session = this.sessions.get(id);
        if (!session)
            throw FabricHttpError.invalidArg(`no upload session ${id}`);
        if (!this.sessions.isComplete(session)) {
            throw FabricHttpError.invalidArg(`session ${id} still expects bytes`);
        }
        await this.store.install(session.stagingFile, session.path);
        await this.sessions.remove(id);
        this.journal.record({ op: 'commit', path: session.path, bytes: session.length, sessionId: id });
        await this.checkWriteOrder(session.path);
        return this.reply(ctx.res, 200);
    }
    async deleteSession(ctx) {
        const id = this.sessionIdOf(ctx);
        if (!(await this.sessions.remove(id))) {
            // [undoc] The code of this 404 is not documented; clients treat it as done.
            throw new FabricHttpError(404, ErrorCode.FileNotFound, `no upload session ${id}`);
        }
        this.journal.record({ op: 'delete-session', path: '', sessionId: id });
        return this.reply(ctx.res, 200);
    }
    async sessionById(ctx) {
        const session = this.sessions.get(this.sessionIdOf(ctx));
        if (!session)
            return this.reply(ctx.res, 204);
        return this.reply(ctx.res, 200, JSON.stringify({ UploadSessions: [this.sessions.describe(session, this.separator)] }));
    }
    async sessionByPath(ctx) {
        const found = this.sessions.byPath(ctx.storePath);
        if (found.length === 0)
            return this.reply(ctx.res, 204);
        return this.reply(ctx.res, 200, JSON.stringify({ UploadSessions: found.map(s => this.sessions.describe(s, this.separator)) }));
    }
    async deleteContent(ctx) {
        if (isReservedRoot(ctx.storePath) && storePathSegments(ctx.storePath).length === 1) {
            throw new FabricHttpError(400, ErrorCode.ReservedDirectory, `'${ctx.storePath}' is a reserved folder`);
        }
        await this.store.delete(ctx.storePath);
        this.journal.record({ op: 'delete', path: ctx.storePath });
        return this.reply(ctx.res, 200);
    }
    async copy(ctx) {
        await this.askForBody(ctx);
        const chunks = [];
        for await (const chunk of ctx.req)
            chunks.push(chunk);
        let description;
        try {
            description = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        }
        catch {
            throw FabricHttpError.invalidArg('the body is not an ImageStoreCopyDescription');
        }
        if (typeof description?.RemoteSource !== 'string' || typeof description.RemoteDestination !== 'string') {
            throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination are required');
        }
        const source = normalizeStorePath(description.RemoteSource);
        const destination = normalizeStorePath(description.RemoteDestination);
        this.store.diskPath(source);
        this.store.diskPath(destination);
        if (source === '' || destination === '')
            throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not be empty');
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
    async folderSize(ctx) {
        if (ctx.storePath !== '' && !(await this.store.stat(ctx.storePath))) {
            // [undoc] The size of a missing folder.
            throw new FabricHttpError(404, ErrorCode.FileNotFound, `'${ctx.storePath}' does not exist`);
        }
        const { bytes } = await this.store.walk(ctx.storePath);
        const body = { StoreRelativePath: this.shown(ctx.storePath), FolderSize: String(bytes) };
        return this.reply(ctx.res, 200, JSON.stringify(body));
    }
    async info(ctx) {
        const disk = await external_node_fs_namespaceObject.promises.statfs(this.store.contentDir);
        const content = await this.store.walk('');
        const staged = this.sessions.all();
        const usage = (bytes, files) => ({ UsedSpace: String(bytes), FileCount: String(files) });
        const body = {
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
    async checkWriteOrder(storePath, { markFileCheck = true } = {}) {
        if (!this.journal.enabled)
            return;
        const isMark = baseName(storePath) === MARK_FILE_NAME;
        const folder = parentStorePath(storePath);
        for (let ancestor = isMark ? parentStorePath(folder) : folder;; ancestor = parentStorePath(ancestor)) {
            if (ancestor !== '' && this.store.hasMarkFile(ancestor)) {
                this.journal.mistake('write-beneath-mark-file', storePath, `'${ancestor}/${MARK_FILE_NAME}' was written before '${storePath}'`);
            }
            if (ancestor === '')
                break;
        }
        if (!isMark || !markFileCheck || folder === '')
            return;
        const problems = [];
        for (const s of this.sessions.all()) {
            if (isSameOrBeneath(s.path, folder))
                problems.push(`upload session for '${s.path}' still open`);
        }
        for (const p of this.putsInFlight.keys()) {
            if (p !== storePath && isSameOrBeneath(p, folder))
                problems.push(`upload of '${p}' still in progress`);
        }
        for (const sub of await this.store.subFolders(folder)) {
            if (!this.store.hasMarkFile(sub))
                problems.push(`sub-folder '${sub}' has no mark file`);
        }
        for (const detail of problems)
            this.journal.mistake('mark-file-before-complete', storePath, detail);
    }
}
/** Starts an emulator in this process (tests, the demo, the benchmark). */
async function startEmulator(options) {
    const emulator = new ImageStoreEmulator(options);
    const { url, port } = await emulator.listen();
    return { url, port, root: options.root, emulator, close: () => emulator.close() };
}

;// CONCATENATED MODULE: ./emulator/cli.ts
// `npm run emulator -- --port 19080 --root ./.imagestore`: the Image Store emulator in the foreground.




const USAGE = `Usage: service-fabric-imagestore-emulator [options]
  --port N              port to listen on; 0 picks a free one (default 19080)
  --host ADDR           address to listen on (default 127.0.0.1)
  --root DIR            folder for the store's files (default ./.imagestore)
  --max-api-version V   runtime version (default 9.1); 6.4 has no FolderSize/Info
  --no-upload-sessions  behave like a 6.4 Linux cluster: no upload sessions
  --session-timeout S   seconds an idle upload session lives (default 1800)
  --path-separator C    '\\' (Windows cluster, default) or '/' (Linux cluster)
  --latency-ms N        delay added before every answer (default 0)
  --list-page-size N    entries per listing page (default 1000)
  --journal             serve GET /__emulator/journal and record client mistakes
  --seed N              seed of the fault injection (default 1)
  --fail-rate F         share of requests that fail (0 to 1), drawn among --fail-kinds
  --fail-kinds K,…      busy (503), timeout (504), reset (connection dropped before the
                        body is read), lost-answer (done, then closed without an answer);
                        default: all
  --stall-rate F        share of requests that get no answer at all
  --failover-every N    every N requests, all open upload sessions are lost
  --tls-cert FILE       serve HTTPS with this PEM certificate (with --tls-key)
  --tls-key FILE        the PEM private key of --tls-cert
  --client-ca FILE      require a client certificate signed by this PEM CA (403 otherwise)
  --aad                 secure the cluster with Azure AD: metadata, an authority of its
                        own (OpenID configuration, token endpoint), bearer tokens required
  --aad-client-id ID    the service principal allowed to get tokens (default: sfu-client)
  --aad-client-secret S its secret
  --aad-federated-token T  a federated assertion accepted instead of a secret
  --help                this text`;
function parseEmulatorArgs(argv) {
    const { values } = (0,external_node_util_namespaceObject.parseArgs)({
        args: argv,
        options: {
            port: { type: 'string', default: '19080' },
            host: { type: 'string', default: '127.0.0.1' },
            root: { type: 'string', default: './.imagestore' },
            'max-api-version': { type: 'string', default: '9.1' },
            'no-upload-sessions': { type: 'boolean', default: false },
            'session-timeout': { type: 'string', default: '1800' },
            'path-separator': { type: 'string', default: '\\' },
            'latency-ms': { type: 'string', default: '0' },
            'list-page-size': { type: 'string', default: '1000' },
            journal: { type: 'boolean', default: false },
            seed: { type: 'string', default: '1' },
            'fail-rate': { type: 'string', default: '0' },
            'fail-kinds': { type: 'string', default: '' },
            'stall-rate': { type: 'string', default: '0' },
            'failover-every': { type: 'string', default: '0' },
            'tls-cert': { type: 'string' },
            'tls-key': { type: 'string' },
            'client-ca': { type: 'string' },
            aad: { type: 'boolean', default: false },
            'aad-client-id': { type: 'string', default: 'sfu-client' },
            'aad-client-secret': { type: 'string' },
            'aad-federated-token': { type: 'string' },
            help: { type: 'boolean', default: false }
        },
        strict: true
    });
    if (values.help) {
        console.log(USAGE);
        process.exit(0);
    }
    const separator = values['path-separator'];
    if (separator !== '\\' && separator !== '/') {
        throw new Error(`--path-separator must be '\\' or '/', not '${separator}'`);
    }
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
        throw new Error('--tls-cert and --tls-key go together');
    }
    if (values['client-ca'] !== undefined && values['tls-cert'] === undefined) {
        throw new Error('--client-ca needs --tls-cert and --tls-key: client certificates travel over TLS');
    }
    return {
        tls: values['tls-cert'] === undefined
            ? undefined
            : {
                cert: (0,external_node_fs_namespaceObject.readFileSync)(values['tls-cert']),
                key: (0,external_node_fs_namespaceObject.readFileSync)(values['tls-key']),
                clientCa: values['client-ca'] === undefined ? undefined : (0,external_node_fs_namespaceObject.readFileSync)(values['client-ca'])
            },
        aad: values.aad
            ? {
                clientId: values['aad-client-id'],
                clientSecret: values['aad-client-secret'],
                federatedToken: values['aad-federated-token']
            }
            : undefined,
        port: wholeNumber('--port', values.port, 0, 65535),
        host: values.host,
        root: values.root,
        maxApiVersion: values['max-api-version'],
        uploadSessions: !values['no-upload-sessions'],
        sessionTimeoutSeconds: wholeNumber('--session-timeout', values['session-timeout'], 1, 4294967295),
        pathSeparator: separator,
        latencyMs: wholeNumber('--latency-ms', values['latency-ms'], 0, 600_000),
        listPageSize: wholeNumber('--list-page-size', values['list-page-size'], 1, 1_000_000),
        journal: values.journal,
        faults: {
            seed: wholeNumber('--seed', values.seed, 0, 4294967295),
            failRate: share('--fail-rate', values['fail-rate']),
            failKinds: parseFaultKinds(values['fail-kinds']),
            stallRate: share('--stall-rate', values['stall-rate']),
            failoverEvery: wholeNumber('--failover-every', values['failover-every'], 0, 4294967295)
        }
    };
}
function share(name, text) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
        throw new Error(`${name} must be a number from 0 to 1, not '${text}'`);
    return n;
}
function wholeNumber(name, text, min, max) {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
        throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
    }
    return n;
}
async function main() {
    let options;
    try {
        options = parseEmulatorArgs(process.argv.slice(2));
    }
    catch (err) {
        console.error(`${err.message}\n\n${USAGE}`);
        process.exit(2);
    }
    const running = await startEmulator(options);
    console.log(`Image Store emulator listening on ${running.url} (port ${running.port}, root ${options.root})`);
    const stop = () => {
        void running.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}
main().catch(err => {
    console.error(`emulator: ${err.message}`);
    process.exit(1);
});

var __webpack_exports__parseEmulatorArgs = __webpack_exports__.M;
export { __webpack_exports__parseEmulatorArgs as parseEmulatorArgs };
