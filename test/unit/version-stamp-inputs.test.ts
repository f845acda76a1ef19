// The version-stamp inputs, and what "changed" means against the version the application runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getVersionStampInputs } from '../../src/action/version-inputs.js';
import { changedPackages, isChanged, readRunningVersion, type RunningVersionSource } from '../../src/package/changed-packages.js';
import type { StampRow } from '../../src/package/version-stamp.js';

const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

test('version-stamp is none by default, content when asked; anything else is refused naming the input', () => {
  assert.deepEqual(getVersionStampInputs(read({})), { versionStamp: 'none', versionStampIgnore: [] });
  assert.deepEqual(getVersionStampInputs(read({ 'version-stamp': 'content', 'version-stamp-ignore': '**/*.pdb\r\n\n  **/*.xml  \n' })), {
    versionStamp: 'content',
    versionStampIgnore: ['**/*.pdb', '**/*.xml']
  });
  assert.throws(
    () => getVersionStampInputs(read({ 'version-stamp': 'Content' })),
    /^InputError: 'version-stamp' must be 'none' or 'content', not 'Content'\.$/
  );
  assert.throws(
    () => getVersionStampInputs(read({ 'version-stamp-ignore': '**/*.pdb' })),
    /'version-stamp-ignore' is given but 'version-stamp' is not 'content'/
  );
  for (const bad of ['!**/*.dll', '../x/*', '/abs/*']) {
    assert.throws(
      () => getVersionStampInputs(read({ 'version-stamp': 'content', 'version-stamp-ignore': bad })),
      /must be a glob relative to 'package-path'/,
      bad
    );
  }
});

const row = (kind: StampRow['kind'], service: string, name: string, stamped: string): StampRow => ({
  kind,
  service,
  name,
  declared: '1.0.0',
  found: '1.0.0',
  stamped,
  ignoredFiles: 0
});
const ROWS = [
  row('ApplicationType', 'ShopType', 'ShopType', '1.0.0-aaaaaaaaaaaa'),
  row('ServiceManifest', 'WebPkg', 'WebPkg', '1.0.0-bbbbbbbbbbbb'),
  row('CodePackage', 'WebPkg', 'Code', '1.0.0-cccccccccccc'),
  row('ConfigPackage', 'WebPkg', 'Config', '1.0.0-dddddddddddd')
];

function cluster(app: { TypeName: string; TypeVersion: string } | undefined, serviceXml: string): RunningVersionSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getApplication: name => {
      calls.push(`app ${name}`);
      return Promise.resolve(app);
    },
    getApplicationManifest: (type, version) => {
      calls.push(`manifest ${type} ${version}`);
      return Promise.resolve(
        `<ApplicationManifest ApplicationTypeName="${type}" ApplicationTypeVersion="${version}"><ServiceManifestImport><ServiceManifestRef ServiceManifestName="WebPkg" ServiceManifestVersion="1.0.0-0" /></ServiceManifestImport></ApplicationManifest>`
      );
    },
    getServiceManifest: () => Promise.resolve(serviceXml)
  };
}

test('changed: against the parts of the running version; everything without an application, before it exists, or when it runs another type', async () => {
  const runningXml =
    '<ServiceManifest Name="WebPkg" Version="1.0.0-eeeeeeeeeeee"><CodePackage Name="Code" Version="1.0.0-cccccccccccc"/><ConfigPackage Name="Config" Version="1.0.0-ffffffffffff"/></ServiceManifest>';
  const running = await readRunningVersion(cluster({ TypeName: 'ShopType', TypeVersion: '1.0.0-999999999999' }, runningXml), 'fabric:/Shop', 'ShopType');
  assert.equal(running.typeVersion, '1.0.0-999999999999');
  assert.deepEqual(
    ROWS.map(r => isChanged(r, running)),
    [true, true, false, true]
  );
  assert.deepEqual(changedPackages(ROWS, running), [
    { service: 'WebPkg', package: 'WebPkg', kind: 'ServiceManifest', version: '1.0.0-bbbbbbbbbbbb' },
    { service: 'WebPkg', package: 'Config', kind: 'ConfigPackage', version: '1.0.0-dddddddddddd' }
  ]);

  const none = cluster(undefined, runningXml);
  assert.equal(changedPackages(ROWS, await readRunningVersion(none, undefined, 'ShopType')).length, 3);
  assert.deepEqual(none.calls, [], 'no application named: nothing is read');
  const missing = await readRunningVersion(none, 'fabric:/Shop', 'ShopType');
  assert.match(missing.description, /fabric:\/Shop does not exist yet/);
  assert.equal(changedPackages(ROWS, missing).length, 3);
  const other = cluster({ TypeName: 'OtherType', TypeVersion: '1' }, runningXml);
  const otherRunning = await readRunningVersion(other, 'fabric:/Shop', 'ShopType');
  assert.match(otherRunning.description, /runs another application type \(OtherType\)/);
  assert.equal(changedPackages(ROWS, otherRunning).length, 3);
  assert.deepEqual(other.calls, ['app fabric:/Shop'], "another type's manifests are not read");
});
