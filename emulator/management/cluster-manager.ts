// The emulated cluster manager: what the `/ApplicationTypes` and `/Applications` routes of the
// gateway do (cluster management reference). Each operation takes the request and answers a status
// and a JSON body, or throws a FabricHttpError; the routes (routes.ts) go through the emulator's
// router, so faults, api-version and timeout checks reach them as they reach the Image Store.
import type { ApplicationPackageCleanupPolicy, PagedApplicationInfoList, PagedApplicationTypeInfoList } from '../../src/protocol/management-models.js';
import { applicationNameProblem, ManagementErrorCode } from '../../src/protocol/management-models.js';
import { normalizeStorePath } from '../../src/protocol/store-path.js';
import { type ApiVersion, compareApiVersions, parseApiVersion } from '../api-version.js';
import type { ContentStore } from '../content-store.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { ApplicationTypeRegistry, buildVersion, readPackageIdentity, serviceTypeInfos } from './application-types.js';
import { type ApplicationRecord, ApplicationRegistry, checkParameters, sameParameters } from './applications.js';
import { readStoredPackage } from './package-reader.js';
import { jsonBody, type ManagementAnswer, type ManagementRequest, requiredQuery, requiredString } from './request-fields.js';
import { display, readUpgradeRequest } from './upgrade-request.js';
import { RollingUpgrade } from './upgrades.js';
import { type ExternalPackage, fetchExternalPackage } from './external-store.js';

export interface ManagementOptions {
  /** Upgrade domains an upgrade walks through (default 3). */
  upgradeDomains?: number;
  /** Seconds each upgrade domain takes (default 1). */
  upgradeDomainSeconds?: number;
  /** Seconds a provision stays `Provisioning` (default 0.5). */
  provisionSeconds?: number;
  /** Versions whose Monitored upgrades fail their health check from the second upgrade domain on. */
  unhealthyVersions?: string[];
  /** Seconds a new application stays `Creating` after its create (default 0). */
  createSeconds?: number;
  /** Seconds after a create during which the application is not listed yet (default 0). */
  createHiddenSeconds?: number;
  /** Progress reads after an accepted upgrade request that still answer the progress from before it (default 0). */
  upgradeProgressLagReads?: number;
  /** The clock the timelines are computed from (tests move it by hand); Date.now by default. */
  clock?: () => number;
  /** CA certificates (PEM) an ExternalStore download over https trusts besides Node's own. */
  externalStoreCa?: string;
}

export type { ManagementAnswer, ManagementRequest };

const V62: ApiVersion = [6, 2];
const CLEANUP_POLICIES: ApplicationPackageCleanupPolicy[] = ['Invalid', 'Default', 'Automatic', 'Manual'];

export class ClusterManager {
  readonly types: ApplicationTypeRegistry;
  readonly applications: ApplicationRegistry;
  private readonly domains: string[];
  private readonly domainMs: number;
  private readonly provisionMs: number;
  private readonly createTiming: { hiddenMs: number; creatingMs: number };
  private readonly progressLagReads: number;
  private readonly unhealthy: Set<string>;
  private readonly now: () => number;
  /** Type versions whose package the image builder is reading right now. */
  private readonly building = new Set<string>();

  private readonly externalStoreCa: string | undefined;

  constructor(
    private readonly store: ContentStore,
    options: ManagementOptions = {}
  ) {
    this.now = options.clock ?? Date.now;
    this.externalStoreCa = options.externalStoreCa;
    const count = options.upgradeDomains ?? 3;
    // [undoc] Upgrade domain names: the local development cluster's style.
    this.domains = Array.from({ length: count }, (_, i) => `UD${i}`);
    this.domainMs = (options.upgradeDomainSeconds ?? 1) * 1000;
    this.provisionMs = (options.provisionSeconds ?? 0.5) * 1000;
    this.createTiming = { hiddenMs: (options.createHiddenSeconds ?? 0) * 1000, creatingMs: (options.createSeconds ?? 0) * 1000 };
    this.progressLagReads = options.upgradeProgressLagReads ?? 0;
    this.unhealthy = new Set(options.unhealthyVersions ?? []);
    this.types = new ApplicationTypeRegistry(this.now);
    this.applications = new ApplicationRegistry(this.now, this.unhealthy);
  }

  private apiVersionOf(query: URLSearchParams): ApiVersion {
    return parseApiVersion(query.get('api-version'))!;
  }

  private application(id: string): ApplicationRecord {
    const app = this.applications.get(id);
    if (!app || !this.applications.listed(app))
      throw new FabricHttpError(404, ManagementErrorCode.ApplicationNotFound, `Application 'fabric:/${id.split('~').join('/')}' does not exist.`);
    return app;
  }

  // ---- application types ---------------------------------------------------------------------

  async provision(request: ManagementRequest): Promise<ManagementAnswer> {
    const model = 'ProvisionApplicationTypeDescription';
    const body = jsonBody(request, model);
    let isAsync = false;
    let cleanup: ApplicationPackageCleanupPolicy = 'Default';
    if (compareApiVersions(this.apiVersionOf(request.query), V62) >= 0) {
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
    // ExternalStore: the cluster downloads an .sfpkg (external-store.ts); nothing is read from the Image Store.
    const external = body.Kind === 'ExternalStore' ? await fetchExternalPackage(body, this.externalStoreCa) : undefined;
    try {
      return await this.provisionPackage(body, external, isAsync, cleanup);
    } finally {
      await external?.dispose();
    }
  }

  private async provisionPackage(
    body: Record<string, unknown>,
    external: ExternalPackage | undefined,
    isAsync: boolean,
    cleanup: ApplicationPackageCleanupPolicy
  ): Promise<ManagementAnswer> {
    const buildPath = external?.buildPath ?? requiredString(body, 'ApplicationTypeBuildPath', 'ProvisionApplicationTypeDescription');
    const storePath = external ? undefined : normalizeStorePath(buildPath);
    if (storePath !== undefined) this.store.diskPath(storePath); // refuses `.` and `..`
    const pkg = external?.pkg ?? (await readStoredPackage(this.store, storePath!));
    const identity = external?.identity ?? readPackageIdentity(pkg, buildPath);
    const { typeName, typeVersion } = identity.manifest;
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
    const key = `${typeName.toLowerCase()}\n${typeVersion}`;
    if (this.building.has(key)) {
      // [undoc] Two provisions of one version at the same moment: the second is refused.
      throw new FabricHttpError(
        409,
        ManagementErrorCode.ApplicationTypeProvisionInProgress,
        `Application type ${typeName} version ${typeVersion} is being provisioned.`
      );
    }
    this.building.add(key);
    let built: Awaited<ReturnType<typeof buildVersion>>;
    try {
      built = await buildVersion(this.types, pkg!, buildPath, identity, external === undefined);
    } finally {
      this.building.delete(key);
    }
    const acceptedAt = this.now();
    // --provision-seconds delays an asynchronous provision; a synchronous one answers when done.
    const readyAt = isAsync ? acceptedAt + this.provisionMs : acceptedAt;
    if ('error' in built) {
      // [undoc] A failed synchronous provision leaves nothing listed; an asynchronous one stays
      // listed as Failed with the image builder's message.
      if (!isAsync) throw built.error;
      this.types.add({
        typeName,
        version: typeVersion,
        manifestXml: identity.xml,
        manifest: identity.manifest,
        serviceManifests: new Map(),
        partChecksums: new Map(),
        acceptedAt,
        readyAt,
        failure: built.error.message
      });
      return { status: 202 };
    }
    this.types.add({ ...built.version, acceptedAt, readyAt });
    // Default follows runtime 7.2 and later: the package is deleted after a successful provision.
    // The cluster has copied what it needs, so the package goes at once.
    if (cleanup !== 'Manual' && storePath !== undefined) await this.store.delete(storePath);
    return { status: isAsync ? 202 : 200 };
  }

  listTypes(request: ManagementRequest, name: string | undefined): ManagementAnswer {
    const version = request.query.get('ApplicationTypeVersion');
    const exclude = request.query.get('ExcludeApplicationParameters')?.toLowerCase() === 'true';
    const versions = (name === undefined ? this.types.all() : this.types.versionsOf(name)).filter(v => !version || v.version === version);
    const json: PagedApplicationTypeInfoList = { ContinuationToken: '', Items: versions.map(v => this.types.info(v, exclude)) };
    return { status: 200, json };
  }

  private availableVersion(name: string, query: URLSearchParams) {
    const version = requiredQuery(query, 'ApplicationTypeVersion');
    const v = this.types.findAvailable(name, version);
    if (!v) {
      throw new FabricHttpError(
        404,
        ManagementErrorCode.ApplicationTypeNotFound,
        `Application type ${name} version ${version} is not provisioned (or not yet Available).`
      );
    }
    return v;
  }

  applicationManifest(request: ManagementRequest, name: string): ManagementAnswer {
    return { status: 200, json: { Manifest: this.availableVersion(name, request.query).manifestXml } };
  }

  serviceManifest(request: ManagementRequest, name: string): ManagementAnswer {
    const v = this.availableVersion(name, request.query);
    const serviceName = requiredQuery(request.query, 'ServiceManifestName');
    const sm = v.serviceManifests.get(serviceName);
    if (!sm) {
      // [undoc] The code of this 404.
      throw new FabricHttpError(
        404,
        ManagementErrorCode.ServiceManifestNotFound,
        `Application type ${name} version ${v.version} has no service manifest '${serviceName}'.`
      );
    }
    return { status: 200, json: { Manifest: sm.xml } };
  }

  serviceTypes(request: ManagementRequest, name: string): ManagementAnswer {
    const v = this.availableVersion(name, request.query);
    const json = serviceTypeInfos(v);
    return { status: 200, json };
  }

  unprovision(request: ManagementRequest, name: string): ManagementAnswer {
    const model = 'UnprovisionApplicationTypeDescriptionInfo';
    const body = jsonBody(request, model);
    const version = requiredString(body, 'ApplicationTypeVersion', model);
    const v = this.types.find(name, version);
    if (!v) throw new FabricHttpError(404, ManagementErrorCode.ApplicationTypeNotFound, `Application type ${name} version ${version} is not provisioned.`);
    if (this.types.status(v) === 'Provisioning') {
      // [undoc] Unprovisioning a version that still provisions.
      throw new FabricHttpError(
        409,
        ManagementErrorCode.ApplicationTypeProvisionInProgress,
        `Application type ${name} version ${version} is still provisioning.`
      );
    }
    const user = this.applications.uses(name, version);
    if (user) {
      throw new FabricHttpError(409, ManagementErrorCode.ApplicationTypeInUse, `Application type ${name} version ${version} is in use by ${user.name}.`);
    }
    this.types.remove(name, version);
    return { status: body.Async === true ? 202 : 200 };
  }

  // ---- applications --------------------------------------------------------------------------

  listApplications(): ManagementAnswer {
    const listed = this.applications.all().filter(a => this.applications.listed(a));
    const json: PagedApplicationInfoList = { ContinuationToken: '', Items: listed.map(a => this.applications.info(a)) };
    return { status: 200, json };
  }

  getApplication(id: string): ManagementAnswer {
    const app = this.applications.get(id);
    // A missing application answers 204, not 404 [spec]; so does one created but not listed yet [undoc].
    return app && this.applications.listed(app) ? { status: 200, json: this.applications.info(app) } : { status: 204 };
  }

  createApplication(request: ManagementRequest): ManagementAnswer {
    const model = 'ApplicationDescription';
    const body = jsonBody(request, model);
    const name = requiredString(body, 'Name', model);
    const typeName = requiredString(body, 'TypeName', model);
    const typeVersion = requiredString(body, 'TypeVersion', model);
    const problem = applicationNameProblem(name);
    if (problem) throw new FabricHttpError(400, ManagementErrorCode.InvalidNameUri, `'${name}' is not a valid application name: ${problem}.`);
    const v = this.types.findAvailable(typeName, typeVersion);
    if (!v) {
      throw new FabricHttpError(
        404,
        ManagementErrorCode.ApplicationTypeNotFound,
        `Application type ${typeName} version ${typeVersion} is not provisioned (or not yet Available).`
      );
    }
    const parameters = checkParameters(body.ParameterList, v.manifest, `${model}.ParameterList`);
    const existing = this.applications.all().find(a => a.name === name);
    if (existing) throw new FabricHttpError(409, ManagementErrorCode.ApplicationAlreadyExists, `Application ${name} already exists.`);
    this.applications.add(name, typeName, typeVersion, parameters, this.createTiming);
    return { status: 201 };
  }

  deleteApplication(id: string): ManagementAnswer {
    this.application(id);
    this.applications.remove(id);
    return { status: 200 };
  }

  upgrade(request: ManagementRequest, id: string): ManagementAnswer {
    const model = 'ApplicationUpgradeDescription';
    const app = this.application(id);
    const body = jsonBody(request, model);
    const name = requiredString(body, 'Name', model);
    if (name !== app.name) throw FabricHttpError.invalidArg(`${model}.Name '${name}' is not the application of the route (${app.name}).`);
    const target = requiredString(body, 'TargetApplicationTypeVersion', model);
    const asked = readUpgradeRequest(body);
    const v = this.types.findAvailable(app.typeName, target);
    if (!v) {
      throw new FabricHttpError(
        404,
        ManagementErrorCode.ApplicationTypeNotFound,
        `Application type ${app.typeName} version ${target} is not provisioned (or not yet Available).`
      );
    }
    const parameters = checkParameters(body.Parameters, v.manifest, `${model}.Parameters`);
    const now = this.now();
    const current = this.applications.current(app);
    const start = (from: { version: string; parameters: typeof parameters }, at: number) =>
      new RollingUpgrade(
        {
          applicationName: app.name,
          typeName: app.typeName,
          fromVersion: from.version,
          fromParameters: from.parameters,
          targetVersion: target,
          parameters,
          mode: asked.mode,
          failureAction: asked.failureAction,
          description: asked.describe(app.name, target, parameters),
          unhealthyTarget: this.unhealthy.has(target)
        },
        this.domains,
        this.domainMs,
        at
      );
    if (app.upgrade?.isActive(now)) {
      const rolling = app.upgrade;
      const from = { version: rolling.plan.fromVersion, parameters: rolling.plan.fromParameters };
      if (rolling.isRollingBack(now)) {
        // [undoc] During the rollback of an interrupted upgrade, a newer request replaces the goal
        // (the same one again changes nothing); a rollback after a failure must complete first.
        if (!rolling.interrupted || !app.goal) {
          throw new FabricHttpError(409, ManagementErrorCode.ApplicationUpgradeInProgress, `${app.name} is rolling back an upgrade: wait until it completes.`);
        }
        if (app.goal.targetVersion !== target || !sameParameters(app.goal.parameters, parameters)) {
          app.goal = { targetVersion: target, parameters, start: at => start(from, at) };
          rolling.retarget(target);
        }
        return { status: 200 };
      }
      // [undoc] The same request again while it rolls forward changes nothing.
      if (rolling.plan.targetVersion === target && sameParameters(rolling.plan.parameters, parameters)) return { status: 200 };
      // A new request interrupts the running upgrade: the cluster rolls it back and keeps the new
      // request as the goal state, started when the rollback completes [rt].
      this.applications.holdProgress(app, this.progressLagReads);
      rolling.interrupt(now, target);
      app.goal = { targetVersion: target, parameters, start: at => start(from, at) };
      return { status: 200 };
    }
    if (current.version === target && sameParameters(current.parameters, parameters)) {
      throw new FabricHttpError(
        409,
        ManagementErrorCode.ApplicationAlreadyInTargetVersion,
        `${app.name} already runs ${app.typeName} ${target} with these parameters.`
      );
    }
    this.applications.holdProgress(app, this.progressLagReads);
    app.baseVersion = current.version;
    app.baseParameters = current.parameters;
    app.upgrade = start(current, now);
    return { status: 200 };
  }

  upgradeProgress(id: string): ManagementAnswer {
    return { status: 200, json: this.applications.progress(this.application(id)) };
  }

  rollback(id: string): ManagementAnswer {
    const app = this.application(id);
    if (!app.upgrade) throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${app.name} has no upgrade to roll back.`);
    app.upgrade.rollback(this.now());
    return { status: 200 };
  }

  moveToNext(request: ManagementRequest, id: string): ManagementAnswer {
    const app = this.application(id);
    const domain = requiredString(jsonBody(request, 'ResumeApplicationUpgradeDescription'), 'UpgradeDomain', 'ResumeApplicationUpgradeDescription');
    if (!app.upgrade) throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${app.name} is not upgrading.`);
    app.upgrade.moveToNext(domain, this.now());
    return { status: 200 };
  }

  getHealth(id: string): ManagementAnswer {
    return { status: 200, json: this.applications.health(this.application(id)) };
  }
}
