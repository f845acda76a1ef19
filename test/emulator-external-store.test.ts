// Conformance: the emulator's ExternalStore provision downloads the .sfpkg from the URL it is given,
// unpacks it and provisions it with the image builder's rules; what the runtime refuses, it refuses.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sampleSfpkgBytes } from './helpers/sf-packages.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

describe('emulator: ExternalStore provision', () => {
  let emu: TestEmulator;
  let files: Server;
  let origin: string;
  const served = new Map<string, Buffer>();
  const requested: string[] = [];

  before(async () => {
    emu = await startTestEmulator({ management: { provisionSeconds: 0 } });
    const bytes = await sampleSfpkgBytes('1.0.0');
    served.set('/c/VotingType.1.0.0.sfpkg', bytes);
    served.set('/c/VotingType.1.0.0.zip', bytes);
    served.set('/c/Truncated.sfpkg', bytes.subarray(0, bytes.length - 30));
    files = createServer((req, res) => {
      requested.push(req.url ?? '');
      const body = served.get(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  after(async () => {
    await emu.dispose();
    await new Promise(resolve => files.close(resolve));
  });

  async function provision(uri: string, typeVersion = '1.0.0', isAsync = true): Promise<{ status: number; code?: string; message?: string }> {
    const res = await fetch(`${emu.url}/ApplicationTypes/$/Provision?api-version=6.2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Kind: 'ExternalStore',
        ApplicationPackageDownloadUri: uri,
        ApplicationTypeName: 'VotingType',
        ApplicationTypeVersion: typeVersion,
        Async: isAsync
      })
    });
    const text = await res.text();
    const err = text ? (JSON.parse(text) as { Error?: { Code: string; Message: string } }).Error : undefined;
    return { status: res.status, code: err?.Code, message: err?.Message };
  }

  it('refuses a URL whose path does not end in .sfpkg, without downloading it', async () => {
    const before = requested.length;
    const r = await provision(`${origin}/c/VotingType.1.0.0.zip?x=.sfpkg`);
    assert.equal(r.status, 400);
    assert.equal(r.code, 'E_INVALIDARG');
    assert.equal(requested.length, before);
  });

  it('refuses synchronously a name or version other than the manifest’s, a damaged archive, a failed download; never echoing the query', async () => {
    const mismatch = await provision(`${origin}/c/VotingType.1.0.0.sfpkg?sig=SECRET`, '9.9.9', false);
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.code, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR');
    assert.doesNotMatch(mismatch.message ?? '', /SECRET/);
    assert.equal((await provision(`${origin}/c/Truncated.sfpkg`, '1.0.0', false)).status, 400);
    const missing = await provision(`${origin}/c/Missing.sfpkg?sig=SECRET`, '1.0.0', false);
    assert.equal(missing.status, 400);
    assert.match(missing.message ?? '', /404/);
    assert.doesNotMatch(missing.message ?? '', /SECRET/);
  });

  it('downloads, unpacks and provisions a good .sfpkg; the type becomes Available with its manifest', async () => {
    const r = await provision(`${origin}/c/VotingType.1.0.0.sfpkg?sig=x`);
    assert.equal(r.status, 202, JSON.stringify(r));
    await emu.emulator.management.buildsSettled();
    const list = (await (await fetch(`${emu.url}/ApplicationTypes/VotingType?api-version=6.0`)).json()) as { Items: { Version: string; Status: string }[] };
    assert.equal(list.Items.find(v => v.Version === '1.0.0')?.Status, 'Available');
    const manifest = (await (
      await fetch(`${emu.url}/ApplicationTypes/VotingType/$/GetApplicationManifest?api-version=6.0&ApplicationTypeVersion=1.0.0`)
    ).json()) as {
      Manifest: string;
    };
    assert.match(manifest.Manifest, /ApplicationTypeVersion="1.0.0"/);
    assert.ok(requested.includes('/c/VotingType.1.0.0.sfpkg?sig=x'));
  });
});
