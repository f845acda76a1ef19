// The ARM path's gateway follower, on decisions the end-to-end runs do not reach: ARM's operation ends
// while the gateway still shows the upgrade rolling (the grace, then a warning and ARM's outcome), and
// the gateway read from the managed cluster resource (its fields missing, the server pinned by the job).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ArmClient } from '../../src/azure/arm-client.js';
import type { ClusterTarget } from '../../src/cluster/cluster-target.js';
import { ManagementClient } from '../../src/cluster/management-client.js';
import { GatewayFollower, gatewayToFollow } from '../../src/core/arm-gateway-follow.js';
import type { ReleaseJob } from '../../src/core/job.js';
import { Deadline } from '../../src/deploy/polling.js';
import { ReleaseRecord } from '../../src/deploy/release-record.js';
import type { Reporter } from '../../src/util/reporter.js';
import { CANONICAL_NAMES } from '../../src/util/settings.js';
import { sampleAtVersion } from '../../scripts/sample-versions.js';
import { startTestCluster, type TestCluster } from '../helpers/management-cluster.js';

function recordingReporter(): Reporter & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: line => lines.push(line),
    warning: line => warnings.push(line),
    debug: () => undefined,
    group: (_name, run) => run(),
    progress: () => undefined,
    setSecret: () => undefined
  };
}

const SECURITY = { serverThumbprints: [], insecureSkipTlsVerify: false };

describe('following an ARM release through the gateway', () => {
  let cluster: TestCluster;
  before(async () => {
    // Upgrade domains that take far longer than the test: the upgrade is still rolling when "ARM" ends.
    cluster = await startTestCluster({ management: { upgradeDomains: 2, upgradeDomainSeconds: 600, provisionSeconds: 0.05 } });
    for (const version of ['1.0.0', '2.0.0']) {
      await cluster.upload(await sampleAtVersion(version), `Voting/${version}`);
      await cluster.provision(`Voting/${version}`);
    }
  });
  after(() => cluster.dispose());

  it('keeps ARM’s outcome, with a warning, when the gateway has not shown the end once ARM’s operation ended', async () => {
    const management = new ManagementClient(cluster.gateway());
    await management.createApplication({ Name: 'fabric:/Slow', TypeName: 'VotingType', TypeVersion: '1.0.0', ParameterList: [] });
    const target: ClusterTarget = {
      endpoint: cluster.emu.url,
      security: SECURITY,
      timeoutSeconds: 10,
      retries: 2,
      apiVersion: '6.0',
      concurrency: 2,
      expectContinue: 'never'
    };
    const reporter = recordingReporter();
    const release = new ReleaseRecord();
    const armStop = new AbortController();
    const options = { armStop, reporter, signal: new AbortController().signal, deadline: new Deadline(600), pollMs: 20, release };
    const follower = GatewayFollower.open(target, CANONICAL_NAMES, undefined, options);
    try {
      // Stands in for ARM: it starts the upgrade and reports its operation over at once.
      const put = async () => {
        await management.upgradeApplication({
          Name: 'fabric:/Slow',
          TargetApplicationTypeVersion: '2.0.0',
          Parameters: [],
          UpgradeKind: 'Rolling',
          RollingUpgradeMode: 'UnmonitoredAuto'
        });
        return 'Succeeded';
      };
      const result = await follower.during({ name: 'fabric:/Slow', targetVersion: '2.0.0', previousVersion: '1.0.0', creating: false }, put);
      assert.equal(result, 'Succeeded');
      assert.deepEqual(reporter.warnings, [
        "ARM's operation ended, but the cluster's gateway still showed the upgrade of fabric:/Slow as RollingForwardInProgress: ARM's outcome stands."
      ]);
      assert.equal(release.upgradeState, undefined, 'a state seen mid-way is not how the upgrade ended');
      assert.ok(release.domains.some(d => d.name === 'UD0' && d.startedAt !== undefined));
      assert.equal(armStop.signal.aborted, false);
      assert.equal(cluster.count('upgrade-application'), 1, 'the follower wrote to the gateway');
    } finally {
      follower.dispose();
    }
  });
});

describe('the gateway to follow, from the managed cluster resource', () => {
  const CLUSTER_ID = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceFabric/managedClusters/c';
  const THUMB = '12599211F8F14C90AFA9532AD79A6F2CA1C00622';
  const job = (security: Partial<ClusterTarget['security']> = {}) =>
    ({ cluster: { endpoint: '', security: { ...SECURITY, ...security } }, names: CANONICAL_NAMES }) as unknown as ReleaseJob;
  const arm = (properties: unknown): ArmClient => ({ resources: { cluster: { id: CLUSTER_ID } }, get: async () => ({ properties }) }) as unknown as ArmClient;
  const certificate = {} as never;

  it('takes the fqdn, the gateway port and the current thumbprints', async () => {
    const reporter = recordingReporter();
    const target = await gatewayToFollow(
      job(),
      certificate,
      arm({ fqdn: 'c.eastus.cloudapp.azure.com', httpGatewayConnectionPort: 19080, clusterCertificateThumbprints: [THUMB.toLowerCase()] }),
      reporter
    );
    assert.equal(target?.endpoint, 'https://c.eastus.cloudapp.azure.com:19080');
    assert.deepEqual(target?.security.serverThumbprints, [THUMB]);
  });

  it('keeps the server check the job pins', async () => {
    const target = await gatewayToFollow(
      job({ serverCommonName: 'abc.sfmc.azclient.ms' }),
      certificate,
      arm({ fqdn: 'c.eastus.cloudapp.azure.com', clusterCertificateThumbprints: [THUMB] }),
      recordingReporter()
    );
    assert.deepEqual(target?.security.serverThumbprints, []);
    assert.equal(target?.security.serverCommonName, 'abc.sfmc.azclient.ms');
  });

  it('follows nothing, with a warning, when the resource does not name the gateway or its certificate', async () => {
    for (const properties of [
      { clusterCertificateThumbprints: [THUMB] },
      { fqdn: 'c.eastus.cloudapp.azure.com' },
      { fqdn: 'evil/host', clusterCertificateThumbprints: [THUMB] }
    ]) {
      const reporter = recordingReporter();
      assert.equal(await gatewayToFollow(job(), certificate, arm(properties), reporter), undefined);
      assert.match(reporter.warnings[0] ?? '', /does not name its gateway and certificate.*set 'cluster-endpoint'/);
    }
  });

  it('follows nothing without a client certificate or an endpoint, and reads nothing', async () => {
    const unread = { resources: { cluster: { id: CLUSTER_ID } }, get: () => assert.fail('the cluster resource was read') } as unknown as ArmClient;
    assert.equal(await gatewayToFollow(job(), undefined, unread, recordingReporter()), undefined);
  });
});
