// End to end: diff-package uploads only what the cluster does not hold for the type, the emulator
// provisions it, and a part left out that the cluster lacks is refused before any upload.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { makePackage, type PackageSpec } from './helpers/packages.js';
import { dllLikeBytes, servicePackageSpec, type ServiceSpec } from './helpers/sf-packages.js';

function services(webVersion: string, webCodeVersion = webVersion): ServiceSpec[] {
  const code = (seed: number) => Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`lib/A${i}.dll`, dllLikeBytes(3000 + i * 101, seed + i)]));
  return [
    {
      name: 'WebPkg',
      version: webVersion,
      codeVersion: webCodeVersion,
      configVersion: '1.0.0',
      code: code(webCodeVersion === '1.0.0' ? 1 : 100),
      config: { 'Settings.xml': '<Settings/>' }
    },
    { name: 'DataPkg', version: '1.0.0', code: code(50), data: { 'seed.json': '[]' } }
  ];
}

const uploadWrites = (emu: TestEmulator) => emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk' || e.op === 'commit').length;

async function storedFiles(emu: TestEmulator, dest: string): Promise<string[]> {
  return (await readdir(emu.diskPath(dest), { recursive: true, withFileTypes: true }))
    .filter(e => e.isFile() && e.name !== '_.dir')
    .map(e => path.relative(emu.diskPath(dest), path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('diff packages', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
    const v1 = await makePackage(servicePackageSpec('ShopType', '1.0.0', services('1.0.0')), 'Shop');
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': v1, 'image-store-path': 'Shop/1.0.0', provision: 'true' } });
    assert.equal(run.exitCode, 0, run.stdout);
  });
  after(() => emu.dispose());

  it('uploads only the changed service and its changed code package, and the cluster provisions it', async () => {
    const v11 = await makePackage(servicePackageSpec('ShopType', '1.1.0', services('1.1.0')), 'Shop');
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': v11,
        'image-store-path': 'Shop/1.1.0',
        'diff-package': 'true',
        provision: 'true',
        'keep-package': 'true'
      }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.deepEqual(
      await storedFiles(emu, 'Shop/1.1.0'),
      [
        'ApplicationManifest.xml',
        'WebPkg/Code/lib/A0.dll',
        ...Array.from({ length: 11 }, (_, i) => `WebPkg/Code/lib/A${i + 1}.dll`).sort(),
        'WebPkg/ServiceManifest.xml'
      ].sort()
    );
    assert.match(
      run.stdout,
      /Left out DataPkg \(service package 'DataPkg', version 1\.0\.0\): the cluster holds it for ShopType \(provisioned version 1\.0\.0\)\./
    );
    assert.match(run.stdout, /Left out WebPkg\/Config \(ConfigPackage 'Config' of 'WebPkg', version 1\.0\.0\): the cluster holds it for ShopType/);
    assert.equal(run.outputs['skipped-package-count'], '2');
    assert.equal(run.outputs['file-count'], '14');
    const provisioned = emu.emulator.management.types.findAvailable('ShopType', '1.1.0');
    assert.ok(provisioned, 'the diff package was not provisioned');
  });

  it('refuses, before any upload, a package lacking a part whose version the cluster does not hold', async () => {
    const spec: PackageSpec = servicePackageSpec('ShopType', '1.2.0', services('1.2.0'));
    for (const rel of Object.keys(spec)) if (rel.startsWith('WebPkg/Code/')) delete spec[rel];
    const pkg = await makePackage(spec, 'Shop');
    const writes = uploadWrites(emu);
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Shop/1.2.0', 'diff-package': 'true' } });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::The package in 'package-path' is invalid: WebPkg\/Code: .*Code is missing for service WebPkg \(CodePackage version '1\.2\.0'\)\. Add the folder 'WebPkg\/Code' or 'WebPkg\/Code\.zip', or leave it out only when the cluster already holds/
    );
    assert.equal(uploadWrites(emu), writes, 'files were uploaded');
  });

  it('accepts a package the user already left parts out of, when the cluster holds them, and combines with compress', async () => {
    const spec: PackageSpec = servicePackageSpec('ShopType', '1.3.0', services('1.3.0', '1.0.0'));
    for (const rel of Object.keys(spec)) if (rel.startsWith('DataPkg/')) delete spec[rel];
    const pkg = await makePackage(spec, 'Shop');
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'Shop/1.3.0',
        'diff-package': 'true',
        compress: 'true',
        provision: 'true',
        'keep-package': 'true'
      }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    // WebPkg's Code 1.0.0 and Config 1.0.0 are held (a folder then, so the zip would differ anyway): only manifests go.
    assert.deepEqual(await storedFiles(emu, 'Shop/1.3.0'), ['ApplicationManifest.xml', 'WebPkg/ServiceManifest.xml']);
    assert.equal(run.outputs['skipped-package-count'], '2');
    assert.ok(emu.emulator.management.types.findAvailable('ShopType', '1.3.0'));
  });

  it('refuses, before any upload, a service manifest changed under a version the cluster holds; formatting alone is no change', async () => {
    const spec: PackageSpec = servicePackageSpec('ShopType', '1.4.0', services('1.4.0'));
    // DataPkg 1.0.0 is held: the same version with a new endpoint is a different manifest.
    spec['DataPkg/ServiceManifest.xml'] = String(spec['DataPkg/ServiceManifest.xml']).replace(
      '</ServiceManifest>',
      '  <Resources><Endpoints><Endpoint Name="DataEndpoint" Port="8081" /></Endpoints></Resources>\n</ServiceManifest>'
    );
    const pkg = await makePackage(spec, 'Shop');
    const writes = uploadWrites(emu);
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Shop/1.4.0', 'diff-package': 'true' } });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::The package in 'package-path' is invalid: DataPkg\/ServiceManifest\.xml: its content differs from service manifest DataPkg version 1\.0\.0 that the cluster holds for ShopType \(provisioned versions? 1\.0\.0[^)]*\), but its version is the same\. .*give it a new Version/
    );
    assert.equal(uploadWrites(emu), writes, 'files were uploaded');

    // Reformatted (indentation, quotes, attribute order), the same manifest is still left out.
    const reformatted: PackageSpec = servicePackageSpec('ShopType', '1.5.0', services('1.5.0'));
    reformatted['DataPkg/ServiceManifest.xml'] = String(reformatted['DataPkg/ServiceManifest.xml'])
      .replace(/\n {2}/g, '\n\t\t')
      .replace('<ServiceManifest Name="DataPkg" Version="1.0.0"', "<ServiceManifest Version='1.0.0'   Name='DataPkg'");
    const same = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': await makePackage(reformatted, 'Shop'), 'image-store-path': 'Shop/1.5.0', 'diff-package': 'true' }
    });
    assert.equal(same.exitCode, 0, same.stdout);
    assert.match(same.stdout, /Left out DataPkg \(service package 'DataPkg', version 1\.0\.0\)/);
    assert.match(same.stdout, /changed content under an unchanged version cannot be seen by the cluster/);
  });

  it('uploads everything when the cluster has no version of the type', async () => {
    const spec = servicePackageSpec('OtherType', '1.0.0', services('1.0.0'));
    const pkg = await makePackage(spec, 'Other');
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Other', 'diff-package': 'true' } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /The cluster has no provisioned version of OtherType: everything is uploaded\./);
    assert.equal(run.outputs['skipped-package-count'], '0');
    assert.deepEqual(await storedFiles(emu, 'Other'), Object.keys(spec).sort());
  });
});
