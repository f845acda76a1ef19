// The HTTP exchange on its own, against the emulator.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { BufferPool } from '../src/cluster/buffer-pool.js';
import { type BodySource, HttpTransport, LocalFileChangedError } from '../src/cluster/transport.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

/** A body read from `pieces` in order, at most `into.length` bytes per read; counts opens and closes. */
function piecesBody(pieces: Buffer[], length = pieces.reduce((n, p) => n + p.length, 0), name?: string) {
  const counts = { opened: 0, closed: 0 };
  const body: BodySource = {
    length,
    name,
    open: async () => {
      counts.opened++;
      const data = Buffer.concat(pieces);
      let at = 0;
      return {
        read: async (into: Buffer) => {
          const n = data.copy(into, 0, at, Math.min(data.length, at + into.length));
          at += n;
          return n;
        },
        close: async () => void counts.closed++
      };
    }
  };
  return { body, counts };
}

describe('HttpTransport', () => {
  let emu: TestEmulator;
  let transport: HttpTransport;
  before(async () => {
    emu = await startTestEmulator();
    transport = new HttpTransport({ userAgent: 'test', maxSockets: 2 });
  });
  after(async () => {
    transport.dispose();
    await emu.dispose();
  });

  it('streams a body source and reopens it for every attempt', async () => {
    const { body, counts } = piecesBody([Buffer.from('hel'), Buffer.from('lo')]);
    for (let i = 0; i < 2; i++) {
      const res = await transport.send({ method: 'PUT', url: emu.storeUrl('T/a.txt'), body, timeoutMs: 60_000 });
      assert.equal(res.status, 200);
    }
    assert.deepEqual(counts, { opened: 2, closed: 2 });
    assert.equal(await readFile(emu.diskPath('T/a.txt'), 'utf8'), 'hello');
  });

  it('sends an empty body source', async () => {
    const { body, counts } = piecesBody([]);
    const res = await transport.send({ method: 'PUT', url: emu.storeUrl('T/empty.txt'), body, timeoutMs: 60_000 });
    assert.equal(res.status, 200);
    assert.equal((await readFile(emu.diskPath('T/empty.txt'))).length, 0);
    assert.equal(counts.closed, 1);
  });

  it('fails at once, without waiting for a timeout, when a file gives fewer bytes than announced', async () => {
    const { body, counts } = piecesBody([Buffer.from('12345')], 10, '/pkg/shrunk.bin');
    // A timeout would surface as a NetworkError (ETIMEDOUT); this must be the local error.
    await assert.rejects(
      transport.send({ method: 'PUT', url: emu.storeUrl('T/shrunk.bin'), body, timeoutMs: 60_000 }),
      (err: Error) => err instanceof LocalFileChangedError && /'\/pkg\/shrunk\.bin' gave 5 bytes where 10 were expected/.test(err.message)
    );
    await assert.rejects(stat(emu.diskPath('T/shrunk.bin')), 'the short body was stored');
    assert.equal(counts.closed, 1, 'the body was not closed');
  });

  it('fails with the reason when a body cannot be read, and closes it', async () => {
    let closed = 0;
    const body: BodySource = {
      length: 3 * 1024 * 1024,
      name: '/pkg/gone.bin',
      open: async () => {
        let reads = 0;
        return {
          read: async (into: Buffer) => {
            if (++reads > 2) throw new Error('EIO: i/o error, read');
            return into.length;
          },
          close: async () => void closed++
        };
      }
    };
    await assert.rejects(
      transport.send({ method: 'PUT', url: emu.storeUrl('T/gone.bin'), body, timeoutMs: 60_000 }),
      (err: Error) => err instanceof LocalFileChangedError && /reading '\/pkg\/gone\.bin' failed: EIO/.test(err.message)
    );
    assert.equal(closed, 1);
    await assert.rejects(stat(emu.diskPath('T/gone.bin')), 'the broken body was stored');
  });

  it('sends bodies of many buffers byte for byte, reading them into a few buffers reused by every request', async () => {
    const pool = new BufferPool(64 * 1024, 2);
    const pooled = new HttpTransport({ userAgent: 'test', maxSockets: 2, bodyBuffers: pool });
    try {
      // Sizes around the buffer's: less than one, exactly one, one and a byte, many with a remainder.
      const sizes = [1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024 + 12_345];
      const bodies = Array.from({ length: 24 }, (_, i) => randomBytes(sizes[i % sizes.length]!));
      await Promise.all(
        bodies.map(async (data, i) => {
          // Each body arrives in odd pieces, so that reads never line up with the buffers.
          const pieces = [data.subarray(0, 1000), data.subarray(1000, 70_000), data.subarray(70_000)];
          const res = await pooled.send({ method: 'PUT', url: emu.storeUrl(`Pool/f${i}.bin`), body: piecesBody(pieces).body, timeoutMs: 60_000 });
          assert.equal(res.status, 200);
        })
      );
      for (const [i, data] of bodies.entries()) assert.ok(data.equals(await readFile(emu.diskPath(`Pool/f${i}.bin`))), `f${i}.bin differs`);
      // Two requests in flight, a buffer each: 24 bodies (about 150 reads) never needed more.
      assert.ok(pool.allocated > 0 && pool.allocated <= 2, `allocated ${pool.allocated} buffers`);
      // Each buffer is given back once its write has completed (a moment after the answer at most;
      // the minute only ends the wrong case, so that a loaded machine never fails the right one).
      for (const deadline = Date.now() + 60_000; pool.kept < pool.allocated && Date.now() < deadline;) await new Promise(r => setTimeout(r, 10));
      assert.equal(pool.kept, pool.allocated, 'a buffer was not given back');
    } finally {
      pooled.dispose();
    }
  });
});
