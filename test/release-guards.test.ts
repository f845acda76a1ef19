// End to end: what a release refuses before anything is written, and hostile or odd
// input (XML references and DTDs, non-ASCII names), through the built dist/index.js against the
// emulator's management plane.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { applicationIdOf } from '../src/protocol/management-models.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { assertStoreMatchesPackage } from './helpers/packages.js';

const FAST_POLLS = { SFU_POLL_INTERVAL_MS: '50' };
type Parameters = { Key: string; Value: string }[];

function release(emu: TestEmulator, packagePath: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: { 'cluster-endpoint': emu.url, 'package-path': packagePath, 'image-store-path': `Guards/${path.basename(path.dirname(packagePath))}`, ...inputs },
    env: FAST_POLLS,
    timeoutMs: 120_000
  });
}

async function application(emu: TestEmulator, name: string): Promise<{ TypeName: string; TypeVersion: string; Parameters: Parameters } | undefined> {
  const id = encodeURIComponent(applicationIdOf(name));
  const res = await fetch(`${emu.url}/Applications/${id}?api-version=6.0`);
  const text = await res.text();
  return text === '' ? undefined : (JSON.parse(text) as { TypeName: string; TypeVersion: string; Parameters: Parameters });
}

const sorted = (p: Parameters | undefined) => [...(p ?? [])].sort((a, b) => (a.Key < b.Key ? -1 : 1));

/** Every request that writes: store writes and management POSTs. */
function writes(emu: TestEmulator): number {
  return emu.journal.entries.length + emu.journal.managementCalls.length;
}

async function parameterFile(content: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-params-')), 'Cloud.xml');
  await writeFile(file, content);
  return file;
}

describe('release guards: refused before anything is written', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 } });
  });
  after(() => emu.dispose());

  it('an older version is refused naming both versions, unless allow-downgrade', async () => {
    const created = await release(emu, await sampleAtVersion('4.0.0'), { 'application-name': 'fabric:/Downgrade' });
    assert.equal(created.outputs['application-result'], 'created', created.stdout);
    const before = writes(emu);
    const old = await sampleAtVersion('1.0.0');
    const refused = await release(emu, old, { 'application-name': 'fabric:/Downgrade' });
    assert.equal(refused.exitCode, 1, refused.stdout);
    assert.match(
      refused.stdout,
      /::error::The package's version 1.0.0 is older than 4.0.0, which fabric:\/Downgrade runs: the step refuses to downgrade it .*'allow-downgrade: true'.* Nothing was uploaded or changed\./
    );
    assert.equal(writes(emu), before, 'nothing written: no upload, no provision, no upgrade');
    assert.equal(refused.outputs['application-type-version'], '1.0.0');
    assert.equal(refused.outputs['application-result'], undefined);
    assert.equal((await application(emu, 'fabric:/Downgrade'))?.TypeVersion, '4.0.0');

    const allowed = await release(emu, old, { 'application-name': 'fabric:/Downgrade', 'allow-downgrade': 'true' });
    assert.equal(allowed.exitCode, 0, allowed.stdout);
    assert.equal(allowed.outputs['application-result'], 'upgraded');
    assert.equal(allowed.outputs['previous-application-type-version'], '4.0.0');
    assert.equal((await application(emu, 'fabric:/Downgrade'))?.TypeVersion, '1.0.0');
  });

  it('versions that cannot be ordered are refused like a downgrade, saying why', async () => {
    const created = await release(emu, await sampleAtVersion('5.0.0-beta'), { 'application-name': 'fabric:/Unordered' });
    assert.equal(created.exitCode, 0, created.stdout);
    const before = writes(emu);
    const run = await release(emu, await sampleAtVersion('5.0.0'), { 'application-name': 'fabric:/Unordered' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /Cannot tell whether 5.0.0 is older than 5.0.0-beta, which fabric:\/Unordered runs: they differ at nothing against 'beta'/);
    assert.match(run.stdout, /::error::Cannot tell whether the package's version 5.0.0 is older than 5.0.0-beta/);
    assert.equal(writes(emu), before);
  });

  it("a parameter the release would silently reset is refused; 'keep' carries it over; 'reset' resets it", async () => {
    const given = 'VotingWeb_InstanceCount=3\nVotingData_PartitionCount=1';
    const created = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/Params', 'application-parameters': given });
    assert.equal(created.outputs['application-result'], 'created', created.stdout);

    const before = writes(emu);
    const v2 = await sampleAtVersion('2.0.0');
    const refused = await release(emu, v2, { 'application-name': 'fabric:/Params' });
    assert.equal(refused.exitCode, 1, refused.stdout);
    assert.match(
      refused.stdout,
      /::error::fabric:\/Params has VotingWeb_InstanceCount set to a value other than the manifest default, and this release does not give it: the upgrade would return it to the default\..*'omitted-parameters' to 'keep'.* Nothing was uploaded or changed\./
    );
    // VotingData_PartitionCount is set at its default (1): no reason to refuse, and not named.
    assert.doesNotMatch(refused.stdout, /::error::.*VotingData_PartitionCount/);
    assert.equal(writes(emu), before, 'nothing written');

    const kept = await release(emu, v2, { 'application-name': 'fabric:/Params', 'omitted-parameters': 'keep' });
    assert.equal(kept.exitCode, 0, kept.stdout);
    assert.equal(kept.outputs['application-result'], 'upgraded');
    assert.match(kept.stdout, /Keeping the current value of VotingWeb_InstanceCount on fabric:\/Params \('omitted-parameters: keep'\)/);
    const afterKeep = await application(emu, 'fabric:/Params');
    assert.equal(afterKeep?.TypeVersion, '2.0.0');
    assert.deepEqual(
      sorted(afterKeep?.Parameters).find(p => p.Key === 'VotingWeb_InstanceCount'),
      { Key: 'VotingWeb_InstanceCount', Value: '3' }
    );

    const reset = await release(emu, await sampleAtVersion('3.0.0'), { 'application-name': 'fabric:/Params', 'omitted-parameters': 'reset' });
    assert.equal(reset.exitCode, 0, reset.stdout);
    assert.match(reset.stdout, /::warning::VotingWeb_InstanceCount is set on fabric:\/Params but not in the parameter file or 'application-parameters'/);
    const afterReset = await application(emu, 'fabric:/Params');
    assert.equal(afterReset?.TypeVersion, '3.0.0');
    assert.equal(
      afterReset?.Parameters.find(p => p.Key === 'VotingWeb_InstanceCount'),
      undefined
    );
  });

  it('an application of another type is refused before the upload and the provision', async () => {
    const other = await sampleAtVersion('1.0.0', (rel, text) =>
      rel === 'ApplicationManifest.xml' ? text.replace('ApplicationTypeName="VotingType"', 'ApplicationTypeName="OtherType"') : text
    );
    const created = await release(emu, other, { 'application-name': 'fabric:/Taken' });
    assert.equal(created.outputs['application-result'], 'created', created.stdout);
    const before = writes(emu);
    const run = await release(emu, await sampleAtVersion('7.0.0'), { 'application-name': 'fabric:/Taken' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::fabric:\/Taken exists with the application type OtherType, not VotingType: an upgrade cannot change the type\..* Nothing was uploaded or changed\./
    );
    assert.equal(writes(emu), before, 'no upload, no provision');
    assert.equal(run.outputs['provision-result'], undefined);
  });
});

describe('hostile and odd input', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 } });
  });
  after(() => emu.dispose());

  const PARAMETERS = (values: [string, string], prolog = '') =>
    `<?xml version="1.0" encoding="utf-8"?>${prolog}\n<Application Name="fabric:/XmlRefs" xmlns="http://schemas.microsoft.com/2011/01/fabric"><Parameters><Parameter Name="VotingWeb_InstanceCount" Value="${values[0]}" /><Parameter Name="VotingData_PartitionCount" Value="${values[1]}" /></Parameters></Application>`;

  it('character references and the predefined entities reach the cluster decoded, in parameter files and manifests', async () => {
    const pkg = await sampleAtVersion('1.0.0', (rel, text) =>
      rel === 'ApplicationManifest.xml' ? text.replace('ApplicationTypeName="VotingType"', 'ApplicationTypeName="Voting&#x54;yp&#101;"') : text
    );
    const file = await parameterFile(PARAMETERS(['&#x33;', 'a&amp;b&lt;&#233;&quot;']));
    const run = await release(emu, pkg, { 'application-parameter-file': file });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['application-type-name'], 'VotingType');
    const app = await application(emu, 'fabric:/XmlRefs');
    assert.equal(app?.TypeName, 'VotingType');
    assert.deepEqual(sorted(app?.Parameters), [
      { Key: 'VotingData_PartitionCount', Value: 'a&b<é"' },
      { Key: 'VotingWeb_InstanceCount', Value: '3' }
    ]);
  });

  it('a DTD in a parameter file is refused in one sentence naming the file, before any request, with the outputs set', async () => {
    const requestsBefore = totalRequests(emu.journal);
    for (const prolog of ['<!DOCTYPE Application [<!ENTITY h SYSTEM "file:///etc/passwd">]>', '<!DOCTYPE Application [<!ENTITY h "6">]>']) {
      const file = await parameterFile(PARAMETERS(['&h;', '1'], prolog));
      const run = await release(emu, await sampleAtVersion('2.0.0'), { 'application-parameter-file': file });
      assert.equal(run.exitCode, 1, run.stdout);
      const errors = run.stdout.split('\n').filter(l => l.startsWith('::error::'));
      assert.equal(errors.length, 1, run.stdout);
      assert.match(
        errors[0]!,
        new RegExp(
          `^::error::'application-parameter-file' \\('${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'\\) has a document type declaration \\(<!DOCTYPE…\\): .*remove it\\.$`
        )
      );
      assert.doesNotMatch(run.stdout, /External entities/);
      assert.equal(run.outputs['application-type-name'], 'VotingType');
      assert.equal(run.outputs['application-type-version'], '2.0.0');
      assert.ok(run.outputs['image-store-path'], 'image-store-path output set');
    }
    assert.equal(totalRequests(emu.journal), requestsBefore, 'no request');
  });

  it('an entity it cannot expand is refused naming the file, not deployed as text', async () => {
    const file = await parameterFile(PARAMETERS(['&h;', '1']));
    const run = await release(emu, await sampleAtVersion('2.0.0'), { 'application-parameter-file': file });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /::error::'application-parameter-file' \('.*Cloud\.xml'\) uses the entity reference '&h;', which XML does not define/);
    assert.equal((await application(emu, 'fabric:/XmlRefs'))?.TypeVersion, '1.0.0');
  });

  it('a DTD in ApplicationManifest.xml is refused naming the file, with the outputs known set', async () => {
    const pkg = await sampleAtVersion('2.0.0', (rel, text) =>
      rel === 'ApplicationManifest.xml'
        ? text.replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE x [<!ENTITY v "9.9.9">]>')
        : text
    );
    const run = await release(emu, pkg, { 'application-name': 'fabric:/XmlRefs' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /::error::.*ApplicationManifest\.xml has a document type declaration \(<!DOCTYPE…\)/);
    assert.doesNotMatch(run.stdout, /External entities/);
    assert.ok(run.outputs['image-store-path']);
    assert.ok(run.outputs['total-bytes']);
  });

  it('a DTD in a service manifest is refused naming the file, with the identity outputs set', async () => {
    const pkg = await sampleAtVersion('2.0.1', (rel, text) =>
      rel === 'VotingWebPkg/ServiceManifest.xml'
        ? text.replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE ServiceManifest>')
        : text
    );
    const run = await release(emu, pkg, { 'application-name': 'fabric:/XmlRefs' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /::error::.*VotingWebPkg\/ServiceManifest\.xml has a document type declaration \(<!DOCTYPE…\)/);
    assert.equal(run.outputs['application-type-name'], 'VotingType');
    assert.equal(run.outputs['application-type-version'], '2.0.1');
  });

  for (const [name, reserved] of [
    ['fabric:/Voting~App', '~'],
    ['fabric:/Vote%41pp', '%'],
    ['fabric:/Voting%2FApp', '%'],
    ['fabric:/Voting[1]', '[']
  ] as const) {
    it(`an application name with a reserved character ('${name}') is refused before any request (and by the emulator's cluster, as by a real one)`, async () => {
      const requestsBefore = totalRequests(emu.journal);
      const run = await release(emu, await sampleAtVersion('2.0.0'), { 'application-name': name });
      assert.equal(run.exitCode, 1, run.stdout);
      // A workflow command writes `%` as `%25`; the runner turns it back.
      const message = `'application-name' must be an application name such as 'fabric:/VotingApp', not '${name}': '${reserved}' is reserved`;
      assert.ok(run.stdout.includes(`::error::${message.replaceAll('%', '%25')}`), run.stdout);
      assert.equal(totalRequests(emu.journal), requestsBefore);
      const res = await fetch(`${emu.url}/Applications/$/Create?api-version=6.0`, {
        method: 'POST',
        body: JSON.stringify({ Name: name, TypeName: 'VotingType', TypeVersion: '1.0.0' })
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /FABRIC_E_INVALID_NAME_URI/);
    });
  }

  it('a release of fabric:/Vötíng to a store path with ü and a space, at a version with a space, reaches every route', async () => {
    const version = '1.0 ü';
    const pkg = await sampleAtVersion(version);
    const destination = 'Vötíng/ü 1';
    const run = await release(emu, pkg, {
      'application-name': 'fabric:/Vötíng',
      'image-store-path': destination,
      'keep-package': 'true',
      'deploy-timeout': '30'
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.equal(run.outputs['application-result'], 'created');
    await assertStoreMatchesPackage(emu, destination, pkg);
    const app = await application(emu, 'fabric:/Vötíng');
    assert.equal(app?.TypeVersion, version);

    // A re-run finds the version provisioned with the same manifests (type, manifests and application read back).
    const again = await release(emu, pkg, { 'application-name': 'fabric:/Vötíng', 'image-store-path': destination, 'deploy-timeout': '30' });
    assert.equal(again.exitCode, 0, again.stdout);
    assert.equal(again.outputs['provision-result'], 'already-provisioned');
    assert.equal(again.outputs['application-result'], 'unchanged');
  });
});
