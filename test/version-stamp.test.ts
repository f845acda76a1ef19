// End to end: `version-stamp: content` through the built dist/index.js against the
// emulator, on copies of the sample VotingApp: v1 stamped and released; one Code file changed gives
// new versions to that package, its service manifest and the type only, and with diff-package only
// that package is uploaded; the same build again uploads and provisions nothing; a parameter default
// alone gives a new type version and no new service version; the user's folder is never changed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { SAMPLE_PACKAGE, sampleAtVersion } from '../scripts/sample-versions.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { assertStoreMatchesPackage } from './helpers/packages.js';

const PARAMETER_FILE = path.resolve('sample', 'ApplicationParameters', 'Cloud.xml');
const FAST_POLLS = { SFU_POLL_INTERVAL_MS: '50' };
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file of a folder with its SHA-256, to show the folder did not change. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[path.relative(root, path.join(e.parentPath, e.name))] = sha256(await readFile(path.join(e.parentPath, e.name)));
  }
  return out;
}

/** A build of the sample: a fresh copy, with `edit` applied to some of its files. */
async function build(edits: Record<string, (text: string) => string> = {}): Promise<string> {
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-build-')), 'VotingApp');
  await cp(SAMPLE_PACKAGE, root, { recursive: true });
  for (const [rel, edit] of Object.entries(edits)) {
    const file = path.join(root, ...rel.split('/'));
    await writeFile(file, edit(await readFile(file, 'utf8')));
  }
  return root;
}

/** The digest of a package folder by the documented rule, computed here from the files alone. */
async function folderDigest(folder: string): Promise<string> {
  const lines: { key: Buffer; line: string }[] = [];
  for (const e of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(folder, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    lines.push({ key: Buffer.from(rel), line: `${sha256(await readFile(path.join(e.parentPath, e.name)))}  ${rel}\n` });
  }
  lines.sort((a, b) => Buffer.compare(a.key, b.key));
  return sha256(lines.map(l => l.line).join('')).slice(0, 12);
}

type Changed = { service: string; package: string; kind: string; version: string };
const changed = (run: ActionRun) => JSON.parse(run.outputs['changed-packages'] ?? 'null') as Changed[];
/** The stamped version of each service manifest and package from the log's table. */
function stampedVersions(run: ActionRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of run.stdout.matchAll(/^(Voting\w+Pkg(?:\/\w+)?)\s+1\.0\.0\s+(1\.0\.0-[0-9a-f]{12})\s+(?:yes|no)$/gm)) out[m[1]!] = m[2]!;
  return out;
}
const uploads = (emu: TestEmulator) => emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk' || e.op === 'commit').length;

describe('version-stamp: content', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.dispose());

  async function release(pkg: string, extra: Record<string, string> = {}): Promise<ActionRun> {
    const before = await snapshot(pkg);
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'application-parameter-file': PARAMETER_FILE,
        'version-stamp': 'content',
        'diff-package': 'true',
        ...extra
      },
      env: FAST_POLLS
    });
    assert.deepEqual(await snapshot(pkg), before, "the user's package folder changed");
    return run;
  }

  let v1: ActionRun;
  let v2: ActionRun;

  it('v1: every version stamped with its content, released, the store holding the stamped manifests and the files as they are', async () => {
    const pkg = await build();
    v1 = await release(pkg, { 'keep-package': 'true', 'image-store-path': 'VotingApp/v1' });
    assert.equal(v1.exitCode, 0, v1.stdout);
    const webCode = `1.0.0-${await folderDigest(path.join(pkg, 'VotingWebPkg', 'Code'))}`;
    assert.equal(stampedVersions(v1)['VotingWebPkg/Code'], webCode);
    assert.match(v1.outputs['application-type-version'] ?? '', /^1\.0\.0-[0-9a-f]{12}$/);
    assert.equal(v1.outputs['application-result'], 'created');
    assert.equal((await application()).TypeVersion, v1.outputs['application-type-version']);
    // Nothing ran before: every service manifest and package changed.
    assert.deepEqual(
      changed(v1).map(c => `${c.service}/${c.package} ${c.kind}`),
      [
        'VotingDataPkg/VotingDataPkg ServiceManifest',
        'VotingDataPkg/Code CodePackage',
        'VotingDataPkg/Config ConfigPackage',
        'VotingDataPkg/Data DataPackage',
        'VotingWebPkg/VotingWebPkg ServiceManifest',
        'VotingWebPkg/Code CodePackage',
        'VotingWebPkg/Config ConfigPackage'
      ]
    );
    assert.ok(
      changed(v1).every(c => c.version === stampedVersions(v1)[c.kind === 'ServiceManifest' ? c.service : `${c.service}/${c.package}`]),
      'changed-packages carries the stamped versions'
    );
    assert.match(v1.summary, /Stamped versions/);
    assert.match(v1.summary, new RegExp(`VotingWebPkg/Code</td><td>1\\.0\\.0</td><td>${webCode}</td><td>yes`));

    // The store: the files byte for byte, the manifests with only their versions stamped.
    const expected = await build();
    const stamp = async (rel: string, edit: (t: string) => string) => {
      const file = path.join(expected, ...rel.split('/'));
      await writeFile(file, edit(await readFile(file, 'utf8')));
    };
    const versions = stampedVersions(v1);
    for (const svc of ['VotingWebPkg', 'VotingDataPkg']) {
      await stamp(`${svc}/ServiceManifest.xml`, t =>
        t
          .replace(/(<ServiceManifest[^>]*?\sVersion=")1\.0\.0"/, `$1${versions[svc]}"`)
          .replace(
            /(<(Code|Config|Data)Package Name="(\w+)" Version=")1\.0\.0"/g,
            (_m, head: string, _k, name: string) => `${head}${versions[`${svc}/${name}`]}"`
          )
      );
    }
    await stamp('ApplicationManifest.xml', t =>
      t
        .replace('ApplicationTypeVersion="1.0.0"', `ApplicationTypeVersion="${v1.outputs['application-type-version']}"`)
        .replace(
          /ServiceManifestName="(\w+)" ServiceManifestVersion="1\.0\.0"/g,
          (_m, name: string) => `ServiceManifestName="${name}" ServiceManifestVersion="${versions[name]}"`
        )
    );
    await assertStoreMatchesPackage(emu, 'VotingApp/v1', expected);
  });

  it('v2: one Code file changed: only that package, its service manifest and the type get new versions, and only that package is uploaded', async () => {
    const pkg = await build({ 'VotingWebPkg/Code/appsettings.json': t => t.replace('{', '{ "Rebuilt": true,') });
    const packageFileWritesBefore = emu.journal.entries.filter(
      e => e.op === 'upload-file' && e.path.startsWith('VotingApp/v2/') && !e.path.endsWith('_.dir')
    ).length;
    v2 = await release(pkg, { 'keep-package': 'true', 'image-store-path': 'VotingApp/v2' });
    assert.equal(v2.exitCode, 0, v2.stdout);
    assert.notEqual(v2.outputs['application-type-version'], v1.outputs['application-type-version']);
    const [a, b] = [stampedVersions(v1), stampedVersions(v2)];
    assert.deepEqual(
      Object.keys(b).filter(k => a[k] !== b[k]),
      ['VotingWebPkg', 'VotingWebPkg/Code']
    );
    assert.deepEqual(changed(v2), [
      { service: 'VotingWebPkg', package: 'VotingWebPkg', kind: 'ServiceManifest', version: b.VotingWebPkg },
      { service: 'VotingWebPkg', package: 'Code', kind: 'CodePackage', version: b['VotingWebPkg/Code'] }
    ]);
    const stored = (await readdir(emu.diskPath('VotingApp/v2'), { recursive: true, withFileTypes: true }))
      .filter(e => e.isFile() && e.name !== '_.dir')
      .map(e => path.relative(emu.diskPath('VotingApp/v2'), path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
    const webCode = (await readdir(path.join(pkg, 'VotingWebPkg', 'Code'), { recursive: true, withFileTypes: true }))
      .filter(e => e.isFile())
      .map(
        e =>
          `VotingWebPkg/Code/${path
            .relative(path.join(pkg, 'VotingWebPkg', 'Code'), path.join(e.parentPath, e.name))
            .split(path.sep)
            .join('/')}`
      );
    assert.deepEqual(stored, ['ApplicationManifest.xml', 'VotingWebPkg/ServiceManifest.xml', ...webCode].sort());
    const packageFileWrites = emu.journal.entries.filter(e => e.op === 'upload-file' && e.path.startsWith('VotingApp/v2/') && !e.path.endsWith('_.dir')).length;
    assert.equal(packageFileWrites - packageFileWritesBefore, stored.length, 'each uploaded file written once');
    assert.equal(v2.outputs['skipped-package-count'], '2', 'VotingDataPkg whole and VotingWebPkg/Config');
    assert.doesNotMatch(v2.stdout, /files rebuilt under an unchanged version/, 'no hint: the versions carry the content');
    assert.equal(v2.outputs['application-result'], 'upgraded');
    assert.equal((await application()).TypeVersion, v2.outputs['application-type-version']);
  });

  it('the same build again uploads and provisions nothing, and nothing changed', async () => {
    const pkg = await build({ 'VotingWebPkg/Code/appsettings.json': t => t.replace('{', '{ "Rebuilt": true,') });
    const uploadsBefore = uploads(emu);
    const provisionsBefore = emu.journal.managementCalls.filter(c => c.operation === 'provision').length;
    const run = await release(pkg, { 'image-store-path': 'VotingApp/v3' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['application-type-version'], v2.outputs['application-type-version']);
    assert.equal(run.outputs['provision-result'], 'already-provisioned');
    assert.equal(run.outputs['application-result'], 'unchanged');
    assert.equal(uploads(emu), uploadsBefore);
    assert.equal(emu.journal.managementCalls.filter(c => c.operation === 'provision').length, provisionsBefore);
    assert.deepEqual(changed(run), []);
  });

  it('a parameter default changed alone gives a new type version and no new service version', async () => {
    const pkg = await build({
      'VotingWebPkg/Code/appsettings.json': t => t.replace('{', '{ "Rebuilt": true,'),
      'ApplicationManifest.xml': t => t.replace('Name="VotingData_PartitionCount" DefaultValue="1"', 'Name="VotingData_PartitionCount" DefaultValue="2"')
    });
    const run = await release(pkg, { 'image-store-path': 'VotingApp/v4' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.notEqual(run.outputs['application-type-version'], v2.outputs['application-type-version']);
    assert.deepEqual(stampedVersions(run), stampedVersions(v2));
    assert.deepEqual(changed(run), []);
    assert.equal(run.outputs['skipped-package-count'], '2', 'both service packages left out whole');
    assert.equal(run.outputs['application-result'], 'upgraded');
  });

  it('version-stamp-ignore: a rebuilt .pdb alone keeps every version, and the .pdb is still uploaded', async () => {
    const withPdb = async (bytes: string) => {
      const pkg = await build();
      await writeFile(path.join(pkg, 'VotingWebPkg', 'Code', 'VotingWeb.pdb'), bytes);
      return pkg;
    };
    const dry = (pkg: string, ignore: string) => release(pkg, { 'dry-run': 'true', 'diff-package': 'false', 'version-stamp-ignore': ignore });
    const [a, b] = [await withPdb('pdb of build 1'), await withPdb('pdb of build 2')];
    const [ra, rb] = [await dry(a, '**/*.PDB'), await dry(b, '**/*.PDB')];
    assert.equal(ra.exitCode, 0, ra.stdout);
    assert.equal(rb.outputs['application-type-version'], ra.outputs['application-type-version']);
    assert.match(ra.stdout, /1 file\(s\) left out of the digests by 'version-stamp-ignore'/);
    assert.match(ra.stdout, /VotingWebPkg\/Code\/VotingWeb\.pdb/, 'the dry run lists the .pdb among the files to upload');
    const [na, nb] = [await dry(a, ''), await dry(b, '')];
    assert.notEqual(nb.outputs['application-type-version'], na.outputs['application-type-version'], 'without the ignore, the .pdb counts');
  });

  it('refuses before any request a declared version that cannot take a stamp', async () => {
    const pkg = await build({ 'ApplicationManifest.xml': t => t.replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="1.0+beta"') });
    const requestsBefore = totalRequests(emu.journal);
    const run = await release(pkg);
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /ApplicationTypeVersion '1\.0\+beta' in ApplicationManifest\.xml cannot take a stamp/);
    assert.equal(totalRequests(emu.journal), requestsBefore);
  });

  async function application() {
    const res = await fetch(`${emu.url}/Applications/VotingApp?api-version=6.0`);
    return (await res.json()) as { TypeVersion: string };
  }
});

describe('without version-stamp: the hint when a version may hide new content', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.dispose());

  const run = (pkg: string, extra: Record<string, string> = {}) =>
    runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, provision: 'true', ...extra }, env: FAST_POLLS });

  it('a re-run of a provisioned version, and diff-package leaving out a package under a version it holds, say so', async () => {
    const first = await run(await sampleAtVersion('2.0.0'));
    assert.equal(first.exitCode, 0, first.stdout);
    assert.doesNotMatch(first.stdout, /files rebuilt under/);
    const rebuilt = await sampleAtVersion('2.0.0');
    await writeFile(path.join(rebuilt, 'VotingWebPkg', 'Code', 'appsettings.json'), '{ "Rebuilt": true }');
    const again = await run(rebuilt);
    assert.equal(again.exitCode, 0, again.stdout);
    assert.equal(again.outputs['provision-result'], 'already-provisioned');
    assert.match(
      again.stdout,
      /::warning::VotingType 2\.0\.0 is provisioned already: files rebuilt under the same version are not deployed; give them a new version, or use 'version-stamp: content'\./
    );
    const next = await sampleAtVersion('2.0.0', (rel, text) =>
      rel === 'ApplicationManifest.xml' ? text.replace('ApplicationTypeVersion="2.0.0"', 'ApplicationTypeVersion="2.0.1"') : text
    );
    const diff = await run(next, { 'diff-package': 'true' });
    assert.equal(diff.exitCode, 0, diff.stdout);
    assert.match(
      diff.stdout,
      /::warning::2 package\(s\) were left out because the cluster holds their versions: files rebuilt under an unchanged version are not deployed/
    );
  });
});

describe('version-stamp with diff-package and compress (the recommended setup)', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.dispose());

  const release = (pkg: string, dest: string) =>
    runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': dest,
        'application-parameter-file': PARAMETER_FILE,
        'version-stamp': 'content',
        'diff-package': 'true',
        compress: 'true',
        'keep-package': 'true'
      },
      env: FAST_POLLS
    });

  it('a second build with one Code file changed uploads the manifests and that one zip, and the cluster takes it', async () => {
    const first = await release(await build(), 'Voting/1');
    assert.equal(first.exitCode, 0, first.stdout);
    const second = await release(await build({ 'VotingWebPkg/Code/appsettings.json': t => t.replace('{', '{ "Rebuilt": true,') }), 'Voting/2');
    assert.equal(second.exitCode, 0, second.stdout);
    assert.equal(second.outputs['application-result'], 'upgraded');
    const stored = (await readdir(emu.diskPath('Voting/2'), { recursive: true, withFileTypes: true }))
      .filter(e => e.isFile() && e.name !== '_.dir')
      .map(e => path.relative(emu.diskPath('Voting/2'), path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
    assert.deepEqual(stored, ['ApplicationManifest.xml', 'VotingWebPkg/Code.zip', 'VotingWebPkg/ServiceManifest.xml']);
    const third = await release(await build({ 'VotingWebPkg/Code/appsettings.json': t => t.replace('{', '{ "Rebuilt": true,') }), 'Voting/3');
    assert.equal(third.outputs['provision-result'], 'already-provisioned', third.stdout);
  });
});

describe('version-stamp when compress is turned on', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.dispose());

  it('gives the zipped packages new versions, so the cluster does not refuse the same version with other content', async () => {
    const run = (pkg: string, dest: string, compress: string) =>
      runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': dest, provision: 'true', 'version-stamp': 'content', compress },
        env: FAST_POLLS
      });
    const folders = await run(await build(), 'Voting/folders', 'false');
    assert.equal(folders.exitCode, 0, folders.stdout);
    const zipped = await run(await build({ 'VotingWebPkg/Code/appsettings.json': t => t.replace('{', '{ "Rebuilt": true,') }), 'Voting/zipped', 'true');
    assert.equal(zipped.exitCode, 0, zipped.stdout);
    const [a, b] = [stampedVersions(folders), stampedVersions(zipped)];
    assert.ok(
      Object.keys(a)
        .filter(k => k.includes('/'))
        .every(k => a[k] !== b[k]),
      'every zipped package has a new version'
    );
  });
});
