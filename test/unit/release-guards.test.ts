import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApplicationInfo } from '../../src/cluster/management-client.js';
import { ReleaseError } from '../../src/deploy/polling.js';
import {
  checkApplicationType,
  checkVersionOrder,
  type GuardedApplication,
  guardOmittedParameters,
  type OmittedParameters
} from '../../src/deploy/release-guards.js';
import { compareTypeVersions } from '../../src/deploy/version-order.js';
import type { ApplicationManifest } from '../../src/protocol/manifests.js';

const order = (a: string, b: string) => {
  const r = compareTypeVersions(a, b);
  return 'order' in r ? r.order : 'incomparable';
};

test('versions: numeric parts compare as numbers, the first difference decides', () => {
  assert.equal(order('1.0.0', '4.0.0'), -1);
  assert.equal(order('4.0.0', '1.0.0'), 1);
  assert.equal(order('1.10.0', '1.9.0'), 1);
  assert.equal(order('1.2', '1.2.0'), 0);
  assert.equal(order('1.2.0', '1.2'), 0);
  assert.equal(order('1.2.1', '1.2'), 1);
  assert.equal(order('007', '7'), 0);
  assert.equal(order('2024.12.01-42', '2024.12.01-9'), 1);
  assert.equal(order('1.0.0-rc2', '1.0.0-rc10'), -1);
  assert.equal(order('1.0.0+build.5', '1.0.0+build.6'), -1);
  assert.equal(order('123456789012345678901234567890', '123456789012345678901234567891'), -1);
  assert.equal(order('1.3.0-beta', '1.2.0'), 1, 'decided before the word');
  assert.equal(order('v2', 'v10'), -1);
});

test('versions: a difference that is not between two numbers cannot be ordered', () => {
  assert.equal(order('1.0.0-beta', '1.0.0'), 'incomparable');
  assert.equal(order('1.0.0', '1.0.0-beta'), 'incomparable');
  assert.equal(order('1.0.0-alpha', '1.0.0-beta'), 'incomparable');
  assert.equal(order('main-abc123', 'main-def456'), 'incomparable');
  assert.equal(order('1.x', '1.2'), 'incomparable');
  assert.equal(order('same-text', 'same-text'), 0);
});

const manifest: ApplicationManifest = {
  typeName: 'VotingType',
  typeVersion: '2.0.0',
  parameters: [
    { name: 'Count', defaultValue: '1' },
    { name: 'ConnectionString', defaultValue: '' },
    { name: 'Mode', defaultValue: 'fast' }
  ],
  serviceManifestImports: []
};

function existing(version: string, parameters: { Key: string; Value: string }[] = [], typeName = 'VotingType'): ApplicationInfo {
  return { Id: 'VotingApp', Name: 'fabric:/VotingApp', TypeName: typeName, TypeVersion: version, Status: 'Ready', Parameters: parameters };
}

function app(given: { Key: string; Value: string }[], omittedParameters: OmittedParameters = 'refuse', allowDowngrade = false): GuardedApplication {
  return { name: 'fabric:/VotingApp', givenParameters: given, guards: { allowDowngrade, omittedParameters } };
}

test('another application type is refused', () => {
  assert.throws(
    () => checkApplicationType(app([]), manifest, existing('1.0.0', [], 'OtherType')),
    /exists with the application type OtherType, not VotingType/
  );
  checkApplicationType(app([]), manifest, existing('1.0.0'));
});

test('a downgrade is refused naming both versions, unless allowed; the same or a newer version passes', () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  assert.throws(
    () => checkVersionOrder(app([]), manifest, existing('4.0.0'), log),
    (err: Error) => err instanceof ReleaseError && /version 2.0.0 is older than 4.0.0, which fabric:\/VotingApp runs.*'allow-downgrade: true'/.test(err.message)
  );
  checkVersionOrder(app([], 'refuse', true), manifest, existing('4.0.0'), log);
  assert.match(lines.join('\n'), /downgrading it \('allow-downgrade: true'\)/);
  checkVersionOrder(app([]), manifest, existing('2.0.0'), log);
  checkVersionOrder(app([]), manifest, existing('1.9.9'), log);
  assert.throws(
    () => checkVersionOrder(app([]), manifest, existing('2.0.0-beta'), log),
    /Cannot tell whether the package's version 2.0.0 is older than 2.0.0-beta/
  );
  lines.length = 0;
  checkVersionOrder(app([], 'refuse', true), manifest, existing('2.0.0-beta'), log);
  assert.match(lines.join('\n'), /Cannot tell whether 2.0.0 is older than 2.0.0-beta.*\n.*anyway/);
});

test('omitted parameters: refused when their value would change, naming each (never the values)', () => {
  const current = [
    { Key: 'Count', Value: '5' },
    { Key: 'ConnectionString', Value: 's3cret' },
    { Key: 'Mode', Value: 'fast' }
  ];
  assert.throws(
    () => guardOmittedParameters(app([{ Key: 'Count', Value: '3' }]), manifest, existing('1.0.0', current)),
    (err: Error) => {
      assert.match(err.message, /fabric:\/VotingApp has ConnectionString set to a value other than the manifest default/);
      assert.doesNotMatch(err.message, /s3cret|Mode|Count/);
      assert.match(err.message, /'omitted-parameters' to 'keep'/);
      return true;
    }
  );
  // At its default (Mode), given (Count), or equal to the default: no reason to refuse.
  const ok = guardOmittedParameters(
    app([
      { Key: 'Count', Value: '3' },
      { Key: 'ConnectionString', Value: 'new' }
    ]),
    manifest,
    existing('1.0.0', current)
  );
  assert.deepEqual(ok.parameters, [
    { Key: 'Count', Value: '3' },
    { Key: 'ConnectionString', Value: 'new' }
  ]);
});

test('omitted parameters: keep carries the current values in the manifest order; reset sends the given list', () => {
  const current = [
    { Key: 'mode', Value: 'slow' },
    { Key: 'Count', Value: '5' },
    { Key: 'Removed', Value: 'x' }
  ];
  const kept = guardOmittedParameters(app([{ Key: 'ConnectionString', Value: 'c' }], 'keep'), manifest, existing('1.0.0', current));
  assert.deepEqual(kept.parameters, [
    { Key: 'Count', Value: '5' },
    { Key: 'ConnectionString', Value: 'c' },
    { Key: 'Mode', Value: 'slow' }
  ]);
  assert.match(kept.notes.join('\n'), /Keeping the current values of Count, Mode on fabric:\/VotingApp/);
  assert.match(kept.notes.join('\n'), /Removed is set on fabric:\/VotingApp but not declared by VotingType 2.0.0/);
  const reset = guardOmittedParameters(app([], 'reset'), manifest, existing('1.0.0', current));
  assert.deepEqual(reset.parameters, []);
  assert.match(reset.notes.join('\n'), /Count, Mode on fabric:\/VotingApp return to the manifest default \('omitted-parameters: reset'\)/);
});

test('an application whose version the cluster does not report is treated as incomparable', () => {
  const info = { ...existing('1.0.0'), TypeVersion: undefined as unknown as string };
  assert.throws(
    () => checkVersionOrder(app([]), manifest, info, () => {}),
    /Cannot tell whether the package's version 2.0.0 is older than .*the cluster did not say which version it runs/
  );
});

test('stamped versions (version-stamp: content): the declared versions are ordered, the stamps are not', () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const stampedManifest = (v: string) => ({ ...manifest, typeVersion: v });
  // The same declared version with other content: an upgrade, whether the running one was stamped or not.
  checkVersionOrder(app([]), stampedManifest('2.0.0-ffffffffffff'), existing('2.0.0-0123456789ab'), log);
  checkVersionOrder(app([]), stampedManifest('2.0.0-ffffffffffff'), existing('2.0.0'), log);
  assert.match(lines.join('\n'), /same declared version 2\.0\.0: other content, upgraded/);
  checkVersionOrder(app([]), stampedManifest('2.1.0-0123456789ab'), existing('2.0.0-ffffffffffff'), log);
  assert.throws(
    () => checkVersionOrder(app([]), stampedManifest('1.9.0-ffffffffffff'), existing('2.0.0-0123456789ab'), log),
    /version 1\.9\.0-ffffffffffff is older than 2\.0\.0-0123456789ab/
  );
});
