// The ARM path's inputs (the core's shared reader, as the action names them), checked offline: what the release through ARM needs, and what it refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTION_SETTING_NAMES, readReleaseJob } from '../../src/action/release-job.js';
import { readArmSpec } from '../../src/core/arm-settings.js';

const CLUSTER = '/subscriptions/00000000-0000-0000-0000-0000000000ab/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster';
const BASE: Record<string, string> = {
  'managed-cluster-resource-id': CLUSTER,
  'package-path': 'pkg',
  'azure-client-id': 'app',
  'azure-tenant-id': 'tenant',
  'azure-client-secret': 's',
  'blob-container-url': 'https://acct.blob.core.windows.net/packages'
};
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
const getArmInputs = (read: (name: string) => string, env: Record<string, string>) =>
  readArmSpec(read, ACTION_SETTING_NAMES, { testOrigin: env.SFU_TEST_ARM_ORIGIN, federatedCredential: 'GitHub OIDC' });

describe('ARM inputs', () => {
  it('builds a frozen ARM target without cluster-endpoint, on the public cloud by default', () => {
    const job = readReleaseJob(reader(BASE), {});
    assert.equal(job.arm?.endpoint, 'https://management.azure.com');
    assert.equal(job.arm?.cluster.clusterName, 'mycluster');
    assert.ok(Object.isFrozen(job.arm));
    assert.equal(job.cluster.endpoint, '');
  });

  it('is absent without a resource id, and arm-endpoint alone is refused', () => {
    assert.equal(getArmInputs(reader({}), {}), undefined);
    assert.throws(() => getArmInputs(reader({ 'arm-endpoint': 'https://management.azure.com' }), {}), /'arm-endpoint' needs 'managed-cluster-resource-id'/);
  });

  it('needs blob-container-url and a service principal', () => {
    assert.throws(() => getArmInputs(reader({ ...BASE, 'blob-container-url': '' }), {}), /needs 'blob-container-url'/);
    assert.throws(() => getArmInputs(reader({ ...BASE, 'azure-tenant-id': '' }), {}), /needs 'azure-client-id' and 'azure-tenant-id'/);
  });

  it('takes an https cluster-endpoint to follow the upgrade, with its certificate inputs', () => {
    const inputs = {
      ...BASE,
      'cluster-endpoint': 'https://c.eastus.cloudapp.azure.com:19080',
      'client-certificate': 'cert.pem',
      'server-common-name': 'x.sfmc.azclient.ms'
    };
    const job = readReleaseJob(reader(inputs), {});
    assert.equal(job.cluster.endpoint, 'https://c.eastus.cloudapp.azure.com:19080');
    assert.equal(job.cluster.security.clientCertificate, 'cert.pem');
    assert.equal(job.arm?.cluster.clusterName, 'mycluster');
    assert.throws(
      () => getArmInputs(reader({ ...BASE, 'cluster-endpoint': 'http://c:19080' }), {}),
      /is the managed cluster's gateway, https:\/\/<fqdn>:19080/
    );
  });

  it('takes a client certificate alone (the gateway comes from ARM), refuses server checks without either, and what ARM never does through the gateway', () => {
    const job = readReleaseJob(reader({ ...BASE, 'client-certificate': 'cert.pem', 'server-common-name': 'x.sfmc.azclient.ms' }), {});
    assert.equal(job.cluster.endpoint, '');
    assert.equal(job.cluster.security.serverCommonName, 'x.sfmc.azclient.ms');
    for (const name of ['server-certificate-thumbprint', 'server-common-name']) {
      assert.throws(
        () => getArmInputs(reader({ ...BASE, [name]: 'x' }), {}),
        new RegExp(`'${name}' is for the cluster's gateway.*'client-certificate'.*'cluster-endpoint'`)
      );
    }
    for (const name of ['aad-token', 'copy-to', 'cleanup-paths']) {
      const inputs = { ...BASE, 'cluster-endpoint': 'https://c:19080', [name]: 'x' };
      assert.throws(() => getArmInputs(reader(inputs), {}), new RegExp(`'${name}' does not apply to a release through ARM`));
    }
  });

  it('refuses a host that is not ARM', () => {
    assert.throws(() => getArmInputs(reader({ ...BASE, 'arm-endpoint': 'https://evil.example.com' }), {}), /must be one of Azure's ARM endpoints/);
    // The test origin is taken only when the environment names it, and only a loopback one.
    assert.throws(() => getArmInputs(reader({ ...BASE, 'arm-endpoint': 'https://127.0.0.1:8443' }), {}), /must be one of Azure's ARM endpoints/);
    assert.equal(
      getArmInputs(reader({ ...BASE, 'arm-endpoint': 'https://127.0.0.1:8443' }), { SFU_TEST_ARM_ORIGIN: 'https://127.0.0.1:8443' })?.endpoint,
      'https://127.0.0.1:8443'
    );
    assert.throws(() => getArmInputs(reader(BASE), { SFU_TEST_ARM_ORIGIN: 'https://example.com' }), /loopback/);
  });
});
