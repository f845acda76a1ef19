// The provision operation of the emulated cluster manager (cluster management reference, "Provision
// (register) an application type", "Provision from an external store"). A synchronous provision runs
// the image builder and answers when it is done. An asynchronous one answers 202 as soon as the
// request is accepted, lists the version `Provisioning`, and runs the image builder afterwards: the
// version turns `Available` (not before --provision-seconds after the 202) or `Failed` with the
// image builder's message in StatusDetails.
import type { ApplicationPackageCleanupPolicy } from '../../src/protocol/management-models.js';
import { ManagementErrorCode } from '../../src/protocol/management-models.js';
import type { ApplicationManifest } from '../../src/protocol/manifests.js';
import { normalizeStorePath } from '../../src/protocol/store-path.js';
import { type ApiVersion, compareApiVersions, parseApiVersion } from '../api-version.js';
import type { ContentStore } from '../content-store.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { type ApplicationTypeRegistry, buildVersion, packageRootOf, type ProvisionedVersion, readPackageIdentity } from './application-types.js';
import { type ExternalDescription, fetchExternalPackage, readExternalDescription } from './external-store.js';
import { readStoredPackage, readStoredPackageRoot, type StoredPackage } from './package-reader.js';
import { jsonBody, type ManagementAnswer, type ManagementRequest, requiredString } from './request-fields.js';
import { display } from './upgrade-request.js';

export interface ProvisionerOptions {
  now: () => number;
  /** How long an asynchronous provision stays `Provisioning` at least. */
  provisionMs: number;
  externalStoreCa?: string;
  /** Awaited before each asynchronous build starts (tests hold a build to watch it `Provisioning`). */
  imageBuilderHold?: (typeName: string, version: string) => Promise<void>;
}

type Identity = { xml: string; manifest: ApplicationManifest };
type BuildOutcome = Awaited<ReturnType<typeof buildVersion>>;
/** What the image builder gets: the package, how messages name it, and its store path when it came through the Image Store. */
type BuildInput = { pkg: StoredPackage; identity: Identity; buildPath: string; storePath?: string };

const V62: ApiVersion = [6, 2];
const CLEANUP_POLICIES: ApplicationPackageCleanupPolicy[] = ['Invalid', 'Default', 'Automatic', 'Manual'];

export class Provisioner {
  /** Type versions a synchronous provision is building right now. */
  private readonly building = new Set<string>();
  /** Builds of one type run one after the other (by lower-case type name), so a diff package sees the versions before it. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly closing: Promise<void>;

  constructor(
    private readonly store: ContentStore,
    private readonly types: ApplicationTypeRegistry,
    private readonly options: ProvisionerOptions
  ) {
    this.closing = new Promise(resolve => this.shutdown.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async provision(request: ManagementRequest): Promise<ManagementAnswer> {
    const model = 'ProvisionApplicationTypeDescription';
    const body = jsonBody(request, model);
    let isAsync = false;
    let cleanup: ApplicationPackageCleanupPolicy = 'Default';
    if (compareApiVersions(parseApiVersion(request.query.get('api-version'))!, V62) >= 0) {
      // The gateway's polymorphic reader needs the discriminator first [spec][rt].
      if (!/^\s*\{\s*"Kind"\s*:/.test(request.body.toString('utf8'))) {
        throw FabricHttpError.invalidArg('From api-version 6.2 the provision body must start with its "Kind" property, e.g. {"Kind":"ImageStorePath",...}.');
      }
      if (body.Kind !== 'ImageStorePath' && body.Kind !== 'ExternalStore')
        throw FabricHttpError.invalidArg(`Kind '${String(body.Kind)}' is not ImageStorePath or ExternalStore.`);
      if (body.Async !== undefined && typeof body.Async !== 'boolean') throw FabricHttpError.invalidArg(`${model}.Async must be true or false.`);
      isAsync = body.Async === true;
      const policy = body.ApplicationPackageCleanupPolicy ?? 'Default';
      if (!CLEANUP_POLICIES.includes(policy as ApplicationPackageCleanupPolicy)) {
        throw FabricHttpError.invalidArg(`ApplicationPackageCleanupPolicy '${display(policy)}' is not one of ${CLEANUP_POLICIES.join(', ')}.`);
      }
      cleanup = policy as ApplicationPackageCleanupPolicy;
    }
    // Up to api-version 6.1 the body is the older ApplicationTypeImageStorePath: synchronous, the
    // cluster's cleanup setting [rt]; extra properties are ignored as the gateway's reader does.
    if (body.Kind === 'ExternalStore') return this.provisionExternal(readExternalDescription(body), isAsync);
    const buildPath = requiredString(body, 'ApplicationTypeBuildPath', model);
    const storePath = normalizeStorePath(buildPath);
    this.store.diskPath(storePath); // refuses `.` and `..`
    // Default follows runtime 7.2 and later: the package is deleted after a successful provision.
    const keep = cleanup === 'Manual';
    if (!isAsync) {
      const pkg = await readStoredPackage(this.store, storePath);
      const identity = readPackageIdentity(packageRootOf(pkg), buildPath);
      return this.provisionNow({ pkg: pkg!, identity, buildPath, storePath }, keep);
    }
    // [undoc] Before the 202 the cluster reads only the package's root: the folder, its mark file and
    // ApplicationManifest.xml (to know the type and version it lists). Those errors are answered at
    // once; everything else (service manifests, parts, checksums) is the image builder's, afterwards.
    const identity = readPackageIdentity(await readStoredPackageRoot(this.store, storePath), buildPath);
    return this.accept(identity, async signal => {
      const pkg = await readStoredPackage(this.store, storePath);
      readPackageIdentity(packageRootOf(pkg), buildPath); // the folder may have gone since the 202
      return this.build({ pkg: pkg!, identity, buildPath, storePath }, keep, signal);
    });
  }

  /** Resolves when no asynchronous build runs. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Stops the builds under way (each ends `Failed`) and waits for them, temporary files removed. */
  async close(): Promise<void> {
    this.shutdown.abort();
    await this.idle();
  }

  private async provisionExternal(description: ExternalDescription, isAsync: boolean): Promise<ManagementAnswer> {
    // ExternalStore: the cluster downloads an .sfpkg (external-store.ts); nothing is read from the Image Store.
    const fromSfpkg = async <T>(signal: AbortSignal, run: (input: BuildInput) => Promise<T>): Promise<T> => {
      const external = await fetchExternalPackage(description, this.options.externalStoreCa, signal);
      try {
        return await run(external);
      } finally {
        await external.dispose();
      }
    };
    if (!isAsync) return fromSfpkg(this.shutdown.signal, input => this.provisionNow(input, true));
    // [undoc] Until the .sfpkg is downloaded the version is listed with no default parameters.
    const { typeName, typeVersion } = description;
    const pending: Identity = { xml: '', manifest: { typeName, typeVersion, parameters: [], serviceManifestImports: [] } };
    return this.accept(pending, signal => fromSfpkg(signal, input => this.build(input, true, signal)));
  }

  /**
   * The rules for a version the cluster already knows: 409 when it is Available (also under a name
   * that differs only in case) or a synchronous provision builds it; the same answer again while it
   * provisions; a failed one is retried.
   */
  private admit(typeName: string, typeVersion: string, isAsync: boolean): ManagementAnswer | undefined {
    const existing = this.types.find(typeName, typeVersion) ?? this.types.findIgnoringCase(typeName, typeVersion);
    if (existing) {
      const status = this.types.status(existing);
      if (status === 'Available') {
        throw new FabricHttpError(
          409,
          ManagementErrorCode.ApplicationTypeAlreadyExists,
          `Application type ${existing.typeName} version ${typeVersion} is already provisioned.`
        );
      }
      // Re-posting while it still provisions only extends its timeout [rt].
      if (status === 'Provisioning') return { status: isAsync ? 202 : 200 };
      this.types.remove(existing.typeName, existing.version); // a failed provision is retried [rt]
    }
    if (this.building.has(buildingKey(typeName, typeVersion))) {
      // [undoc] Two provisions of one version at the same moment: the second is refused.
      throw new FabricHttpError(
        409,
        ManagementErrorCode.ApplicationTypeProvisionInProgress,
        `Application type ${typeName} version ${typeVersion} is being provisioned.`
      );
    }
    return undefined;
  }

  private async provisionNow(input: BuildInput, keep: boolean): Promise<ManagementAnswer> {
    const { typeName, typeVersion } = input.identity.manifest;
    const early = this.admit(typeName, typeVersion, false);
    if (early) return early;
    const key = buildingKey(typeName, typeVersion);
    this.building.add(key);
    let built: BuildOutcome;
    try {
      built = await this.inTurn(typeName, () => this.build(input, keep, this.shutdown.signal));
    } finally {
      this.building.delete(key);
    }
    // [undoc] A failed synchronous provision leaves nothing listed.
    if ('error' in built) throw built.error;
    const now = this.options.now();
    this.types.add({ ...built.version, acceptedAt: now, readyAt: now });
    return { status: 200 };
  }

  /** Lists the version `Provisioning` and answers 202; `work` builds it in the background. */
  private accept(identity: Identity, work: (signal: AbortSignal) => Promise<BuildOutcome>): ManagementAnswer {
    const { typeName, typeVersion } = identity.manifest;
    const early = this.admit(typeName, typeVersion, true);
    if (early) return early;
    const acceptedAt = this.options.now();
    const record: ProvisionedVersion = {
      typeName,
      version: typeVersion,
      manifestXml: identity.xml,
      manifest: identity.manifest,
      serviceManifests: new Map(),
      partChecksums: new Map(),
      acceptedAt,
      readyAt: acceptedAt + this.options.provisionMs,
      building: true
    };
    this.types.add(record);
    const signal = this.shutdown.signal;
    const task: Promise<void> = this.inTurn(typeName, async () => {
      const hold = this.options.imageBuilderHold;
      if (hold) await Promise.race([hold(typeName, typeVersion), this.closing]);
      signal.throwIfAborted();
      return work(signal);
    })
      .then(
        outcome => this.finish(record, 'error' in outcome ? outcome.error.message : outcome.version),
        (err: unknown) =>
          this.finish(record, signal.aborted ? 'The emulator shut down before the build ended.' : err instanceof Error ? err.message : String(err))
      )
      .then(() => {
        this.running.delete(task);
      });
    this.running.add(task);
    return { status: 202 };
  }

  /** The image builder's work; a successful build deletes an Image Store package unless `keep`. */
  private async build(input: BuildInput, keep: boolean, signal: AbortSignal): Promise<BuildOutcome> {
    const built = await buildVersion(this.types, input.pkg, input.buildPath, input.identity, input.storePath !== undefined, signal);
    // The cluster has copied what it needs, so the package goes as soon as the build ends.
    if (!('error' in built) && !keep && input.storePath !== undefined) await this.store.delete(input.storePath);
    return built;
  }

  /** Ends a background build: the built version, or the image builder's message. */
  private finish(record: ProvisionedVersion, outcome: string | Extract<BuildOutcome, { version: unknown }>['version']): void {
    if (this.types.find(record.typeName, record.version) !== record) return;
    if (typeof outcome === 'string') {
      record.failure = outcome;
    } else {
      const { manifestXml, manifest, serviceManifests, partChecksums } = outcome;
      Object.assign(record, { manifestXml, manifest, serviceManifests, partChecksums });
    }
    record.building = false;
  }

  /** Runs `work` after the builds of the same type queued before it. */
  private inTurn<T>(typeName: string, work: () => Promise<T>): Promise<T> {
    const key = typeName.toLowerCase();
    const result = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const settled: Promise<void> = result
      .then(
        () => undefined,
        () => undefined
      )
      .then(() => {
        if (this.queues.get(key) === settled) this.queues.delete(key);
      });
    this.queues.set(key, settled);
    return result;
  }
}

function buildingKey(typeName: string, typeVersion: string): string {
  return `${typeName.toLowerCase()}\n${typeVersion}`;
}
