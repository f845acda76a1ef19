// The applications of the emulated cluster: what each runs, with which parameters, and its upgrade.
import type {
  ApplicationHealth,
  ApplicationInfo,
  ApplicationParameter,
  ApplicationUpgradeProgressInfo,
  HealthState
} from '../../src/protocol/management-models.js';
import { applicationIdOf } from '../../src/protocol/management-models.js';
import type { ApplicationManifest } from '../../src/protocol/manifests.js';
import { compareCodeUnits } from '../../src/protocol/store-path.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { validationError } from './application-types.js';
import { neverUpgradedProgress, type RollingUpgrade } from './upgrades.js';

export interface ApplicationRecord {
  name: string;
  id: string;
  typeName: string;
  /** Version and parameters before the latest upgrade (since creation when there was none). */
  baseVersion: string;
  baseParameters: ApplicationParameter[];
  upgrade?: RollingUpgrade;
  /** The request that interrupted `upgrade`: started, at the end of its rollback, as the goal state. */
  goal?: { targetVersion: string; parameters: ApplicationParameter[]; start(at: number): RollingUpgrade };
  /** The progress reads still answered with the progress from before the latest upgrade request (`upgradeProgressLagReads`). */
  laggingProgress?: { progress: ApplicationUpgradeProgressInfo; reads: number };
  /** Until then the application is not listed (GET answers 204); until `readyAt` it is Creating. */
  listedAt: number;
  readyAt: number;
}

export class ApplicationRegistry {
  private readonly apps = new Map<string, ApplicationRecord>();

  constructor(
    private readonly now: () => number,
    private readonly unhealthyVersions: ReadonlySet<string>
  ) {}

  /** The application, listed or not yet (see `listed`). */
  get(id: string): ApplicationRecord | undefined {
    const app = this.apps.get(id);
    if (app) this.settle(app);
    return app;
  }

  all(): ApplicationRecord[] {
    return [...this.apps.values()].sort((a, b) => compareCodeUnits(a.name, b.name)).map(a => this.settle(a));
  }

  /** Whether a read lists it yet (`createHiddenSeconds` after its create). */
  listed(app: ApplicationRecord): boolean {
    return this.now() >= app.listedAt;
  }

  add(name: string, typeName: string, version: string, parameters: ApplicationParameter[], timing = { hiddenMs: 0, creatingMs: 0 }): ApplicationRecord {
    const now = this.now();
    const app: ApplicationRecord = {
      name,
      id: applicationIdOf(name),
      typeName,
      baseVersion: version,
      baseParameters: parameters,
      listedAt: now + timing.hiddenMs,
      readyAt: now + timing.hiddenMs + timing.creatingMs
    };
    this.apps.set(app.id, app);
    return app;
  }

  /** Starts the goal state once the interrupted upgrade has rolled back, at the moment it did. */
  private settle(app: ApplicationRecord): ApplicationRecord {
    const ended = app.goal && app.upgrade ? app.upgrade.endedAt(this.now()) : undefined;
    if (ended === undefined || !app.goal || !app.upgrade) return app;
    const from = app.upgrade.effective(ended);
    const goal = app.goal;
    app.goal = undefined;
    // [undoc] A goal equal to what the rollback returned to starts nothing.
    if (goal.targetVersion === from.version && sameParameters(goal.parameters, from.parameters)) return app;
    app.baseVersion = from.version;
    app.baseParameters = from.parameters;
    app.upgrade = goal.start(ended);
    return app;
  }

  remove(id: string): void {
    this.apps.delete(id);
  }

  /** The version and parameters the application has now (the target while an upgrade rolls forward). */
  current(app: ApplicationRecord): { version: string; parameters: ApplicationParameter[] } {
    return app.upgrade ? app.upgrade.effective(this.now()) : { version: app.baseVersion, parameters: app.baseParameters };
  }

  /** The upgrade progress as GetUpgradeProgress answers it: the held one while the progress lags, else the latest. */
  progress(app: ApplicationRecord): ApplicationUpgradeProgressInfo {
    const lagging = app.laggingProgress;
    if (lagging && lagging.reads > 0) {
      lagging.reads--;
      return lagging.progress;
    }
    app.laggingProgress = undefined;
    if (app.upgrade) return app.upgrade.progress(this.now());
    return neverUpgradedProgress({ name: app.name, typeName: app.typeName, version: app.baseVersion, parameters: app.baseParameters });
  }

  /**
   * Before an upgrade request changes the upgrade: the next `reads` progress reads answer the
   * progress as it is now. [undoc] How long a real cluster's progress lags behind an accepted request
   * is not documented; a number of reads, not seconds, makes the lag the same on a loaded machine.
   */
  holdProgress(app: ApplicationRecord, reads: number): void {
    if (reads > 0) app.laggingProgress = { progress: this.progress(app), reads };
  }

  isUpgrading(app: ApplicationRecord): boolean {
    return app.upgrade?.isActive(this.now()) === true || app.goal !== undefined;
  }

  /** Whether an application runs this version, or an upgrade goes to or from it. */
  uses(typeName: string, version: string): ApplicationRecord | undefined {
    return this.all().find(
      app =>
        app.typeName === typeName &&
        (this.current(app).version === version ||
          (this.isUpgrading(app) && (app.upgrade!.plan.targetVersion === version || app.upgrade!.plan.fromVersion === version)))
    );
  }

  healthState(app: ApplicationRecord): HealthState {
    const now = this.now();
    if (app.upgrade?.isActive(now)) return app.upgrade.hasFailedHealthCheck(now) && !app.upgrade.isRollingBack(now) ? 'Error' : 'Ok';
    return this.unhealthyVersions.has(this.current(app).version) ? 'Error' : 'Ok';
  }

  info(app: ApplicationRecord): ApplicationInfo {
    const current = this.current(app);
    return {
      Id: app.id,
      Name: app.name,
      TypeName: app.typeName,
      TypeVersion: current.version,
      Status: this.now() < app.readyAt ? 'Creating' : this.isUpgrading(app) || app.goal ? 'Upgrading' : 'Ready',
      // [undoc] Only the parameters the application was given, not the manifest's defaults.
      Parameters: current.parameters,
      HealthState: this.healthState(app),
      ApplicationDefinitionKind: 'ServiceFabricApplicationDescription'
    };
  }

  health(app: ApplicationRecord): ApplicationHealth {
    const state = this.healthState(app);
    const now = this.now();
    const evaluations = state === 'Error' && app.upgrade?.hasFailedHealthCheck(now) ? app.upgrade.progress(now).UnhealthyEvaluations : [];
    return {
      Name: app.name,
      AggregatedHealthState: state,
      HealthEvents: [],
      UnhealthyEvaluations: evaluations,
      ServiceHealthStates: [],
      DeployedApplicationHealthStates: []
    };
  }
}

/**
 * A parameter list as a create or an upgrade sends it: well-formed, no duplicates, and every name
 * declared in the manifest's `<Parameters>` (compared case-insensitively [undoc]).
 * [undoc] An undeclared parameter is refused by the image builder when it builds the application
 * instance, so it answers 400 FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR rather than E_INVALIDARG.
 */
export function checkParameters(list: unknown, manifest: ApplicationManifest, field: string): ApplicationParameter[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw FabricHttpError.invalidArg(`${field} must be a list of {"Key","Value"} objects.`);
  const seen = new Set<string>();
  const out: ApplicationParameter[] = [];
  for (const p of list as unknown[]) {
    const { Key, Value } = (p ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || Key === '' || typeof Value !== 'string') {
      throw FabricHttpError.invalidArg(`${field} must be a list of {"Key","Value"} objects with string values.`);
    }
    if (seen.has(Key.toLowerCase())) throw FabricHttpError.invalidArg(`${field} names the parameter '${Key}' twice.`);
    seen.add(Key.toLowerCase());
    if (!manifest.parameters.some(d => d.name.toLowerCase() === Key.toLowerCase())) {
      throw validationError(
        `The application parameter '${Key}' is not declared in the <Parameters> of the application manifest of ${manifest.typeName} ${manifest.typeVersion}.`
      );
    }
    out.push({ Key, Value });
  }
  return out;
}

/** Same parameters whatever the order. */
export function sameParameters(a: ApplicationParameter[], b: ApplicationParameter[]): boolean {
  const key = (l: ApplicationParameter[]) => JSON.stringify([...l].map(p => [p.Key.toLowerCase(), p.Value]).sort());
  return key(a) === key(b);
}
