// Drives the emulator's upload session routes with raw HTTP: chunks and their Content-Range,
// commit, describe, delete and expiry; and a cluster that has no upload sessions.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, json, must, rawRequest } from './helpers/raw-http.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { chunk, put } from './helpers/image-store-requests.js';

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
