// End to end (issue 17, upload side): what the step says and refuses so that it cannot hurt a
// cluster's store or be green when the store does not hold its package.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { appManifest, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

describe('upload safety', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

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
