// What happens to the destination folder before the upload: a first listing that tells whether
// the endpoint is an Image Store at all and whether the destination exists, then the overwrite
// mode. A dry run asks the same questions and changes nothing.
import { inParallel } from '../util/concurrency.js';
import type { OverwriteMode } from './upload-spec.js';
import type { Reporter } from '../util/reporter.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { encodeStorePath, joinStorePath } from '../protocol/store-path.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import type { HttpResponse } from '../cluster/transport.js';

export interface PreparedDestination {
  /** `skip` found a complete upload already there: nothing is to be uploaded. */
  skip: boolean;
  /** The destination holds nothing now. */
  empty: boolean;
}

export class DestinationExistsError extends Error {
  override name = 'DestinationExistsError';
}

/** The endpoint answered, but not the way a Service Fabric gateway does. */
export class NotAnImageStoreError extends Error {
  override name = 'NotAnImageStoreError';
}

/** What is at the destination before anything is changed. */
export interface DestinationState {
  exists: boolean;
  /** Its root `_.dir` exists: a complete upload is there (only looked for when asked). */
  complete: boolean;
}

/**
 * Lists the destination once, reading the raw answer: a missing path is a 404 with an empty
 * body or a Fabric error (protocol reference §4); a 404 or 200 with an HTML page (a web server,
 * a proxy, a wrong port or path) is not "missing" and stops the run.
 */
export async function inspectDestination(
  client: ImageStoreClient,
  destination: string,
  options: { lookForRootMark: boolean; names?: SettingNames } = { lookForRootMark: true }
): Promise<DestinationState> {
  const names = options.names ?? CANONICAL_NAMES;
  const res = await client.gateway.call(
    { operation: 'list', storePath: destination },
    { method: 'GET', path: `/ImageStore/${encodeStorePath(destination)}`, accept: [200, 204, 404] }
  );
  const answer = readListingAnswer(res);
  if (answer === 'not-an-image-store') {
    throw new NotAnImageStoreError(
      `'${client.gateway.endpoint}' does not answer like a Service Fabric Image Store (listing '${destination}' got HTTP ${res.status} with ${describeBody(res)}): set '${names.ClusterEndpoint}' to the cluster's HTTP gateway, such as 'https://<host>:19080', with no path.`
    );
  }
  if (answer === 'missing') return { exists: false, complete: false };
  if (!options.lookForRootMark) return { exists: true, complete: false };
  const complete = (await client.getFileInfo(joinStorePath(destination, MARK_FILE_NAME))) !== undefined;
  return { exists: true, complete };
}

/** Classifies a listing answer (200, 204 or 404). */
export function readListingAnswer(res: HttpResponse): 'missing' | 'exists' | 'not-an-image-store' {
  if (res.status === 204) return 'exists';
  const text = res.body.toString('utf8').trim();
  if (res.status === 404) {
    if (text === '') return 'missing';
    const parsed = parseObject(text);
    return parsed !== undefined && typeof (parsed.Error as { Code?: unknown } | undefined)?.Code === 'string' ? 'missing' : 'not-an-image-store';
  }
  if (text === '') return 'exists';
  const parsed = parseObject(text);
  if (parsed === undefined) return 'not-an-image-store';
  const listish = (v: unknown) => v === undefined || Array.isArray(v);
  return listish(parsed.StoreFiles) && listish(parsed.StoreFolders) ? 'exists' : 'not-an-image-store';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describeBody(res: HttpResponse): string {
  const type = (String(res.headers['content-type'] ?? '').split(';')[0] ?? '').trim();
  const text = res.body.toString('utf8').trim();
  if (/^<(!doctype|html)/i.test(text) || type === 'text/html') return 'an HTML page';
  return `a body that is not an Image Store listing${type ? ` (${type})` : ''}`;
}

/** The error `overwrite: fail` gives over an existing destination, in a real run and a dry run alike. */
export function destinationExistsError(destination: string, names: SettingNames = CANONICAL_NAMES): DestinationExistsError {
  return new DestinationExistsError(
    `'${destination}' already exists in the Image Store and '${names.Overwrite}' is 'fail': delete it, choose another '${names.ImageStorePath}', or set '${names.Overwrite}' to replace, merge or skip.`
  );
}

export async function prepareDestination(
  client: ImageStoreClient,
  destination: string,
  mode: OverwriteMode,
  pkg: ScannedPackage,
  concurrency: number,
  state: DestinationState,
  reporter: Reporter,
  names: SettingNames = CANONICAL_NAMES
): Promise<PreparedDestination> {
  switch (mode) {
    case 'fail': {
      if (state.exists) throw destinationExistsError(destination, names);
      return { skip: false, empty: true };
    }
    case 'skip': {
      if (state.complete) {
        reporter.info(`'${destination}/${MARK_FILE_NAME}' exists: a complete upload is already there, and '${names.Overwrite}' is 'skip'.`);
        return { skip: true, empty: false };
      }
      if (!state.exists) return { skip: false, empty: true };
      // Anything there without the root mark file is an incomplete upload: start afresh.
      await client.delete(destination);
      reporter.info(`Deleted '${destination}' (no complete upload was there).`);
      return { skip: false, empty: true };
    }
    case 'replace': {
      if (!state.exists) {
        reporter.info(`'${destination}' does not exist yet: nothing to delete before uploading.`);
        return { skip: false, empty: true };
      }
      await client.delete(destination);
      reporter.info(`Deleted '${destination}' before uploading ('${names.Overwrite}: replace').`);
      return { skip: false, empty: true };
    }
    case 'merge': {
      if (!state.exists) return { skip: false, empty: true };
      // The folders about to change must not look complete while they do: their mark files go
      // first, the root's before all others, and are written again after the upload.
      await client.delete(joinStorePath(destination, MARK_FILE_NAME));
      const others = pkg.folders.filter(f => f !== '');
      await inParallel(others, concurrency, f => client.delete(joinStorePath(destination, f, MARK_FILE_NAME)));
      reporter.info(`Merging into '${destination}': removed the mark files of ${pkg.folders.length} folder(s) until the upload completes.`);
      return { skip: false, empty: false };
    }
  }
}
