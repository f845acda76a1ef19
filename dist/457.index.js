export const id = 457;
export const ids = [457,456];
export const modules = {

/***/ 9456:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BlobPackageStore: () => (/* binding */ BlobPackageStore),
/* harmony export */   S: () => (/* binding */ holdsSameBytes)
/* harmony export */ });
/* harmony import */ var _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5399);
// The `.sfpkg` in Blob storage through @azure/storage-blob (parallel block upload, its own retries,
// progress): upload it unless the same bytes are there already, give the cluster a read URL, delete it.

const USER_DELEGATION_SAS_VERSION = '2025-07-05';
/** Metadata names the action writes on the blob: the SHA-256 and size of the `.sfpkg` it uploaded. */
const HASH_METADATA = 'sfusha256';
class BlobPackageStore {
    location;
    credential;
    reporter;
    container;
    constructor(location, credential, reporter) {
        this.location = location;
        this.credential = credential;
        this.reporter = reporter;
        const retryOptions = { maxTries: 4 };
        if (credential.kind === 'sas') {
            this.container = new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .ContainerClient */ .bM(`${location.containerUrl}?${credential.sas.query}`, new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .AnonymousCredential */ .tv(), { retryOptions });
        }
        else {
            this.container = new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .ContainerClient */ .bM(location.containerUrl, tokenCredential(credential.token), { retryOptions });
        }
    }
    blobUrl(blobName) {
        return this.container.getBlockBlobClient(blobName).url.split('?')[0];
    }
    /**
     * Uploads `file` as `blobName`, unless the blob holds the same bytes already (the SHA-256 and the
     * size the action recorded when it uploaded them). Returns what it did.
     */
    async ensureUploaded(file, blobName, options = {}) {
        const blob = this.container.getBlockBlobClient(blobName);
        const existing = await this.describe(blobName, options.signal);
        if (existing !== undefined) {
            if (holdsSameBytes(existing, file)) {
                this.reporter.log(`${this.blobUrl(blobName)} holds this very package already (SHA-256 ${file.sha256}): not uploaded again.`);
                return 'reused';
            }
            this.reporter.log(`${this.blobUrl(blobName)} exists with other content (${existing.sha256 ? `SHA-256 ${existing.sha256}` : 'not uploaded by this action'}): replacing it.`);
        }
        let lastShown = 0;
        const started = Date.now();
        await blob.uploadFile(file.path, {
            abortSignal: options.signal,
            blockSize: options.blockSize ?? 8 * 1024 * 1024,
            concurrency: options.concurrency ?? 4,
            metadata: { [HASH_METADATA]: file.sha256 },
            blobHTTPHeaders: { blobContentType: 'application/zip' },
            onProgress: p => {
                const now = Date.now();
                if (now - lastShown < 5000)
                    return;
                lastShown = now;
                this.reporter.log(`Uploaded ${p.loadedBytes} of ${file.size} bytes (${Math.round((100 * p.loadedBytes) / Math.max(1, file.size))}%).`);
            }
        });
        this.reporter.log(`Uploaded ${file.size} bytes to ${this.blobUrl(blobName)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
        return 'uploaded';
    }
    /** The blob's size and the SHA-256 the action recorded when it uploaded it (none if another tool did); undefined if there is no such blob. */
    async describe(blobName, signal) {
        const existing = await this.container
            .getBlockBlobClient(blobName)
            .getProperties({ abortSignal: signal })
            .catch((err) => {
            if (err.statusCode === 404)
                return undefined;
            throw err;
        });
        if (existing === undefined)
            return undefined;
        return { size: existing.contentLength ?? -1, sha256: existing.metadata?.[HASH_METADATA] };
    }
    /**
     * The URL the cluster downloads from. With Azure AD: a user delegation SAS for this blob alone,
     * read-only, valid from a few minutes ago (clock skew) until `expiresOn`. With a given SAS: the
     * blob's URL with that SAS (its own permissions and expiry; it was checked to allow reading).
     * The SAS is registered as a secret before this returns.
     */
    async downloadUrl(blobName, expiresOn, signal) {
        let query;
        if (this.credential.kind === 'sas') {
            query = this.credential.sas.query;
        }
        else {
            // Whole seconds: the SAS carries the key's times to the second, and the service derives the key again from them.
            const startsOn = wholeSeconds(new Date(Date.now() - 5 * 60_000));
            expiresOn = wholeSeconds(expiresOn);
            const service = new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .BlobServiceClient */ .wS(this.location.serviceUrl, tokenCredential(this.credential.token), { retryOptions: { maxTries: 4 } });
            const key = await service.getUserDelegationKey(startsOn, expiresOn, { abortSignal: signal });
            const sas = (0,_azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .generateBlobSASQueryParameters */ .WJ)({
                containerName: this.location.containerName,
                blobName,
                permissions: _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .BlobSASPermissions */ .vD.parse('r'),
                startsOn,
                expiresOn,
                // A service version every Azure Storage endpoint verifies, and Azurite 3.35 too (the SDK's
                // default, 2026-10-06, signs a newer string that Azurite does not know yet).
                version: USER_DELEGATION_SAS_VERSION,
                protocol: this.location.serviceUrl.startsWith('https:') ? _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .SASProtocol */ .m5.Https : _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .SASProtocol */ .m5.HttpsAndHttp
            }, key, this.location.accountName);
            query = sas.toString();
            if (sas.signature)
                this.reporter.secret(sas.signature);
            this.reporter.secret(encodeURIComponent(sas.signature));
        }
        this.reporter.secret(query);
        return `${this.blobUrl(blobName)}?${query}`;
    }
    /** Deletes the blob; gone already is fine. */
    async delete(blobName, signal) {
        await this.container.getBlockBlobClient(blobName).deleteIfExists({ abortSignal: signal });
    }
}
/** The same bytes: the SHA-256 the action recorded at upload and the size both match. */
function holdsSameBytes(blob, file) {
    return blob.sha256 === file.sha256 && blob.size === file.size;
}
/** The shape of @azure/core-auth's TokenCredential: the token source already knows its scope. */
function tokenCredential(get) {
    return { getToken: async () => get() };
}
function wholeSeconds(date) {
    return new Date(Math.floor(date.getTime() / 1000) * 1000);
}


/***/ }),

/***/ 9457:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  compareWithProvisioned: () => (/* binding */ compareWithProvisioned),
  compareWithRecordedHash: () => (/* binding */ compareWithRecordedHash),
  stageSfpkg: () => (/* binding */ stageSfpkg),
  withoutQuery: () => (/* binding */ withoutQuery)
});

// EXTERNAL MODULE: ./src/azure/blob-location.ts
var blob_location = __webpack_require__(3494);
// EXTERNAL MODULE: ./src/azure/blob-store.ts
var blob_store = __webpack_require__(9456);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/package/zip-writer.ts + 1 modules
var zip_writer = __webpack_require__(7280);
// EXTERNAL MODULE: ./src/util/work-folder.ts
var work_folder = __webpack_require__(632);
;// CONCATENATED MODULE: ./src/azure/sfpkg.ts
// The `.sfpkg` the cluster downloads: a zip whose root is the package folder's content
// (ApplicationManifest.xml at its root), written with the project's deterministic zip writer in a
// temporary folder, so that the same package gives the same bytes, hence the same hash, on every run.





/**
 * Zips `pkg` (the package, or its compressed copy once complete) into `<tempBase>/sfu-sfpkg-*\/<fileName>`.
 * The package folder is only read. Empty folders are kept as folder entries.
 */
async function buildSfpkg(pkg, fileName, tempBase, signal) {
    const work = await (0,work_folder/* createWorkFolder */.aM)(tempBase, 'sfu-sfpkg-');
    return (0,work_folder/* buildInWorkFolder */.dk)(work, async () => {
        await Promise.all(pkg.files.flatMap(f => (f.ready ? [f.ready] : [])));
        const entries = pkg.files.map(f => ({ name: f.relativePath, localPath: f.localPath, size: f.size }));
        for (const folder of emptyFolders(pkg))
            entries.push({ name: `${folder}/` });
        const zipPath = external_node_path_.join(work.path, fileName);
        const size = await (0,zip_writer/* writeDeterministicZip */.Dx)(entries, zipPath, { signal });
        return { path: zipPath, size, sha256: await sha256Of(zipPath), dispose: work.dispose };
    });
}
function emptyFolders(pkg) {
    const holding = new Set();
    for (const p of [...pkg.files.map(f => f.relativePath), ...pkg.folders]) {
        for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1))
            holding.add(p.slice(0, i));
    }
    return pkg.folders.filter(f => f !== '' && !holding.has(f));
}
async function sha256Of(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}

;// CONCATENATED MODULE: ./src/azure/stage-sfpkg.ts



async function stageSfpkg(store, request) {
    const { typeName, typeVersion, log } = request;
    const blobName = request.blobName ?? (0,blob_location/* sfpkgBlobName */.sO)(typeName, typeVersion, '', request.clusterScope);
    const fileName = blobName.split('/').pop();
    (0,blob_location/* checkExternalStoreProvision */.Iz)(`https://check.invalid/${encodeURI(blobName)}`, { typeName, typeVersion }, request.manifest);
    const sfpkg = await buildSfpkg(request.pkg, fileName, request.tempBase, request.signal);
    try {
        log(`Built ${fileName}: ${request.pkg.files.length} files, ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (in a temporary folder; the package folder is only read).`);
        const result = await store.ensureUploaded(sfpkg, blobName, { signal: request.signal });
        const downloadUrl = await store.downloadUrl(blobName, request.expiresOn, request.signal);
        (0,blob_location/* checkExternalStoreProvision */.Iz)(downloadUrl, { typeName, typeVersion }, request.manifest);
        const shownAs = store.blobUrl(blobName);
        log(`The cluster downloads ${shownAs} with a read SAS (masked)${request.deleteBlob ? '; the blob is deleted once the type is provisioned' : ''}.`);
        return {
            blobName,
            result,
            size: sfpkg.size,
            sha256: sfpkg.sha256,
            source: {
                downloadUrl,
                shownAs,
                sha256: sfpkg.sha256,
                afterProvision: async (provisionLog) => {
                    if (!request.deleteBlob) {
                        provisionLog(`The .sfpkg stays at ${shownAs}.`);
                        return;
                    }
                    await store.delete(blobName, request.signal);
                    provisionLog(`Deleted ${shownAs} ('delete-blob: true'): the cluster keeps its own copy.`);
                }
            }
        };
    }
    finally {
        await sfpkg.dispose();
    }
}
/**
 * For a version provisioned already: builds the `.sfpkg` and compares it with the blob it was staged
 * in (the SHA-256 and size recorded at upload, as ensureUploaded does), without uploading or changing
 * anything. `provisionedFrom` is the version's appPackageUrl, when ARM shows it.
 */
async function compareWithProvisioned(store, request, provisionedFrom) {
    const { typeName, typeVersion, log } = request;
    let blobName = request.blobName ?? (0,blob_location/* sfpkgBlobName */.sO)(typeName, typeVersion, '', request.clusterScope);
    let shownAs = store.blobUrl(blobName);
    const sfpkg = await buildSfpkg(request.pkg, blobName.split('/').pop(), request.tempBase, request.signal);
    try {
        log(`Built the .sfpkg to compare: ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (nothing is uploaded).`);
        const { size, sha256 } = sfpkg;
        const from = provisionedFrom === undefined ? undefined : withoutQuery(provisionedFrom);
        if (from !== undefined && from !== withoutQuery(shownAs)) {
            return { verdict: 'unconfirmed', reason: `it was provisioned from ${from}, not from ${shownAs}`, shownAs, sha256, blob: undefined };
        }
        let blob = await store.describe(blobName, request.signal);
        if (blob === undefined && request.blobName === undefined && request.clusterScope !== undefined) {
            // A version released before the cluster's folder was in the name: its blob has the name without it.
            const unscoped = (0,blob_location/* sfpkgBlobName */.sO)(typeName, typeVersion);
            blob = await store.describe(unscoped, request.signal);
            if (blob !== undefined) {
                log(`${shownAs} is not there, ${store.blobUrl(unscoped)} is (the name releases used before this cluster's folder was part of it): compared with it.`);
                blobName = unscoped;
                shownAs = store.blobUrl(unscoped);
            }
        }
        if (blob === undefined)
            return { verdict: 'unconfirmed', reason: `${shownAs} is not there`, shownAs, sha256, blob };
        if ((0,blob_store/* holdsSameBytes */.S)(blob, sfpkg))
            return { verdict: 'same', shownAs, sha256, blob };
        // Without the hash recorded at upload, only a size difference proves other bytes.
        if (blob.sha256 === undefined && blob.size === size) {
            return { verdict: 'unconfirmed', reason: `${shownAs} was not uploaded by this action (no SHA-256 recorded)`, shownAs, sha256, blob };
        }
        return { verdict: 'other', shownAs, sha256, blob };
    }
    finally {
        await sfpkg.dispose();
    }
}
/**
 * For a version whose resource records the SHA-256 of the `.sfpkg` it was provisioned from (ARM's
 * tag): builds the `.sfpkg` and compares the hashes. Nothing is read from the container.
 */
async function compareWithRecordedHash(request, recordedSha256) {
    const fileName = (request.blobName ?? (0,blob_location/* sfpkgBlobName */.sO)(request.typeName, request.typeVersion)).split('/').pop();
    const sfpkg = await buildSfpkg(request.pkg, fileName, request.tempBase, request.signal);
    try {
        request.log(`Built the .sfpkg to compare: ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (nothing is uploaded).`);
        return { verdict: sfpkg.sha256 === recordedSha256.toLowerCase() ? 'same' : 'other', sha256: sfpkg.sha256 };
    }
    finally {
        await sfpkg.dispose();
    }
}
/** The URL's origin and decoded path: a SAS, and differences in percent-encoding, left out. */
function withoutQuery(url) {
    try {
        const parsed = new URL(url);
        return `${parsed.origin}${decodeURIComponent(parsed.pathname)}`;
    }
    catch {
        return undefined;
    }
}


/***/ })

};
