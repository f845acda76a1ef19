// The release through ARM: the `.sfpkg` staged in Blob storage, then the managed cluster's ARM
// resources written by releaseThroughArm (src/azure/arm-release.ts). Tokens for ARM and Storage come
// from the ARM endpoint's cloud. The cluster's gateway, when the job names it, is only read: to follow
// the upgrade (arm-gateway-follow.ts).
import { ArmClient } from '../azure/arm-client.js';
import { guardArmApplication } from '../azure/arm-guards.js';
import { type ArmRelease, checkArmApplication, readProvisionedVersion, releaseThroughArm, SFPKG_SHA256_TAG } from '../azure/arm-release.js';
import { type ArmSpec, armLoginHost, armResource, ManagedClusterResources } from '../azure/arm-target.js';
import { servicePrincipalToken, TransportNetworkModule } from '../cluster/auth/aad-token.js';
import { clientWaitMs } from '../cluster/gateway-client.js';
import { HttpTransport } from '../cluster/transport.js';
import { effectiveParameters } from '../deploy/application-parameters.js';
import { Deadline, pollIntervalMs } from '../deploy/polling.js';
import type { ReleasePlan } from '../deploy/release-plan.js';
import type { ReleaseRecord } from '../deploy/release-record.js';
import { type PackageToUpload, preparePackageToUpload } from '../package/prepare-upload.js';
import type { ClusterManifestSource } from '../package/diff-package.js';
import type { ScannedPackage } from '../package/package-scan.js';
import type { PackageValidation } from '../package/validate-package.js';
import type { UploadRecord } from '../upload/upload-record.js';
import type { Reporter } from '../util/reporter.js';
import { confirmByRecordedHash, confirmProvisionedPackage, stageInBlobStorage } from './blob-staging.js';
import type { ReleaseJob } from './job.js';
import type { ClientCertificate } from '../cluster/auth/client-certificate.js';
import { GatewayFollower, gatewayToFollow } from './arm-gateway-follow.js';

export interface ArmReleaseStep {
  job: ReleaseJob;
  arm: ArmSpec;
  plan: ReleasePlan | undefined;
  pkg: ScannedPackage;
  validation: PackageValidation;
  form: Parameters<typeof preparePackageToUpload>[2];
  upload: UploadRecord;
  release: ReleaseRecord;
  /** For the gateway, when the job names it (followed read-only). */
  clientCertificate: ClientCertificate | undefined;
  reporter: Reporter;
  signal: AbortSignal;
  hooks: { preparing(p: PackageToUpload): void; staged(dispose: () => void): void };
}

export async function releaseToManagedCluster(step: ArmReleaseStep): Promise<void> {
  const { job, arm, plan, upload, release, reporter, signal } = step;
  const { names } = job;
  if (!job.blob || !plan) throw new Error('A release through ARM needs the Blob staging and a release plan (the inputs check this).');
  const blob = job.blob;
  upload.uploadNotNeeded = `the package goes to the managed cluster as an .sfpkg from Blob storage (${blob.location.containerUrl})${job.upload.dryRun ? '; dry run: nothing was uploaded or released' : ''}`;
  // A dry run reads the application through ARM and applies the guards, as the gateway path's does; it writes nothing.
  if (job.upload.dryRun && !plan.application) return;

  const login = armLoginHost(arm.endpoint);
  const transport = new HttpTransport({ userAgent: 'service-fabric-upload-action', maxSockets: 2, expectContinue: 'never' });
  let follower: GatewayFollower | undefined;
  try {
    const network = new TransportNetworkModule(() => transport, clientWaitMs(job.cluster.timeoutSeconds));
    const tokens = await reporter.group('Authenticate with Azure AD for ARM', async () => {
      const source = await servicePrincipalToken(job.cluster.security, { cluster: armResource(arm.endpoint), login }, network, { reporter, names });
      await source.token(); // a refused credential fails here, before anything is uploaded
      return source;
    });

    const client = (deadline: Deadline, stop: AbortSignal = signal) =>
      new ArmClient({
        resources: new ManagedClusterResources(arm.endpoint, arm.cluster),
        transport,
        token: () => tokens.token(),
        log: line => reporter.info(line),
        signal: stop,
        deadline,
        pollMs: pollIntervalMs(),
        requestTimeoutMs: clientWaitMs(job.cluster.timeoutSeconds)
      });
    const manifest = plan.identity.manifest;
    const log = (line: string) => reporter.info(line);
    const app = plan.application;
    const armRelease: ArmRelease = {
      typeName: plan.typeName,
      typeVersion: plan.typeVersion,
      packageUrl: '',
      shownUrl: '',
      application: app && {
        name: app.name,
        nameInput: names.ApplicationName,
        parameters: app.parameters,
        policy: app.policy,
        guard: existing => guardArmApplication({ app, manifest, names }, existing, log),
        effective: parameters =>
          effectiveParameters(
            manifest,
            Object.entries(parameters ?? {}).map(([Key, Value]) => ({ Key, Value }))
          )
      },
      unprovisionOldVersions: plan.unprovisionOldVersions
    };
    // The gateway path's guards, before anything is staged in Blob storage or written through ARM.
    if (app)
      await reporter.group(`Check ${app.name} through ARM before writing anything`, () =>
        checkArmApplication(client(new Deadline(plan.deployTimeoutSeconds)), armRelease, log)
      );
    if (job.upload.dryRun) return;

    // A provisioned version never changes: its package is compared, never staged again (nor its blob replaced).
    const provisioned = await readProvisionedVersion(client(new Deadline(plan.deployTimeoutSeconds)), armRelease);
    const toUpload = await preparePackageToUpload(step.pkg, step.validation, step.form, NO_CLUSTER_MANIFESTS, reporter, names);
    step.hooks.preparing(toUpload);
    const context = { cluster: job.cluster, loginHost: async () => login, record: upload, reporter, names, signal };
    if (provisioned?.recordedSha256 !== undefined) {
      const where = `the tag '${SFPKG_SHA256_TAG}' of its ARM resource`;
      await confirmByRecordedHash(blob, plan, toUpload.pkg, context, { sha256: provisioned.recordedSha256, where, provisionedFrom: provisioned.appPackageUrl });
    } else if (provisioned) {
      reporter.info(
        provisioned.unreadableTag !== undefined
          ? `The tag '${SFPKG_SHA256_TAG}' of ${plan.typeName} ${plan.typeVersion} holds no SHA-256 ('${provisioned.unreadableTag}'): this package is compared with the blob instead.`
          : `ARM shows no tag '${SFPKG_SHA256_TAG}' on ${plan.typeName} ${plan.typeVersion} (it was provisioned by another tool, or by an earlier release of this action): this package is compared with the blob instead.`
      );
      await confirmProvisionedPackage(blob, plan, toUpload.pkg, context, provisioned.appPackageUrl);
    } else {
      step.hooks.staged(await stageInBlobStorage(blob, plan, toUpload.pkg, context));
      armRelease.packageUrl = plan.externalStore!.downloadUrl;
      armRelease.shownUrl = plan.externalStore!.shownAs;
      armRelease.packageSha256 = plan.externalStore!.sha256;
    }
    const deadline = new Deadline(plan.deployTimeoutSeconds);
    // Aborted by the gateway follower when the gateway shows the upgrade failed.
    const armStop = new AbortController();
    const releaseClient = client(deadline, AbortSignal.any([signal, armStop.signal]));
    const gateway = app && (await gatewayToFollow(job, step.clientCertificate, releaseClient, reporter));
    if (gateway)
      follower = GatewayFollower.open(gateway, names, step.clientCertificate, { armStop, reporter, signal, deadline, pollMs: pollIntervalMs(), release });
    await reporter.group(`Release ${plan.typeName} ${plan.typeVersion} through ARM to ${arm.cluster.clusterName}`, () =>
      releaseThroughArm(releaseClient, armRelease, release, log, line => reporter.warning(line), follower)
    );
    if (release.provisionResult === 'provisioned') await plan.externalStore!.afterProvision(line => reporter.info(line));
  } finally {
    // deploy-duration-seconds ends here, as the gateway path's: the provision, the application's
    // operation and the blob's deletion, not the clean-up of the temporary copies after it.
    release.end();
    follower?.dispose();
    transport.dispose();
  }
}

/** The diff package is refused with Blob staging, so the cluster's manifests are never asked for. */
const NO_CLUSTER_MANIFESTS: ClusterManifestSource = {
  listApplicationTypeVersions: notThroughGateway,
  getApplicationManifest: notThroughGateway,
  getServiceManifest: notThroughGateway
};

function notThroughGateway(): Promise<never> {
  return Promise.reject(new Error('A release through ARM does not read the cluster through its gateway.'));
}
