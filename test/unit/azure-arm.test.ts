// The ARM path's offline decisions: the managed cluster's resource id and the ARM endpoint, the
// upgrade policy ARM takes, the long-running operations, and the honest outcome of a release.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArmError, armErrorMessage, MAX_POLL_WAIT_MS, operationPollUrl, operationState, retryAfterMs } from '../../src/azure/arm-operation.js';
import { applicationOutcomeProblem, type RequestedApplication, unusedVersions, versionFromId } from '../../src/azure/arm-outcome.js';
import {
  armApplicationName,
  ArmTargetError,
  armResource,
  ManagedClusterResources,
  parseArmEndpoint,
  parseManagedClusterId,
  testArmOrigin
} from '../../src/azure/arm-target.js';
import { armDuration, buildArmUpgradePolicy } from '../../src/azure/arm-upgrade-policy.js';

const SUB = '00000000-0000-0000-0000-0000000000ab';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster`;

describe('managed cluster resource id', () => {
  it('accepts the id in any casing of the provider and segment names and rebuilds it canonically', () => {
    const lower = `/subscriptions/${SUB.toUpperCase()}/resourcegroups/rg-1/providers/microsoft.servicefabric/MANAGEDCLUSTERS/mycluster/`;
    const parsed = parseManagedClusterId('managed-cluster-resource-id', lower);
    assert.deepEqual(parsed, { subscriptionId: SUB, resourceGroup: 'rg-1', clusterName: 'mycluster', id: ID });
    assert.equal(parseManagedClusterId('x', ` ${ID} `).id, ID);
  });

  for (const [why, value] of [
    ['no leading slash', ID.slice(1)],
    ['a classic cluster', ID.replace('managedClusters', 'clusters')],
    ['another provider', ID.replace('Microsoft.ServiceFabric', 'Microsoft.Compute')],
    ['a child resource', `${ID}/applications/app`],
    ['a subscription that is not a GUID', ID.replace(SUB, 'my-subscription')],
    ['a query', `${ID}?api-version=2024-04-01`],
    ['an empty segment', ID.replace('/resourceGroups/', '/resourceGroups//')],
    ['a cluster name with a dot', ID.replace('mycluster', 'my.cluster')],
    ['a resource group ending in a dot', ID.replace('rg-1', 'rg.')],
    ['a URL', `https://management.azure.com${ID}`]
  ]) {
    it(`refuses ${why}, naming the input`, () => {
      assert.throws(
        () => parseManagedClusterId('managed-cluster-resource-id', value!),
        (e: Error) => e instanceof ArmTargetError && e.message.includes("'managed-cluster-resource-id'")
      );
    });
  }

  it('says that a classic cluster is released through its gateway', () => {
    assert.throws(() => parseManagedClusterId('i', ID.replace('managedClusters', 'clusters')), /classic cluster/);
  });
});

describe('ARM endpoint', () => {
  it('defaults to the public cloud and accepts the sovereign clouds', () => {
    assert.equal(parseArmEndpoint('arm-endpoint', ''), 'https://management.azure.com');
    assert.equal(parseArmEndpoint('arm-endpoint', 'https://Management.UsGovCloudApi.net/'), 'https://management.usgovcloudapi.net');
    assert.equal(parseArmEndpoint('arm-endpoint', 'https://management.chinacloudapi.cn'), 'https://management.chinacloudapi.cn');
  });

  for (const value of [
    'http://management.azure.com',
    'https://management.azure.com:8443',
    'https://management.azure.com.evil.example',
    'https://evil.example/management.azure.com',
    'https://user:pw@management.azure.com',
    'https://management.azure.com/?x=1',
    'http://127.0.0.1:9999',
    'not a url'
  ]) {
    it(`refuses '${value}': the token goes there`, () => {
      assert.throws(
        () => parseArmEndpoint('arm-endpoint', value),
        (e: Error) => e instanceof ArmTargetError && e.message.includes("'arm-endpoint'")
      );
    });
  }

  it('takes the loopback test origin only when the test override names it', () => {
    const origin = testArmOrigin('http://127.0.0.1:9999');
    assert.equal(parseArmEndpoint('arm-endpoint', 'http://127.0.0.1:9999/', origin), 'http://127.0.0.1:9999');
    assert.throws(() => parseArmEndpoint('arm-endpoint', 'http://127.0.0.1:9998', origin), ArmTargetError);
    assert.throws(() => testArmOrigin('https://example.com'), /loopback/);
    assert.equal(testArmOrigin(undefined), undefined);
  });

  it('asks for a token scoped to the endpoint', () => {
    assert.equal(armResource('https://management.usgovcloudapi.net'), 'https://management.usgovcloudapi.net');
    assert.equal(armResource('http://127.0.0.1:9999'), 'https://management.azure.com');
  });
});

describe('resource URLs', () => {
  const resources = new ManagedClusterResources('https://management.azure.com', parseManagedClusterId('i', ID));

  it('names the type, version and application under the cluster with the api-version', () => {
    assert.equal(resources.versionId('MyType', '1.0.0'), `${ID}/applicationTypes/MyType/versions/1.0.0`);
    assert.equal(resources.url(resources.applicationId('MyApp')), `https://management.azure.com${ID}/applications/MyApp?api-version=2024-04-01`);
  });

  it('encodes what could change the path', () => {
    assert.equal(resources.versionId('T', '1.0/../x'), `${ID}/applicationTypes/T/versions/1.0%2F..%2Fx`);
  });

  it('takes the application name from fabric:/ and refuses names with more segments', () => {
    assert.equal(armApplicationName('application-name', 'fabric:/MyApp'), 'MyApp');
    assert.throws(() => armApplicationName('application-name', 'fabric:/a/b'), /single-segment/);
  });
});

describe('ARM upgrade policy', () => {
  it('writes durations as [d.]hh:mm:ss', () => {
    assert.equal(armDuration(0), '00:00:00');
    assert.equal(armDuration(90), '00:01:30');
    assert.equal(armDuration(90000), '1.01:00:00');
  });

  it('maps the gateway settings and fills the fields ARM requires with the runtime defaults', () => {
    const policy = buildArmUpgradePolicy({
      mode: 'Monitored',
      failureAction: 'Rollback',
      settings: {
        HealthCheckStableDurationSec: 30,
        UpgradeDomainTimeoutSec: 3600,
        ForceRestart: true,
        UpgradeReplicaSetCheckTimeoutSec: 300,
        ConsiderWarningAsError: true
      }
    });
    assert.deepEqual(policy, {
      upgradeMode: 'Monitored',
      forceRestart: true,
      upgradeReplicaSetCheckTimeout: 300,
      rollingUpgradeMonitoringPolicy: {
        failureAction: 'Rollback',
        healthCheckWaitDuration: '00:00:00',
        healthCheckStableDuration: '00:00:30',
        healthCheckRetryTimeout: '00:10:00',
        upgradeTimeout: '10675199.02:48:05.4775807',
        upgradeDomainTimeout: '01:00:00'
      },
      applicationHealthPolicy: { considerWarningAsError: true, maxPercentUnhealthyDeployedApplications: 0 }
    });
  });

  it('sends no monitoring policy for an unmonitored upgrade', () => {
    assert.deepEqual(buildArmUpgradePolicy({ mode: 'UnmonitoredAuto', failureAction: 'Rollback', settings: {} }), { upgradeMode: 'UnmonitoredAuto' });
  });
});

describe('long-running operations', () => {
  const endpoint = 'https://management.azure.com';
  const op = `${endpoint}/subscriptions/${SUB}/providers/Microsoft.ServiceFabric/locations/eastus/managedClusterOperations/1?api-version=2024-04-01`;

  it('follows Azure-AsyncOperation before Location, and Location alone', () => {
    assert.deepEqual(operationPollUrl({ 'azure-asyncoperation': op, location: `${endpoint}/other` }, endpoint), { url: op, kind: 'async-operation' });
    assert.deepEqual(operationPollUrl({ location: op }, endpoint), { url: op, kind: 'location' });
    assert.equal(operationPollUrl({}, endpoint), undefined);
  });

  it('refuses to follow an operation URL on another origin', () => {
    assert.throws(
      () => operationPollUrl({ 'azure-asyncoperation': 'https://evil.example/op' }, endpoint),
      (e: Error) => e instanceof ArmError && /evil\.example/.test(e.message)
    );
  });

  it('waits as Retry-After says, in seconds or as a date, within a bound', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs({ 'retry-after': '10' }, 3000, now), 10_000);
    assert.equal(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 3000, now), 5000);
    assert.equal(retryAfterMs({}, 3000, now), 3000);
    assert.equal(retryAfterMs({ 'retry-after': '86400' }, 3000, now), MAX_POLL_WAIT_MS);
  });

  it('reads the terminal states case-insensitively and anything else as running', () => {
    assert.equal(operationState({ status: 'Succeeded' }), 'Succeeded');
    assert.equal(operationState({ status: 'failed' }), 'Failed');
    assert.equal(operationState({ status: 'Canceled' }), 'Canceled');
    assert.equal(operationState({ status: 'InProgress' }), 'Running');
    assert.equal(operationState(null), 'Running');
  });

  it("turns ARM's error shape into a sentence that says what to do", () => {
    const m = armErrorMessage('Creating the application type version', 403, { error: { code: 'AuthorizationFailed', message: 'no access' } });
    assert.match(m, /HTTP 403: AuthorizationFailed: no access\./);
    assert.match(m, /Give the service principal a role/);
  });
});

describe('honest outcome', () => {
  const v = (version: string) => `${ID}/applicationTypes/T/versions/${version}`;
  const asked = (version: string): RequestedApplication => ({
    versionId: v(version),
    parameters: {},
    effective: p => new Map(Object.entries(p ?? {})),
    before: { properties: { provisioningState: 'Succeeded', version: v('2.0') } }
  });

  it('accepts the requested version with Succeeded, whatever the casing of the id', () => {
    assert.equal(
      applicationOutcomeProblem({ properties: { provisioningState: 'Succeeded', version: v('2.0').toLowerCase() } }, 'MyApp', asked('2.0'), 'Succeeded'),
      undefined
    );
  });

  it('fails a rolled-back upgrade although the operation said Succeeded', () => {
    const problem = applicationOutcomeProblem({ properties: { provisioningState: 'Succeeded', version: v('2.0') } }, 'MyApp', asked('3.0'), 'Succeeded');
    assert.match(problem!, /operation Succeeded, but the application MyApp is at 2\.0, not 3\.0: the upgrade was rolled back/);
  });

  it('fails a provisioning state other than Succeeded', () => {
    assert.match(
      applicationOutcomeProblem({ properties: { provisioningState: 'Failed', version: v('3.0') } }, 'MyApp', asked('3.0'), 'Succeeded')!,
      /provisioningState Failed/
    );
    assert.match(applicationOutcomeProblem({ properties: { version: v('3.0') } }, 'MyApp', asked('3.0'), 'Succeeded')!, /provisioningState \(none\)/);
  });

  it('reads the version from its resource id', () => {
    assert.equal(versionFromId(v('1.0%2B1')), '1.0+1');
    assert.equal(versionFromId(ID), undefined);
  });

  it('unprovisions only the versions no application uses, never the one released', () => {
    const versions = ['1.0', '2.0', '3.0', '4.0'].map(x => ({ id: v(x), name: x }));
    const apps = [{ properties: { version: v('2.0').toUpperCase() } }, { properties: {} }];
    assert.deepEqual(
      unusedVersions(versions, apps, v('4.0')).map(x => x.name),
      ['1.0', '3.0']
    );
  });
});
