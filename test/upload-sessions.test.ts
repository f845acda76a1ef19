// The upload engine against the emulator, in this process: one shared probe decides whether the
// cluster has upload sessions, whatever the concurrency; sessions are used throughout where they
// work, single PUTs throughout where they do not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayClient } from '../src/cluster/gateway-client.js';
import { ImageStoreClient } from '../src/cluster/store-client.js';
import { HttpTransport } from '../src/cluster/transport.js';
import { scanPackage } from '../src/package/package-scan.js';
import { PackageUploader } from '../src/upload/package-uploader.js';
import { Semaphore } from '../src/util/concurrency.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { APP_MANIFEST, assertCleanJournal, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

const KiB = 1024;
const LARGE_FILES = 6;

let pkg: string;
before(async () => {
  const spec: Record<string, string | number> = { 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/small.txt': 'small' };
  for (let i = 0; i < LARGE_FILES; i++) spec[`Svc/Data/large${i}.bin`] = 200 * KiB + i;
  pkg = await makePackage(spec, 'ProbeApp');
});

async function uploadTo(emu: TestEmulator, concurrency: number): Promise<PackageUploader> {
  const transport = new HttpTransport({ userAgent: 'test', maxSockets: concurrency });
  try {
    const gateway = new GatewayClient(transport, {
      endpoint: emu.url,
      apiVersion: '6.0',
      timeoutSeconds: 30,
      retries: 3,
      limiter: new Semaphore(concurrency)
    });
    const scanned = await scanPackage(pkg, ['**']);
    const uploader = new PackageUploader(new ImageStoreClient(gateway), scanned, {
      destination: 'ProbeApp',
      chunkSize: 64 * KiB,
      concurrency,
      destinationEmpty: true
    });
    await uploader.uploadFiles();
    await uploader.writeMarkFiles();
    await uploader.writeRootMarkFile();
    return uploader;
  } finally {
    transport.dispose();
  }
}

for (const concurrency of [4, 16]) {
  describe(`upload sessions at concurrency ${concurrency}`, () => {
    describe('a cluster without upload sessions', () => {
      let emu: TestEmulator;
      before(async () => (emu = await startTestEmulator({ uploadSessions: false })));
      after(() => emu.dispose());

      it('probes once, then sends every large file with a single PUT', async () => {
        const uploader = await uploadTo(emu, concurrency);
        assert.equal(emu.journal.requests['upload-chunk'], 1, 'more than one large file probed for upload sessions');
        assert.equal(uploader.stats.chunkedFiles, 0);
        assert.equal(uploader.stats.filesUploaded, LARGE_FILES + 2);
        await assertStoreMatchesPackage(emu, 'ProbeApp', pkg);
        assertCleanJournal(emu);
      });
    });

    describe('a cluster with upload sessions', () => {
      let emu: TestEmulator;
      before(async () => (emu = await startTestEmulator()));
      after(() => emu.dispose());

      it('sends every large file through a session', async () => {
        const uploader = await uploadTo(emu, concurrency);
        assert.equal(uploader.stats.chunkedFiles, LARGE_FILES);
        assert.equal(emu.journal.requests['commit'], LARGE_FILES);
        await assertStoreMatchesPackage(emu, 'ProbeApp', pkg);
        assertCleanJournal(emu);
      });
    });
  });
}
