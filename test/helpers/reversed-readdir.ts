// Every readdir listing backwards, to check that what a user sees does not depend on the order a
// file system lists a folder in (ext4 orders by a hash seeded per file system).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

type Readdir = typeof fs.readdir;

/** Runs `work` with every readdir (callback and promise forms, as the walk and @actions/glob call them) listing backwards. */
export async function withReaddirReversed<T>(work: () => Promise<T>): Promise<T> {
  const callbackForm = fs.readdir;
  const promiseForm = fs.promises.readdir;
  const reversed = (value: unknown) => (Array.isArray(value) ? [...value].reverse() : value);
  fs.readdir = ((...args: unknown[]) => {
    const callback = args.pop() as (err: unknown, value?: unknown) => void;
    return (callbackForm as (...a: unknown[]) => void)(...args, (err: unknown, value: unknown) => callback(err, reversed(value)));
  }) as Readdir;
  fs.promises.readdir = (async (...args: Parameters<typeof promiseForm>) => reversed(await promiseForm(...args))) as typeof promiseForm;
  syncBuiltinESMExports();
  try {
    return await work();
  } finally {
    fs.readdir = callbackForm;
    fs.promises.readdir = promiseForm;
    syncBuiltinESMExports();
  }
}
