// Drives the emulator with raw HTTP on paths differing only in case: one file on a Windows cluster
// (the default), two on a Linux one, and either turned the other way.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { errorCode, json, rawRequest } from './helpers/raw-http.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { chunk, put } from './helpers/image-store-requests.js';

describe('emulator: case-insensitive paths (a Windows cluster, the default)', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  type Listing = { StoreFiles?: { StoreRelativePath: string; FileSize: string }[]; StoreFolders?: { StoreRelativePath: string }[] };

  it('overwrites one file whatever the case, keeping the case of its first write', async () => {
    assert.equal((await put(emu, 'Case/Folder/File.txt', 'first')).status, 200);
    assert.equal((await put(emu, 'CASE/folder/FILE.TXT', 'second!')).status, 200);
    assert.deepEqual(await readdir(emu.diskPath('Case')), ['Folder']);
    assert.deepEqual(await readdir(emu.diskPath('Case/Folder')), ['File.txt']);
    const listing = json<Listing>(await rawRequest('GET', emu.storeUrl('case/FOLDER/file.txt')));
    assert.deepEqual(
      listing.StoreFiles?.map(f => [f.StoreRelativePath, f.FileSize]),
      [['Case\\Folder\\File.txt', '7']]
    );
    const folders = json<Listing>(await rawRequest('GET', emu.storeUrl('cAsE')));
    assert.deepEqual(
      folders.StoreFolders?.map(f => f.StoreRelativePath),
      ['Case\\Folder']
    );
  });

  it('deletes and sizes a folder named in another case', async () => {
    await put(emu, 'Gone/Sub/a.txt', 'abc');
    const size = await rawRequest('GET', emu.storeUrl('GONE/$/FolderSize', { 'api-version': '6.5' }));
    assert.equal(size.status, 200);
    assert.equal(json<{ FolderSize: string }>(size).FolderSize, '3');
    assert.equal((await rawRequest('DELETE', emu.storeUrl('gone/SUB'))).status, 200);
    assert.equal(existsSync(emu.diskPath('Gone/Sub')), false);
  });

  it('keeps one upload session per path whatever the case, and finds it by path in any case', async () => {
    const id = randomUUID();
    assert.equal((await chunk(emu, 'Sess/Big.bin', id, 'bytes 0-3/8', 'abcd')).status, 200);
    assert.equal((await chunk(emu, 'sess/BIG.BIN', id, 'bytes 4-7/8', 'efgh')).status, 200);
    const byPath = json<{ UploadSessions: { SessionId: string }[] }>(await rawRequest('GET', emu.storeUrl('SESS/big.bin/$/GetUploadSession')));
    assert.deepEqual(
      byPath.UploadSessions.map(s => s.SessionId),
      [id]
    );
    assert.equal((await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }))).status, 200);
    assert.equal(await readFile(emu.diskPath('Sess/Big.bin'), 'utf8'), 'abcdefgh');
  });

  it('compares copy source and destination case-insensitively', async () => {
    await put(emu, 'Pkg/a.txt', 'a');
    await put(emu, 'Pkg/_.dir', '');
    const into = await rawRequest('POST', emu.storeUrl('$/Copy'), { body: JSON.stringify({ RemoteSource: 'Pkg', RemoteDestination: 'pkg/Inner' }) });
    assert.equal(into.status, 400);
    assert.equal(errorCode(into), 'E_INVALIDARG');
    const ok = await rawRequest('POST', emu.storeUrl('$/Copy'), { body: JSON.stringify({ RemoteSource: 'PKG', RemoteDestination: 'Archive/Pkg' }) });
    assert.equal(ok.status, 200);
    assert.equal(await readFile(emu.diskPath('Archive/Pkg/a.txt'), 'utf8'), 'a');
  });

  it('checks the mark-file order case-insensitively', async () => {
    await put(emu, 'Mk/_.dir', '');
    const before = emu.journal.mistakes.length;
    await put(emu, 'mk/late.txt', 'x');
    assert.ok(emu.journal.mistakes.slice(before).some(m => m.kind === 'write-beneath-mark-file' && m.path === 'Mk/late.txt'));
    await put(emu, 'Ord/Sub/a.txt', 'a');
    await put(emu, 'ord/SUB/_.DIR', '');
    const then = emu.journal.mistakes.length;
    await put(emu, 'ORD/_.dir', '');
    assert.deepEqual(emu.journal.mistakes.slice(then), []);
  });

  it('refuses to delete a reserved root in any case', async () => {
    const r = await rawRequest('DELETE', emu.storeUrl('WINDOWSFABRICSTORE'));
    assert.equal(errorCode(r), 'FABRIC_E_IMAGEBUILDER_RESERVED_DIRECTORY_ERROR');
  });

  it('can be turned off while keeping the Windows separator', async () => {
    const sensitive = await startTestEmulator({ caseInsensitive: false });
    try {
      await put(sensitive, 'A/f.txt', '1');
      await put(sensitive, 'a/f.txt', '2');
      assert.equal(await readFile(sensitive.diskPath('A/f.txt'), 'utf8'), '1');
      assert.equal(await readFile(sensitive.diskPath('a/f.txt'), 'utf8'), '2');
    } finally {
      await sensitive.dispose();
    }
  });
});

describe('emulator: case-sensitive paths (a Linux cluster)', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ pathSeparator: '/' })));
  after(() => emu.dispose());

  it('keeps files differing only in case apart', async () => {
    await put(emu, 'Lin/File.txt', 'upper');
    await put(emu, 'Lin/file.txt', 'lower');
    assert.deepEqual((await readdir(emu.diskPath('Lin'))).sort(), ['File.txt', 'file.txt']);
    assert.equal((await rawRequest('GET', emu.storeUrl('LIN/File.txt'))).status, 404);
  });

  it('refuses a session id on a path differing only in case', async () => {
    const id = randomUUID();
    assert.equal((await chunk(emu, 'Lin/Big.bin', id, 'bytes 0-3/8', 'abcd')).status, 200);
    const other = await chunk(emu, 'lin/big.bin', id, 'bytes 4-7/8', 'efgh');
    assert.equal(other.status, 409);
    assert.equal(errorCode(other), 'FABRIC_E_UPLOAD_SESSION_ID_CONFLICT');
  });

  it('copies a folder into a sibling differing only in case', async () => {
    await put(emu, 'Src/a.txt', 'a');
    await put(emu, 'Src/_.dir', '');
    const r = await rawRequest('POST', emu.storeUrl('$/Copy'), { body: JSON.stringify({ RemoteSource: 'Src', RemoteDestination: 'src/Inner' }) });
    assert.equal(r.status, 200);
    assert.equal(await readFile(emu.diskPath('src/Inner/a.txt'), 'utf8'), 'a');
  });

  it('can be turned on with the Linux separator', async () => {
    const insensitive = await startTestEmulator({ pathSeparator: '/', caseInsensitive: true });
    try {
      await put(insensitive, 'A/f.txt', '1');
      await put(insensitive, 'a/F.TXT', '2');
      assert.deepEqual(await readdir(insensitive.diskPath('A')), ['f.txt']);
      assert.equal(await readFile(insensitive.diskPath('a/f.txt'), 'utf8'), '2');
    } finally {
      await insensitive.dispose();
    }
  });
});
