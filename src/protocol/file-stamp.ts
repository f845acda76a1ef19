// What a listing says about when a file was written, besides its size: its FileVersion and its
// ModifiedDate (protocol reference §2). Used to tell a file this run wrote from one that was there
// before (a write the store acknowledged but did not keep leaves the old file, maybe of the same size).
import type { FileInfo } from './models.js';

export interface FileStamp {
  /** EpochDataLossNumber, EpochConfigurationNumber, VersionNumber; undefined when the listing lacks FileVersion. */
  version?: [bigint, bigint, bigint];
  /** ModifiedDate in milliseconds since the epoch; undefined when missing or unreadable. */
  modifiedMs?: number;
}

function int64(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  return undefined;
}

export function stampOf(info: { FileVersion?: unknown; ModifiedDate?: unknown } | undefined): FileStamp {
  const v = info?.FileVersion as Partial<FileInfo['FileVersion']> | undefined;
  const parts = [int64(v?.EpochDataLossNumber), int64(v?.EpochConfigurationNumber), int64(v?.VersionNumber)];
  const modified = typeof info?.ModifiedDate === 'string' ? Date.parse(info.ModifiedDate) : NaN;
  return {
    version: parts.every(p => p !== undefined) ? (parts as [bigint, bigint, bigint]) : undefined,
    modifiedMs: Number.isFinite(modified) ? modified : undefined
  };
}

/**
 * Whether `stamp` shows a write made after the write that gave `floor`. [undoc] VersionNumber is
 * taken to be the store's sequence number, increasing across the whole store within an epoch (the
 * replicated store's operation number; the reference's example and the emulator agree), and
 * versions are compared as the runtime orders epochs: data-loss number, then configuration number,
 * then the version number; equal versions are ordered by ModifiedDate if it differs, else `undefined`.
 * Without a FileVersion on either side, ModifiedDate decides (the same primary's clock wrote both), a
 * date equal to the floor's counting as newer. Without either, the listing cannot tell: `undefined`.
 */
export function isWrittenAfter(stamp: FileStamp, floor: FileStamp): boolean | undefined {
  const dated = stamp.modifiedMs !== undefined && floor.modifiedMs !== undefined;
  if (stamp.version && floor.version) {
    for (let i = 0; i < 3; i++) {
      const a = stamp.version[i]!;
      const b = floor.version[i]!;
      if (a !== b) return a > b;
    }
    // Equal versions: the same write, or a store that numbers each file's versions on its own (every
    // new file at 1). Different dates still order the two; equal ones cannot tell.
    return dated && stamp.modifiedMs !== floor.modifiedMs ? stamp.modifiedMs! > floor.modifiedMs! : undefined;
  }
  return dated ? stamp.modifiedMs! >= floor.modifiedMs! : undefined;
}

export function describeStamp(stamp: FileStamp): string {
  if (stamp.version) return `FileVersion ${stamp.version[2]} (epoch ${stamp.version[0]}/${stamp.version[1]})`;
  if (stamp.modifiedMs !== undefined) return `ModifiedDate ${new Date(stamp.modifiedMs).toISOString()}`;
  return 'no FileVersion or ModifiedDate';
}
