// The cluster manager's routes on the emulator's router (route family `management`): each is a
// Route like the Image Store's, so the gateway applies the client certificate, the token, injected
// faults (`--fault-routes management` aims them here), api-version and timeout checks to it. A call
// that changes the cluster is written to the journal with its identifying body fields and status.
import type { Journal } from '../journal.js';
import { FabricHttpError } from '../fabric-http-error.js';
import type { Route } from '../router.js';
import type { ClusterManager, ManagementAnswer } from './cluster-manager.js';
import type { ManagementRequest } from './request-fields.js';

type Operation = (request: ManagementRequest, resource: string) => Promise<ManagementAnswer> | ManagementAnswer;

interface OperationSpec {
  name: string;
  method: 'GET' | 'POST';
  family: 'applicationtypes' | 'applications';
  /** Whether the route names a type or an application before `$`. */
  withResource: boolean;
  action: string;
  run: Operation;
}

export const MANAGEMENT_FAMILY = 'management';

/** `/ApplicationTypes[/{name}][/$/{action}]` and `/Applications[/{id}][/$/{action}]`, decoded; undefined for any other path. */
function parseManagementPath(pathname: string): { family: string; resources: string[]; action: string } | undefined {
  let decoded: string[];
  try {
    decoded = pathname
      .split('/')
      .filter(s => s !== '')
      .map(s => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  const family = decoded[0]?.toLowerCase();
  if (family !== 'applicationtypes' && family !== 'applications') return undefined;
  const dollar = decoded.indexOf('$');
  const resources = decoded.slice(1, dollar < 0 ? undefined : dollar);
  const action =
    dollar < 0
      ? ''
      : decoded
          .slice(dollar + 1)
          .join('/')
          .toLowerCase();
  return { family, resources, action };
}

export function managementRoutes(manager: ClusterManager, journal: Journal): Route[] {
  const op = (name: string, method: OperationSpec['method'], family: OperationSpec['family'], withResource: boolean, action: string, run: Operation) =>
    toRoute({ name, method, family, withResource, action, run }, journal);
  return [
    op('provision', 'POST', 'applicationtypes', false, 'Provision', req => manager.provision(req)),
    op('list-application-types', 'GET', 'applicationtypes', false, '', req => manager.listTypes(req, undefined)),
    op('get-application-type', 'GET', 'applicationtypes', true, '', (req, name) => manager.listTypes(req, name)),
    op('get-application-manifest', 'GET', 'applicationtypes', true, 'GetApplicationManifest', (req, name) => manager.applicationManifest(req, name)),
    op('get-service-manifest', 'GET', 'applicationtypes', true, 'GetServiceManifest', (req, name) => manager.serviceManifest(req, name)),
    op('get-service-types', 'GET', 'applicationtypes', true, 'GetServiceTypes', (req, name) => manager.serviceTypes(req, name)),
    op('unprovision', 'POST', 'applicationtypes', true, 'Unprovision', (req, name) => manager.unprovision(req, name)),
    op('list-applications', 'GET', 'applications', false, '', () => manager.listApplications()),
    op('get-application', 'GET', 'applications', true, '', (_req, id) => manager.getApplication(id)),
    op('create-application', 'POST', 'applications', false, 'Create', req => manager.createApplication(req)),
    op('delete-application', 'POST', 'applications', true, 'Delete', (_req, id) => manager.deleteApplication(id)),
    op('upgrade-application', 'POST', 'applications', true, 'Upgrade', (req, id) => manager.upgrade(req, id)),
    op('get-upgrade-progress', 'GET', 'applications', true, 'GetUpgradeProgress', (_req, id) => manager.upgradeProgress(id)),
    op('rollback-upgrade', 'POST', 'applications', true, 'RollbackUpgrade', (_req, id) => manager.rollback(id)),
    op('move-to-next-upgrade-domain', 'POST', 'applications', true, 'MoveToNextUpgradeDomain', (req, id) => manager.moveToNext(req, id)),
    op('get-application-health', 'GET', 'applications', true, 'GetHealth', (_req, id) => manager.getHealth(id))
  ];
}

function toRoute(spec: OperationSpec, journal: Journal): Route {
  const action = spec.action.toLowerCase();
  return {
    name: spec.name,
    method: spec.method,
    family: MANAGEMENT_FAMILY,
    minApiVersion: '6.0',
    match: p => {
      const parsed = parseManagementPath(p.pathname);
      return parsed !== undefined && parsed.family === spec.family && parsed.action === action && parsed.resources.length === (spec.withResource ? 1 : 0);
    },
    handle: async ctx => {
      const resource = parseManagementPath(ctx.pathname)?.resources[0] ?? '';
      const body = spec.method === 'POST' ? await ctx.readBody() : Buffer.alloc(0);
      const request: ManagementRequest = { method: spec.method, pathname: ctx.pathname, query: ctx.query, body };
      let answer: ManagementAnswer;
      try {
        answer = await spec.run(request, resource);
      } catch (err) {
        if (spec.method === 'POST' && err instanceof FabricHttpError)
          journal.management(spec.name, { ...detailOf(resource, body), status: err.status, code: err.code });
        throw err;
      }
      // The work is done here, before the answer: a lost-answer fault drops only the answer.
      if (spec.method === 'POST') journal.management(spec.name, { ...detailOf(resource, body), status: answer.status });
      await ctx.replyJson(answer.status, answer.json);
    }
  };
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
function detailOf(resource: string, body: Buffer): Record<string, string | boolean | undefined> {
  const out: Record<string, string | boolean | undefined> = { resource: resource === '' ? undefined : resource };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return out;
  }
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const field of JOURNALED_FIELDS) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'boolean') out[field] = value;
  }
  const failureAction = (parsed as { MonitoringPolicy?: { FailureAction?: unknown } }).MonitoringPolicy?.FailureAction;
  if (typeof failureAction === 'string') out.FailureAction = failureAction;
  return out;
}
