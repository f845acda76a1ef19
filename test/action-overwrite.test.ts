// The four overwrite modes, end to end.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { appManifest, assertCleanJournal, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

const KiB = 1024;

describe('overwrite modes', () => {
  let emu: TestEmulator;
  let v1: string;
  let v2: string;
  before(async () => {
    emu = await startTestEmulator();
    v1 = await makePackage({
      'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
      'Svc/old-only.txt': 'old',
      'Svc/big.bin': 100 * KiB
    });
    v2 = await makePackage({
      'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="2.0.0"/>',
      'Svc/new-only.txt': 'new',
      'Svc/big.bin': 120 * KiB
    });
  });
  after(() => emu.dispose());

  const upload = (pkg: string, dest: string, overwrite: string) =>
    runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': dest, overwrite, 'chunk-size': '64KiB' }
    });

  it('replace deletes the destination before the first byte', async () => {
    assert.equal((await upload(v1, 'Replace', 'replace')).exitCode, 0);
    const firstWrite = emu.journal.entries.length;
    const run = await upload(v2, 'Replace', 'replace');
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'Replace', v2);
    // The run's lease marker beside the destination comes first, then the delete, before any byte of the package.
    const writes = emu.journal.entries.slice(firstWrite);
    assert.match(writes[0]!.path, /^Replace\.sfu-lease\//);
    assert.deepEqual([writes[1]!.op, writes[1]!.path], ['delete', 'Replace']);
    assertCleanJournal(emu);
  });

  it('merge uploads over the destination, keeps other files, and re-marks every folder', async () => {
    assert.equal((await upload(v1, 'Merge', 'merge')).exitCode, 0);
    const run = await upload(v2, 'Merge', 'merge');
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(await readFile(emu.diskPath('Merge/Svc/old-only.txt'), 'utf8'), 'old');
    assert.equal(await readFile(emu.diskPath('Merge/Svc/new-only.txt'), 'utf8'), 'new');
    assert.equal(
      await readFile(emu.diskPath('Merge/ApplicationManifest.xml'), 'utf8'),
      '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="2.0.0"/>'
    );
    assert.equal((await stat(emu.diskPath('Merge/Svc/big.bin'))).size, 120 * KiB);
    assert.equal((await stat(emu.diskPath('Merge/_.dir'))).size, 0);
    assert.equal((await stat(emu.diskPath('Merge/Svc/_.dir'))).size, 0);
    // Nothing was written beneath a folder still marked complete.
    assertCleanJournal(emu);
    // What v2 lacks is still there: said, counted, and not a plain ✅.
    assert.equal(run.outputs['stale-file-count'], '1');
    assert.match(
      run.stdout,
      /::warning::'Merge' still holds 1 file\(s\) or folder\(s\) the package does not have: 'Svc\/old-only\.txt'\. They stay with 'overwrite: merge'/
    );
    assert.match(run.summary, /⚠️ Uploaded to 'Merge'\. ⚠️ It holds 1 file/);
    assert.doesNotMatch(run.summary, /✅/);
  });

  it('merge lists the first stale paths and counts them all, a removed folder once', async () => {
    const many: Record<string, string> = { 'ApplicationManifest.xml': appManifest('1.0.0'), 'Removed/Code/x.dll': 'x', 'Removed/y.dll': 'y' };
    for (let i = 0; i < 14; i++) many[`Svc/stale${String(i).padStart(2, '0')}.dll`] = 's';
    assert.equal((await upload(await makePackage(many), 'MergeMany', 'merge')).exitCode, 0);
    const run = await upload(v2, 'MergeMany', 'merge');
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['stale-file-count'], '15');
    assert.match(
      run.stdout,
      /still holds 15 file\(s\) or folder\(s\) the package does not have: 'Removed\/', 'Svc\/stale00\.dll', .*'Svc\/stale08\.dll' and 5 more\./
    );
  });

  it('merge into a destination that does not exist yet has nothing stale', async () => {
    const run = await upload(v2, 'MergeFresh', 'merge');
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['stale-file-count'], '0');
    assert.doesNotMatch(run.stdout, /::warning::.*the package does not have/);
    assert.match(run.summary, /✅ Uploaded/);
  });

  it('skip succeeds without uploading when the root mark file exists', async () => {
    assert.equal((await upload(v1, 'Skip', 'skip')).exitCode, 0);
    const before = emu.journal.entries.length;
    const run = await upload(v2, 'Skip', 'skip');
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(emu.journal.entries.length, before, 'skip wrote to the store');
    await assertStoreMatchesPackage(emu, 'Skip', v1);
    assert.equal(run.outputs['file-count'], '0');
    assert.equal(run.outputs['store-size-bytes'], String(79 + 3 + 100 * KiB));
    assert.match(run.summary, /Skipped/);
    // v1 holds a file v2 does not have: skip says so.
    assert.equal(run.outputs['stale-file-count'], '1');
    assert.match(run.stdout, /::warning::'Skip' still holds 1 file\(s\) or folder\(s\) the package does not have: 'Svc\/old-only\.txt'/);
  });

  it('a dry run of merge warns about the same stale files the real run would', async () => {
    assert.equal((await upload(v1, 'DryMerge', 'replace')).exitCode, 0);
    const before = emu.journal.entries.length;
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': v2, 'image-store-path': 'DryMerge', overwrite: 'merge', 'dry-run': 'true' }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['stale-file-count'], '1');
    assert.match(run.stdout, /::warning::'DryMerge' holds 1 file\(s\) or folder\(s\) the package does not have: 'Svc\/old-only\.txt'/);
    assert.equal(emu.journal.entries.length, before);
  });

  it('skip replaces an incomplete destination (no root mark file)', async () => {
    assert.equal((await upload(v1, 'SkipPartial', 'replace')).exitCode, 0);
    await emu.emulator.store.delete('SkipPartial/_.dir');
    const run = await upload(v2, 'SkipPartial', 'skip');
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'SkipPartial', v2);
  });

  it('fail refuses an existing destination and uploads to a new one', async () => {
    assert.equal((await upload(v1, 'Fail', 'fail')).exitCode, 0);
    await assertStoreMatchesPackage(emu, 'Fail', v1);
    const before = emu.journal.entries.length;
    const run = await upload(v2, 'Fail', 'fail');
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::'Fail' already exists in the Image Store and 'overwrite' is 'fail'/);
    assert.equal(emu.journal.entries.length, before);
    await assertStoreMatchesPackage(emu, 'Fail', v1);
  });
});
