// Input validation: unit tests of the parsers, and the whole table end to end, where every bad
// input fails the step with one sentence naming it and sends nothing to the cluster.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getInputs, parseByteSize, parseChunkSize } from '../src/action/inputs.js';
import { toStoreRelativePath } from '../src/package/package-scan.js';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { APP_MANIFEST, appManifest, makePackage } from './helpers/packages.js';

describe('size and path parsing', () => {
  it('parses byte counts and binary and decimal units', () => {
    assert.equal(parseByteSize('8MiB'), 8 * 1024 * 1024);
    assert.equal(parseByteSize('512 KiB'), 512 * 1024);
    assert.equal(parseByteSize('1gib'), 1024 ** 3);
    assert.equal(parseByteSize('8MB'), 8_000_000);
    assert.equal(parseByteSize('65536'), 65536);
    assert.equal(parseByteSize('1.5MiB'), 1.5 * 1024 * 1024);
    for (const bad of ['', 'MiB', '-1', '8 XB', 'eight']) assert.equal(parseByteSize(bad), undefined, bad);
    assert.throws(() => parseChunkSize('1KiB'), /from 64KiB to 1GiB/);
    assert.throws(() => parseChunkSize('2GiB'), /from 64KiB to 1GiB/);
  });

  it('maps Windows and POSIX local paths to store paths with /', () => {
    assert.equal(toStoreRelativePath('C:\\build\\pkg', 'C:\\build\\pkg\\Svc.Code\\bin\\a b.dll', path.win32), 'Svc.Code/bin/a b.dll');
    assert.equal(toStoreRelativePath('/build/pkg', '/build/pkg/Svc/a.dll', path.posix), 'Svc/a.dll');
    assert.throws(() => toStoreRelativePath('C:\\build\\pkg', 'C:\\other\\a.dll', path.win32), /not inside/);
  });

  it('leaves image-store-path to be derived from the manifest when it is not set (never the package folder name)', () => {
    const inputs = getInputs(name => ({ 'cluster-endpoint': 'http://h:19080/', 'package-path': '/x/VotingApp/pkg/Release' })[name] ?? '');
    assert.equal(inputs.imageStorePath, '');
    assert.equal(inputs.clusterEndpoint, 'http://h:19080');
    assert.equal(inputs.chunkSize, 8 * 1024 * 1024);
    assert.equal(inputs.concurrency, 16);
    assert.equal(inputs.overwrite, 'replace');
  });
});

describe('bad inputs, end to end', () => {
  let emu: TestEmulator;
  let pkg: string;
  let workDir: string;
  before(async () => {
    emu = await startTestEmulator();
    pkg = await makePackage({ 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>', 'Svc/a.txt': 'a' });
    workDir = await mkdtemp(path.join(tmpdir(), 'sfu-inputs-'));
  });
  after(() => emu.dispose());

  const cases: [string, () => Record<string, string> | Promise<Record<string, string>>, RegExp][] = [
    ['missing endpoint', () => ({ 'cluster-endpoint': '', 'package-path': pkg }), /'cluster-endpoint' is required/],
    ['malformed endpoint', () => ({ 'cluster-endpoint': 'not a url', 'package-path': pkg }), /'cluster-endpoint' is not a URL/],
    ['unsupported scheme', () => ({ 'cluster-endpoint': 'ftp://h:19080', 'package-path': pkg }), /must use https:\/\/ or http:\/\//],
    ['missing package path', () => ({ 'package-path': '' }), /'package-path' is required/],
    ['package path that does not exist', () => ({ 'package-path': path.join(workDir, 'nope') }), /does not exist/],
    [
      'package path that is a file',
      async () => {
        const file = path.join(workDir, 'file.txt');
        await writeFile(file, 'x');
        return { 'package-path': file };
      },
      /is a file/
    ],
    ['empty package', async () => ({ 'package-path': await mkdtemp(path.join(workDir, 'empty-')) }), /is empty/],
    ['include matching nothing', () => ({ 'package-path': pkg, include: '**/*.nothing' }), /'include' .* matched no file/],
    ['chunk size 0', () => ({ 'package-path': pkg, 'chunk-size': '0' }), /'chunk-size' must be from 64KiB to 1GiB/],
    ['negative chunk size', () => ({ 'package-path': pkg, 'chunk-size': '-8MiB' }), /'chunk-size' must be a size/],
    ['non-numeric chunk size', () => ({ 'package-path': pkg, 'chunk-size': 'big' }), /'chunk-size' must be a size/],
    ['chunk size out of range', () => ({ 'package-path': pkg, 'chunk-size': '2GiB' }), /'chunk-size' must be from 64KiB to 1GiB/],
    ['concurrency 0', () => ({ 'package-path': pkg, concurrency: '0' }), /'concurrency' must be a whole number from 1 to 64/],
    ['unknown overwrite', () => ({ 'package-path': pkg, overwrite: 'force' }), /'overwrite' must be one of replace, merge, skip, fail/],
    ['absolute image-store-path', () => ({ 'package-path': pkg, 'image-store-path': '/App' }), /'image-store-path' must be relative/],
    ['image-store-path with ..', () => ({ 'package-path': pkg, 'image-store-path': 'App/../Other' }), /must not contain '\.' or '\.\.'/],
    ['blank image-store-path', () => ({ 'package-path': pkg, 'image-store-path': ' / ' }), /'image-store-path' is empty/],
    ['reserved image-store-path', () => ({ 'package-path': pkg, 'image-store-path': 'Store/App' }), /reserves for itself/],
    ['reserved root WindowsFabricStore', () => ({ 'package-path': pkg, 'image-store-path': 'windowsfabricstore' }), /reserves for itself/],
    ['copy-to equal to the destination', () => ({ 'package-path': pkg, 'image-store-path': 'App', 'copy-to': 'App' }), /'copy-to' .* must be outside/],
    ['cleanup of the destination', () => ({ 'package-path': pkg, 'cleanup-paths': 'App' }), /would delete what 'image-store-path'/],
    ['timeout 0', () => ({ 'package-path': pkg, timeout: '0' }), /'timeout' must be a whole number/],
    ['retries not a number', () => ({ 'package-path': pkg, retries: 'many' }), /'retries' must be a whole number/],
    ['api-version malformed', () => ({ 'package-path': pkg, 'api-version': 'latest' }), /'api-version' must look like/],
    ['dry-run not a boolean', () => ({ 'package-path': pkg, 'dry-run': 'yes' }), /'dry-run' must be 'true' or 'false'/],
    [
      'an endpoint ending in /ImageStore',
      () => ({ 'cluster-endpoint': `${emu.url}/ImageStore`, 'package-path': pkg }),
      /'cluster-endpoint' must be the gateway's address without a path \('http:\/\/127\.0\.0\.1:\d+'\)/
    ],
    [
      'an endpoint with another path',
      () => ({ 'cluster-endpoint': `${emu.url}/foo/`, 'package-path': pkg }),
      /'cluster-endpoint' must be the gateway's address without a path/
    ],
    [
      'cleanup beneath the destination',
      () => ({ 'package-path': pkg, 'image-store-path': 'App', 'cleanup-paths': 'App/Svc' }),
      /'cleanup-paths' names 'App\/Svc', which lies inside 'image-store-path'/
    ],
    [
      'cleanup of the destination in another case',
      () => ({ 'package-path': pkg, 'image-store-path': 'App', 'cleanup-paths': 'app' }),
      /would delete what 'image-store-path'/
    ],
    [
      'cleanup beneath the destination with backslashes',
      () => ({ 'package-path': pkg, 'image-store-path': 'App', 'cleanup-paths': 'APP\\svc\\Code' }),
      /lies inside 'image-store-path'/
    ],
    [
      'cleanup of the default destination (from the manifest)',
      () => ({ 'package-path': pkg, 'cleanup-paths': 'app/1.0.0' }),
      /'cleanup-paths' names 'app\/1\.0\.0', which would delete what 'image-store-path' \('App\/1\.0\.0'\) just uploaded/
    ],
    ['copy-to equal to the default destination', () => ({ 'package-path': pkg, 'copy-to': 'App/1.0.0' }), /'copy-to' \('App\/1\.0\.0'\) must be outside/],
    [
      'cleanup of a parent of copy-to',
      () => ({ 'package-path': pkg, 'copy-to': 'Archive/App/1.0', 'cleanup-paths': 'archive' }),
      /would delete what 'copy-to'/
    ],
    ['cleanup beneath copy-to', () => ({ 'package-path': pkg, 'copy-to': 'Archive/App/1.0', 'cleanup-paths': 'ARCHIVE/app/1.0/Svc' }), /lies inside 'copy-to'/],
    [
      'copy-to equal to the destination in another case',
      () => ({ 'package-path': pkg, 'image-store-path': 'App', 'copy-to': 'APP' }),
      /'copy-to' .* must be outside/
    ],
    [
      'a service principal with insecure-skip-tls-verify',
      () => ({
        'cluster-endpoint': 'https://127.0.0.1:9',
        'package-path': pkg,
        'insecure-skip-tls-verify': 'true',
        'azure-client-id': 'c',
        'azure-tenant-id': 't',
        'azure-client-secret': 'secret-value-1'
      }),
      /Azure AD credentials \('azure-client-id'\) cannot be used with 'insecure-skip-tls-verify'/
    ],
    [
      'OIDC with insecure-skip-tls-verify',
      () => ({
        'cluster-endpoint': 'https://127.0.0.1:9',
        'package-path': pkg,
        'insecure-skip-tls-verify': 'true',
        'azure-client-id': 'c',
        'azure-tenant-id': 't'
      }),
      /cannot be used with 'insecure-skip-tls-verify'/
    ],
    [
      'a ready token with insecure-skip-tls-verify',
      () => ({ 'cluster-endpoint': 'https://127.0.0.1:9', 'package-path': pkg, 'insecure-skip-tls-verify': 'true', 'aad-token': 'tok-123456789' }),
      /Azure AD credentials \('aad-token'\) cannot be used with 'insecure-skip-tls-verify'/
    ],
    [
      'an include pattern with ..',
      () => ({ 'package-path': pkg, include: '**\n../other/**' }),
      /'include' pattern '\.\.\/other\/\*\*' has a '\.' or '\.\.' segment/
    ],
    [
      'a package without ApplicationManifest.xml',
      async () => ({ 'package-path': await makePackage({ 'Svc/ServiceManifest.xml': '<s/>' }) }),
      /has no ApplicationManifest\.xml at its root/
    ],
    [
      'a package whose ApplicationManifest.xml is excluded',
      () => ({ 'package-path': pkg, include: '**\n!ApplicationManifest.xml' }),
      /has no ApplicationManifest\.xml at its root among the files 'include' selects/
    ],
    [
      'a reserved device name',
      async () => ({ 'package-path': await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/Code/con.txt': 'c' }) }),
      /A name in 'package-path' cannot be stored on a Windows cluster: 'Svc\/Code\/con\.txt' \('con' is a reserved device name/
    ],
    [
      'names Windows cannot store',
      async () => ({
        'package-path': await makePackage({
          'ApplicationManifest.xml': APP_MANIFEST,
          'Svc/a:b.txt': 'c',
          'Svc/dot.': 'd',
          'Svc/space ': 's',
          'Svc/back\\slash.dll': 'b',
          'Data/AUX/x': 'x',
          'Svc/q?.txt': 'q'
        })
      }),
      /6 names in 'package-path' cannot be stored on a Windows cluster: 'Data\/AUX' .*'Svc\/a:b\.txt' \(it contains ':'.*'Svc\/back\\slash\.dll'.*'Svc\/dot\.' \(it ends with a dot.*and 1 more/
    ],
    [
      'names that differ only in case',
      async () => ({ 'package-path': await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST, 'Svc/Code/a.dll': 'a', 'svc/code/a.dll': 'b' }) }),
      /'svc' \(it differs from 'Svc' only in case/
    ],
    [
      'an image-store-path Windows cannot store',
      () => ({ 'package-path': pkg, 'image-store-path': 'Apps/CON/1.0' }),
      /'image-store-path' \('Apps\/CON\/1\.0'\) has the folder name 'CON', which a Windows cluster cannot store/
    ],
    ['a copy-to ending in a dot', () => ({ 'package-path': pkg, 'copy-to': 'Archive/App.' }), /'copy-to' \('Archive\/App\.'\) has the folder name 'App\.'/],
    [
      'a default image-store-path from a manifest version a Windows cluster cannot store',
      async () => ({ 'package-path': await makePackage({ 'ApplicationManifest.xml': appManifest('1.0.', 'App') }, 'Release') }),
      /'image-store-path' is not set, and its default 'App\/1\.0\.' \(ApplicationTypeName\/ApplicationTypeVersion of ApplicationManifest\.xml\) cannot be used: .*Set 'image-store-path'\./
    ],
    [
      'a broken symbolic link',
      async () => {
        const broken = await makePackage({ 'ApplicationManifest.xml': APP_MANIFEST });
        await symlink(path.join(broken, 'gone'), path.join(broken, 'dangling'));
        return { 'package-path': broken };
      },
      /'dangling' in 'package-path' is a broken symbolic link: fix its target or delete it, or leave it out with '!dangling' in 'include'/
    ]
  ];

  for (const [name, make, message] of cases) {
    it(`refuses ${name}`, async () => {
      const inputs = { 'cluster-endpoint': emu.url, ...(await make()) };
      const requestsBefore = JSON.stringify(emu.journal.requests);
      const run = await runAction({ inputs });
      assert.equal(run.exitCode, 1, run.stdout);
      const errors = run.stdout.split('\n').filter(l => l.startsWith('::error::'));
      assert.equal(errors.length, 1, run.stdout);
      assert.match(errors[0]!, message);
      assert.equal(JSON.stringify(emu.journal.requests), requestsBefore, 'a request reached the cluster');
    });
  }

  // Skipped as root (CI runs as root here): root reads a file whatever its mode, so the case
  // cannot be set up; it runs for any other user.
  it('refuses an unreadable file inside the package', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async () => {
    const locked = await makePackage({
      'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
      'secret.txt': 's'
    });
    await chmod(path.join(locked, 'secret.txt'), 0o000);
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': locked } });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /'secret\.txt' in 'package-path' cannot be read/);
  });

  it('warns about an include pattern that matches nothing, naming it, and drops a leading ./', async () => {
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Patterns', include: './**\nNoSuchFolder/**\n!**/*.pdb' }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['file-count'], '2');
    const warnings = run.stdout
      .split('\n')
      .filter(l => l.startsWith('::warning::') && l.includes("'include'") && !l.includes('not referred to by any manifest'));
    assert.deepEqual(warnings, ["::warning::The 'include' pattern 'NoSuchFolder/**' matches nothing in 'package-path': check it for a typo, or remove it."]);
  });
});
