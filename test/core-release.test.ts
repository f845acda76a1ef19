// The core as a library: runRelease takes one job per call, reports through the reporter it is
// given and returns what happened, so a front door can release several applications in a loop,
// and name its settings its own way. In-process, against the emulator on 127.0.0.1.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ReleaseJob, wantsRelease } from '../src/core/job.js';
import { runRelease } from '../src/core/release.js';
import type { Reporter } from '../src/util/reporter.js';
import { settingNames } from '../src/util/settings.js';
import { assertStoreMatchesPackage, makePackage } from './helpers/packages.js';
import { gatewayReleaseJob } from './helpers/release-jobs.js';
import { servicePackageSpec } from './helpers/sf-packages.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';

/** Collects every line, with the group it was written in. */
class CollectingReporter implements Reporter {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  readonly groups: string[] = [];
  readonly secrets: string[] = [];
  info(line: string): void {
    this.lines.push(line);
  }
  warning(line: string): void {
    this.warnings.push(line);
  }
  debug(): void {}
  progress(line: string): void {
    this.lines.push(line);
  }
  setSecret(value: string): void {
    this.secrets.push(value);
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(name);
    return fn();
  }
}

const CLI_NAMES = settingNames(name => `--${name}`);

function job(endpoint: string, packagePath: string, imageStorePath: string, applicationName: string | undefined, names = CLI_NAMES): ReleaseJob {
  return gatewayReleaseJob({ endpoint, packagePath, imageStorePath, applicationName, keepPackage: true, names });
}

function app(typeName: string): Promise<string> {
  return makePackage(
    servicePackageSpec(typeName, '1.0.0', [
      { name: `${typeName}Svc`, code: { 'Svc.dll': 200_000, 'Svc.exe': 3000 }, config: { 'Settings.xml': '<Settings/>' } }
    ]),
    typeName
  );
}

describe('the core: one job per call, no shared state', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.05, provisionSeconds: 0.05 } });
  });
  after(() => emu.dispose());

  it('releases two applications in a loop, each with its own result', async () => {
    process.env.SFU_POLL_INTERVAL_MS = '50';
    const jobs = [
      job(emu.url, await app('ShopType'), 'Shop/1.0.0', 'fabric:/Shop'),
      job(emu.url, await app('BillingType'), 'Billing/1.0.0', 'fabric:/Billing')
    ];
    assert.ok(jobs.every(j => Object.isFrozen(j) && Object.isFrozen(j.upload) && wantsRelease(j.release)));
    const released: string[] = [];
    const reporter = new CollectingReporter();
    for (const j of jobs) {
      const result = await runRelease(j, reporter, new AbortController().signal);
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.release.provisionResult, 'provisioned');
      assert.equal(result.release.applicationResult, 'created');
      assert.equal(result.upload.rootMarked, true);
      assert.equal(result.upload.imageStorePath, j.upload.imageStorePath);
      assert.ok((result.upload.fileCount ?? 0) >= 4, `files uploaded: ${result.upload.fileCount}`);
      await assertStoreMatchesPackage(emu, j.upload.imageStorePath, j.source.path);
      released.push(result.release.applicationName!);
    }
    assert.deepEqual(released, ['fabric:/Shop', 'fabric:/Billing']);
    for (const id of ['Shop', 'Billing']) {
      const res = await fetch(`${emu.url}/Applications/${id}?api-version=6.0`);
      assert.equal(res.status, 200, `fabric:/${id} exists on the cluster`);
    }
    assert.ok(reporter.groups.includes('Provision ShopType 1.0.0') && reporter.groups.includes('Provision BillingType 1.0.0'), reporter.groups.join(' | '));
  });

  it("names a bad setting by the front door's name, before any request", async () => {
    const before = totalRequests(emu.journal);
    const missing = path.join(path.dirname(await app('GoneType')), 'NoSuchFolder');
    const result = await runRelease(job(emu.url, missing, 'Gone', undefined), new CollectingReporter(), new AbortController().signal);
    assert.match(result.error ?? '', /^'--package-path' \('.*NoSuchFolder'\) does not exist/);
    assert.equal(result.upload.error, result.error);
    assert.equal(totalRequests(emu.journal), before, 'no request was sent');
  });

  it('a stale file in a merged destination is a warning through the reporter, naming the setting', async () => {
    const pkg = await app('MergeType');
    const reporter = new CollectingReporter();
    const first = job(emu.url, pkg, 'Merge/1.0.0', undefined);
    const noRelease = { ...first, release: { ...first.release, provision: undefined } };
    assert.equal((await runRelease(noRelease, reporter, new AbortController().signal)).error, undefined);
    await fetch(`${emu.url}/ImageStore/Merge/1.0.0/extra.txt?api-version=6.0`, { method: 'PUT', body: 'x' });
    const merge = { ...noRelease, upload: { ...noRelease.upload, overwrite: 'merge' as const } };
    const result = await runRelease(merge, reporter, new AbortController().signal);
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.upload.staleCount, 1);
    assert.ok(
      reporter.warnings.some(w => w.includes("'extra.txt'") && w.includes("'--overwrite: replace'")),
      reporter.warnings.join(' | ')
    );
  });
});
