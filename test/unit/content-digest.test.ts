// The digest of `version-stamp: content`: the documented rule, order independence, the case rule,
// one byte, the ignore globs. The fixed expected value is checked on every Node version the CI runs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import { listingDigest } from '../../src/package/content-digest.js';
import { scanPackage, type ScannedPackage } from '../../src/package/package-scan.js';
import { assertValidPackage } from '../../src/package/validate-package.js';
import { ignoreMatcher, stampPackageVersions, type StampRow } from '../../src/package/version-stamp.js';
import { makePackage } from '../helpers/packages.js';
import { servicePackageSpec } from '../helpers/sf-packages.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The rule as docs/versions.md states it, written again here with node:crypto alone. */
function documentedDigest(files: Record<string, string | Buffer>, zippedByCompress = false): string {
  const lines = Object.entries(files)
    .map(([p, content]) => ({ key: Buffer.from(p), line: `${sha256(content)}  ${p}\n` }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  return sha256((zippedByCompress ? 'zip\n' : '') + lines.map(l => l.line).join('')).slice(0, 12);
}

const FIXTURE = { 'App.dll': 'hello', 'lib/b.txt': 'world', 'lib/a.txt': '', 'Lib/Z.txt': 'Z' };
const entries = (files: Record<string, string | Buffer>) => Object.entries(files).map(([p, c]) => ({ path: p, sha256: sha256(c) }));

test('the digest of a fixed listing is a fixed value, the one the documented rule gives (and `sha256sum | sha256sum`)', () => {
  // Also what `find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12` prints for these files.
  assert.equal(listingDigest(entries(FIXTURE)), '001471bbae96');
  assert.equal(documentedDigest(FIXTURE), '001471bbae96');
});

test('a folder that compress uploads as a zip has another digest: the line zip first', () => {
  assert.equal(listingDigest(entries(FIXTURE), [], true), documentedDigest(FIXTURE, true));
  assert.notEqual(listingDigest(entries(FIXTURE), [], true), listingDigest(entries(FIXTURE)));
});

test('the order the files are listed in does not count', () => {
  const list = entries(FIXTURE);
  assert.equal(listingDigest([...list].reverse()), listingDigest(list));
  assert.equal(listingDigest([list[2]!, list[0]!, list[3]!, list[1]!]), listingDigest(list));
});

test("a path's case counts, and so does one changed byte", () => {
  const base = listingDigest(entries(FIXTURE));
  assert.notEqual(listingDigest(entries({ ...Object.fromEntries(Object.entries(FIXTURE).filter(([p]) => p !== 'App.dll')), 'app.dll': 'hello' })), base);
  assert.notEqual(listingDigest(entries({ ...FIXTURE, 'App.dll': 'hellp' })), base);
  assert.notEqual(listingDigest(entries(FIXTURE), ['empty']), base, 'an empty folder counts');
});

test('the ignore globs match package-relative paths without regard to case, dot files included, \\ as a separator', () => {
  const m = ignoreMatcher(['**/*.pdb', 'WebPkg\\Code\\docs/*.xml', 'never/*']);
  assert.equal(m.matches('WebPkg/Code/App.PDB'), true);
  assert.equal(m.matches('WebPkg/Code/.cache.pdb'), true);
  assert.equal(m.matches('WebPkg/Code/docs/App.xml'), true);
  assert.equal(m.matches('WebPkg/Code/App.xml'), false);
  assert.deepEqual(m.unmatched(), ['never/*']);
});

async function stamp(pkg: ScannedPackage, ignore: string[] = []): Promise<StampRow[]> {
  const s = await stampPackageVersions(pkg, assertValidPackage(pkg).layout, { ignore });
  await s.dispose();
  return s.rows;
}

const codeVersion = (rows: StampRow[], service: string) => rows.find(r => r.service === service && r.kind === 'CodePackage')!.stamped;

test('a package: one changed byte changes its version only; ignored files do not count; the order of the scanned files does not count', async () => {
  const spec = servicePackageSpec('ShopType', '1.0.0', [
    { name: 'WebPkg', code: { 'Web.dll': Buffer.from('web'), 'Web.pdb': Buffer.from('pdb 1') } },
    { name: 'DataPkg', code: { 'Data.dll': Buffer.from('data') } }
  ]);
  const root = await makePackage(spec, 'Shop');
  const before = await stamp(await scanPackage(root, ['**']));
  assert.equal(codeVersion(before, 'WebPkg'), `1.0.0-${documentedDigest({ 'Web.dll': 'web', 'Web.pdb': 'pdb 1' })}`);

  const reversed = await scanPackage(root, ['**']);
  reversed.files.reverse();
  assert.deepEqual(await stamp(reversed), before);

  const ignoring = await stamp(await scanPackage(root, ['**']), ['**/*.pdb']);
  assert.equal(codeVersion(ignoring, 'WebPkg'), `1.0.0-${documentedDigest({ 'Web.dll': 'web' })}`);
  assert.equal(ignoring.find(r => r.kind === 'CodePackage' && r.service === 'WebPkg')!.ignoredFiles, 1);
  await writeFile(path.join(root, 'WebPkg', 'Code', 'Web.pdb'), 'pdb 2');
  assert.deepEqual(await stamp(await scanPackage(root, ['**']), ['**/*.pdb']), ignoring, 'a rebuilt .pdb alone changes nothing');

  await writeFile(path.join(root, 'WebPkg', 'Code', 'Web.dll'), 'wec');
  const after = await stamp(await scanPackage(root, ['**']));
  const changed = after.filter((r, i) => r.stamped !== before[i]!.stamped).map(r => `${r.service}/${r.name}`);
  assert.deepEqual(changed, ['ShopType/ShopType', 'WebPkg/WebPkg', 'WebPkg/Code']);
});

test('a package already zipped counts as its one file; a container code package is not stamped; compress changes the folders only', async () => {
  const zip = Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'binary');
  const spec = servicePackageSpec('ShopType', '1.0.0', [
    { name: 'WebPkg', code: { 'Web.dll': Buffer.from('web') }, config: { 'Settings.xml': '<Settings/>' }, container: true }
  ]);
  delete spec['WebPkg/Config/Settings.xml'];
  spec['WebPkg/Config.zip'] = zip;
  const pkg = await scanPackage(await makePackage(spec, 'Shop'), ['**']);
  const rows = await stamp(pkg);
  assert.equal(rows.find(r => r.kind === 'ConfigPackage')!.stamped, `1.0.0-${documentedDigest({ 'Config.zip': zip })}`);
  assert.deepEqual(
    rows.filter(r => r.kind === 'CodePackage').map(r => r.name),
    ['Code'],
    'the container code package Sidecar has no row'
  );
  const s = await stampPackageVersions(pkg, assertValidPackage(pkg).layout, { compressed: true });
  await s.dispose();
  assert.equal(s.rows.find(r => r.kind === 'ConfigPackage')!.stamped, rows.find(r => r.kind === 'ConfigPackage')!.stamped, 'a zip stays a zip');
  assert.equal(s.rows.find(r => r.kind === 'CodePackage')!.stamped, `1.0.0-${documentedDigest({ 'Web.dll': 'web' }, true)}`);
});
