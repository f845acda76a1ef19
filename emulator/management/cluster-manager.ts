// The emulated cluster manager: what the `/ApplicationTypes` and `/Applications` routes of the
// gateway do (cluster management reference). Each operation takes the request and answers a status
// and a JSON body, or throws a FabricHttpError; the routes (routes.ts) go through the emulator's
// router, so faults, api-version and timeout checks reach them as they reach the Image Store.
import type { PagedApplicationInfoList, PagedApplicationTypeInfoList } from '../../src/protocol/management-models.js';
import { applicationNameProblem, ManagementErrorCode } from '../../src/protocol/management-models.js';
import type { ContentStore } from '../content-store.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { ApplicationTypeRegistry, serviceTypeInfos } from './application-types.js';
import { type ApplicationRecord, ApplicationRegistry, checkParameters, sameParameters } from './applications.js';
import { Provisioner } from './provisioner.js';
import { jsonBody, type ManagementAnswer, type ManagementRequest, requiredQuery, requiredString } from './request-fields.js';
import { readUpgradeRequest } from './upgrade-request.js';
import { RollingUpgrade } from './upgrades.js';

export interface ManagementOptions {
  /** Upgrade domains an upgrade walks through (default 3). */
  upgradeDomains?: number;
  /** Seconds each upgrade domain takes (default 1). */
  upgradeDomainSeconds?: number;
  /** Seconds an asynchronous provision stays `Provisioning` at least, counted from its 202 (default 0.5). */
  provisionSeconds?: number;
  /** Awaited before each asynchronous build starts: tests hold a build to watch it `Provisioning` (no CLI flag). */
  imageBuilderHold?: (typeName: string, version: string) => Promise<void>;
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

export class ClusterManager {
  readonly types: ApplicationTypeRegistry;
  readonly applications: ApplicationRegistry;
  private readonly domains: string[];
  private readonly domainMs: number;
  private readonly createTiming: { hiddenMs: number; creatingMs: number };
  private readonly progressLagReads: number;
  private readonly unhealthy: Set<string>;
  private readonly now: () => number;
  private readonly provisioner: Provisioner;

  constructor(store: ContentStore, options: ManagementOptions = {}) {
    this.now = options.clock ?? Date.now;
    const count = options.upgradeDomains ?? 3;
    // [undoc] Upgrade domain names: the local development cluster's style.
    this.domains = Array.from({ length: count }, (_, i) => `UD${i}`);
    this.domainMs = (options.upgradeDomainSeconds ?? 1) * 1000;
    this.createTiming = { hiddenMs: (options.createHiddenSeconds ?? 0) * 1000, creatingMs: (options.createSeconds ?? 0) * 1000 };
    this.progressLagReads = options.upgradeProgressLagReads ?? 0;
    this.unhealthy = new Set(options.unhealthyVersions ?? []);
    this.types = new ApplicationTypeRegistry(this.now);
    this.applications = new ApplicationRegistry(this.now, this.unhealthy);
    this.provisioner = new Provisioner(store, this.types, {
      now: this.now,
      provisionMs: (options.provisionSeconds ?? 0.5) * 1000,
      externalStoreCa: options.externalStoreCa,
      imageBuilderHold: options.imageBuilderHold
    });
  }

  private application(id: string): ApplicationRecord {
    const app = this.applications.get(id);
    if (!app || !this.applications.listed(app))
      throw new FabricHttpError(404, ManagementErrorCode.ApplicationNotFound, `Application 'fabric:/${id.split('~').join('/')}' does not exist.`);
    return app;
  }

  // ---- application types ---------------------------------------------------------------------

  /** `POST /ApplicationTypes/$/Provision` (provisioner.ts). */
  provision(request: ManagementRequest): Promise<ManagementAnswer> {
    return this.provisioner.provision(request);
  }

  /** Resolves when no asynchronous provision is being built. */
  buildsSettled(): Promise<void> {
    return this.provisioner.idle();
  }

  /** Stops the provisions being built (they end Failed) and waits for them. */
  close(): Promise<void> {
    return this.provisioner.close();
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
