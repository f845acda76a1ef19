import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { canonicalXml, ManifestError, parseApplicationManifest, parseServiceManifest } from '../../src/protocol/manifests.js';

const appXml = readFileSync(new URL('../../sample/VotingApp/ApplicationManifest.xml', import.meta.url), 'utf8');
const webXml = readFileSync(new URL('../../sample/VotingApp/VotingWebPkg/ServiceManifest.xml', import.meta.url), 'utf8');

test('reads the sample application manifest', () => {
  const m = parseApplicationManifest(appXml);
  assert.equal(m.typeName, 'VotingType');
  assert.equal(m.typeVersion, '1.0.0');
  assert.deepEqual(
    m.parameters.map(p => p.name),
    ['VotingData_MinReplicaSetSize', 'VotingData_PartitionCount', 'VotingData_TargetReplicaSetSize', 'VotingWeb_InstanceCount']
  );
  assert.equal(m.parameters[3]?.defaultValue, '-1');
  assert.deepEqual(m.serviceManifestImports, [
    { name: 'VotingDataPkg', version: '1.0.0' },
    { name: 'VotingWebPkg', version: '1.0.0' }
  ]);
});

test('reads a service manifest with a single part of each kind and a container code package', () => {
  const m = parseServiceManifest(webXml);
  assert.equal(m.name, 'VotingWebPkg');
  assert.deepEqual(
    m.parts.map(p => `${p.kind}:${p.name}@${p.version}:${p.isContainer}`),
    ['CodePackage:Code@1.0.0:false', 'ConfigPackage:Config@1.0.0:false']
  );
  const container = parseServiceManifest(
    '<ServiceManifest Name="C" Version="2"><CodePackage Name="Code" Version="2"><EntryPoint><ContainerHost><ImageName>x</ImageName></ContainerHost></EntryPoint></CodePackage></ServiceManifest>'
  );
  assert.equal(container.parts[0]?.isContainer, true);
});

test('refuses malformed XML and missing identity with a message naming the file', () => {
  assert.throws(
    () => parseApplicationManifest('<ApplicationManifest', 'pkg/ApplicationManifest.xml'),
    (e: Error) => e instanceof ManifestError && /pkg\/ApplicationManifest.xml is not well-formed/.test(e.message)
  );
  assert.throws(() => parseApplicationManifest('<ApplicationManifest ApplicationTypeName="A"/>'), /no ApplicationTypeVersion/);
  assert.throws(() => parseServiceManifest('<Other/>'), /no <ServiceManifest> root/);
});

test('canonical form ignores formatting and namespace prefixes but not content', () => {
  const reformatted = appXml.replace(/\n\s*/g, ' ').replace(/"/g, "'");
  assert.equal(canonicalXml(reformatted), canonicalXml(appXml));
  assert.notEqual(canonicalXml(appXml.replace('DefaultValue="-1"', 'DefaultValue="2"')), canonicalXml(appXml));
});
