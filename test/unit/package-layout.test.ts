import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packageViewOf, type PackagePartRef, validatePackageLayout } from '../../src/protocol/package-layout.js';

const sampleDir = fileURLToPath(new URL('../../sample/VotingApp', import.meta.url));

function sampleFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(sampleDir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(sampleDir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    out[rel] = readFileSync(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

function view(files: Record<string, string>, extraFolders: string[] = []) {
  return packageViewOf(Object.keys(files), rel => files[rel], extraFolders);
}

function withMarks(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...files, '_.dir': '' };
  for (const f of Object.keys(files)) {
    const segments = f.split('/');
    for (let i = 1; i < segments.length; i++) out[`${segments.slice(0, i).join('/')}/_.dir`] = '';
  }
  return out;
}

const problemsOf = (files: Record<string, string>, options = {}) => validatePackageLayout(view(files), options).problems;

test('the sample package is valid and every part is found where it is', () => {
  const layout = validatePackageLayout(view(sampleFiles()));
  assert.deepEqual(layout.problems, []);
  assert.equal(layout.applicationManifest?.typeName, 'VotingType');
  assert.deepEqual(layout.presentParts.map(p => `${p.kind}:${p.path}:${p.zipped}`).sort(), [
    'CodePackage:VotingDataPkg/Code:false',
    'CodePackage:VotingWebPkg/Code:false',
    'ConfigPackage:VotingDataPkg/Config:false',
    'ConfigPackage:VotingWebPkg/Config:false',
    'DataPackage:VotingDataPkg/Data:false',
    'ServiceManifest:VotingDataPkg:false',
    'ServiceManifest:VotingWebPkg:false'
  ]);
  assert.deepEqual(layout.unreferencedFiles, []);
  assert.deepEqual([...layout.serviceManifests.keys()].sort(), ['VotingDataPkg', 'VotingWebPkg']);
});

test('mark files are required only when asked, root and folders alike', () => {
  const files = sampleFiles();
  assert.deepEqual(problemsOf(withMarks(files), { requireMarkFiles: true }), []);
  const noRoot = withMarks(files);
  delete noRoot['_.dir'];
  delete noRoot['VotingWebPkg/Code/_.dir'];
  const problems = problemsOf(noRoot, { requireMarkFiles: true });
  assert.deepEqual(
    problems.map(p => `${p.kind}:${p.file}`),
    ['missing-mark-file:_.dir', 'missing-mark-file:VotingWebPkg/Code/_.dir']
  );
  assert.deepEqual(problemsOf(files), []);
});

test('a missing or unparseable ApplicationManifest.xml is one problem naming the file', () => {
  const files = sampleFiles();
  delete files['ApplicationManifest.xml'];
  assert.deepEqual(
    problemsOf(files).map(p => p.file),
    ['ApplicationManifest.xml']
  );
  const broken = { ...sampleFiles(), 'ApplicationManifest.xml': '<ApplicationManifest' };
  const problems = problemsOf(broken);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /not well-formed/);
});

test('a service manifest folder or file that is missing, or names another version, is refused', () => {
  const files = sampleFiles();
  for (const f of Object.keys(files)) if (f.startsWith('VotingWebPkg/')) delete files[f];
  const missing = problemsOf(files);
  assert.equal(missing.length, 1);
  assert.equal(missing[0]!.file, 'VotingWebPkg/ServiceManifest.xml');
  assert.match(missing[0]!.message, /BuildLayout .* is invalid\. ServiceManifest\.xml is missing/);

  const renamed = sampleFiles();
  renamed['VotingWebPkg/ServiceManifest.xml'] = renamed['VotingWebPkg/ServiceManifest.xml']!.replace('Version="1.0.0"', 'Version="1.0.1"');
  const mismatch = problemsOf(renamed);
  assert.equal(mismatch.length, 1);
  assert.match(mismatch[0]!.message, /ServiceManifestVersion='1.0.0'. This does not match the Name='VotingWebPkg' and Version='1.0.1'/);
});

test('duplicate imports are refused', () => {
  const files = sampleFiles();
  files['ApplicationManifest.xml'] = files['ApplicationManifest.xml']!.replace(
    '<ServiceManifestImport>',
    '<ServiceManifestImport><ServiceManifestRef ServiceManifestName="VotingWebPkg" ServiceManifestVersion="1.0.0" /></ServiceManifestImport><ServiceManifestImport>'
  );
  const problems = problemsOf(files);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /appears more than once/);
});

test('a Code/Config/Data package must be a folder or a zip, not neither nor both', () => {
  const zipped = sampleFiles();
  for (const f of Object.keys(zipped)) if (f.startsWith('VotingWebPkg/Code/')) delete zipped[f];
  zipped['VotingWebPkg/Code.zip'] = 'PK';
  const layout = validatePackageLayout(view(zipped));
  assert.deepEqual(layout.problems, []);
  assert.ok(layout.presentParts.some(p => p.path === 'VotingWebPkg/Code.zip' && p.zipped));

  const both = { ...sampleFiles(), 'VotingWebPkg/Code.zip': 'PK' };
  assert.match(problemsOf(both)[0]!.message, /both a folder and Code\.zip/);

  const neither = sampleFiles();
  for (const f of Object.keys(neither)) if (f.startsWith('VotingDataPkg/Data/')) delete neither[f];
  const problems = problemsOf(neither);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.file, 'VotingDataPkg/Data');
  assert.match(problems[0]!.message, /Data is missing for service VotingDataPkg/);
});

test('an empty package folder counts as present', () => {
  const files = sampleFiles();
  for (const f of Object.keys(files)) if (f.startsWith('VotingDataPkg/Data/')) delete files[f];
  assert.deepEqual(validatePackageLayout(view(files, ['VotingDataPkg/Data'])).problems, []);
});

test('a container code package needs no folder', () => {
  const files = sampleFiles();
  for (const f of Object.keys(files)) if (f.startsWith('VotingWebPkg/Code/')) delete files[f];
  files['VotingWebPkg/ServiceManifest.xml'] = files['VotingWebPkg/ServiceManifest.xml']!.replace(
    /<EntryPoint>[\s\S]*?<\/EntryPoint>/,
    '<EntryPoint><ContainerHost><ImageName>web:1</ImageName></ContainerHost></EntryPoint>'
  );
  assert.deepEqual(problemsOf(files), []);
});

test('names and versions with separators, .. or surrounding whitespace are refused', () => {
  for (const bad of ['1.0/0', '1.0\\0', '..', ' 1.0.0']) {
    const files = sampleFiles();
    files['VotingDataPkg/ServiceManifest.xml'] = files['VotingDataPkg/ServiceManifest.xml']!.replace(
      '<ConfigPackage Name="Config" Version="1.0.0"',
      `<ConfigPackage Name="Config" Version="${bad}"`
    );
    const problems = problemsOf(files);
    assert.equal(problems.length, 1, `version '${bad}'`);
    assert.match(problems[0]!.message, /ConfigPackage Version/);
  }
  const files = sampleFiles();
  files['ApplicationManifest.xml'] = files['ApplicationManifest.xml']!.replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="1.0.0 "');
  assert.match(problemsOf(files)[0]!.message, /ApplicationTypeVersion '1.0.0 ' has surrounding whitespace/);
});

test('a type name or version the management routes cannot carry is refused: %, characters a Windows file name cannot hold, controls, . and $', () => {
  const cases: [string, string, RegExp][] = [
    ['ApplicationTypeName', 'Voting%41Type', /ApplicationTypeName 'Voting%41Type' contains '%', which the gateway reads as the start of an escape/],
    ['ApplicationTypeName', 'Voting%Type', /contains '%'/],
    ['ApplicationTypeName', 'Voting:Type', /contains ':', which the cluster cannot carry in a type name/],
    ['ApplicationTypeName', 'Voting#Type', /contains '#'/],
    ['ApplicationTypeName', 'Voting&#x9;Type', /contains the control character U\+0009/],
    ['ApplicationTypeName', '$', /is '\$', which the gateway reads as part of the route/],
    ['ApplicationTypeName', '.', /is '\.'/],
    ['ApplicationTypeVersion', '1.0%2E0', /ApplicationTypeVersion '1\.0%2E0' contains '%'/],
    ['ApplicationTypeVersion', '1.0*', /contains '\*'/]
  ];
  for (const [attribute, value, message] of cases) {
    const files = sampleFiles();
    const original = attribute === 'ApplicationTypeName' ? 'ApplicationTypeName="VotingType"' : 'ApplicationTypeVersion="1.0.0"';
    files['ApplicationManifest.xml'] = files['ApplicationManifest.xml']!.replace(original, `${attribute}="${value}"`);
    const problems = problemsOf(files);
    assert.equal(problems.length, 1, `${attribute} '${value}': ${JSON.stringify(problems)}`);
    assert.match(problems[0]!.message, message);
    assert.match(problems[0]!.fix, /Rename it in ApplicationManifest\.xml/);
  }
  for (const fine of ['Voting.Type_2-x', 'Vötíng Type', 'Voting+Type']) {
    const files = sampleFiles();
    files['ApplicationManifest.xml'] = files['ApplicationManifest.xml']!.replace('ApplicationTypeName="VotingType"', `ApplicationTypeName="${fine}"`);
    assert.deepEqual(problemsOf(files), [], fine);
  }
});

test('files no manifest refers to are listed apart, not as problems', () => {
  const files = withMarks({ ...sampleFiles(), 'notes.txt': 'x', 'VotingWebPkg/Old/a.dll': 'x', 'VotingWebPkg/readme.md': 'x' });
  const layout = validatePackageLayout(view(files), { requireMarkFiles: true });
  assert.deepEqual(layout.problems, []);
  assert.deepEqual(layout.unreferencedFiles, ['VotingWebPkg/Old/a.dll', 'VotingWebPkg/readme.md', 'notes.txt']);
});

test('diff package: parts left out are accepted only when the cluster holds them', () => {
  const files = sampleFiles();
  for (const f of Object.keys(files)) if (f.startsWith('VotingWebPkg/') || f.startsWith('VotingDataPkg/Code/')) delete files[f];
  const held = new Set(['ServiceManifest:VotingWebPkg:VotingWebPkg:1.0.0', 'CodePackage:VotingDataPkg:Code:1.0.0']);
  const clusterHolds = (p: PackagePartRef) => held.has(`${p.kind}:${p.serviceManifestName}:${p.name}:${p.version}`);
  const layout = validatePackageLayout(view(files), { clusterHolds });
  assert.deepEqual(layout.problems, []);
  assert.deepEqual(layout.reusedParts.map(p => `${p.kind}:${p.name}`).sort(), ['CodePackage:Code', 'ServiceManifest:VotingWebPkg']);

  const lacking = validatePackageLayout(view(files), { clusterHolds: () => false }).problems;
  assert.deepEqual(lacking.map(p => p.file).sort(), ['VotingDataPkg/Code', 'VotingWebPkg/ServiceManifest.xml']);
  assert.ok(lacking.every(p => /BuildLayout .* is invalid/.test(p.message)));
});
