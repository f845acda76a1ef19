// Drives the emulator's gateway with raw HTTP: api-version and timeout checks, unknown routes,
// Info, an empty store, an older runtime, and routes plugged into its router.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCode, json, must, rawRequest } from './helpers/raw-http.js';
import { FabricHttpError } from '../emulator/fabric-http-error.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { put } from './helpers/image-store-requests.js';

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
