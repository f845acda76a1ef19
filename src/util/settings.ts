// The settings a front door gives the core, by key. Each front door names them its own way (the
// action: `chunk-size`, a CLI: `--chunk-size`); errors that blame a setting use that name.

/** Every setting, by key, with its canonical name (the action's input name; a CLI flag without `--`). */
export const SETTING = {
  ClusterEndpoint: 'cluster-endpoint',
  PackagePath: 'package-path',
  ImageStorePath: 'image-store-path',
  Include: 'include',
  ChunkSize: 'chunk-size',
  Concurrency: 'concurrency',
  Overwrite: 'overwrite',
  CopyTo: 'copy-to',
  CleanupPaths: 'cleanup-paths',
  Timeout: 'timeout',
  Retries: 'retries',
  ApiVersion: 'api-version',
  DryRun: 'dry-run',
  ClientCertificate: 'client-certificate',
  ClientKey: 'client-key',
  ClientCertificatePassword: 'client-certificate-password',
  ServerCertificateThumbprint: 'server-certificate-thumbprint',
  ServerCommonName: 'server-common-name',
  CaCertificate: 'ca-certificate',
  InsecureSkipTlsVerify: 'insecure-skip-tls-verify',
  AadToken: 'aad-token',
  AzureClientId: 'azure-client-id',
  AzureTenantId: 'azure-tenant-id',
  AzureClientSecret: 'azure-client-secret',
  Compress: 'compress',
  DiffPackage: 'diff-package',
  VersionStamp: 'version-stamp',
  VersionStampIgnore: 'version-stamp-ignore',
  Provision: 'provision',
  KeepPackage: 'keep-package',
  ApplicationName: 'application-name',
  ApplicationParameterFile: 'application-parameter-file',
  ApplicationParameters: 'application-parameters',
  PublishProfile: 'publish-profile',
  UpgradeMode: 'upgrade-mode',
  FailureAction: 'failure-action',
  UpgradeSettings: 'upgrade-settings',
  DeployTimeout: 'deploy-timeout',
  UnprovisionOldVersions: 'unprovision-old-versions',
  AllowDowngrade: 'allow-downgrade',
  OmittedParameters: 'omitted-parameters',
  BlobContainerUrl: 'blob-container-url',
  BlobSas: 'blob-sas',
  BlobName: 'blob-name',
  DeleteBlob: 'delete-blob',
  ManagedClusterResourceId: 'managed-cluster-resource-id',
  ArmEndpoint: 'arm-endpoint'
} as const;

export type SettingKey = keyof typeof SETTING;

/** How a front door names each setting in messages. */
export type SettingNames = Readonly<Record<SettingKey, string>>;

/** The names a front door uses: each canonical name passed through `format` (e.g. `n => '--' + n`). */
export function settingNames(format: (canonical: string) => string): SettingNames {
  const names = Object.fromEntries(Object.entries(SETTING).map(([key, name]) => [key, format(name)]));
  return Object.freeze(names as Record<SettingKey, string>);
}

/** The canonical names (the action's input names): what a caller that names nothing gets. */
export const CANONICAL_NAMES: SettingNames = settingNames(name => name);

/** A bad setting: the message names the setting (by the front door's name) and what it accepts. */
export class SettingError extends Error {
  // Its name stays the action's historical one: the action re-exports this class as InputError.
  override name = 'InputError';
}
