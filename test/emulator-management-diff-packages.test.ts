// Drives the emulator's provision route with raw HTTP on diff packages (service packages left out
// that the type already holds), parts changed under the same version, and compressed parts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json } from './helpers/raw-http.js';
import type { TestEmulator } from './helpers/emulator.js';
import { assertError, get, provision, provisioned, startClusterWithV1, upload } from './helpers/management-routes.js';
import { sampleFiles, text, votingApp, without, zipPart } from './helpers/voting-app-files.js';

describe('emulator management: diff packages and checksums', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startClusterWithV1()));
  after(() => emu.dispose());

  it('accepts a package that leaves out the service packages the type already holds', async () => {
    const v2 = without(votingApp('2.0.0', { web: '2.0.0' }), 'VotingDataPkg/');
    delete v2['VotingWebPkg/Config/Settings.xml'];
    await provisioned(emu, 'v2/VotingApp', v2);
    const data = await get(emu, 'ApplicationTypes/VotingType/$/GetServiceManifest', { ApplicationTypeVersion: '2.0.0', ServiceManifestName: 'VotingDataPkg' });
    assert.equal(data.status, 200);
    assert.equal(json<{ Manifest: string }>(data).Manifest, text(sampleFiles(), 'VotingDataPkg/ServiceManifest.xml'));
  });

  it('refuses a part left out that the type does not hold', async () => {
    await upload(emu, 'v3/VotingApp', without(votingApp('3.0.0', { web: '3.0.0' }), 'VotingWebPkg/Code/'));
    assertError(await provision(emu, 'v3/VotingApp'), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /BuildLayout .* is invalid\. Code is missing/);
    const otherType = without(votingApp('1.0.0', { typeName: 'OtherType' }), 'VotingDataPkg/');
    await upload(emu, 'other/VotingApp', otherType);
    assertError(
      await provision(emu, 'other/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /ServiceManifest\.xml is missing for service manifest 'VotingDataPkg'/
    );
  });

  it('refuses a part whose content changed under the same version, zipped or not', async () => {
    const changed = votingApp('4.0.0');
    changed['VotingDataPkg/Code/appsettings.json'] = '{"changed":true}';
    await upload(emu, 'v4/VotingApp', changed);
    assertError(
      await provision(emu, 'v4/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /The content in CodePackage Name:Code and Version:1\.0\.0 in Service Manifest 'VotingDataPkg' has changed, but the version number is the same/
    );
    const zipped = zipPart(votingApp('4.0.1'), 'VotingDataPkg/Config');
    await upload(emu, 'v401/VotingApp', zipped);
    assertError(await provision(emu, 'v401/VotingApp'), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /ConfigPackage Name:Config .* has changed/);
    await upload(emu, 'v402/VotingApp', votingApp('4.0.2'));
    assert.equal((await provision(emu, 'v402/VotingApp')).status, 200, 'the same content again is accepted');
  });

  it('provisions compressed packages, and refuses a zip that is not one or holds absolute paths', async () => {
    const compressed = zipPart(zipPart(votingApp('5.0.0', { typeName: 'ZippedType' }), 'VotingWebPkg/Code'), 'VotingDataPkg/Config');
    await upload(emu, 'zipped/VotingApp', compressed);
    assert.equal((await provision(emu, 'zipped/VotingApp')).status, 200);
    const again = zipPart(zipPart(votingApp('5.0.1', { typeName: 'ZippedType' }), 'VotingWebPkg/Code'), 'VotingDataPkg/Config');
    await upload(emu, 'zipped2/VotingApp', again);
    assert.equal((await provision(emu, 'zipped2/VotingApp')).status, 200, 'identical zip bytes under the same part versions');

    const broken = {
      ...without(votingApp('5.0.2', { typeName: 'ZippedType' }), 'VotingWebPkg/Code/'),
      'VotingWebPkg/Code.zip': Buffer.from('PK\u0003\u0004 cut short')
    };
    await upload(emu, 'broken-zip/VotingApp', broken);
    assertError(
      await provision(emu, 'broken-zip/VotingApp'),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
      /Code\.zip\) is not a valid zip archive: no end of central directory/
    );
    const absolute = zipPart(votingApp('1.0.0', { typeName: 'AbsoluteType' }), 'VotingWebPkg/Code', rel => `/${rel}`);
    await upload(emu, 'absolute/VotingApp', absolute);
    assertError(await provision(emu, 'absolute/VotingApp'), 400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR', /is not a relative path/);
  });
});
