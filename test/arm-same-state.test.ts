// End to end: the same package, v1 then v2 with parameters and an upgrade policy, released once
// through the gateway path (Image Store upload, provision, create, upgrade) against one emulator and
// once through ARM (+ Azurite) against another, with dist/index.js. The two clusters must end in the
// same state, read through each one's gateway routes: the application types and versions
// provisioned (manifests, service types, default parameters), the application's type, version and
// parameters, and the upgrade's final state and the policy the cluster kept.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { type ArmRig, startArmRig } from './helpers/arm-rig.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const MANAGEMENT = { upgradeDomains: 3, upgradeDomainSeconds: 0.2, provisionSeconds: 0.1 };
const TYPE = 'VotingType';
/** Part of the policy given, the rest left to the defaults: both paths must end with the same values. */
const POLICY = [
  'HealthCheckWaitDurationSec=0',
  'HealthCheckStableDurationSec=0',
  'HealthCheckRetryTimeoutSec=0',
  'UpgradeDomainTimeoutSec=1200',
  'UpgradeReplicaSetCheckTimeoutSec=300',
  'ForceRestart=true',
  'MaxPercentUnhealthyDeployedApplications=10'
].join('\n');
const PARAMETERS: Record<string, string> = {
  '1.0.0': 'VotingWeb_InstanceCount=1\nVotingData_TargetReplicaSetSize=3',
  '2.0.0': 'VotingWeb_InstanceCount=2\nVotingData_TargetReplicaSetSize=5'
};

/** `PT1H2M3.5S`, `P1DT…` or milliseconds, as milliseconds: the two paths may write one duration differently. */
function durationMs(value: unknown): number {
  const text = String(value);
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(text);
  assert.ok(m, `'${text}' is not a duration`);
  return Math.round((((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000);
}

const byKey = (list: { Key: string; Value: string }[] | undefined) => [...(list ?? [])].sort((a, b) => a.Key.localeCompare(b.Key));

describe('an ARM release and a gateway release of the same package', () => {
  let rig: ArmRig;
  let viaGateway: TestEmulator;
  before(async () => {
    rig = await startArmRig({
      tenantId: '72f988bf-0000-4000-8000-00000000cc44',
      clientId: '11111111-0000-4000-8000-000000000004',
      clientCertificates: true,
      management: MANAGEMENT
    });
    const certs = rig.certs;
    viaGateway = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa }, management: MANAGEMENT });
  });
  after(async () => {
    await Promise.all([viaGateway?.dispose(), rig?.dispose()]);
  });

  const common = (version: string) => ({
    'application-name': 'fabric:/Same',
    'application-parameters': PARAMETERS[version]!,
    'upgrade-settings': POLICY
  });

  async function throughGateway(version: string) {
    const certs = rig.certs;
    const inputs = {
      ...common(version),
      'package-path': await sampleAtVersion(version),
      'cluster-endpoint': viaGateway.url,
      'client-certificate': `${certs.clientCert}\n${certs.clientKey}`,
      'server-certificate-thumbprint': certs.serverThumbprint
    };
    return runAction({ inputs, env: rig.env, timeoutMs: 120_000 });
  }

  const throughArm = (version: string) => rig.release(version, common(version));

  /** A gateway GET with the admin client certificate: the route's JSON. */
  function get(emu: TestEmulator, route: string, query: Record<string, string> = {}): Promise<unknown> {
    const url = `${emu.url}${route}?${new URLSearchParams({ 'api-version': '6.0', ...query })}`;
    return new Promise((resolve, reject) => {
      const req = https.get(url, { cert: rig.certs.clientCert, key: rig.certs.clientKey, ca: rig.certs.serverCa, agent: false }, res => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`GET ${route}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      });
      req.on('error', reject);
    });
  }

  /** What the cluster holds, read through its gateway routes, without the times of this run. */
  async function clusterState(emu: TestEmulator) {
    const types = (await get(emu, `/ApplicationTypes/${TYPE}`)) as { Items: Record<string, unknown>[] };
    const versions = [];
    for (const t of [...types.Items].sort((a, b) => String(a.Version).localeCompare(String(b.Version)))) {
      const version = String(t.Version);
      const manifest = (await get(emu, `/ApplicationTypes/${TYPE}/$/GetApplicationManifest`, { ApplicationTypeVersion: version })) as { Manifest: string };
      const serviceTypes = await get(emu, `/ApplicationTypes/${TYPE}/$/GetServiceTypes`, { ApplicationTypeVersion: version });
      const serviceManifests = [];
      for (const name of ['VotingDataPkg', 'VotingWebPkg']) {
        serviceManifests.push(await get(emu, `/ApplicationTypes/${TYPE}/$/GetServiceManifest`, { ApplicationTypeVersion: version, ServiceManifestName: name }));
      }
      versions.push({ ...t, DefaultParameterList: byKey(t.DefaultParameterList as never), manifest: manifest.Manifest, serviceTypes, serviceManifests });
    }
    const app = (await get(emu, '/Applications/Same')) as { Parameters?: { Key: string; Value: string }[] };
    const progress = (await get(emu, '/Applications/Same/$/GetUpgradeProgress')) as Record<string, unknown> & {
      UpgradeDescription: Record<string, unknown> & { MonitoringPolicy: Record<string, unknown>; Parameters?: { Key: string; Value: string }[] };
      UpgradeDomains: unknown[];
    };
    const { MonitoringPolicy, Parameters, ...description } = progress.UpgradeDescription;
    // [undoc] The emulator keeps each duration as the request wrote it (ISO 8601 or milliseconds) where a
    // cluster parses it: the gateway path writes `PT0H20M0S`, the ARM surface `P0DT0H20M0S`. Their values must be equal.
    const monitoring = Object.fromEntries(Object.entries(MonitoringPolicy).map(([k, v]) => [k, k === 'FailureAction' ? v : durationMs(v)]));
    return {
      versions,
      application: { ...app, Parameters: byKey(app.Parameters) },
      upgrade: {
        Name: progress.Name,
        TypeName: progress.TypeName,
        TargetApplicationTypeVersion: progress.TargetApplicationTypeVersion,
        UpgradeState: progress.UpgradeState,
        RollingUpgradeMode: progress.RollingUpgradeMode,
        FailureReason: progress.FailureReason,
        UpgradeDomains: progress.UpgradeDomains,
        description: { ...description, Parameters: byKey(Parameters), MonitoringPolicy: monitoring }
      }
    };
  }

  it('ends in the same cluster state', async () => {
    for (const version of ['1.0.0', '2.0.0']) {
      const [gateway, arm] = await Promise.all([throughGateway(version), throughArm(version)]);
      assert.equal(gateway.exitCode, 0, gateway.stdout);
      assert.equal(arm.exitCode, 0, arm.stdout);
      for (const output of ['application-type-version', 'provision-result', 'application-result', 'previous-application-type-version']) {
        assert.equal(arm.outputs[output], gateway.outputs[output], `output ${output}`);
      }
    }
    const [fromGateway, fromArm] = await Promise.all([clusterState(viaGateway), clusterState(rig.emu)]);
    assert.equal(fromGateway.versions.length, 2);
    assert.equal(fromGateway.upgrade.UpgradeState, 'RollingForwardCompleted');
    assert.equal(fromGateway.application.Parameters.find(p => p.Key === 'VotingData_TargetReplicaSetSize')?.Value, '5');
    assert.deepEqual(fromArm, fromGateway);
  });
});
