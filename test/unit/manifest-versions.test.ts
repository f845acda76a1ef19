// Stamping rewrites the version attributes in the manifests' text and nothing else: comments,
// attribute order and quotes, CRLF line endings, the byte order mark and UTF-16 are kept; stamping a
// stamped package changes nothing; a stale stamp is replaced; versions that cannot take a stamp, or
// would be too long, are refused before anything is written.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { decodeManifest, encodeManifest, startTags } from '../../src/package/manifest-versions.js';
import { scanPackage, type ScannedPackage } from '../../src/package/package-scan.js';
import { assertValidPackage } from '../../src/package/validate-package.js';
import { stampPackageVersions, type StampedPackage } from '../../src/package/version-stamp.js';
import { makePackage, type PackageSpec } from '../helpers/packages.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

const SERVICE = crlf([
  '<?xml version="1.0" encoding="utf-8"?>',
  '<!-- Version="9.9.9" in a comment stays as it is -->',
  `<ServiceManifest xmlns="http://schemas.microsoft.com/2011/01/fabric" Version='1.0.0' Name="WebPkg">`,
  '  <ServiceTypes><StatelessServiceType ServiceTypeName="WebType" /></ServiceTypes>',
  '  <CodePackage Name="Code"',
  '               Version="1.0.0"><!-- the code -->',
  '    <EntryPoint><ExeHost><Program>Web.exe</Program></ExeHost></EntryPoint>',
  '  </CodePackage>',
  '  <ConfigPackage Version="1.0.0-000000000000" Name="Config" />',
  '</ServiceManifest>'
]);

function app(version = '1.0.0', serviceVersion = '1.0.0', defaultValue = '1'): string {
  return crlf([
    '<?xml version="1.0" encoding="utf-8"?>',
    `<ApplicationManifest ApplicationTypeName="ShopType" ApplicationTypeVersion="${version}" xmlns="http://schemas.microsoft.com/2011/01/fabric">`,
    `  <Parameters><Parameter Name="Count" DefaultValue="${defaultValue}" /></Parameters>`,
    `  <ServiceManifestImport><ServiceManifestRef ServiceManifestName="WebPkg" ServiceManifestVersion="${serviceVersion}" /></ServiceManifestImport>`,
    '</ApplicationManifest>'
  ]);
}

function spec(appXml = app()): PackageSpec {
  return {
    'ApplicationManifest.xml': Buffer.concat([BOM, Buffer.from(appXml)]),
    'WebPkg/ServiceManifest.xml': Buffer.concat([BOM, Buffer.from(SERVICE)]),
    'WebPkg/Code/Web.dll': 'web',
    'WebPkg/Config/Settings.xml': '<Settings/>'
  };
}

async function stamped(pkg: ScannedPackage, tempBase?: string): Promise<StampedPackage> {
  return stampPackageVersions(pkg, assertValidPackage(pkg).layout, { tempBase });
}

const version = (s: StampedPackage, kind: string) => s.rows.find(r => r.kind === kind)!.stamped;

test('only the version attributes change: comments, attribute order and quotes, CRLF and the BOM are kept', async t => {
  const root = await makePackage(spec(), 'Shop');
  const s = await stamped(await scanPackage(root, ['**']));
  t.after(() => s.dispose());
  const service = await readFile(path.join(s.pkg.root, 'WebPkg', 'ServiceManifest.xml'));
  const expected = SERVICE.replace(`Version='1.0.0'`, `Version='${version(s, 'ServiceManifest')}'`)
    .replace('Version="1.0.0"><!--', `Version="${version(s, 'CodePackage')}"><!--`)
    .replace('Version="1.0.0-000000000000"', `Version="${version(s, 'ConfigPackage')}"`);
  assert.deepEqual(service, Buffer.concat([BOM, Buffer.from(expected)]));
  assert.match(version(s, 'ConfigPackage'), /^1\.0\.0-[0-9a-f]{12}$/, 'a stale stamp is replaced, not added to');
  assert.notEqual(version(s, 'ConfigPackage'), '1.0.0-000000000000');
  const appXml = await readFile(path.join(s.pkg.root, 'ApplicationManifest.xml'));
  assert.deepEqual(
    appXml,
    Buffer.concat([BOM, Buffer.from(app(version(s, 'ApplicationType'), version(s, 'ServiceManifest')))]),
    'the application manifest: its own version and the service version, nothing else'
  );
  // The user's folder: only read.
  assert.deepEqual(await readFile(path.join(root, 'WebPkg', 'ServiceManifest.xml')), Buffer.concat([BOM, Buffer.from(SERVICE)]));
  assert.equal(s.pkg.files.find(f => f.relativePath === 'WebPkg/Code/Web.dll')!.localPath, path.join(root, 'WebPkg', 'Code', 'Web.dll'));
});

test('stamping is idempotent, and a declared version gets the same stamp as the same version stamped before', async t => {
  const root = await makePackage(spec(), 'Shop');
  const first = await stamped(await scanPackage(root, ['**']));
  t.after(() => first.dispose());
  const again = await stamped(first.pkg);
  t.after(() => again.dispose());
  assert.deepEqual(
    again.rows.map(r => r.stamped),
    first.rows.map(r => r.stamped)
  );
  for (const rel of ['ApplicationManifest.xml', 'WebPkg/ServiceManifest.xml']) {
    assert.deepEqual(await readFile(path.join(again.pkg.root, rel)), await readFile(path.join(first.pkg.root, rel)), rel);
  }
});

test('a parameter default alone gives a new application type version and keeps every service version', async t => {
  const a = await stamped(await scanPackage(await makePackage(spec(), 'Shop'), ['**']));
  const b = await stamped(await scanPackage(await makePackage(spec(app('1.0.0', '1.0.0', '2')), 'Shop'), ['**']));
  t.after(() => Promise.all([a.dispose(), b.dispose()]));
  assert.notEqual(b.typeVersion, a.typeVersion);
  assert.deepEqual(
    b.rows.slice(1).map(r => r.stamped),
    a.rows.slice(1).map(r => r.stamped)
  );
});

test('a declared version that cannot take a stamp, or a stamped version too long for the cluster, is refused and nothing is written', async t => {
  // A base of its own: other tests (and other runs on the machine) write to the shared temp folder meanwhile.
  const base = await mkdtemp(path.join(os.tmpdir(), 'sfu-stamp-base-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const bad = await scanPackage(await makePackage(spec(app('1.0 beta', '1.0.0')), 'Shop'), ['**']);
  await assert.rejects(
    stamped(bad, base),
    /ApplicationTypeVersion '1\.0 beta' in ApplicationManifest\.xml cannot take a stamp: a declared version may hold only letters, digits/
  );
  const long = await scanPackage(await makePackage(spec(app('1'.repeat(250), '1.0.0')), 'Shop'), ['**']);
  await assert.rejects(stamped(long, base), /has 263 characters; the cluster takes at most 256: shorten ApplicationTypeVersion/);
  const longService = spec();
  longService['WebPkg/ServiceManifest.xml'] = SERVICE.replace(/Version="1\.0\.0">/, `Version="${'2'.repeat(240)}">`);
  await assert.rejects(
    stamped(await scanPackage(await makePackage(longService, 'Shop'), ['**']), base),
    /CodePackage 'Code' of 'WebPkg' would get the version '2{240}-[0-9a-f]{12}'.*more than 255/
  );
  assert.deepEqual(await readdir(base), [], 'a refused stamp left a work folder');
});

test('UTF-16 manifests (told by their byte order mark) are read and written back in UTF-16', () => {
  const text = '<ServiceManifest Name="Ä" Version="1.0.0"/>\r\n';
  for (const encoding of ['utf16le', 'utf16be', 'utf8-bom', 'utf8'] as const) {
    const bytes = encodeManifest(text, encoding);
    assert.deepEqual(decodeManifest(bytes), { text, encoding });
  }
  assert.deepEqual([...encodeManifest('<', 'utf16be')], [0xfe, 0xff, 0x00, 0x3c]);
});

test('start tags: comments, CDATA and processing instructions are skipped; > inside a quoted value does not end the tag', () => {
  const tags = startTags('<?xml version="1.0"?><!-- <A Version="x"/> --><R a="1>2"><![CDATA[<B/>]]><sf:C Version=\'2\'/></R>');
  assert.deepEqual(
    tags.map(t => [t.name, t.depth, [...t.attributes].map(([k, v]) => `${k}=${v.value}`)]),
    [
      ['R', 0, ['a=1>2']],
      ['C', 1, ['Version=2']]
    ]
  );
});
