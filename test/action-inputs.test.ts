// Input validation: unit tests of the parsers, and the whole table end to end, where every bad
// input fails the step with one sentence naming it and sends nothing to the cluster.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getInputs, parseByteSize, parseChunkSize } from '../src/action/inputs.js';
import { toStoreRelativePath } from '../src/package/package-scan.js';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { makePackage } from './helpers/packages.js';

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
    assert.equal(
      toStoreRelativePath('C:\\build\\pkg', 'C:\\build\\pkg\\Svc.Code\\bin\\a b.dll', path.win32),
      'Svc.Code/bin/a b.dll'
    );
    assert.equal(toStoreRelativePath('/build/pkg', '/build/pkg/Svc/a.dll', path.posix), 'Svc/a.dll');
    assert.throws(() => toStoreRelativePath('C:\\build\\pkg', 'C:\\other\\a.dll', path.win32), /not inside/);
  });

  it('defaults image-store-path to the package folder name', () => {
    const inputs = getInputs(name => ({ 'cluster-endpoint': 'http://h:19080/', 'package-path': '/x/VotingApp/pkg/Release' })[name] ?? '');
    assert.equal(inputs.imageStorePath, 'Release');
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
    ['package path that is a file', async () => {
      const file = path.join(workDir, 'file.txt');
      await writeFile(file, 'x');
      return { 'package-path': file };
    }, /is a file/],
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
    ['dry-run not a boolean', () => ({ 'package-path': pkg, 'dry-run': 'yes' }), /'dry-run' must be 'true' or 'false'/]
  ];

  for (const [name, make, message] of cases) {
    it(`refuses ${name}`, async () => {
      const inputs = { 'cluster-endpoint': emu.url, ...(await make()) };
      const requestsBefore = JSON.stringify(emu.journal.requests);
      const run = await runAction({ inputs });
      assert.equal(run.exitCode, 1, run.stdout);
      const errors = run.stdout.split('\n').filter(l => l.startsWith('::error::'));
      assert.equal(errors.length, 1, run.stdout);
      assert.match(errors[0], message);
      assert.equal(JSON.stringify(emu.journal.requests), requestsBefore, 'a request reached the cluster');
    });
  }

  // Skipped as root (CI runs as root here): root reads a file whatever its mode, so the case
  // cannot be set up; it runs for any other user.
  it('refuses an unreadable file inside the package', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async () => {
    const locked = await makePackage({ 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>', 'secret.txt': 's' });
    await chmod(path.join(locked, 'secret.txt'), 0o000);
    const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': locked } });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /'secret\.txt' in 'package-path' cannot be read/);
  });
});
