// Inputs of the ARM path: a managed cluster's resource id and the ARM endpoint, checked offline
// before any request. The release then goes through ARM, with the package staged in Blob storage.
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
  for (const name of [Input.ClusterEndpoint, Input.AadToken, Input.ClientCertificate, Input.CopyTo, Input.CleanupPaths]) {
    if (read(name).trim() !== '') {
      throw new InputError(
        `'${name}' does not apply to a release through ARM ('${ArmInput.ManagedClusterResourceId}'), which does not use the cluster's gateway: remove it.`
      );
    }
  }
  return Object.freeze(spec);
}
