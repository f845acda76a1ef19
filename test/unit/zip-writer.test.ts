// The deterministic zip writer: same input, same bytes; fixed metadata; streamed errors rejected.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeDeterministicZip, type ZipEntry } from '../../src/package/zip-writer.js';
import { makePackage } from '../helpers/packages.js';
import { dllLikeBytes } from '../helpers/sf-packages.js';
import { readZip } from '../helpers/zip-reader.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function entriesOf(root: string, rels: string[]): Promise<ZipEntry[]> {
  return Promise.all(
    rels.map(async name => ({ name, localPath: path.join(root, ...name.split('/')), size: (await stat(path.join(root, ...name.split('/')))).size }))
  );
}

describe('deterministic zip writer', () => {
  it('gives identical bytes for the same files whatever the order, mtime or mode on disk', async () => {
    const spec = { 'b.dll': dllLikeBytes(70_000, 1), 'a/x.txt': 'hello', 'a/y/z.bin': dllLikeBytes(5000, 2), 'empty.txt': '' };
    const one = await makePackage(spec, 'One');
    const two = await makePackage(spec, 'Two');
    // Other timestamps and permissions on the second copy.
    const { utimes, chmod } = await import('node:fs/promises');
    await utimes(path.join(two, 'b.dll'), new Date('2024-05-06T07:08:09Z'), new Date('2024-05-06T07:08:09Z'));
    await chmod(path.join(two, 'a', 'x.txt'), 0o600);
    const rels = Object.keys(spec);
    const zip1 = path.join(one, '..', 'one.zip');
    const zip2 = path.join(two, '..', 'two.zip');
    await writeDeterministicZip(await entriesOf(one, rels), zip1);
    await writeDeterministicZip((await entriesOf(two, rels)).reverse(), zip2);
    assert.equal(sha(await readFile(zip2)), sha(await readFile(zip1)));
  });

  it('stores sorted entries with deflate, the 1980-01-01 DOS time, fixed attributes and no extended timestamp', async () => {
    const root = await makePackage({ 'Z.dll': dllLikeBytes(10_000, 3), 'a/b.txt': 'b' });
    const zipPath = path.join(root, '..', 'x.zip');
    const size = await writeDeterministicZip([...(await entriesOf(root, ['Z.dll', 'a/b.txt'])), { name: 'empty/' }], zipPath);
    assert.equal(size, (await stat(zipPath)).size);
    const entries = await readZip(zipPath);
    assert.deepEqual(
      entries.map(e => e.name),
      ['Z.dll', 'a/b.txt', 'empty/']
    );
    for (const e of entries) {
      assert.equal(e.dosDate, (0 << 9) | (1 << 5) | 1, `DOS date of ${e.name}`); // year 1980 + 0, January, 1st
      assert.equal(e.dosTime, 0);
      assert.deepEqual(e.extraFieldIds, []);
    }
    assert.equal(entries[0]!.compressionMethod, 8);
    assert.equal(entries[0]!.externalAttributes >>> 16, 0o100644);
    assert.equal(entries[2]!.externalAttributes >>> 16, 0o040755);
    assert.deepEqual(entries[0]!.content, await readFile(path.join(root, 'Z.dll')));
    assert.equal(entries[1]!.content?.toString(), 'b');
  });

  it('fails (and leaves no zip) when a file changes size while it is zipped', async () => {
    const root = await makePackage({ 'a.bin': 50_000 });
    const entries = await entriesOf(root, ['a.bin']);
    await truncate(path.join(root, 'a.bin'), 10);
    const zipPath = path.join(root, '..', 'bad.zip');
    await assert.rejects(writeDeterministicZip(entries, zipPath), /unexpected number of bytes/);
    await assert.rejects(stat(zipPath), { code: 'ENOENT' });
    await writeFile(path.join(root, 'a.bin'), 'x');
  });
});
