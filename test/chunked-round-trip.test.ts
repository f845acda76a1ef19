// A 5 MiB + 3 byte file through an upload session, with raw HTTP: out-of-order chunks, a rejected
// overlap, ExpectedRanges after each step, a refused early commit, and a byte-identical result.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, it } from 'node:test';
import { errorCode, json, rawRequest } from './helpers/raw-http.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

let emu: TestEmulator;
before(async () => (emu = await startTestEmulator()));
after(() => emu.dispose());

it('assembles out-of-order chunks into a byte-identical file', async () => {
  const MiB = 1024 * 1024;
  const length = 5 * MiB + 3;
  const content = randomBytes(length);
  const id = randomUUID();
  const path = 'Big/Svc.Code/payload.bin';
  const send = (start: number, end: number) =>
    rawRequest('PUT', emu.storeUrl(`${path}/$/UploadChunk`, { 'session-id': id }), {
      body: content.subarray(start, end + 1),
      headers: { 'Content-Range': `bytes ${start}-${end}/${length}` }
    });
  const expected = async () => {
    const r = await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id }));
    assert.equal(r.status, 200);
    return json<{ UploadSessions: { ExpectedRanges: { StartPosition: string; EndPosition: string }[] }[] }>(r).UploadSessions[0]?.ExpectedRanges.map(
      x => `${x.StartPosition}-${x.EndPosition}`
    );
  };
  const last = length - 1;

  assert.equal((await send(4 * MiB, last)).status, 200);
  assert.deepEqual(await expected(), [`0-${4 * MiB - 1}`]);

  assert.equal((await send(2 * MiB, 3 * MiB - 1)).status, 200);
  assert.deepEqual(await expected(), [`0-${2 * MiB - 1}`, `${3 * MiB}-${4 * MiB - 1}`]);

  const overlap = await send(3 * MiB - 10, 3 * MiB + 10);
  assert.equal(overlap.status, 400);
  assert.equal(errorCode(overlap), 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE');
  assert.deepEqual(await expected(), [`0-${2 * MiB - 1}`, `${3 * MiB}-${4 * MiB - 1}`]);

  assert.equal((await send(0, 2 * MiB - 1)).status, 200);
  assert.deepEqual(await expected(), [`${3 * MiB}-${4 * MiB - 1}`]);

  const early = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
  assert.equal(early.status, 400);
  assert.equal(errorCode(early), 'E_INVALIDARG');

  assert.equal((await send(3 * MiB, 4 * MiB - 1)).status, 200);
  assert.deepEqual(await expected(), []);

  const commit = await rawRequest('POST', emu.storeUrl('$/CommitUploadSession', { 'session-id': id }));
  assert.equal(commit.status, 200);
  const stored = await readFile(emu.diskPath(path));
  assert.equal(stored.length, length);
  assert.ok(stored.equals(content), 'the stored file differs from what was sent');
  assert.equal(emu.journal.mistakes.length, 0);
});
