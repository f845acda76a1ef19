export const id = 457;
export const ids = [457];
export const modules = {

/***/ 9457:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  stageSfpkg: () => (/* binding */ stageSfpkg)
});

// EXTERNAL MODULE: ./src/azure/blob-location.ts
var blob_location = __webpack_require__(3494);
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
    const blobName = request.blobName ?? (0,blob_location/* sfpkgBlobName */.sO)(typeName, typeVersion);
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


/***/ })

};
