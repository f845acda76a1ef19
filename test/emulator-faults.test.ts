// The emulator's fault injection, driven with raw HTTP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjector, parseFaultKinds, parseFaultRoutes } from '../emulator/faults.js';
import { errorCode, json, rawRequest } from './helpers/raw-http.js';
import { startTestEmulator } from './helpers/emulator.js';

describe('fault injection', () => {
  it('draws the same faults for the same seed', () => {
    const draw = (seed: number) => {
      const f = new FaultInjector({ seed, failRate: 0.3, stallRate: 0.1 });
      return Array.from({ length: 200 }, () => f.decide()?.kind ?? '-').join(',');
    };
    assert.equal(draw(42), draw(42));
    assert.notEqual(draw(42), draw(43));
    const kinds = new Set(draw(42).split(','));
    for (const k of ['busy', 'timeout', 'reset', 'lost-answer', 'stall', '-']) assert.ok(kinds.has(k), k);
  });

  it('refuses unknown fault kinds', () => {
    assert.deepEqual(parseFaultKinds('busy, reset'), ['busy', 'reset']);
    assert.throws(() => parseFaultKinds('busy,explode'), /--fail-kinds takes/);
  });

  for (const [kind, status, code] of [
    ['busy', 503, 'FABRIC_E_SERVICE_TOO_BUSY'],
    ['timeout', 504, 'FABRIC_E_TIMEOUT']
  ] as const) {
    it(`answers ${kind} with ${status} ${code} and does not carry out the request`, async () => {
      const emu = await startTestEmulator({ faults: { failRate: 1, failKinds: [kind] } });
      try {
        const r = await rawRequest('PUT', emu.storeUrl('F/a.txt'), { body: 'a' });
        assert.equal(r.status, status);
        assert.equal(errorCode(r), code);
        assert.equal(existsSync(emu.diskPath('F/a.txt')), false);
        assert.deepEqual(
          emu.journal.faults.map(f => f.kind),
          [kind]
        );
      } finally {
        await emu.dispose();
      }
    });
  }

  it('resets the connection before reading the body, and carries out nothing', async () => {
    const emu = await startTestEmulator({ faults: { failRate: 1, failKinds: ['reset'] } });
    try {
      await assert.rejects(rawRequest('PUT', emu.storeUrl('F/a.txt'), { body: 'a' }), /ECONNRESET|socket hang up/);
      assert.equal(existsSync(emu.diskPath('F/a.txt')), false);
    } finally {
      await emu.dispose();
    }
  });

  it('carries out the request and then closes the connection without an answer (lost-answer)', async () => {
    const emu = await startTestEmulator({ faults: { failRate: 1, failKinds: ['lost-answer'] } });
    try {
      await assert.rejects(rawRequest('PUT', emu.storeUrl('F/a.txt'), { body: 'written' }), /ECONNRESET|socket hang up/);
      assert.equal(existsSync(emu.diskPath('F/a.txt')), true);
      assert.equal(emu.journal.entries.at(-1)?.op, 'upload-file');
    } finally {
      await emu.dispose();
    }
  });

  it('never answers a stalled request', async () => {
    const emu = await startTestEmulator({ faults: { stallRate: 1 } });
    try {
      // Until the emulator has taken the request (by the clock: a loaded machine may take a while),
      // then a moment more for an answer that should never come.
      let answered = false;
      const req = http.request(emu.storeUrl(''), { agent: false }, () => (answered = true));
      req.on('error', () => undefined);
      req.end();
      for (const deadline = Date.now() + 60_000; emu.journal.faults.length === 0 && Date.now() < deadline;) await sleep(10);
      await sleep(200);
      req.destroy();
      assert.equal(answered, false);
      assert.deepEqual(
        emu.journal.faults.map(f => f.kind),
        ['stall']
      );
    } finally {
      await emu.dispose();
    }
  });

  it('loses every open upload session every N requests (failover)', async () => {
    const emu = await startTestEmulator({ faults: { failoverEvery: 3 } });
    try {
      const id = randomUUID();
      const chunk = (range: string, body: string) =>
        rawRequest('PUT', emu.storeUrl('F/big.bin/$/UploadChunk', { 'session-id': id }), { body, headers: { 'Content-Range': range } });
      assert.equal((await chunk('bytes 0-1/4', 'ab')).status, 200); // request 1
      const before = await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id })); // request 2
      assert.equal(before.status, 200);
      const after = await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id })); // request 3: failover first
      assert.equal(after.status, 204);
      assert.deepEqual(
        emu.journal.faults.map(f => f.kind),
        ['failover']
      );
      // The same id now starts a new session that expects every byte again.
      assert.equal((await chunk('bytes 2-3/4', 'cd')).status, 200);
      const s = json<{ UploadSessions: { ExpectedRanges: unknown[] }[] }>(await rawRequest('GET', emu.storeUrl('$/GetUploadSession', { 'session-id': id })));
      assert.deepEqual(s.UploadSessions[0]?.ExpectedRanges, [{ StartPosition: '0', EndPosition: '1' }]);
    } finally {
      await emu.dispose();
    }
  });

  it('aims faults at a route family or at route names (--fault-routes); the other routes draw nothing', async () => {
    assert.deepEqual(parseFaultRoutes('management, upgrade-application'), ['management', 'upgrade-application']);
    assert.throws(() => parseFaultRoutes('Management!'), /--fault-routes takes all, management, image-store or route names/);
    const management = (emu: { url: string }) => rawRequest('GET', `${emu.url}/ApplicationTypes?api-version=6.0`);
    for (const [routes, managementFaulted, storeFaulted] of [
      [['management'], true, false],
      [['image-store'], false, true],
      [['all'], true, true],
      [['list-application-types'], true, false],
      [['upgrade-application'], false, false]
    ] as const) {
      const emu = await startTestEmulator({ faults: { failRate: 1, failKinds: ['busy'], routes: [...routes] } });
      try {
        assert.equal((await management(emu)).status === 503, managementFaulted, `${routes.join()}: management`);
        assert.equal((await rawRequest('GET', emu.storeUrl(''))).status === 503, storeFaulted, `${routes.join()}: image store`);
      } finally {
        await emu.dispose();
      }
    }
  });

  it('a management call whose answer is lost is carried out (journaled) before the connection closes', async () => {
    const emu = await startTestEmulator({ faults: { failRate: 1, failKinds: ['lost-answer'], routes: ['management'] } });
    try {
      await assert.rejects(rawRequest('POST', `${emu.url}/Applications/Nope/$/Delete?api-version=6.0`, { body: '{}' }), /ECONNRESET|socket hang up/);
      assert.deepEqual(
        emu.journal.managementCalls.map(c => [c.operation, c.detail.status]),
        [['delete-application', 404]]
      );
      assert.deepEqual(
        emu.journal.faults.map(f => [f.kind, f.route]),
        [['lost-answer', 'delete-application']]
      );
    } finally {
      await emu.dispose();
    }
  });
});
