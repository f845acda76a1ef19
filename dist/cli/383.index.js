export const id = 383;
export const ids = [383];
export const modules = {

/***/ 3764:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  stageSfpkg: () => (/* binding */ stageSfpkg)
});

;// CONCATENATED MODULE: ./src/azure/blob-location.ts
// Where the `.sfpkg` goes: a Blob container URL checked offline against Azure Storage's hosts, a
// blob name that carries the type and version, and the SAS rules (permissions, expiry). Nothing
// here sends a request.
/** Blob endpoints of the Azure clouds (public, US Government, China); a private endpoint keeps these names. */
const AZURE_BLOB_HOST_SUFFIXES = (/* unused pure expression or super */ null && (['.blob.core.windows.net', '.blob.core.usgovcloudapi.net', '.blob.core.chinacloudapi.cn', '.blob.storage.azure.net']));
class BlobLocationError extends Error {
    name = 'BlobLocationError';
}
/**
 * Checks the container URL offline: https, an Azure Storage blob host, one path segment (the
 * container), no query (a SAS belongs in its secret input). `testOrigin` is the one origin the
 * tests may add (SFU_TEST_BLOB_ORIGIN, loopback only, path-style as Azurite serves it).
 */
function parseContainerUrl(input, value, testOrigin) {
    let url;
    try {
        url = new URL(value.trim());
    }
    catch {
        throw new BlobLocationError(`'${input}' is not a URL: give the container's URL, such as 'https://myaccount.blob.core.windows.net/packages'.`);
    }
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
        throw new BlobLocationError(`'${input}' must be the container's URL alone, without a query, a fragment or credentials: give a SAS in its own secret input instead, so that it is masked.`);
    }
    const segments = url.pathname.split('/').filter(s => s !== '');
    const isTest = testOrigin !== undefined && url.origin === testOrigin;
    if (isTest) {
        // Path-style, as Azurite serves it: /<account>/<container>.
        if (segments.length !== 2)
            throw new BlobLocationError(`'${input}' on the test endpoint must be '${testOrigin}/<account>/<container>'.`);
        const [accountName, containerName] = segments;
        checkContainerName(input, containerName);
        return { containerUrl: `${url.origin}/${accountName}/${containerName}`, serviceUrl: `${url.origin}/${accountName}`, accountName, containerName };
    }
    const host = url.hostname.toLowerCase();
    const suffix = AZURE_BLOB_HOST_SUFFIXES.find(s => host.endsWith(s) && host.length > s.length);
    if (url.protocol !== 'https:' || suffix === undefined || url.port !== '') {
        throw new BlobLocationError(`'${input}' must be an https:// Azure Storage blob endpoint (${AZURE_BLOB_HOST_SUFFIXES.map(s => `*${s}`).join(', ')}), not '${url.origin}': the action sends Azure credentials there.`);
    }
    if (segments.length !== 1) {
        throw new BlobLocationError(`'${input}' must name one container, such as 'https://${host}/packages', not the path '${url.pathname}'.`);
    }
    const containerName = segments[0];
    checkContainerName(input, containerName);
    const accountName = host.slice(0, host.length - suffix.length).split('.')[0];
    return { containerUrl: `https://${host}/${containerName}`, serviceUrl: `https://${host}`, accountName, containerName };
}
function checkContainerName(input, name) {
    // Azure's rule: 3-63 characters, lower-case letters, digits and single hyphens, starting and ending with a letter or digit.
    if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(name)) {
        throw new BlobLocationError(`'${input}' names the container '${name}', which is not a valid container name (3-63 lower-case letters, digits and single hyphens).`);
    }
}
const UNSAFE_NAME = /[\\?#%]|\.\.|^\/|\/$|\/\//;
/**
 * The blob's name: `<prefix>/<Type>/<Type>.<Version>.sfpkg`. The cluster only accepts a download
 * URL whose file name ends in `.sfpkg`, and the type and version in the name make a re-run of the
 * same version find its blob again.
 */
function sfpkgBlobName(typeName, typeVersion, prefix = '') {
    const name = `${prefix === '' ? '' : `${prefix.replace(/\/+$/, '')}/`}${typeName}/${typeName}.${typeVersion}.sfpkg`;
    if (UNSAFE_NAME.test(name) || name.length > 1024) {
        throw new BlobLocationError(`The blob name '${name}' is not usable: the type name, version and prefix must not hold '\\', '?', '#', '%', '..' or empty segments.`);
    }
    return name;
}
/**
 * The checks the runtime makes of an ExternalStore provision, made offline: an http(s) URL whose
 * path ends in `.sfpkg`, and the type name and version the package's manifest declares.
 */
function checkExternalStoreProvision(downloadUrl, requested, manifest) {
    let url;
    try {
        url = new URL(downloadUrl);
    }
    catch {
        throw new BlobLocationError('The package download URL is not a URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new BlobLocationError(`The package download URL must be http(s), not ${url.protocol}.`);
    if (!decodeURIComponent(url.pathname).toLowerCase().endsWith('.sfpkg')) {
        throw new BlobLocationError(`The package download URL's path '${url.pathname}' does not end in '.sfpkg': the cluster refuses any other file name for an ExternalStore provision.`);
    }
    if (requested.typeName !== manifest.typeName || requested.typeVersion !== manifest.typeVersion) {
        throw new BlobLocationError(`The provision asks for ${requested.typeName} ${requested.typeVersion} but the package's ApplicationManifest.xml declares ${manifest.typeName} ${manifest.typeVersion}: the cluster requires them to match.`);
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/package/zip-writer.ts + 1 modules
var zip_writer = __webpack_require__(7280);
;// CONCATENATED MODULE: ./src/azure/sfpkg.ts
// The `.sfpkg` the cluster downloads: a zip whose root is the package folder's content
// (ApplicationManifest.xml at its root), written with the project's deterministic zip writer in a
// temporary folder, so that the same package gives the same bytes, hence the same hash, on every run.




/**
 * Zips `pkg` (the package, or its compressed copy once complete) into `<tempBase>/sfu-sfpkg-*\/<fileName>`.
 * The package folder is only read. Empty folders are kept as folder entries.
 */
async function buildSfpkg(pkg, fileName, tempBase, signal) {
    const work = await external_node_fs_.promises.mkdtemp(external_node_path_.join(tempBase, 'sfu-sfpkg-'));
    let disposed = false;
    const dispose = async () => {
        if (disposed)
            return;
        disposed = true;
        await external_node_fs_.promises.rm(work, { recursive: true, force: true });
    };
    try {
        await Promise.all(pkg.files.flatMap(f => (f.ready ? [f.ready] : [])));
        const entries = pkg.files.map(f => ({ name: f.relativePath, localPath: f.localPath, size: f.size }));
        for (const folder of emptyFolders(pkg))
            entries.push({ name: `${folder}/` });
        const zipPath = external_node_path_.join(work, fileName);
        const size = await (0,zip_writer/* writeDeterministicZip */.Dx)(entries, zipPath, { signal });
        return { path: zipPath, size, sha256: await sha256Of(zipPath), dispose };
    }
    catch (err) {
        await dispose();
        throw err;
    }
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
    const blobName = request.blobName ?? sfpkgBlobName(typeName, typeVersion);
    const fileName = blobName.split('/').pop();
    checkExternalStoreProvision(`https://check.invalid/${encodeURI(blobName)}`, { typeName, typeVersion }, request.manifest);
    const sfpkg = await buildSfpkg(request.pkg, fileName, request.tempBase, request.signal);
    try {
        log(`Built ${fileName}: ${request.pkg.files.length} files, ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (in a temporary folder; the package folder is only read).`);
        const result = await store.ensureUploaded(sfpkg, blobName, { signal: request.signal });
        const downloadUrl = await store.downloadUrl(blobName, request.expiresOn, request.signal);
        checkExternalStoreProvision(downloadUrl, { typeName, typeVersion }, request.manifest);
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
