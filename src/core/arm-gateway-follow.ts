// Following a release through ARM on the managed cluster's own gateway, read-only. While ARM's
// application PUT runs, the upgrade's progress is read as the gateway path reads it (waitForUpgrade):
// the upgrade domains, a rollback's health evaluations, the real upgrade state, the timeline. Nothing
// is written to the gateway: ARM provisions and upgrades. A gateway that does not answer costs a
// warning, never a release that ARM completed; a failure the gateway shows ends ARM's wait as well,
// with the gateway path's sentence.
import type { ObservedApplication, UpgradeObserver } from '../azure/arm-release.js';
import type { ClientCertificate } from '../cluster/auth/client-certificate.js';
import { type ClusterConnection, connectToCluster } from '../cluster/connect.js';
import { CancelledError } from '../cluster/errors.js';
import type { GatewayClient } from '../cluster/gateway-client.js';
import { type ApplicationUpgradeProgress, ManagementClient } from '../cluster/management-client.js';
import type { Deadline } from '../deploy/polling.js';
import type { ReleaseRecord } from '../deploy/release-record.js';
import { waitForUpgrade } from '../deploy/wait-for-upgrade.js';
import type { Reporter } from '../util/reporter.js';
import type { ArmClient } from '../azure/arm-client.js';
import type { ClusterTarget } from '../cluster/cluster-target.js';
import type { SettingNames } from '../util/settings.js';
import type { ReleaseJob } from './job.js';

/** Once ARM's operation has ended, the gateway gets this many polls (at least GRACE_MIN_MS) to show the upgrade's end. */
const GRACE_POLLS = 5;
const GRACE_MIN_MS = 5000;

export interface GatewayFollowOptions {
  /** Aborted when the gateway shows that the upgrade failed: the ARM client's signal includes it, so ARM's wait ends too. */
  armStop: AbortController;
  reporter: Reporter;
  /** The job's cancellation: it stops the follower as it stops ARM's wait. */
  signal: AbortSignal;
  /** The release's deadline, shared with ARM's waits. */
  deadline: Deadline;
  pollMs: number;
  release: ReleaseRecord;
}

type Settled<T> = { ok: true; value: T } | { ok: false; err: unknown };

export class GatewayFollower implements UpgradeObserver {
  private authenticated = false;

  private constructor(
    private readonly endpoint: string,
    private readonly connection: ClusterConnection,
    private readonly options: GatewayFollowOptions & { names: SettingNames }
  ) {}

  /**
   * A follower of the gateway `target` (see gatewayToFollow). With a client certificate the gateway is
   * authenticated by it alone; without one, by the service principal through the cluster's Azure AD, if it uses it.
   */
  static open(target: ClusterTarget, names: SettingNames, clientCertificate: ClientCertificate | undefined, options: GatewayFollowOptions): GatewayFollower {
    const security = clientCertificate ? { ...target.security, azureClientId: undefined, azureClientSecret: undefined } : target.security;
    const connection = connectToCluster({ ...target, security }, clientCertificate, { signal: options.signal, reporter: options.reporter, names });
    return new GatewayFollower(target.endpoint, connection, { ...options, names });
  }

  dispose(): void {
    this.connection.dispose();
  }

  async during<T>(app: ObservedApplication, put: () => Promise<T>): Promise<T> {
    // A new application has no upgrade to follow.
    if (app.creating) return put();
    const before = await this.firstRead(app);
    if (before === undefined) return put();
    const stopFollowing = new AbortController();
    const client = new FollowingClient(this.connection.gateway.boundedBy(stopFollowing.signal), before.StartTimestampUtc, stopFollowing);
    const { reporter, release, deadline, pollMs, names } = this.options;
    const following = settle(
      waitForUpgrade(client, {
        applicationName: app.name,
        targetVersion: app.targetVersion,
        previousVersion: app.previousVersion,
        staleStart: before.StartTimestampUtc,
        deadline,
        pollMs,
        log: line => reporter.info(line),
        names,
        onProgress: (progress, domains) => release.recordProgress(progress, domains)
      })
    );
    const arm = settle(put());
    const first = await Promise.race([following.then(() => 'gateway' as const), arm.then(() => 'arm' as const)]);
    let grace: NodeJS.Timeout | undefined;
    if (first === 'gateway' && isUpgradeFailure(await following, client, this.options.signal)) {
      // The gateway path's sentence (the rollback and its health evaluations) is the outcome: ARM's wait ends too.
      this.options.armStop.abort();
    } else if (first === 'arm') {
      client.armEnded = true;
      grace = setTimeout(() => stopFollowing.abort(), Math.max(GRACE_POLLS * pollMs, GRACE_MIN_MS));
    }
    const [gateway, armResult] = await Promise.all([following, arm]);
    clearTimeout(grace);
    stopFollowing.abort();
    if (isUpgradeFailure(gateway, client, this.options.signal)) throw gateway.err;
    if (!armResult.ok) throw armResult.err;
    this.sayHowFollowingEnded(app, gateway, client);
    return armResult.value;
  }

  /** The progress before ARM's PUT (the upgrade it starts is the one after it), or undefined when the gateway cannot be read. */
  private async firstRead(app: ObservedApplication): Promise<ApplicationUpgradeProgress | undefined> {
    try {
      if (!this.authenticated) {
        await this.connection.authenticate();
        this.authenticated = true;
      }
      const progress = await this.connection.management.getUpgradeProgress(app.name);
      this.options.reporter.info(`Following the upgrade of ${app.name} through the cluster's gateway at ${this.endpoint} (read-only).`);
      return progress;
    } catch (err) {
      if (err instanceof CancelledError || this.options.signal.aborted) throw err;
      this.options.reporter.warning(
        `Could not read the upgrade of ${app.name} through the cluster's gateway at ${this.endpoint} (${reason(err)}): the release goes on through ARM alone, without the upgrade domains. Check '${this.options.names.ClusterEndpoint}' and the client certificate.`
      );
      return undefined;
    }
  }

  private sayHowFollowingEnded(app: ObservedApplication, gateway: Settled<ApplicationUpgradeProgress>, client: FollowingClient): void {
    const { reporter, release } = this.options;
    // A state the gateway showed before it stopped being read is not how the upgrade ended.
    if (!gateway.ok) release.upgradeState = undefined;
    if (gateway.ok) {
      reporter.info(`The cluster's gateway shows the upgrade of ${app.name} to ${app.targetVersion} ${gateway.value.UpgradeState}.`);
    } else if (client.failure !== undefined) {
      reporter.warning(
        `The cluster's gateway at ${this.endpoint} stopped answering while ${app.name} was upgrading (${reason(client.failure)}): ARM's outcome stands, and the upgrade domains after that point are not shown.`
      );
    } else if (client.nothingNew) {
      reporter.info(`The cluster's gateway shows no new upgrade of ${app.name}: ARM's operation ended without one.`);
    } else {
      reporter.warning(
        `ARM's operation ended, but the cluster's gateway still showed the upgrade of ${app.name} as ${client.lastState ?? 'not started'}: ARM's outcome stands.`
      );
    }
  }
}

/** The gateway's progress reads, noting what ended the following: a failed read, or no new upgrade once ARM's operation ended. */
class FollowingClient extends ManagementClient {
  armEnded = false;
  nothingNew = false;
  failure: unknown;
  lastState: string | undefined;

  constructor(
    gateway: GatewayClient,
    private readonly staleStart: string | undefined,
    private readonly stop: AbortController
  ) {
    super(gateway);
  }

  override async getUpgradeProgress(applicationName: string): Promise<ApplicationUpgradeProgress> {
    const afterArm = this.armEnded;
    try {
      const progress = await super.getUpgradeProgress(applicationName);
      if (progress.StartTimestampUtc !== this.staleStart) this.lastState = progress.UpgradeState;
      // Read after ARM's operation ended and still the upgrade from before the PUT: ARM started none.
      if (afterArm && progress.StartTimestampUtc === this.staleStart) {
        this.nothingNew = true;
        this.stop.abort();
      }
      return progress;
    } catch (err) {
      if (!(err instanceof CancelledError)) this.failure = err;
      throw err;
    }
  }
}

/** The gateway showed the upgrade end otherwise than rolled forward (or not within the deadline): not a read that failed, nor a stop. */
function isUpgradeFailure(outcome: Settled<ApplicationUpgradeProgress>, client: FollowingClient, job: AbortSignal): outcome is { ok: false; err: unknown } {
  return !outcome.ok && client.failure === undefined && !job.aborted && !(outcome.err instanceof CancelledError);
}

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    value => ({ ok: true, value }),
    (err: unknown) => ({ ok: false, err })
  );
}

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('. ')[0] ?? text;
}

interface ManagedClusterResource {
  properties?: { fqdn?: string; httpGatewayConnectionPort?: number; clusterCertificateThumbprints?: string[] };
}

/**
 * The gateway to follow: the job's cluster endpoint; or, with a client certificate and no endpoint, the
 * managed cluster resource's `fqdn` and `httpGatewayConnectionPort`, the server checked by the resource's
 * current `clusterCertificateThumbprints` (they rotate: read at each run) unless the job pins the server
 * itself. Undefined when there is none to follow; a warning says why when one was wanted.
 */
export async function gatewayToFollow(
  job: ReleaseJob,
  clientCertificate: ClientCertificate | undefined,
  client: ArmClient,
  reporter: Reporter
): Promise<ClusterTarget | undefined> {
  if (job.cluster.endpoint !== '') return job.cluster;
  if (clientCertificate === undefined) return undefined;
  const { names } = job;
  let cluster: ManagedClusterResource | undefined;
  try {
    cluster = await client.get<ManagedClusterResource>(client.resources.cluster.id, 'the managed cluster');
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    reporter.warning(
      `Could not read the managed cluster's gateway from ARM (${reason(err)}): the upgrade is not followed through the gateway; set '${names.ClusterEndpoint}'.`
    );
    return undefined;
  }
  const fqdn = cluster?.properties?.fqdn;
  const port = cluster?.properties?.httpGatewayConnectionPort ?? 19080;
  const thumbprints = (cluster?.properties?.clusterCertificateThumbprints ?? [])
    .map(t => t.replace(/[^0-9a-f]/gi, '').toUpperCase())
    .filter(t => t.length === 40);
  const pinned = job.cluster.security.serverThumbprints.length > 0 || job.cluster.security.serverCommonName !== undefined;
  if (fqdn === undefined || !/^[a-z0-9.-]+$/i.test(fqdn) || !Number.isInteger(port) || (!pinned && thumbprints.length === 0)) {
    reporter.warning(
      `The managed cluster's resource does not name its gateway and certificate (fqdn, httpGatewayConnectionPort, clusterCertificateThumbprints): the upgrade is not followed through the gateway; set '${names.ClusterEndpoint}'.`
    );
    return undefined;
  }
  const endpoint = `https://${fqdn}:${port}`;
  reporter.info(`The managed cluster's gateway, from ARM: ${endpoint}${pinned ? '' : `, its certificate ${thumbprints.join(' or ')}`}.`);
  return { ...job.cluster, endpoint, security: pinned ? job.cluster.security : { ...job.cluster.security, serverThumbprints: thumbprints } };
}
