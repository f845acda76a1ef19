// The deterministic zip writer: same input, same bytes; fixed metadata; streamed errors rejected.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type Deflated, Lookahead, writeDeterministicZip, type ZipEntry } from '../../src/package/zip-writer.js';
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
    await assert.rejects(writeDeterministicZip(entries, zipPath), /changed while it was being zipped \(10 bytes instead of the 50000 scanned\)/);
    await assert.rejects(stat(zipPath), { code: 'ENOENT' });
    await writeFile(path.join(root, 'a.bin'), 'x');
  });

  it('fails (and leaves no zip) when a large, streamed file grows while it is zipped', async () => {
    const root = await makePackage({ 'big.bin': dllLikeBytes(3 * 1024 * 1024, 9), 'small.txt': 'x' });
    const entries = await entriesOf(root, ['big.bin', 'small.txt']);
    await appendFile(path.join(root, 'big.bin'), 'more');
    const zipPath = path.join(root, '..', 'grown.zip');
    await assert.rejects(
      writeDeterministicZip(entries, zipPath),
      /'.*big\.bin' changed while it was being zipped \(3145732 bytes instead of the 3145728 scanned\)/
    );
    await assert.rejects(stat(zipPath), { code: 'ENOENT' });
  });

  it('streams files over 1 MiB and reads them with the small ones into identical zips run after run', async () => {
    const spec = { 'lib/big.dll': dllLikeBytes(5 * 1024 * 1024 + 17, 4), 'a.txt': 'a', 'lib/mid.dll': dllLikeBytes(900_000, 5), 'z/e.bin': '' };
    const root = await makePackage(spec);
    const rels = Object.keys(spec);
    const zips = [path.join(root, '..', 'one.zip'), path.join(root, '..', 'two.zip')];
    for (const z of zips) await writeDeterministicZip(await entriesOf(root, rels), z);
    assert.equal(sha(await readFile(zips[1]!)), sha(await readFile(zips[0]!)));
    const entries = await readZip(zips[0]!);
    assert.deepEqual(
      entries.map(e => e.name),
      ['a.txt', 'lib/big.dll', 'lib/mid.dll', 'z/e.bin']
    );
    for (const e of entries) {
      assert.deepEqual(e.content, await readFile(path.join(root, ...e.name.split('/'))), e.name);
      assert.deepEqual(e.extraFieldIds, [], `no zip64 field on ${e.name}: nothing needs it`);
    }
  });

  it('goes on deflating the small files after a large one while the writer streams it, within its bounds', async () => {
    // A large file first (the writer streams it: the lookahead skips it), then 100 small ones.
    const entries: ZipEntry[] = [
      { name: 'big.bin', localPath: '/big', size: 5 * 1024 * 1024 },
      ...Array.from({ length: 100 }, (_, i) => ({ name: `s${String(i).padStart(3, '0')}`, localPath: `/s${i}`, size: 1000 }))
    ];
    const pending: ((d: Deflated) => void)[] = [];
    const started: string[] = [];
    const ahead = new Lookahead(entries, entry => {
      started.push(entry.name);
      return new Promise<Deflated>(resolve => pending.push(resolve));
    });
    assert.equal(started.length, 16, 'sixteen small files at once');
    // The reads finish while the writer is still busy with big.bin (nothing is taken): the next ones start.
    const settle = async () => {
      for (const resolve of pending.splice(0)) resolve({ crc: 0, data: Buffer.alloc(10), size: 1000 });
      await new Promise(resolve => setImmediate(resolve));
    };
    await settle();
    assert.equal(started.length, 32, 'sixteen more once the first sixteen are deflated');
    for (let i = 0; i < 20; i++) await settle();
    assert.equal(started.length, 80, 'at most 64 deflated files wait for the writer, beside the sixteen being read');
    // The writer takes them in order: room for more.
    for (let i = 1; i <= 10; i++) await ahead.take(i);
    await settle();
    assert.equal(started.length, 90);
  });

  it('writes the zip64 layout where a size, an offset or the entry count needs it (thresholds lowered to reach it)', async () => {
    const spec = { 'big.dll': dllLikeBytes(2 * 1024 * 1024, 6), 'small.txt': 'tiny', 'x/y.bin': dllLikeBytes(40_000, 7) };
    const root = await makePackage(spec);
    const zipPath = path.join(root, '..', 'zip64.zip');
    const entries = [...(await entriesOf(root, Object.keys(spec))), { name: 'x/empty/' }];
    const size = await writeDeterministicZip(entries, zipPath, { zip64: { sizeOrOffset: 1000, entries: 2 } });
    const bytes = await readFile(zipPath);
    assert.equal(size, bytes.length);
    // The end records: zip64 end of central directory, its locator, and the classic record with -1 in its fields.
    const end = bytes.subarray(bytes.length - 22);
    assert.equal(end.readUInt32LE(0), 0x06054b50);
    assert.equal(end.readUInt16LE(10), 0xffff);
    assert.equal(end.readUInt32LE(16), 0xffffffff);
    assert.equal(bytes.readUInt32LE(bytes.length - 22 - 20), 0x07064b50, 'zip64 locator');
    assert.equal(bytes.readUInt32LE(bytes.length - 22 - 20 - 56), 0x06064b50, 'zip64 end of central directory');
    assert.equal(bytes.readBigUInt64LE(bytes.length - 22 - 20 - 56 + 32), 4n, 'entry count in the zip64 record');
    const read = await readZip(zipPath);
    assert.deepEqual(
      read.map(e => [e.name, e.extraFieldIds]),
      [
        ['big.dll', [1]],
        ['small.txt', [1]],
        ['x/empty/', [1]],
        ['x/y.bin', [1]]
      ],
      'each entry past the lowered offset threshold, or big itself, carries a zip64 field'
    );
    for (const e of read.filter(e => e.content)) assert.deepEqual(e.content, await readFile(path.join(root, ...e.name.split('/'))), e.name);
  });
});
