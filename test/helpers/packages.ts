// Test packages on disk, and the byte-for-byte comparison of a store folder with a package.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestEmulator } from './emulator.js';
import { inParallel } from '../../src/util/concurrency.js';

/** File contents by package-relative path: a string, bytes, or a size for random bytes. */
/** The smallest ApplicationManifest.xml the action's offline validation accepts (no services). */
export function appManifest(version = '1.0.0', typeName = 'App'): string {
  return `<ApplicationManifest ApplicationTypeName="${typeName}" ApplicationTypeVersion="${version}"/>`;
}
export const APP_MANIFEST = appManifest();

export type PackageSpec = Record<string, string | Buffer | number>;

export async function makePackage(spec: PackageSpec, name = 'App', emptyFolders: string[] = []): Promise<string> {
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-pkg-')), name);
  await mkdir(root, { recursive: true });
  const entries = Object.entries(spec);
  const folders = new Set(entries.map(([rel]) => path.dirname(path.join(root, ...rel.split('/')))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  await inParallel(entries, 32, async ([rel, content]) => {
    await writeFile(path.join(root, ...rel.split('/')), typeof content === 'number' ? randomBytes(content) : content);
  });
  for (const folder of emptyFolders) await mkdir(path.join(root, ...folder.split('/')), { recursive: true });
  return root;
}

/** A realistic Service Fabric package: manifests, two services, Code/Config/Data, many small files. */
export function realisticPackageSpec(options: { smallFiles: number; largeSizes: number[] }): PackageSpec {
  const spec: PackageSpec = {
    'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="VotingType" ApplicationTypeVersion="1.0.0"/>',
    'VotingWebPkg/ServiceManifest.xml': '<ServiceManifest Name="VotingWebPkg" Version="1.0.0"/>',
    'VotingWebPkg/Config/Settings.xml': '<Settings/>',
    'VotingDataPkg/ServiceManifest.xml': '<ServiceManifest Name="VotingDataPkg" Version="1.0.0"/>',
    'VotingDataPkg/Config/Settings.xml': '<Settings/>',
    'VotingDataPkg/Code/empty.txt': ''
  };
  for (let i = 0; i < options.smallFiles; i++) {
    const svc = i % 2 === 0 ? 'VotingWebPkg' : 'VotingDataPkg';
    spec[`${svc}/Code/lib${i % 5}/file${i}.dll`] = 1 + ((i * 7919) % 20000);
  }
  options.largeSizes.forEach((size, i) => {
    spec[`VotingDataPkg/Data/blob${i}.bin`] = size;
  });
  return spec;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function walk(dir: string, rel = ''): Promise<{ files: string[]; folders: string[] }> {
  const files: string[] = [];
  const folders: string[] = [''];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const r = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isDirectory()) {
      const sub = await walk(path.join(dir, d.name), r);
      files.push(...sub.files);
      folders.push(...sub.folders.map(f => (f === '' ? r : f)));
    } else {
      files.push(r);
    }
  }
  return { files, folders };
}

/** Folders of a package on disk, its root included. */
export async function countFolders(packageDir: string): Promise<number> {
  return (await walk(packageDir)).folders.length;
}

/**
 * Asserts the store folder holds exactly the package: the same files with the same bytes, and
 * one empty `_.dir` in every folder, root included, and nothing else.
 */
export async function assertStoreMatchesPackage(emu: TestEmulator, destination: string, packageDir: string): Promise<void> {
  const local = await walk(packageDir);
  const stored = await walk(emu.diskPath(destination));
  const expected = [...local.files, ...local.folders.map(f => (f === '' ? '_.dir' : `${f}/_.dir`))].sort();
  assert.deepEqual(stored.files.sort(), expected, 'the store holds other files than the package and its mark files');
  for (const rel of local.files) {
    const a = path.join(packageDir, ...rel.split('/'));
    const b = emu.diskPath(`${destination}/${rel}`);
    assert.equal((await stat(b)).size, (await stat(a)).size, `size of ${rel}`);
    assert.equal(await sha256(b), await sha256(a), `bytes of ${rel}`);
  }
  for (const folder of local.folders) {
    const mark = emu.diskPath(folder === '' ? `${destination}/_.dir` : `${destination}/${folder}/_.dir`);
    assert.equal((await stat(mark)).size, 0, `mark file of '${folder}'`);
  }
}

/** The journal shows a clean run: no protocol mistake and no session left open. */
export function assertCleanJournal(emu: TestEmulator): void {
  assert.deepEqual(emu.journal.mistakes, [], 'the emulator journaled protocol mistakes');
  assert.deepEqual(
    emu.emulator.sessions.all().map(s => s.path),
    [],
    'upload sessions were left open'
  );
}

/** Journal entries that changed the store. */
export function writesOf(emu: TestEmulator) {
  return emu.journal.entries.filter(e => e.op !== 'delete-session');
}
