// The ExternalStore provision kind (cluster management reference, "Provision from an external
// store"): the cluster downloads an `.sfpkg` from the URL it is given, unpacks it and hands it to the
// same image builder as an Image Store package. The description is checked when the request comes;
// the download is made by the build (after the 202 of an asynchronous provision, before the answer
// of a synchronous one); the package is unpacked into a temporary folder, deleted after the build.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { ApplicationManifest } from '../../src/protocol/manifests.js';
import { ManifestError, parseApplicationManifest } from '../../src/protocol/manifests.js';
import { APPLICATION_MANIFEST_FILE } from '../../src/protocol/package-layout.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { validationError } from './application-types.js';
import { readPackageFolder, type StoredPackage } from './package-reader.js';
import { zipProblem } from './zip-check.js';

/** [undoc] The largest `.sfpkg` the emulator downloads (it holds it in memory to unpack it). */
const MAX_SFPKG_BYTES = 512 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;

export interface ExternalPackage {
  pkg: StoredPackage;
  identity: { xml: string; manifest: ApplicationManifest };
  /** How messages name the package: the URL's path, never its query (a SAS). */
  buildPath: string;
  dispose(): Promise<void>;
}

export interface ExternalDescription {
  url: URL;
  /** How messages name the package: the URL's path, never its query (a SAS). */
  buildPath: string;
  typeName: string;
  typeVersion: string;
}

/**
 * Checks the ExternalStore description (answered at once with 400 E_INVALIDARG): the fields, an
 * http or https URI whose file name ends in `.sfpkg`. Nothing is downloaded yet.
 */
export function readExternalDescription(body: Record<string, unknown>): ExternalDescription {
  const model = 'ExternalStoreProvisionApplicationTypeDescription';
  const field = (name: string) => {
    const v = body[name];
    if (typeof v !== 'string' || v === '') throw FabricHttpError.invalidArg(`${model}.${name} is required (a string).`);
    return v;
  };
  const uri = field('ApplicationPackageDownloadUri');
  const typeName = field('ApplicationTypeName');
  const typeVersion = field('ApplicationTypeVersion');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw FabricHttpError.invalidArg(`${model}.ApplicationPackageDownloadUri is not a URI.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw FabricHttpError.invalidArg(`ApplicationPackageDownloadUri must be http or https, not ${url.protocol}.`);
  if (!decodeURIComponent(url.pathname).toLowerCase().endsWith('.sfpkg')) {
    throw FabricHttpError.invalidArg(`ApplicationPackageDownloadUri '${url.origin}${url.pathname}' does not name a file ending in .sfpkg.`);
  }
  return { url, buildPath: `${url.origin}${url.pathname}`, typeName, typeVersion };
}

/**
 * Downloads and unpacks the `.sfpkg`, and reads its manifest. Every failure here (download, archive,
 * name or version) is the image builder's: [undoc] a synchronous provision answers it with 400, an
 * asynchronous one lists the version Failed with it.
 */
export async function fetchExternalPackage(description: ExternalDescription, ca?: string, signal?: AbortSignal): Promise<ExternalPackage> {
  const { url, buildPath, typeName, typeVersion } = description;
  const bytes = await download(url, buildPath, ca, signal);
  const problem = zipProblem(bytes);
  if (problem !== undefined) throw validationError(`The application package '${buildPath}' is not a valid .sfpkg: ${problem}.`);
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-emulator-sfpkg-'));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    await unzipInto(bytes, root, buildPath);
    const pkg = await readPackageFolder(root);
    const xml = pkg.view.readText(APPLICATION_MANIFEST_FILE);
    if (xml === undefined) throw validationError(`The BuildLayout of the application in '${buildPath}' is invalid. ${APPLICATION_MANIFEST_FILE} is missing.`);
    let manifest: ApplicationManifest;
    try {
      manifest = parseApplicationManifest(xml, `${buildPath}/${APPLICATION_MANIFEST_FILE}`);
    } catch (err) {
      if (err instanceof ManifestError) throw validationError(err.message);
      throw err;
    }
    if (manifest.typeName !== typeName || manifest.typeVersion !== typeVersion) {
      throw validationError(
        `The application type ${typeName} ${typeVersion} of the provision does not match ${manifest.typeName} ${manifest.typeVersion} in the ApplicationManifest.xml of '${buildPath}'.`
      );
    }
    return { pkg, identity: { xml, manifest }, buildPath, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** GET without redirects, a timeout and a size bound; `ca` is trusted besides Node's CAs (for a local https Azurite). */
function download(url: URL, shown: string, ca: string | undefined, signal: AbortSignal | undefined): Promise<Buffer> {
  const failed = (why: string) => validationError(`Could not download the application package '${shown}': ${why}.`);
  return new Promise<Buffer>((resolve, reject) => {
    const options = url.protocol === 'https:' && ca !== undefined ? { ca: [...tls.rootCertificates, ca] } : {};
    const req = (url.protocol === 'https:' ? https : http).get(url, { ...options, timeout: DOWNLOAD_TIMEOUT_MS, signal }, res => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(failed(`the server answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_SFPKG_BYTES) {
          req.destroy();
          reject(failed(`it is larger than the emulator's ${MAX_SFPKG_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', err => reject(failed(err.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`)));
    req.on('error', err => reject(failed(err.message)));
  });
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_ENTRY = 0x02014b50;

/** Unpacks an archive `zipProblem` accepted (so its entries are relative `/` paths): stored or deflated entries, zip64 included, CRC-32 checked. */
async function unzipInto(bytes: Buffer, root: string, shown: string): Promise<void> {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let entries = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (entries === 0xffff || offset === 0xffffffff) {
    const at = Number(bytes.readBigUInt64LE(eocd - 20 + 8));
    entries = Number(bytes.readBigUInt64LE(at + 32));
    offset = Number(bytes.readBigUInt64LE(at + 48));
  }
  const bad = (why: string) => validationError(`The application package '${shown}' is not a valid .sfpkg: ${why}.`);
  let p = offset;
  for (let i = 0; i < entries; i++) {
    if (bytes.readUInt32LE(p) !== CENTRAL_ENTRY) throw bad(`central directory entry ${i + 1} is damaged`);
    const method = bytes.readUInt16LE(p + 10);
    const crc = bytes.readUInt32LE(p + 16);
    let compressedSize = bytes.readUInt32LE(p + 20);
    let size = bytes.readUInt32LE(p + 24);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    let localOffset = bytes.readUInt32LE(p + 42);
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLength);
    // zip64 extended information: the fields whose classic value is all ones, in this order.
    for (let e = p + 46 + nameLength; e < p + 46 + nameLength + extraLength;) {
      const id = bytes.readUInt16LE(e);
      const len = bytes.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = Number(bytes.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(bytes.readBigUInt64LE(q));
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(bytes.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    p += 46 + nameLength + extraLength + commentLength;
    const target = path.join(root, ...name.split('/').filter(s => s !== ''));
    if (name.endsWith('/')) {
      await mkdir(target, { recursive: true });
      continue;
    }
    if (bytes.readUInt32LE(localOffset) !== LOCAL_HEADER) throw bad(`the local header of '${name}' is damaged`);
    const dataAt = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    const data = bytes.subarray(dataAt, dataAt + compressedSize);
    let content: Buffer;
    if (method === 0) content = data;
    else if (method === 8) {
      try {
        content = zlib.inflateRawSync(data);
      } catch {
        throw bad(`'${name}' does not inflate`);
      }
    } else throw bad(`'${name}' uses compression method ${method} (only stored and deflate are read)`);
    if (content.length !== size || zlib.crc32(content) !== crc) throw bad(`'${name}' does not match its size or CRC-32`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}
