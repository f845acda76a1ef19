// Drives the emulator with raw HTTP for every route and error case of the protocol reference.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, json, must, rawRequest } from './helpers/raw-http.js';
import { FabricHttpError } from '../emulator/fabric-http-error.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

function put(emu: TestEmulator, storePath: string, body: string | Buffer, query: Record<string, string> = {}) {
  return rawRequest('PUT', emu.storeUrl(storePath, query), { body });
}

function chunk(emu: TestEmulator, storePath: string, sessionId: string, range: string, body: Buffer | string) {
  return rawRequest('PUT', emu.storeUrl(`${storePath}/$/UploadChunk`, { 'session-id': sessionId }), {
    body,
    headers: { 'Content-Range': range }
  });
}

describe('emulator: gateway basics', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  it('answers GET / with 200', async () => {
    const r = await rawRequest('GET', `${emu.url}/`);
    assert.equal(r.status, 200);
  });

  it('refuses a missing, non-numeric, too low or too high api-version with 400 E_INVALIDARG', async () => {
    for (const v of [undefined, 'abc', '5.9', '9.2', '10.0']) {
      const url = `${emu.url}/ImageStore${v === undefined ? '' : `?api-version=${v}`}`;
      const r = await rawRequest('GET', url);
      assert.equal(r.status, 400, `api-version ${v}`);
      assert.equal(errorCode(r), 'E_INVALIDARG');
    }
  });

  it('ignores a -preview suffix', async () => {
    const r = await rawRequest('GET', `${emu.url}/ImageStore?api-version=6.0-preview`);
    assert.equal(r.status, 204);
  });

  it('refuses FolderSize and Info below 6.5', async () => {
    for (const action of ['$/FolderSize', '$/Info']) {
      const r = await rawRequest('GET', emu.storeUrl(action, { 'api-version': '6.4' }));
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'E_INVALIDARG');
    }
  });

  it('refuses an invalid timeout', async () => {
    for (const t of ['0', 'x', '4294967296', '-1']) {
      const r = await rawRequest('GET', emu.storeUrl('', { timeout: t }));
      assert.equal(r.status, 400, `timeout ${t}`);
      assert.equal(errorCode(r), 'E_INVALIDARG');
    }
    assert.equal((await rawRequest('GET', emu.storeUrl('', { timeout: '4294967295' }))).status, 204);
  });

  it('answers an unknown route with 400 E_INVALIDARG', async () => {
    for (const [method, url] of [
      ['GET', `${emu.url}/Nodes?api-version=6.0`],
      ['POST', emu.storeUrl('App')],
      ['GET', emu.storeUrl('App/$/NoSuchAction')],
      ['PUT', emu.storeUrl('$/UploadChunk')]
    ]) {
      const r = await rawRequest(must(method), must(url));
      assert.equal(r.status, 400, `${method} ${url}`);
      assert.equal(errorCode(r), 'E_INVALIDARG');
    }
  });

  it('serves AAD metadata anonymously with an empty type', async () => {
    const r = await rawRequest('GET', `${emu.url}/$/GetAadMetadata?api-version=1.0`);
    assert.equal(r.status, 200);
    assert.deepEqual(json(r), { type: '' });
  });

  it('refuses . and .. path segments hidden behind %2F', async () => {
    for (const p of ['App/x%2F..%2F..%2Fescape.txt', 'App/x%2F.%2Fescape.txt']) {
      const r = await rawRequest('PUT', emu.storeUrl(p), { body: 'x' });
      assert.equal(r.status, 400, p);
      assert.equal(errorCode(r), 'E_INVALIDARG');
    }
  });

  it('reports Info with every usage block as strings', async () => {
    await put(emu, 'InfoApp/a.bin', Buffer.alloc(10));
    const r = await rawRequest('GET', emu.storeUrl('$/Info', { 'api-version': '6.5' }));
    assert.equal(r.status, 200);
    const info = json<Record<string, Record<string, string> | undefined>>(r);
    assert.match(must(info.DiskInfo?.Capacity), /^\d+$/);
    assert.match(must(info.DiskInfo?.AvailableSpace), /^\d+$/);
    for (const k of ['UsedByMetadata', 'UsedByStaging', 'UsedByCopy', 'UsedByRegister']) {
      assert.match(must(info[k]?.UsedSpace, k), /^\d+$/, k);
      assert.match(must(info[k]?.FileCount, k), /^\d+$/, k);
    }
    assert.equal(info.UsedByMetadata?.UsedSpace, '10');
  });
});

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

describe('emulator: an empty store', () => {
  it('answers the root listing with 204 and an empty body', async () => {
    const emu = await startTestEmulator();
    try {
      const r = await rawRequest('GET', emu.storeUrl(''));
      assert.equal(r.status, 204);
      assert.equal(r.body.length, 0);
    } finally {
      await emu.dispose();
    }
  });

  it('answers with / separators when started as a Linux cluster', async () => {
    const emu = await startTestEmulator({ pathSeparator: '/' });
    try {
      await put(emu, 'Lin/sub/f.txt', 'f');
      const r = json<{ StoreFolders: { StoreRelativePath: string }[] }>(await rawRequest('GET', emu.storeUrl('Lin')));
      assert.equal(r.StoreFolders[0]?.StoreRelativePath, 'Lin/sub');
    } finally {
      await emu.dispose();
    }
  });

  it('adds the configured latency before every answer', async () => {
    const emu = await startTestEmulator({ latencyMs: 150 });
    try {
      const started = Date.now();
      await rawRequest('GET', emu.storeUrl(''));
      assert.ok(Date.now() - started >= 145, 'the answer came before the added latency');
    } finally {
      await emu.dispose();
    }
  });
});

describe('emulator: upload sessions', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ sessionTimeoutSeconds: 1 })));
  after(() => emu.dispose());

  it('refuses a malformed Content-Range with 400 RANGE_NOT_SATISFIABLE', async () => {
    const id = randomUUID();
    for (const range of ['bytes=0-3/10', 'bytes 5-3/10', 'bytes 0-10/10', 'bytes 0-3', '0-3/10']) {
      const r = await chunk(emu, 'S/f', id, range, 'abcd');
      assert.equal(r.status, 400, range);
      assert.equal(errorCode(r), 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE', range);
    }
    const missing = await rawRequest('PUT', emu.storeUrl('S/f/$/UploadChunk', { 'session-id': id }), { body: 'abcd' });
    assert.equal(missing.status, 400);
    assert.equal(errorCode(missing), 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE');
  });

  it('checks Content-Range before the session id, as the runtime does', async () => {
    const r = await chunk(emu, 'S/f', 'not-a-guid', 'bytes=0-3/10', 'abcd');
    assert.equal(errorCode(r), 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE');
  });

  it('refuses a session id that is not a GUID', async () => {
    const r = await chunk(emu, 'S/f', 'not-a-guid', 'bytes 0-3/10', 'abcd');
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'FABRIC_E_INVALID_UPLOAD_SESSION_ID');
  });

  it('answers 409 for a known id on another path and 400 for another length', async () => {
    const id = randomUUID();
    assert.equal((await chunk(emu, 'S/one', id, 'bytes 0-3/10', 'abcd')).status, 200);
    const conflict = await chunk(emu, 'S/two', id, 'bytes 4-7/10', 'efgh');
    assert.equal(conflict.status, 409);
    assert.equal(errorCode(conflict), 'FABRIC_E_UPLOAD_SESSION_ID_CONFLICT');
    const otherLength = await chunk(emu, 'S/one', id, 'bytes 4-7/11', 'efgh');
    assert.equal(otherLength.status, 400);
    assert.equal(errorCode(otherLength), 'E_INVALIDARG');
  });

  it('accepts chunks sent chunked without Content-Length, and commits them', async () => {
    const id = randomUUID();
    const send = (range: string, body: string) =>
      rawRequest('PUT', emu.storeUrl('S/chunked.bin/$/UploadChunk', { 'session-id': id }), {
        body,
        chunked: true,
        headers: { 'Content-Range': range }
      });
    assert.equal((await send('bytes 4-7/8', 'efgh')).status, 200);
    assert.equal((await send('bytes 0-3/8', 'abcd')).status, 200);
    const commit = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
    assert.equal(commit.status, 200);
    assert.equal(await readFile(emu.diskPath('S/chunked.bin'), 'utf8'), 'abcdefgh');
    assert.equal(emu.journal.notes.filter(n => n.kind === 'body-without-content-length' && n.path === 'S/chunked.bin').length, 2);
  });

  it('refuses a chunked chunk body longer or shorter than its Content-Range, and writes nothing beyond it', async () => {
    const id = randomUUID();
    const send = (range: string, body: string) =>
      rawRequest('PUT', emu.storeUrl('S/chunked-bad.bin/$/UploadChunk', { 'session-id': id }), {
        body,
        chunked: true,
        headers: { 'Content-Range': range }
      });
    assert.equal((await send('bytes 4-7/8', 'efgh')).status, 200);
    const long = await send('bytes 0-3/8', 'abcdXXXX');
    assert.equal(long.status, 400);
    const short = await send('bytes 0-3/8', 'ab');
    assert.equal(short.status, 400);
    assert.ok(emu.journal.mistakes.filter(m => m.kind === 'chunk-length-mismatch' && m.path === 'S/chunked-bad.bin').length >= 2);
    // Neither was accepted: the session still expects 0-3, and the bytes after it are intact.
    const session = json<{ UploadSessions: { ExpectedRanges: { StartPosition: string; EndPosition: string }[] }[] }>(
      await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id }))
    );
    assert.deepEqual(session.UploadSessions[0]?.ExpectedRanges, [{ StartPosition: '0', EndPosition: '3' }]);
    assert.equal((await send('bytes 0-3/8', 'abcd')).status, 200);
    assert.equal((await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }))).status, 200);
    assert.equal(await readFile(emu.diskPath('S/chunked-bad.bin'), 'utf8'), 'abcdefgh');
  });

  it('refuses a body whose length differs from its Content-Range and journals it', async () => {
    const r = await chunk(emu, 'S/len', randomUUID(), 'bytes 0-3/10', 'abcdef');
    assert.equal(r.status, 400);
    assert.ok(emu.journal.mistakes.some(m => m.kind === 'chunk-length-mismatch' && m.path === 'S/len'));
  });

  it('takes chunks that arrive together for a new session id into one session', async () => {
    const id = randomUUID();
    const parts = ['abcd', 'efgh', 'ijkl', 'mnop', 'qrst', 'uvwx'];
    const answers = await Promise.all(parts.map((p, i) => chunk(emu, 'S/together.bin', id, `bytes ${i * 4}-${i * 4 + 3}/24`, p)));
    assert.deepEqual(
      answers.map(a => a.status),
      parts.map(() => 200)
    );
    const commit = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
    assert.equal(commit.status, 200);
    assert.equal(await readFile(emu.diskPath('S/together.bin'), 'utf8'), parts.join(''));
  });

  it('refuses a chunk that was already received (a blind re-send)', async () => {
    const id = randomUUID();
    assert.equal((await chunk(emu, 'S/again', id, 'bytes 0-4/10', '01234')).status, 200);
    const again = await chunk(emu, 'S/again', id, 'bytes 0-4/10', '01234');
    assert.equal(again.status, 400);
    assert.equal(errorCode(again), 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE');
  });

  it('refuses commit for an unknown session, a malformed id, and while ranges are missing', async () => {
    const unknown = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': randomUUID() }));
    assert.equal(unknown.status, 400);
    assert.equal(errorCode(unknown), 'E_INVALIDARG');
    const malformed = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': 'x' }));
    assert.equal(errorCode(malformed), 'FABRIC_E_INVALID_UPLOAD_SESSION_ID');
    const id = randomUUID();
    await chunk(emu, 'S/partial', id, 'bytes 0-4/10', '01234');
    const early = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
    assert.equal(early.status, 400);
    assert.equal(errorCode(early), 'E_INVALIDARG');
  });

  it('commits, forgets the session, and answers a repeated commit with 400', async () => {
    const id = randomUUID();
    await chunk(emu, 'S/done.bin', id, 'bytes 5-9/10', '56789');
    await chunk(emu, 'S/done.bin', id, 'bytes 0-4/10', '01234');
    const commit = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
    assert.equal(commit.status, 200);
    assert.equal(await readFile(emu.diskPath('S/done.bin'), 'utf8'), '0123456789');
    const repeated = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
    assert.equal(repeated.status, 400);
    assert.equal((await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id }))).status, 204);
  });

  it('describes a session by id and by path, and answers 204 for unknown ones', async () => {
    const id = randomUUID();
    await chunk(emu, 'S/desc.bin', id, 'bytes 2-3/8', 'cd');
    for (const url of [emu.storeUrl('$/GetUploadSession', { 'session-id': id }), emu.storeUrl('S/desc.bin/$/GetUploadSession')]) {
      const r = await rawRequest('GET', url);
      assert.equal(r.status, 200);
      const s = json<{ UploadSessions: Record<string, unknown>[] }>(r).UploadSessions;
      assert.equal(s.length, 1);
      const session = must(s[0]);
      assert.equal(session.SessionId, id);
      assert.equal(session.StoreRelativePath, 'S\\desc.bin');
      assert.equal(session.FileSize, '8');
      assert.ok(!Number.isNaN(Date.parse(session.ModifiedDate as string)));
      assert.deepEqual(session.ExpectedRanges, [
        { StartPosition: '0', EndPosition: '1' },
        { StartPosition: '4', EndPosition: '7' }
      ]);
    }
    for (const url of [emu.storeUrl('$/GetUploadSession', { 'session-id': randomUUID() }), emu.storeUrl('S/nothing/$/GetUploadSession')]) {
      const r = await rawRequest('GET', url);
      assert.equal(r.status, 204);
      assert.equal(r.body.length, 0);
    }
  });

  it('deletes a session and its staged bytes; an unknown id answers 404', async () => {
    const id = randomUUID();
    await chunk(emu, 'S/cancel.bin', id, 'bytes 0-1/4', 'ab');
    const staging = emu.emulator.store.stagingDir;
    assert.ok((await readdir(staging)).some(n => n.includes(id)));
    const del = await rawRequest('DELETE', emu.storeUrl('$/DeleteUploadSession', { 'session-id': id }));
    assert.equal(del.status, 200);
    assert.ok(!(await readdir(staging)).some(n => n.includes(id)));
    const again = await rawRequest('DELETE', emu.storeUrl('$/DeleteUploadSession', { 'session-id': id }));
    assert.equal(again.status, 404);
  });

  it('expires a session after the configured time since its last chunk', async () => {
    const id = randomUUID();
    await chunk(emu, 'S/expire.bin', id, 'bytes 0-1/4', 'ab');
    assert.equal((await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id }))).status, 200);
    await sleep(1300);
    assert.equal((await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id }))).status, 204);
  });
});

describe('emulator: a cluster without upload sessions', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ uploadSessions: false })));
  after(() => emu.dispose());

  it('answers the four session routes with 400 E_INVALIDARG and still takes a plain PUT', async () => {
    const id = randomUUID();
    const answers = [
      await chunk(emu, 'L/f', id, 'bytes 0-1/4', 'ab'),
      await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id })),
      await rawRequest('DELETE', emu.storeUrl('$/DeleteUploadSession', { 'session-id': id })),
      await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id })),
      await rawRequest('GET', emu.storeUrl('L/f/$/GetUploadSession'))
    ];
    for (const r of answers) {
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'E_INVALIDARG');
    }
    assert.equal((await put(emu, 'L/f', 'abcd')).status, 200);
  });
});

describe('emulator: a 6.4 runtime', () => {
  it('refuses api-version 6.5 for FolderSize, as an older cluster does', async () => {
    const emu = await startTestEmulator({ maxApiVersion: '6.4' });
    try {
      const r = await rawRequest('GET', emu.storeUrl('$/FolderSize', { 'api-version': '6.5' }));
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'E_INVALIDARG');
      assert.equal((await rawRequest('GET', emu.storeUrl(''))).status, 204);
    } finally {
      await emu.dispose();
    }
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

describe('emulator: routes plugged into the router', () => {
  let emu: TestEmulator;
  const seen: { method: string; pathname: string; query: string; body: string }[] = [];
  before(async () => {
    emu = await startTestEmulator();
    emu.emulator.router.mount(
      'fake-manager',
      {
        handles: (_method, pathname) => pathname.toLowerCase().startsWith('/fake'),
        handle: request => {
          seen.push({ method: request.method, pathname: request.pathname, query: request.query.toString(), body: request.body.toString('utf8') });
          if (request.pathname === '/Fake/$/Fail') return Promise.reject(FabricHttpError.fileNotFound('no such thing'));
          return Promise.resolve({ status: 202, json: { echoed: request.body.toString('utf8') } });
        }
      },
      { minApiVersion: '6.2' }
    );
  });
  after(() => emu.dispose());

  it('hands a mounted handler the method, path, query and body, and answers its JSON', async () => {
    const r = await rawRequest('POST', `${emu.url}/Fake/$/Do?api-version=6.2`, { body: '{"a":1}', expectContinue: true });
    assert.equal(r.status, 202);
    assert.deepEqual(json(r), { echoed: '{"a":1}' });
    assert.deepEqual(seen.at(-1), { method: 'POST', pathname: '/Fake/$/Do', query: 'api-version=6.2', body: '{"a":1}' });
    assert.equal(emu.journal.requests['fake-manager'], 1);
  });

  it('turns a thrown FabricHttpError into its answer, and checks the mounted minimum api-version', async () => {
    const failed = await rawRequest('GET', `${emu.url}/Fake/$/Fail?api-version=6.2`);
    assert.equal(failed.status, 404);
    assert.equal(errorCode(failed), 'FABRIC_E_FILE_NOT_FOUND');
    const old = await rawRequest('GET', `${emu.url}/Fake/x?api-version=6.0`);
    assert.equal(old.status, 400);
    assert.equal(errorCode(old), 'E_INVALIDARG');
  });

  it('still answers 400 E_INVALIDARG for paths no route takes', async () => {
    const r = await rawRequest('GET', `${emu.url}/Nothing?api-version=6.0`);
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'E_INVALIDARG');
  });
});
