// A user's log shows no Node warnings: none for the many requests in flight on one cancellation
// signal (MaxListenersExceededWarning), none for a large 'timeout' (TimeoutOverflowWarning).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { APP_MANIFEST, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

const KiB = 1024;

describe('no Node warnings in the log', () => {
  let emu: TestEmulator;
  let pkg: string;
  before(async () => {
    const spec: Record<string, string | number> = { 'ApplicationManifest.xml': APP_MANIFEST };
    for (let i = 0; i < 150; i++) spec[`Svc/Code/lib${i % 4}/f${i}.dll`] = 1000 + i;
    for (let i = 0; i < 3; i++) spec[`Svc/Data/big${i}.bin`] = 600 * KiB;
    pkg = await makePackage(spec, 'QuietApp');
    emu = await startTestEmulator();
  });
  after(() => emu.dispose());

  for (const [title, inputs] of [
    ['the default concurrency', {}],
    ['concurrency 64', { concurrency: '64' }],
    ['the largest timeout', { timeout: '4294967295' }]
  ] as const) {
    it(`with ${title}`, async () => {
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'QuietApp', 'chunk-size': '64KiB', ...inputs }
      });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.doesNotMatch(run.stderr, /Warning/, run.stderr);
      assert.doesNotMatch(run.stdout, /(MaxListenersExceeded|TimeoutOverflow|Deprecation)Warning/);
      await assertStoreMatchesPackage(emu, 'QuietApp', pkg);
    });
  }
});
