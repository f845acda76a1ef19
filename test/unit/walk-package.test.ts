// The walk of the package folder (the default include '**') against @actions/glob's path, on real
// trees in a temp folder: the same ScannedPackage, the same listing, the same error. The glob
// path is asked for explicitly: scanPackage(..., { useGlob: true }) and listWithGlob().
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { escapeGlob, listWithGlob, scanPackage, type ScannedPackage } from '../../src/package/package-scan.js';
import { walkPackage, type PackageListing } from '../../src/package/walk-package.js';

const MANIFEST = '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>';

/** A package folder holding `files` (relative path → content) and the `empty` folders. */
async function tree(files: Record<string, string>, empty: string[] = []): Promise<string> {
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-walk-')), 'App');
  await mkdir(root, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, content);
  }
  for (const rel of empty) await mkdir(path.join(root, ...rel.split('/')), { recursive: true });
  return root;
}

/** Links `rel` (in `root`) to `target` (relative to the link's folder, or absolute). */
async function link(root: string, rel: string, target: string): Promise<void> {
  await symlink(target, path.join(root, ...rel.split('/')));
}

/** scanPackage both ways: the same result, or the same error. */
async function scanBothWays(root: string): Promise<ScannedPackage | Error> {
  const settle = (p: Promise<ScannedPackage>) =>
    p.then(
      r => r,
      (e: unknown) => e as Error
    );
  const [walked, globbed] = await Promise.all([settle(scanPackage(root, ['**'])), settle(scanPackage(root, ['**'], { useGlob: true }))]);
  if (globbed instanceof Error) {
    assert.ok(walked instanceof Error, `glob failed (${globbed.message}) and the walk did not`);
    assert.equal(walked.constructor, globbed.constructor);
    assert.equal(walked.message, globbed.message);
  } else {
    assert.deepEqual(walked, globbed);
  }
  return walked;
}

async function sameScan(root: string): Promise<ScannedPackage> {
  const result = await scanBothWays(root);
  if (result instanceof Error) throw result;
  return result;
}

async function sameError(root: string, message: RegExp): Promise<void> {
  const result = await scanBothWays(root);
  assert.ok(result instanceof Error, 'the scan did not fail');
  assert.match(result.message, message);
}

/** The listings before scanPackage's checks (for names a Windows cluster cannot store), in a comparable form. */
async function sameListing(root: string): Promise<PackageListing> {
  const realRoot = await realpath(root);
  const sorted = (l: PackageListing) => ({
    files: [...l.files].sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1)),
    folders: new Set([...l.folders].sort()),
    ignoredMarkFiles: l.ignoredMarkFiles
  });
  const walked = sorted(await walkPackage(root, realRoot));
  assert.deepEqual(walked, sorted(await listWithGlob(root, realRoot, `${escapeGlob(root)}/**`)));
  return walked;
}

describe('walk of the package folder, against the glob path', () => {
  it('nested folders, empty folders, hidden files and _.dir files', async () => {
    const root = await tree(
      {
        'ApplicationManifest.xml': MANIFEST,
        'Svc/ServiceManifest.xml': '<s/>',
        'Svc/Code/a.dll': 'aaaa',
        'Svc/Code/bin/deep/b.dll': 'bb',
        'Svc/.hidden': 'h',
        '.config/settings.json': '{}',
        '_.dir': '',
        'Svc/Code/_.dir': ''
      },
      ['Empty', 'Svc/Data/Nothing/Here', '.emptyhidden']
    );
    const pkg = await sameScan(root);
    assert.deepEqual(
      pkg.files.map(f => [f.relativePath, f.size]),
      [
        ['.config/settings.json', 2],
        ['ApplicationManifest.xml', MANIFEST.length],
        ['Svc/.hidden', 1],
        ['Svc/Code/a.dll', 4],
        ['Svc/Code/bin/deep/b.dll', 2],
        ['Svc/ServiceManifest.xml', 4]
      ]
    );
    assert.deepEqual(pkg.folders, [
      '',
      '.config',
      '.emptyhidden',
      'Empty',
      'Svc',
      'Svc/Code',
      'Svc/Code/bin',
      'Svc/Code/bin/deep',
      'Svc/Data',
      'Svc/Data/Nothing',
      'Svc/Data/Nothing/Here'
    ]);
    assert.equal(pkg.ignoredMarkFiles, 2);
    assert.equal(pkg.files[0]?.localPath, path.join(root, '.config', 'settings.json'));
  });

  it('names with [ ] { } ! # and spaces, and * ? \\ (which a Windows cluster refuses: the same error, and the same listing)', async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'a [b] {c,d} !e #f/g h.txt': 'x', '[x]/ y': 'y' }, ['[only', '{}']);
    const pkg = await sameScan(root);
    assert.deepEqual(
      pkg.files.map(f => f.relativePath),
      ['ApplicationManifest.xml', '[x]/ y', 'a [b] {c,d} !e #f/g h.txt']
    );
    assert.deepEqual(pkg.folders, ['', '[only', '[x]', 'a [b] {c,d} !e #f', '{}']);

    const odd = await tree({ 'ApplicationManifest.xml': MANIFEST, 'star*/q?.txt': 'q', 'back\\slash/f': 'b', 'x/*': 's', 'x/?': 'q' }, ['e\\mpty*']);
    await sameError(odd, /cannot be stored on a Windows cluster/);
    const listing = await sameListing(odd);
    assert.deepEqual(
      listing.files.map(f => f.relativePath),
      ['ApplicationManifest.xml', 'back\\slash/f', 'star*/q?.txt', 'x/*', 'x/?']
    );
    assert.deepEqual([...listing.folders], ['', 'back\\slash', 'e\\mpty*', 'star*', 'x']);
  });

  it('a link to a file, a link to a folder inside the package, and links to links', async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Shared/config.json': '{"a":1}', 'Shared/Sub/x.bin': 'xyz' });
    await link(root, 'file-link.json', path.join('Shared', 'config.json'));
    await link(root, 'Linked', 'Shared');
    await link(root, 'Shared/Sub/up', path.join('..', '..', 'Linked', 'config.json'));
    await link(root, 'LinkToLink', 'Linked');
    const pkg = await sameScan(root);
    const byPath = new Map(pkg.files.map(f => [f.relativePath, f]));
    assert.equal(byPath.get('file-link.json')?.size, 7);
    assert.equal(byPath.get('file-link.json')?.localPath, path.join(root, 'file-link.json'));
    assert.equal(byPath.get('Linked/Sub/x.bin')?.size, 3);
    assert.equal(byPath.get('LinkToLink/Sub/up')?.size, 7);
    assert.ok(pkg.folders.includes('LinkToLink/Sub'));
  });

  it('link loops: to the root, to the folder itself, and through another linked folder (skipped, as glob skips them)', async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'A/a.txt': 'a', 'B/b.txt': 'b' });
    await link(root, 'A/to-root', '..');
    await link(root, 'A/self', '.');
    await link(root, 'B/to-a', path.join('..', 'A'));
    await link(root, 'A/to-b', path.join('..', 'B'));
    const pkg = await sameScan(root);
    assert.ok(!pkg.folders.includes('A/to-root') && !pkg.folders.includes('A/self'));
    // A/to-b is B (not an ancestor of A): walked; inside it, to-a leads back to A: skipped.
    assert.ok(pkg.files.some(f => f.relativePath === 'A/to-b/b.txt'));
    assert.ok(!pkg.folders.includes('A/to-b/to-a'));
    assert.ok(pkg.files.some(f => f.relativePath === 'B/to-a/a.txt'));
    assert.ok(!pkg.folders.includes('B/to-a/to-b'), 'B/to-a is A, whose to-b is B again: an ancestor, skipped');
  });

  it('a package folder given through a link: links inside are judged by the real folder', async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Svc/a.txt': 'a' });
    await link(root, 'Svc/back', path.join('..', 'ApplicationManifest.xml'));
    const via = path.join(path.dirname(root), 'via-link');
    await symlink(root, via);
    const pkg = await sameScan(via);
    assert.equal(pkg.root, via);
    assert.deepEqual(
      pkg.files.map(f => f.localPath),
      [path.join(via, 'ApplicationManifest.xml'), path.join(via, 'Svc', 'a.txt'), path.join(via, 'Svc', 'back')]
    );
  });

  it('a link to a file or a folder outside the package: the same error', async () => {
    const outside = await tree({ 'secret.txt': 's', 'Dir/x.txt': 'x' });
    const fileLink = await tree({ 'ApplicationManifest.xml': MANIFEST });
    await link(fileLink, 'secret.txt', path.join(outside, 'secret.txt'));
    await sameError(fileLink, /^'secret\.txt' in 'package-path' is a link to '.*secret\.txt', outside the package/);
    const folderLink = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Svc/a.txt': 'a' });
    await link(folderLink, 'Svc/Out', path.join(outside, 'Dir'));
    await sameError(folderLink, /^'Svc\/Out' in 'package-path' is a link to '.*Dir', outside the package/);
    const rootLink = await tree({ 'ApplicationManifest.xml': MANIFEST });
    await link(rootLink, 'Parent', '..');
    await sameError(rootLink, /^'Parent' in 'package-path' is a link to '.*', outside the package/);
  });

  it('a link to a folder outside holding many files: the glob path names the link itself, every time', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`Dir/f${i}.txt`] = 'x';
    const outside = await tree(files);
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Svc/a.txt': 'a' });
    await link(root, 'Svc/Out', path.join(outside, 'Dir'));
    const realRoot = await realpath(root);
    for (let run = 0; run < 20; run++) {
      const error = await listWithGlob(root, realRoot, `${escapeGlob(root)}/**`).then(
        () => undefined,
        (e: unknown) => e as Error
      );
      assert.match(error?.message ?? 'no error', /^'Svc\/Out' in 'package-path' is a link to '.*Dir', outside the package/);
    }
  });

  it('a broken link, a link to itself, and a broken link found before a link outside: the same error', async () => {
    const broken = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Svc/a.txt': 'a' });
    await link(broken, 'Svc/dangling', 'gone');
    await sameError(broken, /^'Svc\/dangling' in 'package-path' is a broken symbolic link: .* '!Svc\/dangling' in 'include'/);

    const loop = await tree({ 'ApplicationManifest.xml': MANIFEST });
    await link(loop, 'me', 'me');
    await sameError(loop, /^'me' in 'package-path' is a symbolic link that loops/);

    // glob throws a broken link during its walk, before any path is inspected.
    const both = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Z/a.txt': 'a' });
    await link(both, 'A-out', await tree({ 'x.txt': 'x' }));
    await link(both, 'Z/dangling', 'gone');
    await sameError(both, /^'Z\/dangling' in 'package-path' is a broken symbolic link/);

    // Several broken links: the walk names the first depth first by name (see scan-order.test.ts);
    // glob throws the first it meets in readdir order, which depends on the file system.
    const many = await tree({ 'ApplicationManifest.xml': MANIFEST, 'P/Q/a.txt': 'a', 'R/b.txt': 'b' });
    for (const rel of ['P/Q/x', 'P/y', 'R/z', 'w']) await link(many, rel, 'gone');
    await assert.rejects(scanPackage(many, ['**']), { message: /^'P\/Q\/x' in 'package-path' is a broken symbolic link/ });
    await assert.rejects(scanPackage(many, ['**'], { useGlob: true }), { message: /^'(P\/Q\/x|P\/y|R\/z|w)' in 'package-path' is a broken symbolic link/ });
  });

  // The one difference, on purpose: glob walks a linked folder outside the package (all of it:
  // a link to '/' is a walk of the disk) and throws the first broken link or unreadable folder it
  // meets there; the walk refuses the link itself, without going in.
  it('a link to a folder outside the package is refused without walking it, even when glob would meet a broken link in it', async () => {
    const outside = await tree({ 'x.txt': 'x' });
    await link(outside, 'dangling', 'gone');
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST });
    await link(root, 'Out', outside);
    await assert.rejects(scanPackage(root, ['**']), { message: /^'Out' in 'package-path' is a link to '.*', outside the package/ });
    await assert.rejects(scanPackage(root, ['**'], { useGlob: true }), { message: /^'Out\/dangling' in 'package-path' is a broken symbolic link/ });
  });

  it('sockets and fifos are left out', { skip: process.platform === 'win32' ? 'no fifos on Windows' : false }, async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST }, ['Pipes']);
    execFileSync('mkfifo', [path.join(root, 'Pipes', 'fifo')]);
    await link(root, 'fifo-link', path.join('Pipes', 'fifo'));
    const pkg = await sameScan(root);
    assert.deepEqual(
      pkg.files.map(f => f.relativePath),
      ['ApplicationManifest.xml']
    );
    assert.deepEqual(pkg.folders, ['', 'Pipes']);
  });

  it('no files, no manifest: the same errors', async () => {
    await sameError(await tree({}), /is empty: build the application package into it first/);
    await sameError(await tree({}, ['Only/Folders']), /'include' \(\*\*\) matched no file/);
    await sameError(await tree({ 'Svc/a.txt': 'a' }), /has no ApplicationManifest\.xml at its root: give the folder/);
  });

  it("'./**' and '.' are the default include too", async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Svc/a.txt': 'a' }, ['Empty']);
    const expected = await sameScan(root);
    assert.deepEqual(await scanPackage(root, ['./**']), expected);
    assert.deepEqual(await scanPackage(root, ['.']), expected);
  });

  // Root reads every file and folder whatever its mode, so these cannot be set up as root.
  const asRoot = process.getuid?.() === 0 ? 'root reads every file and folder whatever its mode' : false;

  it('an unreadable file: the same error', { skip: asRoot || (process.platform === 'win32' ? 'chmod does not deny reading on Windows' : false) }, async () => {
    const { chmod } = await import('node:fs/promises');
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'secret.txt': 's' });
    await chmod(path.join(root, 'secret.txt'), 0o000);
    await sameError(root, /^'secret\.txt' in 'package-path' cannot be read: check its permissions/);
  });

  it(
    'an unreadable folder: the same error',
    { skip: asRoot || (process.platform === 'win32' ? 'chmod does not deny reading on Windows' : false) },
    async () => {
      const { chmod } = await import('node:fs/promises');
      const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'Locked/a.txt': 'a' });
      await chmod(path.join(root, 'Locked'), 0o000);
      try {
        await sameError(root, /^'Locked' in 'package-path' cannot be read \(EACCES\): check its permissions/);
      } finally {
        await chmod(path.join(root, 'Locked'), 0o755);
      }
    }
  );
});

describe('walk of the package folder: memory', () => {
  it('keeps a bounded number of promises pending, however many files a folder holds', async () => {
    const files: Record<string, string> = { 'ApplicationManifest.xml': MANIFEST };
    for (let i = 0; i < 4000; i++) files[`Svc${i % 2}/Code/f${i}.js`] = `module.exports = ${i};`;
    const root = await tree(files);
    // Every promise created and not yet resolved, in this process, while the walk runs.
    const pending = new Set<number>();
    let most = 0;
    const hook = createHook({
      init: (id, type) => {
        if (type !== 'PROMISE') return;
        pending.add(id);
        most = Math.max(most, pending.size);
      },
      promiseResolve: id => pending.delete(id)
    });
    hook.enable();
    let listing: PackageListing;
    try {
      listing = await walkPackage(root, await realpath(root));
    } finally {
      hook.disable();
    }
    assert.equal(listing.files.length, 4001);
    // 64 entries inspected at once, each a few promises deep: hundreds, not one chain per file.
    assert.ok(most < 1000, `${most} promises were pending at once for 4,001 files`);
  });
});
