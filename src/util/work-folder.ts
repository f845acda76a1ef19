// A temporary folder a step builds its files in (the compressed copy, the stamped manifests, the
// `.sfpkg`), removed by one dispose that any number of callers may await: each of them returns only
// once the folder is gone. A build that fails removes the folder before its error goes on.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface WorkFolder {
  /** Absolute path of the folder. */
  readonly path: string;
  /** Removes the folder (after `beforeRemove`, once); every call waits for that same removal. */
  readonly dispose: () => Promise<void>;
}

/** The temporary folders' parent: the runner's RUNNER_TEMP (emptied after every job), else the OS's. */
export function temporaryBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TEMP && env.RUNNER_TEMP.trim() !== '' ? env.RUNNER_TEMP : os.tmpdir();
}

/**
 * Creates `<tempBase>/<prefix>XXXXXX`. `beforeRemove` runs first on dispose (stop the work that
 * writes into the folder and wait for it); its failure does not keep the folder.
 */
export async function createWorkFolder(tempBase: string, prefix: string, beforeRemove?: () => Promise<void>): Promise<WorkFolder> {
  const folder = await fs.mkdtemp(path.join(tempBase, prefix));
  let removal: Promise<void> | undefined;
  const remove = async () => {
    try {
      await beforeRemove?.();
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  };
  return {
    path: folder,
    dispose: () => (removal ??= remove())
  };
}

/** Runs `build`, which fills `folder`; when it fails, the folder is removed before the error goes on. */
export async function buildInWorkFolder<T>(folder: WorkFolder, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    await folder.dispose();
    throw err;
  }
}
