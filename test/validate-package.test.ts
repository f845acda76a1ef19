// End to end: the package is validated offline, before the first request; each problem is one
// sentence naming the file and the fix, and no request reaches the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { makePackage, type PackageSpec } from './helpers/packages.js';
import { applicationManifestXml, servicePackageSpec, serviceManifestXml, type ServiceSpec } from './helpers/sf-packages.js';

const web: ServiceSpec = { name: 'WebPkg', code: { 'Web.dll': 'dll' }, config: { 'Settings.xml': '<Settings/>' } };
const valid = () => servicePackageSpec('ShopType', '1.0.0', [web]);

function without(spec: PackageSpec, ...rels: string[]): PackageSpec {
  return Object.fromEntries(Object.entries(spec).filter(([rel]) => !rels.some(r => rel === r || rel.startsWith(`${r}/`))));
}

describe('offline package validation', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  // A package without ApplicationManifest.xml is refused by the scan already, before validation.
  const cases: { name: string; spec: () => PackageSpec; error: RegExp; refusedByScan?: true }[] = [
    {
      name: 'no ApplicationManifest.xml',
      spec: () => without(valid(), 'ApplicationManifest.xml'),
      error: /::error::'package-path' \(.*\) has no ApplicationManifest\.xml at its root: give the folder of the application package/,
      refusedByScan: true
    },
    {
      name: 'an unparseable ApplicationManifest.xml',
      spec: () => ({ ...valid(), 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="ShopType"' }),
      error: /ApplicationManifest\.xml: ApplicationManifest\.xml is not well-formed XML .* Fix the XML of ApplicationManifest\.xml\./
    },
    {
      name: 'an imported service folder that is missing',
      spec: () => without(valid(), 'WebPkg'),
      error: /WebPkg\/ServiceManifest\.xml: .*ServiceManifest\.xml is missing for service manifest 'WebPkg' version '1\.0\.0'\. Add the folder 'WebPkg'/
    },
    {
      name: 'a ServiceManifest.xml missing from its folder',
      spec: () => without(valid(), 'WebPkg/ServiceManifest.xml'),
      error: /WebPkg\/ServiceManifest\.xml: .*is missing.* Add WebPkg\/ServiceManifest\.xml\./
    },
    {
      name: 'a service manifest whose version differs from the import',
      spec: () => ({ ...valid(), 'WebPkg/ServiceManifest.xml': serviceManifestXml({ ...web, version: '1.0.1' }) }),
      error: /WebPkg\/ServiceManifest\.xml: ServiceManifestRef has .*ServiceManifestVersion='1\.0\.0'.*Version='1\.0\.1'.* Make the ServiceManifestRef/
    },
    {
      name: 'a code package that is neither a folder nor a zip',
      spec: () => without(valid(), 'WebPkg/Code'),
      error: /WebPkg\/Code: .*Code is missing for service WebPkg.* Add the folder 'WebPkg\/Code' or 'WebPkg\/Code\.zip'/
    },
    {
      name: 'a package that is both a folder and a zip',
      spec: () => ({ ...valid(), 'WebPkg/Config.zip': 'PK' }),
      error: /WebPkg\/Config: ConfigPackage 'Config' of service manifest 'WebPkg' is both a folder and Config\.zip\. Keep either/
    },
    {
      name: "a version with '..'",
      spec: () => ({ ...valid(), 'WebPkg/ServiceManifest.xml': serviceManifestXml({ ...web, codeVersion: '1..0' }) }),
      error: /WebPkg\/ServiceManifest\.xml: CodePackage Version '1\.\.0' contains '\.\.'\. Rename it/
    },
    {
      name: 'a name with surrounding whitespace',
      spec: () => ({ ...valid(), 'ApplicationManifest.xml': applicationManifestXml('ShopType ', '1.0.0', [web]) }),
      error: /ApplicationManifest\.xml: ApplicationTypeName 'ShopType ' has surrounding whitespace\. Rename it/
    },
    {
      name: "a type name with '%' (the gateway would read an escape)",
      spec: () => ({ ...valid(), 'ApplicationManifest.xml': applicationManifestXml('Shop%41Type', '1.0.0', [web]) }),
      // `%` is written `%25` in a workflow command: the runner turns it back into `%`.
      error: /ApplicationManifest\.xml: ApplicationTypeName 'Shop%2541Type' contains '%25', which the gateway reads as the start of an escape\. Rename it/
    },
    {
      name: "a type name '$' (the gateway's action separator)",
      spec: () => ({ ...valid(), 'ApplicationManifest.xml': applicationManifestXml('$', '1.0.0', [web]) }),
      error: /ApplicationManifest\.xml: ApplicationTypeName '\$' is '\$', which the gateway reads as part of the route\. Rename it/
    },
    {
      name: "a type version with ':'",
      spec: () => ({ ...valid(), 'ApplicationManifest.xml': applicationManifestXml('ShopType', '1.0:0', [web]) }),
      error: /ApplicationManifest\.xml: ApplicationTypeVersion '1\.0:0' contains ':', which the cluster cannot carry in a type name\. Rename it/
    },
    {
      name: 'a duplicate import',
      spec: () => ({ ...valid(), 'ApplicationManifest.xml': applicationManifestXml('ShopType', '1.0.0', [web, web]) }),
      error: /ApplicationManifest\.xml: ServiceManifestImport 'WebPkg' appears more than once in ApplicationManifest\.xml\. Import each service manifest once\./
    }
  ];

  for (const c of cases) {
    it(`refuses ${c.name} before any request`, async () => {
      const pkg = await makePackage(c.spec(), 'Shop');
      const requestsBefore = totalRequests(emu.journal);
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg } });
      assert.equal(run.exitCode, 1, run.stdout);
      if (!c.refusedByScan) assert.match(run.stdout, /::error::The package in 'package-path' is invalid: /);
      assert.match(run.stdout, c.error);
      assert.equal(totalRequests(emu.journal), requestsBefore, 'a request reached the emulator');
      assert.match(run.summary, /Upload failed/);
    });
  }

  it('lists every problem when there are several', async () => {
    const pkg = await makePackage({ ...without(valid(), 'WebPkg/Code'), 'WebPkg/Config.zip': 'PK' }, 'Shop');
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg } });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::The package in 'package-path' has 2 problems: \(1\) WebPkg\/Code: .* \(2\) WebPkg\/Config: /);
  });

  it('warns of files no manifest refers to, accepts a container code package, and uploads', async () => {
    const spec = servicePackageSpec('ShopType', '1.0.0', [{ ...web, container: true }]);
    spec['notes/readme.txt'] = 'not part of the package';
    spec['WebPkg/Extra/tool.exe'] = 'stray';
    const pkg = await makePackage(spec, 'Shop');
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Shop/warn' } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(
      run.stdout,
      /::warning::2 file\(s\) in 'package-path' are not referred to by any manifest.*'WebPkg\/Extra\/tool\.exe', 'notes\/readme\.txt'\. Leave them out with 'include'/
    );
    assert.match(run.stdout, /The package is valid: application type 'ShopType' version '1\.0\.0', 1 service manifest\(s\), 2 Code\/Config\/Data package\(s\)/);
  });

  it('reports the validation in a dry run', async () => {
    const pkg = await makePackage(valid(), 'Shop');
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'dry-run': 'true' } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /The package is valid: application type 'ShopType' version '1\.0\.0'/);
    const bad = await makePackage(without(valid(), 'WebPkg/Code'), 'Shop');
    const badRun = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': bad, 'dry-run': 'true' } });
    assert.equal(badRun.exitCode, 1);
    assert.match(badRun.stdout, /::error::The package in 'package-path' is invalid: WebPkg\/Code: /);
  });
});
