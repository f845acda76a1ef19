// Inputs of the ARM path: a managed cluster's resource id and the ARM endpoint, checked offline
// before any request. The release then goes through ARM, with the package staged in Blob storage;
// `cluster-endpoint` (optional) names the gateway it reads to follow the upgrade.
import * as core from '@actions/core';
import { type ArmSpec, ArmTargetError, parseArmEndpoint, parseManagedClusterId, testArmOrigin } from '../azure/arm-target.js';
import { BlobInput } from './blob-inputs.js';
import { Input, InputError } from './inputs.js';

export const ArmInput = {
  ManagedClusterResourceId: 'managed-cluster-resource-id',
  ArmEndpoint: 'arm-endpoint'
} as const;

/** Test-only (docs/development.md): the emulator's loopback origin, accepted as `arm-endpoint`. */
export const TEST_ARM_ORIGIN_VARIABLE = 'SFU_TEST_ARM_ORIGIN';

/** Undefined when `managed-cluster-resource-id` is not set (the gateway path). */
export function getArmInputs(read: (name: string) => string = name => core.getInput(name), env: NodeJS.ProcessEnv = process.env): ArmSpec | undefined {
  const idText = read(ArmInput.ManagedClusterResourceId).trim();
  const endpointText = read(ArmInput.ArmEndpoint).trim();
  if (idText === '') {
    if (endpointText !== '') throw new InputError(`'${ArmInput.ArmEndpoint}' needs '${ArmInput.ManagedClusterResourceId}'.`);
    return undefined;
  }
  let spec: ArmSpec;
  try {
    const cluster = parseManagedClusterId(ArmInput.ManagedClusterResourceId, idText);
    spec = { cluster, endpoint: parseArmEndpoint(ArmInput.ArmEndpoint, endpointText, testArmOrigin(env[TEST_ARM_ORIGIN_VARIABLE])) };
  } catch (err) {
    if (err instanceof ArmTargetError) throw new InputError(err.message);
    throw err;
  }
  if (read(BlobInput.ContainerUrl).trim() === '') {
    throw new InputError(
      `'${ArmInput.ManagedClusterResourceId}' needs '${BlobInput.ContainerUrl}': ARM provisions the application type version from an .sfpkg in Blob storage.`
    );
  }
  if (read(Input.AzureClientId).trim() === '' || read(Input.AzureTenantId).trim() === '') {
    throw new InputError(
      `'${ArmInput.ManagedClusterResourceId}' needs '${Input.AzureClientId}' and '${Input.AzureTenantId}' (with '${Input.AzureClientSecret}', or GitHub OIDC): a service principal that may write the managed cluster's applications (such as Contributor on it).`
    );
  }
  for (const name of [Input.AadToken, Input.CopyTo, Input.CleanupPaths]) {
    if (read(name).trim() !== '') {
      throw new InputError(
        `'${name}' does not apply to a release through ARM ('${ArmInput.ManagedClusterResourceId}'), which writes nothing through the cluster's gateway: remove it.`
      );
    }
  }
  checkFollowingGateway(read);
  return Object.freeze(spec);
}

/**
 * `cluster-endpoint` beside the resource id: the gateway is only read, to follow the upgrade. It is a
 * managed cluster's, so https; its certificate inputs mean nothing without it.
 */
function checkFollowingGateway(read: (name: string) => string): void {
  const endpoint = read(Input.ClusterEndpoint).trim();
  if (endpoint !== '' && !/^https:\/\//i.test(endpoint)) {
    throw new InputError(
      `'${Input.ClusterEndpoint}' beside '${ArmInput.ManagedClusterResourceId}' is the managed cluster's gateway, https://<fqdn>:19080, read to follow the upgrade; not '${endpoint}'.`
    );
  }
  if (endpoint !== '') return;
  for (const name of [Input.ClientCertificate, Input.ClientKey, Input.ServerCertificateThumbprint, Input.ServerCommonName]) {
    if (read(name).trim() !== '') {
      throw new InputError(
        `'${name}' is for the cluster's gateway, which a release through ARM reads only when '${Input.ClusterEndpoint}' names it: add '${Input.ClusterEndpoint}' (https://<fqdn>:19080) to follow the upgrade there, or remove '${name}'.`
      );
    }
  }
}
