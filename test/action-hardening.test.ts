// Field hardening (issue 9), end to end through dist/index.js: the order of the last phases
// against a store that keeps nothing, endpoints that are not an Image Store, malformed listings,
// dry runs that predict the real run, and several failures in the job summary.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { APP_MANIFEST, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

interface FakeRequest {
  method: string;
  /** The decoded path after /ImageStore, with its `$/Action`. */
  path: string;
}

interface FakeAnswer {
  status: number;
  body?: string;
  type?: string;
}

/** A tiny HTTP server standing in for a gateway: `answer` decides every response. */
async function startFakeStore(answer: (req: FakeRequest & { size: number; body: string }) => FakeAnswer) {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r = { method: req.method ?? '', path: decodeURIComponent(url.pathname.replace(/^\/ImageStore\/?/, '')) };
      requests.push(r);
      const body = Buffer.concat(chunks);
      const a = answer({ ...r, size: body.length, body: body.toString('utf8') });
      res.writeHead(a.status, a.body === undefined ? {} : { 'Content-Type': a.type ?? 'application/json' });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  };
}

/**
 * An in-memory store that answers like a Windows cluster: case-insensitive, `\` in
 * StoreRelativePath, every name answered in upper case (the case the store happens to hold).
 * Its copy answers 200 and copies nothing unless `copies` is true.
 */
function windowsLikeStore(copies: boolean) {
  const files = new Map<string, number>();
  const fold = (p: string) => p.split('/').filter(Boolean).join('/').toUpperCase();
  const answer = (r: FakeRequest & { size: number; body: string }): FakeAnswer => {
    const p = fold(r.path);
    if (r.method === 'PUT') {
      files.set(p, r.size);
      return { status: 200 };
    }
    if (r.method === 'DELETE') {
      for (const f of [...files.keys()]) if (f === p || f.startsWith(`${p}/`)) files.delete(f);
      return { status: 200 };
    }
    if (r.method === 'POST' && p === '$/COPY') {
      const { RemoteSource, RemoteDestination } = JSON.parse(r.body) as { RemoteSource: string; RemoteDestination: string };
      if (copies) {
        const [from, to] = [fold(RemoteSource), fold(RemoteDestination)];
        for (const [f, size] of [...files]) if (f.startsWith(`${from}/`)) files.set(`${to}${f.slice(from.length)}`, size);
      }
      return { status: 200 };
    }
    if (r.method === 'GET' && p.endsWith('$/FOLDERSIZE')) return { status: 400, body: '{"Error":{"Code":"E_INVALIDARG","Message":"x"}}' };
    if (r.method !== 'GET') return { status: 400, body: '{"Error":{"Code":"E_INVALIDARG","Message":"x"}}' };
    const win = (f: string) => f.replace(/\//g, '\\');
    if (files.has(p)) return { status: 200, body: JSON.stringify({ StoreFiles: [{ StoreRelativePath: win(p), FileSize: String(files.get(p)) }] }) };
    const storeFiles: object[] = [];
    const folders = new Set<string>();
    for (const [f, size] of files) {
      if (!f.startsWith(`${p}/`)) continue;
      const rest = f.slice(p.length + 1).split('/');
      if (rest.length === 1) storeFiles.push({ StoreRelativePath: win(f), FileSize: String(size) });
      else folders.add(`${p}/${rest[0]}`);
    }
    if (storeFiles.length === 0 && folders.size === 0) return { status: 404 };
    return {
      status: 200,
      body: JSON.stringify({ StoreFiles: storeFiles, StoreFolders: [...folders].map(f => ({ StoreRelativePath: win(f), FileCount: '1' })) })
    };
  };
  return { files, answer };
}

const notJson = { status: 200, body: '<html><body>Welcome</body></html>', type: 'text/html' };

describe('a store that answers 200 and keeps nothing', () => {
  it('ends with no root mark, no copy and nothing cleaned up', async () => {
    const store = await startFakeStore(r => {
      if (r.method === 'GET' && r.path.endsWith('$/FolderSize')) return { status: 400, body: '{"Error":{"Code":"E_INVALIDARG","Message":"x"}}' };
      if (r.method === 'GET') return { status: 404 };
      return { status: 200 };
    });
    try {
      const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/Code/a.dll': 'a', 'Svc/b.txt': 'b' });
      const run = await runAction({
        inputs: {
          'cluster-endpoint': store.url,
          'package-path': pkg,
          'image-store-path': 'App',
          'copy-to': 'Archive/App',
          'cleanup-paths': 'Old/One\nOld/Two',
          retries: '1'
        }
      });
      assert.equal(run.exitCode, 1, run.stdout);
      // The run's lease marker is the first write, and the store does not list it: nothing is written to the destination.
      assert.match(run.stdout, /::error::The Image Store answered the write of this run's lease 'App\.sfu-lease\/[^']+' but does not list it/);
      const seen = store.requests.map(r => `${r.method} ${r.path}`);
      assert.ok(!seen.some(s => s.startsWith('PUT App/')), 'the package was written to a store that kept nothing');
      assert.ok(!seen.some(s => s.startsWith('POST $/Copy')), 'the copy was made');
      assert.ok(!seen.some(s => s.startsWith('DELETE Old')), 'cleanup-paths were deleted');
      assert.match(run.summary, /Upload failed/);
      assert.equal(run.outputs['copied-to'], undefined);
    } finally {
      await store.close();
    }
  });
});

describe('a Windows-like store (case-insensitive, \\, its own case)', () => {
  it('verifies the upload whatever case the store answers in, and marks the root', async () => {
    const fake = windowsLikeStore(true);
    const store = await startFakeStore(fake.answer);
    try {
      const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/Code/Lib.dll': 'lib', 'Svc/b.txt': 'b' });
      const run = await runAction({ inputs: { 'cluster-endpoint': store.url, 'package-path': pkg, 'image-store-path': 'App', 'copy-to': 'Archive/App' } });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.ok(fake.files.has('APP/_.DIR'));
      assert.equal(run.outputs['copied-to'], 'Archive/App');
      assert.equal(run.outputs['stale-file-count'], '0', run.stdout);
    } finally {
      await store.close();
    }
  });

  it('fails when the copy does not hold the package, before any cleanup', async () => {
    const fake = windowsLikeStore(false);
    const store = await startFakeStore(fake.answer);
    try {
      const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/a.txt': 'a' });
      const run = await runAction({
        inputs: {
          'cluster-endpoint': store.url,
          'package-path': pkg,
          'image-store-path': 'App',
          'copy-to': 'Archive/App',
          'cleanup-paths': 'Old',
          retries: '1'
        }
      });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, /::error::The Image Store does not hold the package at the copy 'Archive\/App': 'ApplicationManifest\.xml' is missing/);
      assert.ok(fake.files.has('APP/_.DIR'), 'the destination itself is complete');
      assert.ok(!store.requests.some(r => r.method === 'DELETE' && r.path === 'Old'), 'cleanup ran after a failed copy');
      assert.equal(run.outputs['copied-to'], undefined);
    } finally {
      await store.close();
    }
  });
});

describe('endpoints that do not answer like an Image Store', () => {
  const html404 = { status: 404, body: '<!DOCTYPE html><html><body>Not Found</body></html>', type: 'text/html' };
  for (const [name, page] of [
    ['an HTML page with 200', notJson],
    ['an HTML page with 404', html404]
  ] as const) {
    for (const dryRun of ['false', 'true']) {
      it(`stops at ${name}${dryRun === 'true' ? ' in a dry run' : ''}, writing nothing`, async () => {
        const store = await startFakeStore(() => page);
        try {
          const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/a.txt': 'a' });
          const run = await runAction({ inputs: { 'cluster-endpoint': store.url, 'package-path': pkg, 'image-store-path': 'App', 'dry-run': dryRun } });
          assert.equal(run.exitCode, 1, run.stdout);
          assert.match(
            run.stdout,
            /::error::'http:\/\/127\.0\.0\.1:\d+' does not answer like a Service Fabric Image Store \(listing 'App' got HTTP \d+ with an HTML page\): set 'cluster-endpoint'/
          );
          assert.deepEqual(
            store.requests.filter(r => r.method !== 'GET'),
            []
          );
          assert.doesNotMatch(run.stdout, /does not exist/);
        } finally {
          await store.close();
        }
      });
    }
  }
});

describe('a listing the action cannot read', () => {
  const malformed: [string, FakeAnswer][] = [
    ['not JSON', notJson],
    ['a size that is not a number', { status: 200, body: '{"StoreFiles":[{"StoreRelativePath":"App\\\\a.txt","FileSize":"many"}]}' }],
    ['StoreFiles that is not a list', { status: 200, body: '{"StoreFiles":"a.txt"}' }],
    ['an entry without a path', { status: 200, body: '{"StoreFolders":[{"FileCount":"1"}]}' }]
  ];
  for (const [name, listing] of malformed) {
    it(`fails the step with ::error::, outputs and summary on a listing with ${name}`, async () => {
      let firstListing = true;
      const store = await startFakeStore(r => {
        if (r.method !== 'GET') return { status: 200 };
        if (r.path.endsWith('$/FolderSize')) return { status: 400, body: '{"Error":{"Code":"E_INVALIDARG","Message":"x"}}' };
        if (firstListing) {
          firstListing = false;
          return { status: 404 };
        }
        return listing;
      });
      try {
        const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'a.txt': 'a' });
        const run = await runAction({ inputs: { 'cluster-endpoint': store.url, 'package-path': pkg, 'image-store-path': 'App', retries: '1' } });
        assert.equal(run.exitCode, 1, run.stdout);
        assert.match(run.stdout, /::error::/);
        assert.doesNotMatch(run.stderr, /Unhandled|UnhandledPromiseRejection|at .*\.js:\d+/);
        assert.equal(run.outputs['total-bytes'], String(Buffer.byteLength(APP_MANIFEST) + 1));
        assert.match(run.summary, /Upload failed/);
        assert.ok(!store.requests.some(r => r.method === 'PUT' && r.path === 'App/_.dir'), 'the root was marked');
      } finally {
        await store.close();
      }
    });
  }
});

describe('dry runs predict the real run', () => {
  let emu: TestEmulator;
  let pkg: string;
  before(async () => {
    emu = await startTestEmulator();
    pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/a.txt': 'a' }, 'Dry');
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Dry' } });
    assert.equal(run.exitCode, 0, run.stdout);
  });
  after(() => emu.dispose());

  it('says it would skip over a complete destination with skip', async () => {
    const before = emu.journal.entries.length;
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Dry', overwrite: 'skip', 'dry-run': 'true' }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /Would skip the upload/);
    assert.doesNotMatch(run.stdout, /Would upload/);
    assert.equal(run.outputs['file-count'], '0');
    assert.match(run.summary, /would skip the upload/);
    assert.doesNotMatch(run.summary, /uploaded/i);
    assert.equal(emu.journal.entries.length, before);
  });

  it('fails over an existing destination with fail, as the real run does', async () => {
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Dry', overwrite: 'fail', 'dry-run': 'true' }
    });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /::error::'Dry' already exists in the Image Store and 'overwrite' is 'fail'/);
    assert.match(run.summary, /Dry run failed/);
  });

  it('does not say "uploaded" in the summary of a dry run', async () => {
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'DryNew', 'dry-run': 'true' } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.summary, /Dry run: nothing was changed/);
    assert.match(run.summary, /Files to upload/);
    assert.doesNotMatch(run.summary, /uploaded/i);
    await assert.rejects(stat(emu.diskPath('DryNew')));
  });
});

describe('several failures', () => {
  it('lists every failure in the job summary, not only their number', async () => {
    const emu = await startTestEmulator();
    try {
      const blocker = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/c1/x': 'x', 'Svc/c2/x': 'x', 'Svc/c3/x': 'x' });
      assert.equal((await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': blocker, 'image-store-path': 'App' } })).exitCode, 0);
      const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/c1': 'file', 'Svc/c2': 'file', 'Svc/c3': 'file' });
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App', overwrite: 'merge', retries: '1' }
      });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.summary, /3 operations failed/);
      for (const f of ['c1', 'c2', 'c3']) assert.match(run.summary, new RegExp(`<li>upload file 'App/Svc/${f}' failed: HTTP 400`), run.summary);
    } finally {
      await emu.dispose();
    }
  });
});

describe('package paths with glob metacharacters and backslashes', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());
  const names = ['a[b]c', 'x*y?z', '{a,b}', '!bang#hash', 'back\\slash', '[open', 'a[!x]b'];
  names.forEach((name, i) => {
    it(`scans a package folder named ${JSON.stringify(name)}`, async () => {
      const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/Code/a.dll': 'a', 'Svc/b.txt': 'b' }, name);
      const dest = `Meta${i}`;
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': dest } });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.equal(run.outputs['file-count'], '3');
      await assertStoreMatchesPackage(emu, dest, pkg);
    });
  });
});
