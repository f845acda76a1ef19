// A Windows cluster compares names case-insensitively and answers with `\`: the action must
// verify, merge and find stale files the way it does. Runs against the emulator's
// case-insensitive mode (EmulatorOptions.caseInsensitive), and the Linux mode beside it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import type { EmulatorOptions } from '../emulator/server.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { APP_MANIFEST, appManifest, makePackage } from './helpers/packages.js';

const windowsOptions = { pathSeparator: '\\', caseInsensitive: true } as Partial<EmulatorOptions>;

async function emulatorIgnoresCase(emu: TestEmulator): Promise<boolean> {
  const put = await fetch(emu.storeUrl('Probe/A.txt'), { method: 'PUT', body: 'a' });
  assert.equal(put.status, 200);
  const listed = await fetch(emu.storeUrl('probe/a.TXT'));
  await listed.arrayBuffer();
  await fetch(emu.storeUrl('Probe'), { method: 'DELETE' });
  return listed.status === 200;
}

describe('a case-insensitive (Windows) cluster', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator(windowsOptions);
    assert.ok(await emulatorIgnoresCase(emu), 'the emulator in Windows mode compares paths case-sensitively');
  });
  after(() => emu.dispose());

  it('merges into a destination stored in another case, verifies it, and finds nothing stale', async () => {
    const v1 = await makePackage({ 'ApplicationManifest.xml': appManifest('1.0.0'), 'Svc/Code/Lib.dll': 'one' });
    const v2 = await makePackage({ 'ApplicationManifest.xml': appManifest('2.0.0'), 'svc/code/LIB.dll': 'two!' });
    const first = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': v1, 'image-store-path': 'CaseApp' } });
    assert.equal(first.exitCode, 0, first.stdout);
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': v2, 'image-store-path': 'caseapp', overwrite: 'merge' } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['stale-file-count'], '0');
    assert.doesNotMatch(run.stdout, /::warning::.*the package does not have/);
  });

  it('skips over a complete upload stored in another case', async () => {
    const pkg = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/a.txt': 'a' });
    assert.equal((await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SkipCase' } })).exitCode, 0);
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'SKIPCASE', overwrite: 'skip' } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.summary, /Skipped/);
    assert.equal(run.outputs['stale-file-count'], '0');
  });
});
