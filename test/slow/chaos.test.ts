// Reliability under injected faults, end to end through dist/index.js: the store ends up either
// holding the complete package with every mark file, or without the root mark file; never a
// half-written package marked complete, never an upload session left open.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runAction } from '../../scripts/runner.js';
import type { FaultOptions } from '../../emulator/faults.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { APP_MANIFEST, assertCleanJournal, assertStoreMatchesPackage, makePackage, realisticPackageSpec } from '../helpers/packages.js';

const KiB = 1024;

async function withEmulator<T>(options: Parameters<typeof startTestEmulator>[0], body: (emu: TestEmulator) => Promise<T>): Promise<T> {
  const emu = await startTestEmulator(options);
  try {
    return await body(emu);
  } finally {
    await emu.dispose();
  }
}

describe('seeded fault runs', () => {
  const pkgPromise = makePackage(realisticPackageSpec({ smallFiles: 40, largeSizes: [300 * KiB + 5, 200 * KiB] }), 'Chaos');
  const seen = new Map<string, number>();
  const runs: { seed: number; faults: FaultOptions }[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    runs.push({
      seed,
      faults: { seed, failRate: 0.1, ...(seed > 7 ? { failoverEvery: 15 + seed } : {}) }
    });
  }

  for (const { seed, faults } of runs) {
    it(`completes byte for byte with --fail-rate 0.1, seed ${seed}${faults.failoverEvery ? `, failover every ${faults.failoverEvery}` : ''}`, async () => {
      const pkg = await pkgPromise;
      await withEmulator({ faults }, async emu => {
        const run = await runAction({
          inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Chaos', 'chunk-size': '64KiB', concurrency: '6' }
        });
        assert.equal(run.exitCode, 0, `seed ${seed}:\n${run.stdout}`);
        await assertStoreMatchesPackage(emu, 'Chaos', pkg);
        assertCleanJournal(emu);
        assert.ok(emu.journal.faults.length > 0, 'no fault was injected');
        for (const f of emu.journal.faults) seen.set(f.kind, (seen.get(f.kind) ?? 0) + 1);
      });
    });
  }

  it('met every kind of fault across the runs', () => {
    for (const kind of ['busy', 'timeout', 'reset', 'lost-answer', 'failover']) {
      assert.ok((seen.get(kind) ?? 0) > 0, `no '${kind}' fault in the seeded runs: ${JSON.stringify([...seen])}`);
    }
  });
});

describe('lost answers', () => {
  it('confirms chunks and commits whose answers were lost instead of failing or re-sending blindly', async () => {
    // Which requests lose their answer depends on the seed and on the request order, so several
    // seeds run: each must end byte for byte with every chunk accepted once, and together they must
    // have lost the answer of at least one chunk and one commit.
    const lost = new Set<string>();
    for (let seed = 1; seed <= 8 && !(lost.has('upload-chunk') && lost.has('commit')); seed++) {
      await withEmulator({ faults: { seed, failRate: 0.2, failKinds: ['lost-answer'] } }, async emu => {
        const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/a.bin': 300 * KiB, 'Svc/b.bin': 200 * KiB + 3 }, 'Lost');
        const run = await runAction({
          inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Lost', 'chunk-size': '64KiB', concurrency: '1', retries: '8' }
        });
        assert.equal(run.exitCode, 0, `seed ${seed}:\n${run.stdout}`);
        await assertStoreMatchesPackage(emu, 'Lost', pkg);
        assertCleanJournal(emu);
        for (const f of emu.journal.faults) if (f.kind === 'lost-answer') lost.add(f.route);
        // Each chunk was accepted exactly once: re-sends after a lost answer were refused, not stored twice.
        const accepted = emu.journal.entries.filter(e => e.op === 'upload-chunk').length;
        assert.equal(accepted, 5 + 4, `seed ${seed}`);
      });
    }
    assert.ok(lost.has('upload-chunk'), `no chunk answer was lost in 8 seeds: ${[...lost].join(', ')}`);
    assert.ok(lost.has('commit'), `no commit answer was lost in 8 seeds: ${[...lost].join(', ')}`);
  });
});

describe('a cluster that keeps failing', () => {
  it('stops after the retries with the endpoint and the last error, and writes no mark file', async () => {
    await withEmulator({ faults: { seed: 3, failRate: 1, failKinds: ['busy'] } }, async emu => {
      const pkg = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/a.txt': 'a'
      });
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App', retries: '3' }, timeoutMs: 60_000 });
      assert.equal(run.signal, null, 'the action had to be killed');
      assert.equal(run.exitCode, 1);
      const error = run.stdout.split('\n').find(l => l.startsWith('::error::')) ?? '';
      assert.ok(error.includes(emu.url), error);
      assert.match(error, /HTTP 503 FABRIC_E_SERVICE_TOO_BUSY/);
      assert.match(error, /after 3 attempts/);
      assert.equal(emu.journal.entries.filter(e => e.op !== 'delete').length, 0);
    });
  });

  it('deletes the sessions it opened when a file fails for good, and leaves the root unmarked', async () => {
    await withEmulator({ latencyMs: 15 }, async emu => {
      const blocker = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/clash/inner.txt': 'x'
      });
      await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': blocker, 'image-store-path': 'App' } });
      const pkg = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/clash': 'file',
        'Big/a.bin': 2048 * KiB,
        'Big/b.bin': 1024 * KiB
      });
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App', overwrite: 'merge', 'chunk-size': '64KiB', concurrency: '4' }
      });
      assert.equal(run.exitCode, 1);
      assert.match(run.stdout, /::error::upload file 'App\/Svc\/clash' failed: HTTP 400/);
      assert.match(run.stdout, /Deleted \d+ open upload session/);
      assert.ok(emu.journal.entries.some(e => e.op === 'delete-session'));
      assert.deepEqual(emu.emulator.sessions.all(), []);
      await assert.rejects(stat(emu.diskPath('App/_.dir')));
      assert.equal(emu.journal.mistakes.length, 0);
    });
  });
});

describe('stalls', () => {
  it('abandons a request that gets no answer after timeout plus a margin, and retries it', async () => {
    await withEmulator({ faults: { seed: 11, stallRate: 0.1 } }, async emu => {
      const pkg = await makePackage(realisticPackageSpec({ smallFiles: 20, largeSizes: [150 * KiB] }), 'Stall');
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Stall', 'chunk-size': '64KiB', timeout: '1' },
        timeoutMs: 90_000
      });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.ok(
        emu.journal.faults.some(f => f.kind === 'stall'),
        'no request stalled'
      );
      assert.match(run.stdout, /failed \(ETIMEDOUT\); retrying/);
      await assertStoreMatchesPackage(emu, 'Stall', pkg);
      assertCleanJournal(emu);
    });
  });
});

describe('cancellation', () => {
  it('stops on SIGTERM: sessions deleted, no root mark file, non-zero exit on its own', async () => {
    // A slow link (4 MiB at 1 Mbit/s take half a minute): the signal comes long before the upload
    // could end, however loaded the machine, and the run gets two minutes to stop.
    await withEmulator({ latencyMs: 30, link: { receiveBitsPerSecond: 1e6 } }, async emu => {
      const pkg = await makePackage(
        {
          'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
          'Big/huge.bin': 4096 * KiB,
          'Svc/a.txt': 'a'
        },
        'Cancel'
      );
      let signalled = false;
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Cancel', 'chunk-size': '64KiB', concurrency: '2' },
        timeoutMs: 120_000,
        onStart: child => {
          (async () => {
            while (!emu.journal.entries.some(e => e.op === 'upload-chunk')) await sleep(10);
            signalled = child.kill('SIGTERM');
          })().catch((err: unknown) => console.error(err));
        }
      });
      assert.ok(signalled);
      assert.equal(run.signal, null, 'the action did not exit by itself');
      assert.equal(run.exitCode, 1);
      assert.match(run.stdout, /Received SIGTERM: cancelling the upload/);
      assert.match(run.stdout, /::error::The upload was cancelled/);
      assert.deepEqual(emu.emulator.sessions.all(), [], 'an upload session was left open');
      assert.ok(emu.journal.entries.some(e => e.op === 'delete-session'));
      assert.ok(!emu.journal.entries.some(e => e.path === 'Cancel/_.dir'), 'the root mark file was written');
      assert.ok(!emu.journal.entries.some(e => e.op === 'commit'), 'the large file was committed');
    });
  });
});

describe('a package of 20,000 files', () => {
  it('uploads with bounded memory and file descriptors', async () => {
    const spec: Record<string, string> = { 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>' };
    for (let i = 0; i < 19_999; i++) spec[`Svc${i % 10}/Code/d${Math.floor(i / 10) % 20}/f${i}.txt`] = `file ${i}\n`;
    const pkg = await makePackage(spec, 'Many');
    await withEmulator({}, async emu => {
      let maxFds = 0;
      let sampler: NodeJS.Timeout | undefined;
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Many', concurrency: '16' },
        env: { SFU_REPORT_RESOURCE_USAGE: '1' },
        timeoutMs: 240_000,
        onStart: child => {
          sampler = setInterval(() => {
            try {
              maxFds = Math.max(maxFds, readdirSync(`/proc/${child.pid}/fd`).length);
            } catch {
              // the process has ended, or /proc is not there (not Linux)
            }
          }, 50);
        }
      });
      clearInterval(sampler);
      assert.equal(run.exitCode, 0, run.stdout.slice(-2000));
      assert.equal(run.outputs['file-count'], '20000');
      await assertStoreMatchesPackage(emu, 'Many', pkg);
      assertCleanJournal(emu);
      console.log(`20,000 files: peak RSS ${Math.round((run.peakRssBytes ?? 0) / 1024 / 1024)} MiB, most open file descriptors ${maxFds}`);
      // Bounds far above what a bounded pool needs, far below what one promise or stream per file would take.
      assert.ok(run.peakRssBytes !== undefined && run.peakRssBytes < 300 * 1024 * 1024, `peak RSS ${run.peakRssBytes}`);
      if (process.platform === 'linux') assert.ok(maxFds > 0 && maxFds < 16 * 2 + 40, `open file descriptors ${maxFds}`);
    });
  });
});
