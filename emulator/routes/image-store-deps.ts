// What the Image Store route families share: the store, its sessions, the journal, and how the
// emulated cluster shows paths.
import type { ContentStore } from '../content-store.js';
import type { Journal } from '../journal.js';
import type { UploadSessions } from '../upload-sessions.js';
import type { WriteOrderCheck } from '../write-order.js';
import type { WriteDropper } from '../faults.js';

export interface ImageStoreDeps {
  store: ContentStore;
  sessions: UploadSessions;
  journal: Journal;
  writeOrder: WriteOrderCheck;
  /** The fault "answered but not kept" (faults.ts). */
  dropper: WriteDropper;
  /** `\` as Windows clusters answer, or `/` as Linux clusters do. */
  separator: '\\' | '/';
  /** Entries per listing page before a ContinuationToken is given. */
  listPageSize: number;
}

/** A store path as the cluster shows it in `StoreRelativePath`. */
export function shownPath(deps: ImageStoreDeps, storePath: string): string {
  return storePath.split('/').join(deps.separator);
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
