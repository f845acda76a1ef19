// A gateway release job as a front door hands it to the core (runRelease): a plain-HTTP cluster,
// the package uploaded whole to one Image Store path, provisioned, and the application created or
// upgraded with the cluster's default policy.
import { freezeJob, type ReleaseJob } from '../../src/core/job.js';
import type { SettingNames } from '../../src/util/settings.js';

export interface GatewayJobOptions {
  endpoint: string;
  packagePath: string;
  imageStorePath: string;
  /** Undefined: upload and provision only. */
  applicationName: string | undefined;
  /** Keep the package in the Image Store after the provision. */
  keepPackage: boolean;
  names: SettingNames;
}

export function gatewayReleaseJob(options: GatewayJobOptions): ReleaseJob {
  return freezeJob({
    cluster: {
      endpoint: options.endpoint,
      security: { serverThumbprints: [], insecureSkipTlsVerify: false },
      timeoutSeconds: 30,
      retries: 3,
      apiVersion: '6.0',
      concurrency: 8,
      expectContinue: 'never'
    },
    source: { path: options.packagePath, include: ['**'], compress: false, diffPackage: false },
    upload: {
      imageStorePath: options.imageStorePath,
      overwrite: 'replace',
      chunkSize: 64 * 1024,
      concurrency: 8,
      copyTo: undefined,
      cleanupPaths: [],
      dryRun: false
    },
    release: {
      provision: true,
      keepPackage: options.keepPackage,
      applicationName: options.applicationName,
      applicationParameterFile: undefined,
      applicationParameters: [],
      publishProfile: undefined,
      upgradeMode: undefined,
      failureAction: undefined,
      upgradeSettings: {},
      deployTimeoutSeconds: 60,
      unprovisionOldVersions: false,
      allowDowngrade: false,
      omittedParameters: 'refuse'
    },
    names: options.names
  });
}
