// The ARM path's settings: a managed cluster's resource id and the ARM endpoint, checked offline
// before any request. The release then goes through ARM, with the package staged in Blob storage;
// the cluster endpoint (optional) names the gateway it reads to follow the upgrade. Shared by the front doors.
import { type ArmSpec, ArmTargetError, parseArmEndpoint, parseManagedClusterId, testArmOrigin } from '../azure/arm-target.js';
import { SETTING, SettingError, type SettingNames } from '../util/settings.js';

/** Test-only (docs/development.md): the variable naming the emulator's loopback origin, accepted as the ARM endpoint. */
export const TEST_ARM_ORIGIN_VARIABLE = 'SFU_TEST_ARM_ORIGIN';

export interface ArmSettingsOptions {
  /** The value of SFU_TEST_ARM_ORIGIN, if any: only a loopback origin is taken. */
  testOrigin?: string;
  /** How messages name the front door's federated credential ('GitHub OIDC'); undefined: it has none. */
  federatedCredential?: string;
}

/** Undefined when the managed cluster's resource id is not set (the gateway path). */
export function readArmSpec(read: (name: string) => string, names: SettingNames, options: ArmSettingsOptions = {}): ArmSpec | undefined {
  const idText = read(SETTING.ManagedClusterResourceId).trim();
  const endpointText = read(SETTING.ArmEndpoint).trim();
  if (idText === '') {
    if (endpointText !== '') throw new SettingError(`'${names.ArmEndpoint}' needs '${names.ManagedClusterResourceId}'.`);
    return undefined;
  }
  let spec: ArmSpec;
  try {
    const cluster = parseManagedClusterId(names.ManagedClusterResourceId, idText);
    spec = { cluster, endpoint: parseArmEndpoint(names.ArmEndpoint, endpointText, testArmOrigin(options.testOrigin)) };
  } catch (err) {
    if (err instanceof ArmTargetError) throw new SettingError(err.message);
    throw err;
  }
  if (read(SETTING.BlobContainerUrl).trim() === '') {
    throw new SettingError(
      `'${names.ManagedClusterResourceId}' needs '${names.BlobContainerUrl}': ARM provisions the application type version from an .sfpkg in Blob storage.`
    );
  }
  if (read(SETTING.AzureClientId).trim() === '' || read(SETTING.AzureTenantId).trim() === '') {
    const secret =
      options.federatedCredential === undefined ? `'${names.AzureClientSecret}'` : `'${names.AzureClientSecret}', or ${options.federatedCredential}`;
    throw new SettingError(
      `'${names.ManagedClusterResourceId}' needs '${names.AzureClientId}' and '${names.AzureTenantId}' (with ${secret}): a service principal that may write the managed cluster's applications (such as Contributor on it).`
    );
  }
  for (const key of ['AadToken', 'CopyTo', 'CleanupPaths'] as const) {
    if (read(SETTING[key]).trim() !== '') {
      throw new SettingError(
        `'${names[key]}' does not apply to a release through ARM ('${names.ManagedClusterResourceId}'), which writes nothing through the cluster's gateway: remove it.`
      );
    }
  }
  checkFollowedGateway(read, names);
  return Object.freeze(spec);
}

/**
 * The cluster endpoint beside the resource id: the gateway is only read, to follow the upgrade. It is a
 * managed cluster's, so https. A client certificate without it follows the gateway the cluster resource
 * names; the server certificate settings mean nothing without either.
 */
function checkFollowedGateway(read: (name: string) => string, names: SettingNames): void {
  const endpoint = read(SETTING.ClusterEndpoint).trim();
  if (endpoint !== '' && !/^https:\/\//i.test(endpoint)) {
    throw new SettingError(
      `'${names.ClusterEndpoint}' beside '${names.ManagedClusterResourceId}' is the managed cluster's gateway, https://<fqdn>:19080, read to follow the upgrade; not '${endpoint}'.`
    );
  }
  if (endpoint !== '' || read(SETTING.ClientCertificate).trim() !== '') return;
  for (const key of ['ServerCertificateThumbprint', 'ServerCommonName'] as const) {
    if (read(SETTING[key]).trim() !== '') {
      throw new SettingError(
        `'${names[key]}' is for the cluster's gateway, which a release through ARM reads only with '${names.ClientCertificate}' (the gateway the cluster resource names) or '${names.ClusterEndpoint}': add one to follow the upgrade there, or remove '${names[key]}'.`
      );
    }
  }
}
