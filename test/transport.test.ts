// The HTTP exchange on its own, against the emulator.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { HttpTransport, LocalFileChangedError } from '../src/cluster/transport.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

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
    let opened = 0;
    const body = { length: 5, open: () => (opened++, Readable.from([Buffer.from('hel'), Buffer.from('lo')])) };
    for (let i = 0; i < 2; i++) {
      const res = await transport.send({ method: 'PUT', url: emu.storeUrl('T/a.txt'), body, timeoutMs: 5000 });
      assert.equal(res.status, 200);
    }
    assert.equal(opened, 2);
  });

  it('fails at once, without waiting for a timeout, when a file gives fewer bytes than announced', async () => {
    const body = { name: '/pkg/shrunk.bin', length: 10, open: () => Readable.from([Buffer.from('12345')]) };
    // A timeout would surface as a NetworkError (ETIMEDOUT); this must be the local error.
    await assert.rejects(
      transport.send({ method: 'PUT', url: emu.storeUrl('T/shrunk.bin'), body, timeoutMs: 60_000 }),
      (err: Error) => err instanceof LocalFileChangedError && /'\/pkg\/shrunk\.bin' gave 5 bytes where 10 were expected/.test(err.message)
    );
    await assert.rejects(stat(emu.diskPath('T/shrunk.bin')), 'the short body was stored');
  });
});
