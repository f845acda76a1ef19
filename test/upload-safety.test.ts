// End to end (upload side): what the step says and refuses so that it cannot hurt a
// cluster's store or be green when the store does not hold its package.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { appManifest, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

describe('upload safety', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  it("uploads to '<ApplicationTypeName>/<ApplicationTypeVersion>' when image-store-path is not set, so two 'Release' folders do not meet", async () => {
    const voting = await makePackage({ 'ApplicationManifest.xml': appManifest('1.2.0', 'VotingType'), 'Svc/a.txt': 'vote' }, 'Release');
    const shop = await makePackage({ 'ApplicationManifest.xml': appManifest('3.0.0', 'ShopType'), 'Svc/b.txt': 'shop' }, 'Release');
    const first = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': voting } });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(first.outputs['image-store-path'], 'VotingType/1.2.0');
    assert.match(
      first.stdout,
      /'image-store-path' is not set: uploading to 'VotingType\/1\.2\.0', the application type's name and version from ApplicationManifest\.xml/
    );
    const second = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': shop } });
    assert.equal(second.exitCode, 0, second.stdout);
    assert.equal(second.outputs['image-store-path'], 'ShopType/3.0.0');
    // The second pipeline's default 'overwrite: replace' left the first one's upload alone.
    await assertStoreMatchesPackage(emu, 'VotingType/1.2.0', voting);
    await assertStoreMatchesPackage(emu, 'ShopType/3.0.0', shop);
    await assert.rejects(readFile(emu.diskPath('Release/_.dir')), { code: 'ENOENT' });
    // An explicit image-store-path is kept as it is.
    const explicit = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': shop, 'image-store-path': 'Staging/Shop' } });
    assert.equal(explicit.exitCode, 0, explicit.stdout);
    assert.equal(explicit.outputs['image-store-path'], 'Staging/Shop');
    assert.doesNotMatch(explicit.stdout, /is not set: uploading to/);
  });

  it("says 'Deleted' only when replace found something to delete", async () => {
    const pkg = await makePackage({ 'ApplicationManifest.xml': appManifest('1.0.0', 'Fresh'), 'Svc/a.txt': 'a' });
    const first = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Fresh/1' } });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.doesNotMatch(first.stdout, /Deleted 'Fresh\/1'/);
    assert.match(first.stdout, /'Fresh\/1' does not exist yet: nothing to delete/);
    assert.equal(emu.journal.entries.filter(e => e.op === 'delete' && e.path === 'Fresh/1').length, 0, 'a destination that did not exist was deleted');
    await assertStoreMatchesPackage(emu, 'Fresh/1', pkg);

    const second = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Fresh/1' } });
    assert.equal(second.exitCode, 0, second.stdout);
    assert.match(second.stdout, /Deleted 'Fresh\/1' before uploading \('overwrite: replace'\)/);
  });
});

describe('a gateway that accepts connections and never answers', () => {
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];
  before(async () => {
    server = createServer(socket => {
      // Accept, read, and never write a byte back: a firewall or a load balancer rule to nowhere.
      sockets.push(socket);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise(resolve => server.close(resolve));
  });

  it('fails after three short first-answer deadlines with a message about the network path, not about timeout', async () => {
    const pkg = await makePackage({ 'ApplicationManifest.xml': appManifest(), 'Svc/a.txt': 'a' });
    // The default deadline is 10 s (three attempts: about 30 s); 1 s here keeps the test short.
    // Before the first-answer deadline, the default inputs waited 5 attempts of 66 s.
    const run = await runAction({
      inputs: { 'cluster-endpoint': url, 'package-path': pkg, 'image-store-path': 'App/1' },
      env: { SFU_FIRST_ANSWER_TIMEOUT_MS: '1000' },
      timeoutMs: 60_000
    });
    assert.equal(run.signal, null, 'the run was still waiting after 60 s');
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /::error::list 'App\/1' failed: no answer from .* after 3 attempts\./);
    assert.match(run.stdout, /port \d+ is open to it \(the HTTP gateway listens on 19080/);
    assert.match(run.stdout, /NSG and firewall rules/);
    assert.match(run.stdout, /'cluster-endpoint' is the cluster's HTTP gateway endpoint/);
    assert.doesNotMatch(run.stdout, /::error::.*raise 'timeout'/);
    assert.equal(sockets.length >= 1, true, 'the action never connected');
  });
});

describe('a write the store acknowledged but did not keep', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ faults: { dropWritePaths: ['Merged/Svc/settings.txt'] } })));
  after(() => emu.dispose());

  it('fails a merge whose write over an older file of the same size was answered and not kept, and leaves the package unmarked', async () => {
    const v1 = await makePackage({ 'ApplicationManifest.xml': appManifest('1.0.0'), 'Svc/settings.txt': 'colour=blue', 'Svc/other.txt': 'one' });
    const v2 = await makePackage({ 'ApplicationManifest.xml': appManifest('2.0.0'), 'Svc/settings.txt': 'colour=red!', 'Svc/other.txt': 'two' });
    await emu.emulator.store.delete('Merged');
    // The first version goes in untouched (the fault is on the path under 'Merged' only after the first run).
    const first = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': v1, 'image-store-path': 'Seed', overwrite: 'merge' } });
    assert.equal(first.exitCode, 0, first.stdout);
    await emu.emulator.store.copy('Seed', 'Merged', []);
    assert.equal(await readFile(emu.diskPath('Merged/Svc/settings.txt'), 'utf8'), 'colour=blue');

    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': v2, 'image-store-path': 'Merged', overwrite: 'merge' } });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.deepEqual(
      emu.journal.faults.filter(f => f.kind === 'dropped-write').map(f => f.path),
      ['Merged/Svc/settings.txt'],
      'the fault did not fire'
    );
    assert.match(
      run.stdout,
      /::error::The Image Store does not hold the package at 'Merged': 'Svc\/settings\.txt' is not the file this run wrote \(the store lists FileVersion \d+ .*older than this run's first write/
    );
    // Same size, old bytes: only the version could tell. The package is not marked complete.
    assert.equal(await readFile(emu.diskPath('Merged/Svc/settings.txt'), 'utf8'), 'colour=blue');
    await assert.rejects(readFile(emu.diskPath('Merged/_.dir')), { code: 'ENOENT' });
  });
});

describe('two runs writing the same destination at once', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  it('lets at most one end green, and the green one leaves exactly its package (merge, several rounds)', async () => {
    // The same file names with different bytes: a mix of the two is not either package.
    const spec = (tag: string) => {
      const files: Record<string, string | number> = { 'ApplicationManifest.xml': appManifest(tag === 'a' ? '1.0.0' : '1.0.1') };
      for (let i = 0; i < 40; i++) files[`Svc/Code/f${i}.txt`] = `${tag}-${i}`.padEnd(200, tag);
      files['Svc/Data/big.bin'] = 300 * 1024;
      return files;
    };
    const a = await makePackage(spec('a'));
    const b = await makePackage(spec('b'));
    const refusals: string[] = [];
    for (let round = 0; round < 4; round++) {
      const dest = `Shared/${round}`;
      const inputs = (pkg: string) => ({
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': dest,
        overwrite: 'merge',
        'chunk-size': '64KiB',
        concurrency: '2'
      });
      const [ra, rb] = await Promise.all([runAction({ inputs: inputs(a) }), runAction({ inputs: inputs(b) })]);
      if (ra.exitCode === 0 && rb.exitCode === 0) {
        // Both green is right only when one ran wholly after the other (a slow start): the later one
        // listed the lease folder after the earlier one had deleted its lease (its own lease may have
        // been written just before). Then the store is the later one's package, not a mix.
        const leaseOf = (stdout: string) => /Wrote this run's lease '([^']+)'/.exec(stdout)?.[1];
        const seq = (op: string, path: string | undefined) => emu.journal.entries.find(e => e.op === op && e.path === path)?.seq ?? NaN;
        // A lease goes with its marker's delete, or with its folder's when it was alone there.
        const released = (lease: string | undefined) =>
          emu.journal.entries.find(e => e.op === 'delete' && (e.path === lease || e.path === `${dest}.sfu-lease`) && e.seq > seq('upload-file', lease))?.seq ??
          NaN;
        const [la, lb] = [leaseOf(ra.stdout), leaseOf(rb.stdout)];
        assert.ok(seq('upload-file', la) < released(la) && seq('upload-file', lb) < released(lb), `round ${round}: both leases written and deleted`);
        await assertStoreMatchesPackage(emu, dest, released(la) < released(lb) ? b : a);
      } else {
        if (ra.exitCode === 0) await assertStoreMatchesPackage(emu, dest, a);
        if (rb.exitCode === 0) await assertStoreMatchesPackage(emu, dest, b);
      }
      for (const r of [ra, rb]) if (r.exitCode !== 0) refusals.push(r.stdout.split('\n').find(l => l.startsWith('::error::')) ?? r.stdout);
      // Every lease is gone once both runs ended.
      await assert.rejects(readFile(emu.diskPath(`Shared/${round}.sfu-lease`)), { code: 'ENOENT' });
    }
    // The run that stopped said why, before it changed anything.
    for (const line of refusals) assert.match(line, /::error::Another run is writing to 'Shared\/\d'.*this run stopped before changing anything there/);
  });

  it('stops a run started while another holds the lease, and the first one leaves exactly its package', async () => {
    const slow = await startTestEmulator({ latencyMs: 60 });
    try {
      const files = (tag: string) => {
        const out: Record<string, string> = { 'ApplicationManifest.xml': appManifest(tag === 'a' ? '1.0.0' : '1.0.1') };
        for (let i = 0; i < 120; i++) out[`Svc/Code/f${i}.txt`] = `${tag}-${i}`.padEnd(200, tag);
        return out;
      };
      const [a, b] = [await makePackage(files('a')), await makePackage(files('b'))];
      const inputs = (pkg: string) => ({ 'cluster-endpoint': slow.url, 'package-path': pkg, 'image-store-path': 'Held', overwrite: 'merge', concurrency: '2' });
      const first = runAction({ inputs: inputs(a) });
      // The second starts once the first one's lease is in the store: the first one is still uploading.
      const deadline = Date.now() + 60_000;
      while (!slow.journal.entries.some(e => e.op === 'upload-file' && e.path.startsWith('Held.sfu-lease/'))) {
        assert.ok(Date.now() < deadline, 'the first run wrote its lease');
        await new Promise(r => setTimeout(r, 20));
      }
      const [ra, rb] = await Promise.all([first, runAction({ inputs: inputs(b) })]);
      assert.equal(ra.exitCode, 0, ra.stdout);
      assert.equal(rb.exitCode, 1, rb.stdout);
      assert.match(rb.stdout, /::error::Another run is writing to 'Held'.*this run stopped before changing anything there/);
      await assertStoreMatchesPackage(slow, 'Held', a);
    } finally {
      await slow.dispose();
    }
  });
});
