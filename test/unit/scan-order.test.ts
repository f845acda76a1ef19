// Which path a failed scan names does not depend on the order the file system lists a folder in
// (ext4 orders by a hash seeded per file system, so two checkouts of one repository differ): the
// scans below run once as the disk lists, once with every readdir reversed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ContentStore } from '../../emulator/content-store.js';
import { scanPackage } from '../../src/package/package-scan.js';
import { depthFirstKey } from '../../src/package/walk-package.js';
import { withReaddirReversed } from '../helpers/reversed-readdir.js';

const MANIFEST = '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>';

async function tree(files: Record<string, string>): Promise<string> {
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-scan-order-')), 'App');
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, content);
  }
  return root;
}

async function scanError(root: string, include: string[], useGlob: boolean): Promise<string> {
  return scanPackage(root, include, { useGlob }).then(
    () => 'no error',
    (e: unknown) => (e as Error).message
  );
}

/** The message of a scan, as the disk lists and with readdir reversed: they must be the same. */
async function sameEitherWay(root: string, include: string[], useGlob: boolean): Promise<string> {
  const asListed = await scanError(root, include, useGlob);
  const backwards = await withReaddirReversed(() => scanError(root, include, useGlob));
  assert.equal(backwards, asListed, 'the message depends on the order the folders are listed in');
  return asListed;
}

describe('a failed scan names the same path whatever order readdir lists in', () => {
  it('the reversed readdir really reverses (the check below could not fail otherwise)', async () => {
    const root = await tree({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    const listed = await fs.promises.readdir(root);
    assert.deepEqual(await withReaddirReversed(() => fs.promises.readdir(root)), [...listed].reverse());
  });

  it('the walk: several broken links name the first in depth-first name order', async () => {
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'P/Q/a.txt': 'a', 'R/b.txt': 'b' });
    for (const rel of ['P/Q/x', 'P/y', 'R/z', 'w']) await symlink('gone', path.join(root, ...rel.split('/')));
    assert.match(await sameEitherWay(root, ['**'], false), /^'P\/Q\/x' in 'package-path' is a broken symbolic link/);
  });

  it('the walk and the glob path: several links outside the package name the first in depth-first name order', async () => {
    const outside = await tree({ 'x.txt': 'x' });
    const root = await tree({ 'ApplicationManifest.xml': MANIFEST, 'A/a.txt': 'a', 'A-b/b.txt': 'b', 'Z/z.txt': 'z' });
    for (const rel of ['Z/out', 'A-b/out', 'A/out', 'A/sub/out']) {
      await mkdir(path.dirname(path.join(root, ...rel.split('/'))), { recursive: true });
      await symlink(outside, path.join(root, ...rel.split('/')));
    }
    const expected = /^'A\/out' in 'package-path' is a link to '.*', outside the package/;
    assert.match(await sameEitherWay(root, ['**'], false), expected);
    assert.match(await sameEitherWay(root, ['**'], true), expected);
    assert.match(await sameEitherWay(root, ['A/**', 'A-b/**', 'Z/**', 'ApplicationManifest.xml'], false), expected);
  });

  it('depthFirstKey puts a folder before what it holds, and siblings by name', () => {
    const paths = ['A-b', 'A/sub/out', 'Z', 'A', 'A/out', 'a', 'A-b/out'];
    assert.deepEqual(
      paths.sort((x, y) => (depthFirstKey(x) < depthFirstKey(y) ? -1 : 1)),
      ['A', 'A/out', 'A/sub/out', 'A-b', 'A-b/out', 'Z', 'a']
    );
  });

  it("the emulator's sub-folders (the journal's mistakes name them in this order) are depth first by name", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sfu-scan-order-store-'));
    const store = new ContentStore(root);
    await store.init();
    for (const f of ['B/x', 'A/y/z', 'A-c', 'a']) await mkdir(path.join(root, 'content', ...f.split('/')), { recursive: true });
    const expected = ['A', 'A/y', 'A/y/z', 'A-c', 'B', 'B/x', 'a'];
    assert.deepEqual(await store.subFolders(''), expected);
    assert.deepEqual(await withReaddirReversed(() => store.subFolders('')), expected);
  });
});
