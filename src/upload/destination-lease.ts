// One writer per destination at a time, on a store that has no locks and no conditional writes.
//
// Each run writes a lease marker, a small file named after the run, in a folder beside the
// destination (`<destination>.sfu-lease/`, outside the package so that neither `overwrite: replace`
// nor the provision ever sees it), then lists that folder. The store gives every write a FileVersion
// that grows with each write (see src/protocol/file-stamp.ts), so the markers are ordered: the run
// whose marker is the oldest one listed goes on; a run that finds an older marker stops before it
// writes anything to the destination. Of two runs that overlap, the later one's listing comes after
// its own marker, hence after the earlier marker: it sees it and stops. So at most one of any set of
// overlapping runs writes, and the one that writes can verify that every file it wrote is newer than
// its marker (verify-destination.ts). Before the package root's mark file, the run checks that its
// marker is still there, unchanged.
//
// What this cannot stop: a writer that takes no lease (an older version of this action, sfctl, a
// person), and a request of a run that has already finished and whose answer was lost, which the
// store may still carry out later.
import { randomUUID } from 'node:crypto';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { type FileStamp, isWrittenAfter, stampOf } from '../protocol/file-stamp.js';
import { baseName, joinStorePath, normalizeStorePath } from '../protocol/store-path.js';

/**
 * A marker older than this is left by a run that ended without removing it (killed, lost runner):
 * ignored and deleted. A GitHub-hosted job runs 6 hours at most.
 */
export const STALE_LEASE_MS = 6 * 60 * 60 * 1000;

export const LEASE_FOLDER_SUFFIX = '.sfu-lease';

/** Another run holds the destination; nothing was written to it. */
export class DestinationBusyError extends Error {
  override name = 'DestinationBusyError';
}

export interface LeaseHooks {
  log: (line: string) => void;
  warn: (line: string) => void;
}

interface Marker {
  name: string;
  path: string;
  stamp: FileStamp;
}

export function leaseFolderOf(destination: string): string {
  return `${normalizeStorePath(destination)}${LEASE_FOLDER_SUFFIX}`;
}

/** A name for this run's marker: random, so that two runs never share one. */
export function leaseName(): string {
  return `run-${randomUUID()}`;
}

export class DestinationLease {
  private released = false;

  private constructor(
    private readonly client: ImageStoreClient,
    readonly destination: string,
    private readonly own: Marker
  ) {}

  /** The stamp of this run's marker: every file this run writes afterwards must be newer. */
  get floor(): FileStamp {
    return this.own.stamp;
  }

  get markerPath(): string {
    return this.own.path;
  }

  /** Writes this run's marker and goes on only when no older one is listed; DestinationBusyError otherwise. */
  static async acquire(client: ImageStoreClient, destination: string, hooks: LeaseHooks, name = leaseName()): Promise<DestinationLease> {
    const folder = leaseFolderOf(destination);
    const path = joinStorePath(folder, name);
    const body = Buffer.from(`${JSON.stringify({ destination, run: name, written: new Date().toISOString() })}\n`);
    await client.uploadFile(path, body);
    const markers = await listMarkers(client, folder);
    const own = markers.find(m => sameName(m.name, name));
    if (!own) {
      await client.forCleanup().delete(path);
      throw new Error(
        `The Image Store answered the write of this run's lease '${path}' but does not list it, so this run cannot tell whether another one writes to '${destination}': nothing was written there. Run the step again.`
      );
    }
    const lease = new DestinationLease(client, destination, own);
    const older: Marker[] = [];
    for (const other of markers) {
      if (other === own || isWrittenAfter(other.stamp, own.stamp) === true) continue;
      if (isStale(other, own)) {
        hooks.warn(`Deleting the lease '${other.path}': it is more than 6 hours older than this run's, so the run that wrote it ended without removing it.`);
        await client.delete(other.path);
        continue;
      }
      older.push(other);
    }
    if (older.length > 0) {
      await lease.release();
      const first = older[0]!;
      const written = first.stamp.modifiedMs === undefined ? '' : ` since ${new Date(first.stamp.modifiedMs).toISOString()}`;
      throw new DestinationBusyError(
        `Another run is writing to '${destination}' (its lease '${first.path}' is there${written}): this run stopped before changing anything there, so that the two cannot mix their files. Run it again when the other one has finished, or give each run its own 'image-store-path'. If no other run is going on (one was killed), delete '${first.path}'; a lease older than 6 hours is ignored.`
      );
    }
    hooks.log(`Wrote this run's lease '${path}': other runs of this action leave '${destination}' alone until it is removed.`);
    return lease;
  }

  /** Throws unless this run's marker is still listed, unchanged (nothing took the destination over). */
  async confirm(): Promise<void> {
    const markers = await listMarkers(this.client, leaseFolderOf(this.destination));
    const own = markers.find(m => sameName(m.name, this.own.name));
    // A listing without FileVersion or ModifiedDate cannot show a rewrite: present is all it can tell.
    const unchanged = own !== undefined && isWrittenAfter(own.stamp, this.own.stamp) !== true;
    if (!unchanged) {
      throw new Error(
        `This run's lease '${this.own.path}' was ${own ? 'written again' : 'deleted'} during the upload by something else, so another writer may have changed '${this.destination}' too: the package root's mark file was not written. Run the step again.`
      );
    }
  }

  /**
   * Deletes this run's marker, with the lease folder when it holds nothing else; best effort, once.
   * Two round trips: the folder is listed, then deleted whole when this run's marker is all it holds,
   * else the marker alone (also when the listing fails, so that a lost listing leaves no lease behind).
   */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const cleanup = this.client.forCleanup();
    const folder = leaseFolderOf(this.destination);
    const left = await cleanup.list(folder).catch(() => undefined);
    const ownAlone =
      left !== undefined &&
      left.folders.length === 0 &&
      left.files.every(f => sameName(baseName(normalizeStorePath(String(f.StoreRelativePath))), this.own.name));
    // Another run's marker written between this listing and the delete would go too: that run
    // then fails its confirm() (safe side) rather than writing beside someone else.
    await cleanup.delete(ownAlone ? folder : this.own.path);
  }
}

async function listMarkers(client: ImageStoreClient, folder: string): Promise<Marker[]> {
  const listing = await client.list(folder);
  return (listing?.files ?? []).map(f => {
    const name = baseName(normalizeStorePath(String(f.StoreRelativePath)));
    return { name, path: joinStorePath(folder, name), stamp: stampOf(f) };
  });
}

function sameName(a: string, b: string): boolean {
  // Windows clusters answer in their own case; a random name differs in more than case.
  return a.toLowerCase() === b.toLowerCase();
}

function isStale(other: Marker, own: Marker): boolean {
  return other.stamp.modifiedMs !== undefined && own.stamp.modifiedMs !== undefined && own.stamp.modifiedMs - other.stamp.modifiedMs > STALE_LEASE_MS;
}
