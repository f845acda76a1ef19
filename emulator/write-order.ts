// The protocol mistakes about mark files, checked after every write when the journal is on: a
// write beneath a folder whose mark file already exists tells the cluster a folder was complete
// when it was not; so does a mark file written while anything beneath its folder is still open or
// a sub-folder has no mark file yet. Paths compare as the store compares them (case-insensitively
// on a Windows cluster).
import { MARK_FILE_NAME } from '../src/protocol/error-codes.js';
import { parentStorePath } from '../src/protocol/store-path.js';
import type { ContentStore } from './content-store.js';
import type { Journal } from './journal.js';
import type { UploadSessions } from './upload-sessions.js';

export class WriteOrderCheck {
  /** Plain PUT bodies still arriving, by path key. */
  private readonly putsInFlight = new Map<string, { path: string; count: number }>();

  constructor(
    private readonly store: ContentStore,
    private readonly sessions: UploadSessions,
    private readonly journal: Journal
  ) {}

  putStarted(storePath: string): void {
    const key = this.store.comparer.key(storePath);
    const entry = this.putsInFlight.get(key) ?? { path: storePath, count: 0 };
    entry.count++;
    this.putsInFlight.set(key, entry);
  }

  putEnded(storePath: string): void {
    const key = this.store.comparer.key(storePath);
    const entry = this.putsInFlight.get(key);
    if (!entry) return;
    if (--entry.count === 0) this.putsInFlight.delete(key);
  }

  async check(storePath: string, { markFileCheck = true } = {}): Promise<void> {
    if (!this.journal.enabled) return;
    const paths = this.store.comparer;
    const isMark = this.store.isMarkFile(storePath);
    const folder = parentStorePath(storePath);
    for (let ancestor = isMark ? parentStorePath(folder) : folder; ; ancestor = parentStorePath(ancestor)) {
      if (ancestor !== '' && this.store.hasMarkFile(ancestor)) {
        this.journal.mistake('write-beneath-mark-file', storePath, `'${ancestor}/${MARK_FILE_NAME}' was written before '${storePath}'`);
      }
      if (ancestor === '') break;
    }
    if (!isMark || !markFileCheck || folder === '') return;
    const problems: string[] = [];
    for (const s of this.sessions.all()) {
      if (paths.isSameOrBeneath(s.path, folder)) problems.push(`upload session for '${s.path}' still open`);
    }
    for (const { path } of this.putsInFlight.values()) {
      if (!paths.same(path, storePath) && paths.isSameOrBeneath(path, folder)) problems.push(`upload of '${path}' still in progress`);
    }
    for (const sub of await this.store.subFolders(folder)) {
      if (!this.store.hasMarkFile(sub)) problems.push(`sub-folder '${sub}' has no mark file`);
    }
    for (const detail of problems) this.journal.mistake('mark-file-before-complete', storePath, detail);
  }
}
