// The emulated cluster manager: the `/ApplicationTypes` and `/Applications` routes of the gateway
// (cluster management reference). Self-contained: the server asks handles() and hands the request
// to handle(), which answers a status and a JSON body or throws a FabricHttpError.
import type {
  ApplicationPackageCleanupPolicy,
  ApplicationUpgradeDescription,
  FailureAction,
  PagedApplicationInfoList,
  PagedApplicationTypeInfoList,
  RollingUpgradeMode,
  ServiceTypeInfo
} from '../../src/protocol/management-models.js';
import { applicationNameProblem, ManagementErrorCode } from '../../src/protocol/management-models.js';
import { normalizeStorePath } from '../../src/protocol/store-path.js';
import { type ApiVersion, checkApiVersion, checkTimeout, compareApiVersions, parseApiVersion } from '../api-version.js';
import type { ContentStore } from '../content-store.js';
import { FabricHttpError } from '../fabric-http-error.js';
import type { Journal } from '../journal.js';
import { ApplicationTypeRegistry, buildVersion, readPackageIdentity } from './application-types.js';
import { type ApplicationRecord, ApplicationRegistry, checkParameters, sameParameters } from './applications.js';
import { readStoredPackage } from './package-reader.js';
import { type ExternalPackage, fetchExternalPackage } from './external-store.js';
import { isDuration, RollingUpgrade } from './upgrades.js';

export interface ManagementOptions {
  /** Upgrade domains an upgrade walks through (default 3). */
  upgradeDomains?: number;
  /** Seconds each upgrade domain takes (default 1). */
  upgradeDomainSeconds?: number;
  /** Seconds a provision stays `Provisioning` (default 0.5). */
  provisionSeconds?: number;
  /** Versions whose Monitored upgrades fail their health check from the second upgrade domain on. */
  unhealthyVersions?: string[];
  /** The clock the timelines are computed from (tests move it by hand); Date.now by default. */
  clock?: () => number;
  /** CA certificates (PEM) an ExternalStore download over https trusts besides Node's own. */
  externalStoreCa?: string;
}

export interface ManagementRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: Buffer;
}

export interface ManagementAnswer {
  status: number;
  json?: unknown;
}

const V60: ApiVersion = [6, 0];
const V62: ApiVersion = [6, 2];
const CLEANUP_POLICIES: ApplicationPackageCleanupPolicy[] = ['Invalid', 'Default', 'Automatic', 'Manual'];
const MODES: RollingUpgradeMode[] = ['UnmonitoredAuto', 'UnmonitoredManual', 'Monitored'];
const MONITORING_DURATIONS = [
  'HealthCheckWaitDurationInMilliseconds',
  'HealthCheckStableDurationInMilliseconds',
  'HealthCheckRetryTimeoutInMilliseconds',
  'UpgradeTimeoutInMilliseconds',
  'UpgradeDomainTimeoutInMilliseconds'
] as const;
/** The runtime's defaults for what an upgrade request leaves out. */
const MONITORING_DEFAULTS = {
  HealthCheckWaitDurationInMilliseconds: '0',
  HealthCheckStableDurationInMilliseconds: 'PT0H2M0S',
  HealthCheckRetryTimeoutInMilliseconds: 'PT0H10M0S',
  UpgradeTimeoutInMilliseconds: 'P10675199DT02H48M05.4775807S',
  UpgradeDomainTimeoutInMilliseconds: 'P10675199DT02H48M05.4775807S'
};
const REPLICA_SET_CHECK_DEFAULT = '42949672925';

type Handler = (request: ManagementRequest, resource: string | undefined) => Promise<ManagementAnswer> | ManagementAnswer;

interface Route {
  name: string;
  method: 'GET' | 'POST';
  family: 'applicationtypes' | 'applications';
  /** Whether the route names a type or an application before `$`. */
  withResource: boolean;
  action: string;
  handle: Handler;
}

export class ClusterManager {
  readonly types: ApplicationTypeRegistry;
  readonly applications: ApplicationRegistry;
  private readonly routes: Route[];
  private readonly domains: string[];
  private readonly domainMs: number;
  private readonly provisionMs: number;
  private readonly unhealthy: Set<string>;
  private readonly now: () => number;
  /** Type versions whose package the image builder is reading right now. */
  private readonly building = new Set<string>();

  private readonly externalStoreCa: string | undefined;

  constructor(
    private readonly store: ContentStore,
    private readonly journal: Journal,
    private readonly maxApiVersion: ApiVersion,
    options: ManagementOptions = {}
  ) {
    this.now = options.clock ?? Date.now;
    this.externalStoreCa = options.externalStoreCa;
    const count = options.upgradeDomains ?? 3;
    // [undoc] Upgrade domain names: the local development cluster's style.
    this.domains = Array.from({ length: count }, (_, i) => `UD${i}`);
    this.domainMs = (options.upgradeDomainSeconds ?? 1) * 1000;
    this.provisionMs = (options.provisionSeconds ?? 0.5) * 1000;
    this.unhealthy = new Set(options.unhealthyVersions ?? []);
    this.types = new ApplicationTypeRegistry(this.now);
    this.applications = new ApplicationRegistry(this.now, this.unhealthy);
    this.routes = this.buildRoutes();
  }

  handles(_method: string, pathname: string): boolean {
    const first = pathname
      .split('/')
      .find(s => s !== '')
      ?.toLowerCase();
    return first === 'applicationtypes' || first === 'applications';
  }

  async handle(request: ManagementRequest): Promise<ManagementAnswer> {
    const segments = request.pathname.split('/').filter(s => s !== '');
    let decoded: string[];
    try {
      decoded = segments.map(s => decodeURIComponent(s));
    } catch {
      throw FabricHttpError.invalidArg('the path is not valid percent-encoding');
    }
    const family = decoded[0]?.toLowerCase();
    const dollar = decoded.indexOf('$');
    const resources = decoded.slice(1, dollar < 0 ? undefined : dollar);
    const action =
      dollar < 0
        ? ''
        : decoded
            .slice(dollar + 1)
            .join('/')
            .toLowerCase();
    const route =
      resources.length <= 1
        ? this.routes.find(
            r => r.family === family && r.method === request.method && r.withResource === (resources.length === 1) && r.action.toLowerCase() === action
          )
        : undefined;
    if (!route) throw FabricHttpError.invalidArg(`no route for ${request.method} ${request.pathname}`);
    this.journal.countRequest(route.name);
    checkApiVersion(request.query, V60, this.maxApiVersion);
    checkTimeout(request.query);
    if (route.method === 'GET') return route.handle(request, resources[0]);
    const detail = { resource: resources[0], ...journalDetail(request.body) };
    try {
      const answer = await route.handle(request, resources[0]);
      this.journal.management(route.name, { ...detail, status: answer.status });
      return answer;
    } catch (err) {
      if (err instanceof FabricHttpError) this.journal.management(route.name, { ...detail, status: err.status, code: err.code });
      throw err;
    }
  }

  private buildRoutes(): Route[] {
    const r = (name: string, method: 'GET' | 'POST', family: Route['family'], withResource: boolean, action: string, handle: Handler): Route => ({
      name,
      method,
      family,
      withResource,
      action,
      handle
    });
    return [
      r('provision', 'POST', 'applicationtypes', false, 'Provision', req => this.provision(req)),
      r('list-application-types', 'GET', 'applicationtypes', false, '', req => this.listTypes(req, undefined)),
      r('get-application-type', 'GET', 'applicationtypes', true, '', (req, name) => this.listTypes(req, name)),
      r('get-application-manifest', 'GET', 'applicationtypes', true, 'GetApplicationManifest', (req, name) => this.applicationManifest(req, name!)),
      r('get-service-manifest', 'GET', 'applicationtypes', true, 'GetServiceManifest', (req, name) => this.serviceManifest(req, name!)),
      r('get-service-types', 'GET', 'applicationtypes', true, 'GetServiceTypes', (req, name) => this.serviceTypes(req, name!)),
      r('unprovision', 'POST', 'applicationtypes', true, 'Unprovision', (req, name) => this.unprovision(req, name!)),
      r('list-applications', 'GET', 'applications', false, '', () => this.listApplications()),
      r('get-application', 'GET', 'applications', true, '', (_req, id) => this.getApplication(id!)),
      r('create-application', 'POST', 'applications', false, 'Create', req => this.createApplication(req)),
      r('delete-application', 'POST', 'applications', true, 'Delete', (_req, id) => this.deleteApplication(id!)),
      r('upgrade-application', 'POST', 'applications', true, 'Upgrade', (req, id) => this.upgrade(req, id!)),
      r('get-upgrade-progress', 'GET', 'applications', true, 'GetUpgradeProgress', (_req, id) => this.upgradeProgress(id!)),
      r('rollback-upgrade', 'POST', 'applications', true, 'RollbackUpgrade', (_req, id) => this.rollback(id!)),
      r('move-to-next-upgrade-domain', 'POST', 'applications', true, 'MoveToNextUpgradeDomain', (req, id) => this.moveToNext(req, id!)),
      r('get-application-health', 'GET', 'applications', true, 'GetHealth', (_req, id) => this.getHealth(id!))
    ];
  }

  // ---- checks -------------------------------------------------------------------------------

  private apiVersionOf(query: URLSearchParams): ApiVersion {
    return parseApiVersion(query.get('api-version'))!;
  }

  private jsonBody(request: ManagementRequest, model: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw FabricHttpError.invalidArg(`the body is not a ${model} (JSON object)`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw FabricHttpError.invalidArg(`the body is not a ${model} (JSON object)`);
    return parsed as Record<string, unknown>;
  }

  private requiredString(body: Record<string, unknown>, field: string, model: string): string {
    const value = body[field];
    if (typeof value !== 'string' || value === '') throw FabricHttpError.invalidArg(`${model}.${field} is required (a string).`);
    return value;
  }

  private requiredQuery(query: URLSearchParams, name: string): string {
    const value = query.get(name);
    if (!value) throw FabricHttpError.invalidArg(`the query parameter ${name} is required`);
    return value;
  }

  private application(id: string): ApplicationRecord {
    const app = this.applications.get(id);
    if (!app) throw new FabricHttpError(404, ManagementErrorCode.ApplicationNotFound, `Application 'fabric:/${id.split('~').join('/')}' does not exist.`);
    return app;
  }

  // ---- application types ---------------------------------------------------------------------

  private async provision(request: ManagementRequest): Promise<ManagementAnswer> {
    const model = 'ProvisionApplicationTypeDescription';
    const body = this.jsonBody(request, model);
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
    const buildPath = external?.buildPath ?? this.requiredString(body, 'ApplicationTypeBuildPath', 'ProvisionApplicationTypeDescription');
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

  private listTypes(request: ManagementRequest, name: string | undefined): ManagementAnswer {
    const version = request.query.get('ApplicationTypeVersion');
    const exclude = request.query.get('ExcludeApplicationParameters')?.toLowerCase() === 'true';
    const versions = (name === undefined ? this.types.all() : this.types.versionsOf(name)).filter(v => !version || v.version === version);
    const json: PagedApplicationTypeInfoList = { ContinuationToken: '', Items: versions.map(v => this.types.info(v, exclude)) };
    return { status: 200, json };
  }

  private availableVersion(name: string, query: URLSearchParams) {
    const version = this.requiredQuery(query, 'ApplicationTypeVersion');
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

  private applicationManifest(request: ManagementRequest, name: string): ManagementAnswer {
    return { status: 200, json: { Manifest: this.availableVersion(name, request.query).manifestXml } };
  }

  private serviceManifest(request: ManagementRequest, name: string): ManagementAnswer {
    const v = this.availableVersion(name, request.query);
    const serviceName = this.requiredQuery(request.query, 'ServiceManifestName');
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

  private serviceTypes(request: ManagementRequest, name: string): ManagementAnswer {
    const v = this.availableVersion(name, request.query);
    const json: ServiceTypeInfo[] = v.manifest.serviceManifestImports.flatMap(ref => {
      const sm = v.serviceManifests.get(ref.name)?.manifest;
      return (sm?.serviceTypes ?? []).map(t => ({
        ServiceTypeDescription: {
          Kind: t.kind,
          ServiceTypeName: t.name,
          IsStateful: t.kind === 'Stateful',
          ...(t.kind === 'Stateful' ? { HasPersistedState: t.hasPersistedState } : {}),
          UseImplicitHost: false,
          PlacementConstraints: ''
        },
        ServiceManifestName: ref.name,
        ServiceManifestVersion: ref.version,
        IsServiceGroup: false
      }));
    });
    return { status: 200, json };
  }

  private unprovision(request: ManagementRequest, name: string): ManagementAnswer {
    const model = 'UnprovisionApplicationTypeDescriptionInfo';
    const body = this.jsonBody(request, model);
    const version = this.requiredString(body, 'ApplicationTypeVersion', model);
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

  private listApplications(): ManagementAnswer {
    const json: PagedApplicationInfoList = { ContinuationToken: '', Items: this.applications.all().map(a => this.applications.info(a)) };
    return { status: 200, json };
  }

  private getApplication(id: string): ManagementAnswer {
    const app = this.applications.get(id);
    // A missing application answers 204, not 404 [spec].
    return app ? { status: 200, json: this.applications.info(app) } : { status: 204 };
  }

  private createApplication(request: ManagementRequest): ManagementAnswer {
    const model = 'ApplicationDescription';
    const body = this.jsonBody(request, model);
    const name = this.requiredString(body, 'Name', model);
    const typeName = this.requiredString(body, 'TypeName', model);
    const typeVersion = this.requiredString(body, 'TypeVersion', model);
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
    this.applications.add(name, typeName, typeVersion, parameters);
    return { status: 201 };
  }

  private deleteApplication(id: string): ManagementAnswer {
    this.application(id);
    this.applications.remove(id);
    return { status: 200 };
  }

  private upgrade(request: ManagementRequest, id: string): ManagementAnswer {
    const model = 'ApplicationUpgradeDescription';
    const app = this.application(id);
    const body = this.jsonBody(request, model);
    const name = this.requiredString(body, 'Name', model);
    if (name !== app.name) throw FabricHttpError.invalidArg(`${model}.Name '${name}' is not the application of the route (${app.name}).`);
    const target = this.requiredString(body, 'TargetApplicationTypeVersion', model);
    if (body.UpgradeKind !== undefined && body.UpgradeKind !== 'Rolling')
      throw FabricHttpError.invalidArg(`UpgradeKind '${display(body.UpgradeKind)}' is not Rolling.`);
    // The mode defaults to UnmonitoredAuto when absent [spec].
    const mode = (body.RollingUpgradeMode ?? 'UnmonitoredAuto') as RollingUpgradeMode;
    if (!MODES.includes(mode)) throw FabricHttpError.invalidArg(`RollingUpgradeMode '${String(mode)}' is not one of ${MODES.join(', ')}.`);
    const monitoring = (body.MonitoringPolicy ?? {}) as Record<string, unknown>;
    if (typeof monitoring !== 'object' || Array.isArray(monitoring)) throw FabricHttpError.invalidArg('MonitoringPolicy must be an object.');
    const failureAction = (monitoring.FailureAction ?? 'Invalid') as FailureAction;
    if (mode === 'Monitored' && failureAction !== 'Rollback' && failureAction !== 'Manual') {
      // [rt] A monitored upgrade must say what to do when a health check fails.
      throw FabricHttpError.invalidArg('A Monitored upgrade needs MonitoringPolicy.FailureAction Rollback or Manual.');
    }
    for (const field of MONITORING_DURATIONS) {
      if (monitoring[field] !== undefined && !isDuration(monitoring[field])) {
        throw FabricHttpError.invalidArg(`MonitoringPolicy.${field} '${display(monitoring[field])}' is not an ISO 8601 duration or a number of milliseconds.`);
      }
    }
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
    let from = current;
    if (app.upgrade?.isActive(now)) {
      const rolling = app.upgrade;
      if (rolling.isRollingBack(now)) {
        throw new FabricHttpError(409, ManagementErrorCode.ApplicationUpgradeInProgress, `${app.name} is rolling back an upgrade: wait until it completes.`);
      }
      // [undoc] The same request again while it rolls changes nothing.
      if (rolling.plan.targetVersion === target && sameParameters(rolling.plan.parameters, parameters)) return { status: 200 };
      // A new upgrade interrupts the one rolling and retargets it [rt]; a rollback returns to the
      // version before both.
      from = { version: rolling.plan.fromVersion, parameters: rolling.plan.fromParameters };
    } else if (current.version === target && sameParameters(current.parameters, parameters)) {
      throw new FabricHttpError(
        409,
        ManagementErrorCode.ApplicationAlreadyInTargetVersion,
        `${app.name} already runs ${app.typeName} ${target} with these parameters.`
      );
    }
    const description: ApplicationUpgradeDescription = {
      Name: app.name,
      TargetApplicationTypeVersion: target,
      Parameters: parameters,
      UpgradeKind: 'Rolling',
      RollingUpgradeMode: mode,
      UpgradeReplicaSetCheckTimeoutInSeconds: display(body.UpgradeReplicaSetCheckTimeoutInSeconds ?? REPLICA_SET_CHECK_DEFAULT),
      ForceRestart: body.ForceRestart === true,
      MonitoringPolicy: {
        FailureAction: failureAction,
        ...Object.fromEntries(MONITORING_DURATIONS.map(f => [f, (monitoring[f] as string | undefined) ?? MONITORING_DEFAULTS[f]]))
      },
      ApplicationHealthPolicy: {
        ConsiderWarningAsError: false,
        MaxPercentUnhealthyDeployedApplications: 0,
        ...(body.ApplicationHealthPolicy ?? {})
      }
    };
    app.baseVersion = from.version;
    app.baseParameters = from.parameters;
    app.upgrade = new RollingUpgrade(
      {
        applicationName: app.name,
        typeName: app.typeName,
        fromVersion: from.version,
        fromParameters: from.parameters,
        targetVersion: target,
        parameters,
        mode,
        failureAction,
        description,
        unhealthyTarget: this.unhealthy.has(target)
      },
      this.domains,
      this.domainMs,
      now
    );
    return { status: 200 };
  }

  private upgradeProgress(id: string): ManagementAnswer {
    const app = this.application(id);
    if (app.upgrade) return { status: 200, json: app.upgrade.progress(this.now()) };
    // [undoc] An application never upgraded: its own version, no domains, state Invalid.
    const stamp = '0001-01-01T00:00:00.000Z';
    const none = { DomainName: '', NodeUpgradeProgressList: [] };
    return {
      status: 200,
      json: {
        Name: app.name,
        TypeName: app.typeName,
        TargetApplicationTypeVersion: app.baseVersion,
        UpgradeDomains: [],
        UpgradeState: 'Invalid',
        NextUpgradeDomain: '',
        RollingUpgradeMode: 'UnmonitoredAuto',
        UpgradeDescription: { Name: app.name, TargetApplicationTypeVersion: app.baseVersion, Parameters: app.baseParameters },
        UpgradeDurationInMilliseconds: 'PT0H0M0S',
        UpgradeDomainDurationInMilliseconds: 'PT0H0M0S',
        UnhealthyEvaluations: [],
        CurrentUpgradeDomainProgress: none,
        StartTimestampUtc: stamp,
        FailureTimestampUtc: stamp,
        FailureReason: 'None',
        UpgradeDomainProgressAtFailure: none,
        UpgradeStatusDetails: ''
      }
    };
  }

  private rollback(id: string): ManagementAnswer {
    const app = this.application(id);
    if (!app.upgrade) throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${app.name} has no upgrade to roll back.`);
    app.upgrade.rollback(this.now());
    return { status: 200 };
  }

  private moveToNext(request: ManagementRequest, id: string): ManagementAnswer {
    const app = this.application(id);
    const domain = this.requiredString(this.jsonBody(request, 'ResumeApplicationUpgradeDescription'), 'UpgradeDomain', 'ResumeApplicationUpgradeDescription');
    if (!app.upgrade) throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${app.name} is not upgrading.`);
    app.upgrade.moveToNext(domain, this.now());
    return { status: 200 };
  }

  private getHealth(id: string): ManagementAnswer {
    return { status: 200, json: this.applications.health(this.application(id)) };
  }
}

const JOURNALED_FIELDS = [
  'ApplicationTypeBuildPath',
  'Async',
  'ApplicationPackageCleanupPolicy',
  'ApplicationTypeVersion',
  'Name',
  'TypeName',
  'TypeVersion',
  'TargetApplicationTypeVersion',
  'RollingUpgradeMode',
  'UpgradeDomain'
];

/** The identifying fields of a request body, for the journal (parameters are left out). */
function journalDetail(body: Buffer): Record<string, string | boolean> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
  const out: Record<string, string | boolean> = {};
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const field of JOURNALED_FIELDS) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'boolean') out[field] = value;
  }
  const failureAction = (parsed as { MonitoringPolicy?: { FailureAction?: unknown } }).MonitoringPolicy?.FailureAction;
  if (typeof failureAction === 'string') out.FailureAction = failureAction;
  return out;
}

/** A JSON value of a request body as text for a message or a string field. */
function display(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
