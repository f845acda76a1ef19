// The settings readers every front door shares: values by canonical name, errors by the front
// door's names, secrets masked through the front door's reporter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPackageForm } from '../../src/core/package-settings.js';
import { readReleaseSpec } from '../../src/core/release-settings.js';
import { readUploadSettings } from '../../src/core/upload-settings.js';
import { settingNames } from '../../src/util/settings.js';

const CLI = settingNames(name => `--${name}`);
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const BASE = { 'cluster-endpoint': 'https://cluster.example:19080', 'package-path': '/tmp/App' };
const quiet = { setSecret: () => undefined, info: () => undefined };

test('a bad setting is named the way the front door names it', () => {
  assert.throws(
    () => readUploadSettings(reader({ ...BASE, 'chunk-size': 'lots' }), CLI, quiet),
    /^InputError: '--chunk-size' must be a size from 64KiB to 1GiB/
  );
  assert.throws(() => readUploadSettings(reader({ ...BASE, 'cluster-endpoint': '' }), CLI, quiet), /^InputError: '--cluster-endpoint' is required/);
  assert.throws(
    () => readUploadSettings(reader({ ...BASE, 'image-store-path': 'App', 'copy-to': 'App/x' }), CLI, quiet),
    /'--copy-to' \('App\/x'\) must be outside '--image-store-path' \('App'\)/
  );
  assert.throws(() => readReleaseSpec(reader({ 'deploy-timeout': '0' }), CLI, quiet), /^InputError: '--deploy-timeout' must be a whole number of seconds/);
  assert.throws(() => readPackageForm(reader({ compress: 'yes' }), CLI), /^InputError: '--compress' must be 'true' or 'false', not 'yes'\.$/);
});

test('secret settings are masked through the reporter before anything is parsed', () => {
  const masked: string[] = [];
  const secret = 'a-client-secret-value';
  assert.throws(
    () => readUploadSettings(reader({ 'azure-client-secret': secret }), CLI, { setSecret: v => masked.push(v) }),
    /'--cluster-endpoint' is required/
  );
  assert.ok(masked.includes(secret), masked.join(' | '));
});

test('keep-package without provisioning says so through the reporter', () => {
  const lines: string[] = [];
  const spec = readReleaseSpec(reader({ provision: 'false', 'keep-package': 'true' }), CLI, { info: l => lines.push(l) });
  assert.equal(spec.keepPackage, true);
  assert.match(lines.join('\n'), /'--keep-package' has no effect without provisioning/);
});
