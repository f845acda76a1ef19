// Drives the emulator's Image Store file routes with raw HTTP: upload, list, page, delete, size and
// copy, and the journal of client mistakes in the order of mark files.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { errorCode, json, must, rawRequest } from './helpers/raw-http.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { chunk, put } from './helpers/image-store-requests.js';

describe('emulator: upload file, list, delete', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ listPageSize: 2 })));
  after(() => emu.dispose());

  it('stores a PUT body and answers 200 with an empty body', async () => {
    const r = await put(emu, 'App/ApplicationManifest.xml', '<manifest/>');
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(await readFile(emu.diskPath('App/ApplicationManifest.xml'), 'utf8'), '<manifest/>');
  });

  it('overwrites an existing file', async () => {
    await put(emu, 'Over/f.txt', 'first version');
    await put(emu, 'Over/f.txt', 'second');
    assert.equal(await readFile(emu.diskPath('Over/f.txt'), 'utf8'), 'second');
  });

  it('stores names with space, #, ?, %, +, ;, &, =, quote and non-ASCII letters', async () => {
    const name = "a b#c?d%e+f;g&h=i'jé漢.txt";
    const r = await rawRequest('PUT', emu.storeUrl(`Names/${encodeURIComponent(name)}`), { body: 'n' });
    assert.equal(r.status, 200);
    assert.equal(await readFile(emu.diskPath(`Names/${name}`), 'utf8'), 'n');
  });

  it('decodes %2F as a separator, like the gateway', async () => {
    await rawRequest('PUT', emu.storeUrl('Enc%2Fsub%2Ffile.txt'), { body: 'e' });
    assert.equal(await readFile(emu.diskPath('Enc/sub/file.txt'), 'utf8'), 'e');
  });

  it('stores an empty _.dir as an ordinary empty file', async () => {
    const r = await put(emu, 'App/_.dir', '');
    assert.equal(r.status, 200);
    assert.equal((await readFile(emu.diskPath('App/_.dir'))).length, 0);
  });

  it('accepts a chunked PUT without Content-Length (an empty file, as sfctl sends it) and notes it', async () => {
    const r = await rawRequest('PUT', emu.storeUrl('Chunked/_.dir'), { body: '', chunked: true });
    assert.equal(r.status, 200);
    assert.equal((await readFile(emu.diskPath('Chunked/_.dir'))).length, 0);
    assert.ok(emu.journal.notes.some(n => n.kind === 'body-without-content-length' && n.path === 'Chunked/_.dir'));
    assert.equal(emu.journal.mistakes.filter(m => m.path === 'Chunked/_.dir').length, 0);
  });

  it('reads a non-empty chunked PUT to its end', async () => {
    const body = Buffer.alloc(300_000, 'c');
    const r = await rawRequest('PUT', emu.storeUrl('Chunked/big.bin'), { body, chunked: true });
    assert.equal(r.status, 200);
    assert.deepEqual(await readFile(emu.diskPath('Chunked/big.bin')), body);
    assert.ok(emu.journal.entries.some(e => e.op === 'upload-file' && e.path === 'Chunked/big.bin' && e.bytes === body.length));
    assert.ok(emu.journal.notes.some(n => n.kind === 'body-without-content-length' && n.path === 'Chunked/big.bin'));
  });

  it('answers 100 Continue before reading the body, and refuses a bad request without it', async () => {
    const ok = await rawRequest('PUT', emu.storeUrl('Cont/f.txt'), { body: 'continued', expectContinue: true });
    assert.equal(ok.status, 200);
    assert.equal(ok.continued, true);
    const bad = await rawRequest('PUT', `${emu.url}/ImageStore/Cont/g.txt?api-version=1.0`, {
      body: 'never sent',
      expectContinue: true
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.continued, false);
  });

  it('lists the root, a folder (one level, recursive FileCount) and a single file with exact models', async () => {
    await put(emu, 'List/Svc/Code/a.dll', Buffer.alloc(7));
    await put(emu, 'List/Svc/b.xml', Buffer.alloc(3));
    await put(emu, 'List/top.xml', Buffer.alloc(5));
    const folder = json<Record<string, unknown[] | undefined>>(await rawRequest('GET', emu.storeUrl('List')));
    assert.deepEqual(folder.StoreFolders, [{ StoreRelativePath: 'List\\Svc', FileCount: '2' }]);
    assert.equal(folder.StoreFiles?.length, 1);
    const file = must(folder.StoreFiles?.[0]) as Record<string, unknown>;
    assert.equal(file.FileSize, '5');
    assert.equal(file.StoreRelativePath, 'List\\top.xml');
    assert.ok(!Number.isNaN(Date.parse(file.ModifiedDate as string)));
    const version = file.FileVersion as Record<string, unknown>;
    for (const k of ['VersionNumber', 'EpochDataLossNumber', 'EpochConfigurationNumber']) {
      assert.match(version[k] as string, /^\d+$/, k);
    }
    const single = json<Record<string, Record<string, unknown>[] | undefined>>(await rawRequest('GET', emu.storeUrl('List/Svc/Code/a.dll')));
    assert.equal(single.StoreFiles?.length, 1);
    assert.equal(single.StoreFiles?.[0]?.StoreRelativePath, 'List\\Svc\\Code\\a.dll');
    assert.equal(single.StoreFiles?.[0]?.FileSize, '7');
  });

  it('answers a missing path with 404 and an empty body', async () => {
    const r = await rawRequest('GET', emu.storeUrl('Nowhere/at/all'));
    assert.equal(r.status, 404);
    assert.equal(r.body.length, 0);
  });

  it('pages a long listing with ContinuationToken', async () => {
    for (const n of ['e', 'a', 'c', 'b', 'd']) await put(emu, `Paged/${n}.txt`, n);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await rawRequest('GET', emu.storeUrl('Paged', token ? { ContinuationToken: token } : {}));
      const page = json<{ StoreFiles: { StoreRelativePath: string }[]; ContinuationToken?: string }>(r);
      names.push(...page.StoreFiles.map(f => f.StoreRelativePath));
      token = page.ContinuationToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(
      names,
      ['a', 'b', 'c', 'd', 'e'].map(n => `Paged\\${n}.txt`)
    );
  });

  it('deletes folders recursively, answers 200 for a missing path and 400 for an empty one', async () => {
    await put(emu, 'Del/x/y/z.txt', 'z');
    assert.equal((await rawRequest('DELETE', emu.storeUrl('Del'))).status, 200);
    assert.equal(existsSync(emu.diskPath('Del')), false);
    assert.equal((await rawRequest('DELETE', emu.storeUrl('Del'))).status, 200);
    const empty = await rawRequest('DELETE', emu.storeUrl(''));
    assert.equal(empty.status, 400);
    assert.equal(errorCode(empty), 'E_INVALIDARG');
  });

  it('refuses to delete the reserved roots', async () => {
    for (const root of ['Store', 'WindowsFabricStore', 'store']) {
      const r = await rawRequest('DELETE', emu.storeUrl(root));
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'FABRIC_E_IMAGEBUILDER_RESERVED_DIRECTORY_ERROR');
    }
  });

  it('answers 204 with an empty body for an existing empty folder', async () => {
    await put(emu, 'EmptyAfter/only.txt', 'x');
    await rawRequest('DELETE', emu.storeUrl('EmptyAfter/only.txt'));
    const r = await rawRequest('GET', emu.storeUrl('EmptyAfter'));
    assert.equal(r.status, 204);
    assert.equal(r.body.length, 0);
  });

  it('reports folder sizes for the root and a path, 404 for a missing path', async () => {
    await put(emu, 'Size/a', Buffer.alloc(100));
    await put(emu, 'Size/sub/b', Buffer.alloc(23));
    const r = await rawRequest('GET', emu.storeUrl('Size/$/FolderSize', { 'api-version': '6.5' }));
    assert.equal(r.status, 200);
    assert.deepEqual(json(r), { StoreRelativePath: 'Size', FolderSize: '123' });
    const root = json<{ FolderSize: string }>(await rawRequest('GET', emu.storeUrl('$/FolderSize', { 'api-version': '6.5' })));
    assert.ok(Number(root.FolderSize) >= 123);
    const missing = await rawRequest('GET', emu.storeUrl('NoSize/$/FolderSize', { 'api-version': '6.5' }));
    assert.equal(missing.status, 404);
    assert.equal(errorCode(missing), 'FABRIC_E_FILE_NOT_FOUND');
  });
});

describe('emulator: copy', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());
  const copy = (body: unknown) => rawRequest('POST', emu.storeUrl('$/Copy'), { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  it('refuses a folder without its mark file with 404 FABRIC_E_FILE_NOT_FOUND', async () => {
    await put(emu, 'Unmarked/a.txt', 'a');
    const r = await copy({ RemoteSource: 'Unmarked', RemoteDestination: 'Copy1', CheckMarkFile: true });
    assert.equal(r.status, 404);
    assert.equal(errorCode(r), 'FABRIC_E_FILE_NOT_FOUND');
  });

  it('replaces the destination, skips SkipFiles at any depth case-insensitively, writes the mark file last', async () => {
    await put(emu, 'Src/a.txt', 'a');
    await put(emu, 'Src/Sub/b.pdb', 'b');
    await put(emu, 'Src/Sub/c.txt', 'c');
    await put(emu, 'Src/Sub/_.dir', '');
    await put(emu, 'Src/_.dir', '');
    await put(emu, 'Dst/stale.txt', 'old');
    const before = emu.journal.mistakes.length;
    const r = await copy({ RemoteSource: 'Src', RemoteDestination: 'Dst', SkipFiles: ['B.PDB'], CheckMarkFile: true });
    assert.equal(r.status, 200);
    assert.equal(existsSync(emu.diskPath('Dst/stale.txt')), false);
    assert.equal(existsSync(emu.diskPath('Dst/Sub/b.pdb')), false);
    assert.equal(await readFile(emu.diskPath('Dst/Sub/c.txt'), 'utf8'), 'c');
    assert.equal(await readFile(emu.diskPath('Dst/a.txt'), 'utf8'), 'a');
    assert.ok(existsSync(emu.diskPath('Dst/_.dir')));
    assert.ok(existsSync(emu.diskPath('Dst/Sub/_.dir')));
    // The destination's mark file is written after everything else it holds: every write takes the
    // next VersionNumber (file times are too coarse, and not monotonic across files, to tell).
    const written = async (p: string) => {
      const listing = json<{ StoreFiles: { FileVersion: { VersionNumber: string } }[] }>(await rawRequest('GET', emu.storeUrl(p)));
      return Number(listing.StoreFiles[0]?.FileVersion.VersionNumber);
    };
    const rootMark = await written('Dst/_.dir');
    for (const p of ['Dst/a.txt', 'Dst/Sub/c.txt', 'Dst/Sub/_.dir']) assert.ok((await written(p)) < rootMark, p);
    assert.equal(emu.journal.mistakes.length, before);
    assert.equal(emu.journal.entries.at(-1)?.op, 'copy');
  });

  it('copies a single file', async () => {
    await put(emu, 'One/file.txt', 'one');
    const r = await copy({ RemoteSource: 'One/file.txt', RemoteDestination: 'Two/file.txt' });
    assert.equal(r.status, 200);
    assert.equal(await readFile(emu.diskPath('Two/file.txt'), 'utf8'), 'one');
  });

  it('answers 404 for a missing source and 400 for a malformed body', async () => {
    assert.equal((await copy({ RemoteSource: 'Missing', RemoteDestination: 'X' })).status, 404);
    const bad = await rawRequest('POST', emu.storeUrl('$/Copy'), { body: 'not json' });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'E_INVALIDARG');
  });
});

describe('emulator: journal of client mistakes', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  it('flags a mark file written while a session beneath it is open', async () => {
    await chunk(emu, 'M1/Code/big.bin', randomUUID(), 'bytes 0-1/4', 'ab');
    await put(emu, 'M1/_.dir', '');
    const m = emu.journal.mistakes.filter(x => x.kind === 'mark-file-before-complete' && x.path === 'M1/_.dir');
    assert.equal(m.length, 1);
    assert.match(must(m[0]).detail, /M1\/Code\/big\.bin/);
  });

  it('flags a mark file written while a sub-folder has none', async () => {
    await put(emu, 'M2/Sub/f.txt', 'f');
    await put(emu, 'M2/_.dir', '');
    assert.ok(emu.journal.mistakes.some(x => x.kind === 'mark-file-before-complete' && x.detail.includes("'M2/Sub'")));
  });

  it('flags a write beneath a folder that already has its mark file', async () => {
    await put(emu, 'M3/_.dir', '');
    await put(emu, 'M3/late.txt', 'late');
    assert.ok(emu.journal.mistakes.some(x => x.kind === 'write-beneath-mark-file' && x.path === 'M3/late.txt'));
  });

  it('records nothing wrong for the right order, and serves the journal over HTTP', async () => {
    const before = emu.journal.mistakes.length;
    await put(emu, 'Good/Sub/f.txt', 'f');
    await put(emu, 'Good/g.txt', 'g');
    await put(emu, 'Good/Sub/_.dir', '');
    await put(emu, 'Good/_.dir', '');
    assert.equal(emu.journal.mistakes.length, before);
    const r = await rawRequest('GET', `${emu.url}/__emulator/journal`);
    assert.equal(r.status, 200);
    const journal = json<{ entries: { op: string; path: string }[]; openSessions: unknown[]; mistakes: unknown[] }>(r);
    assert.deepEqual(
      journal.entries.slice(-4).map(e => e.path),
      ['Good/Sub/f.txt', 'Good/g.txt', 'Good/Sub/_.dir', 'Good/_.dir']
    );
    assert.equal(journal.openSessions.length, 1); // the session left open by the first case
  });
});
