// The managed cluster's ARM surface (Microsoft.ServiceFabric/managedClusters, api-version
// 2024-04-01): application types, their versions (appPackageUrl) and applications, backed by the
// same cluster manager as the gateway, so that an ARM release and a gateway release of a package
// end in the same cluster state. Served beside the gateway, as ARM is another service: no client
// certificate, a bearer token the emulator's authority issued for ARM, errors in ARM's shape.
//
// [undoc] choices: the one cluster it knows is `clusterResourceId` (any other is 404
// ResourceNotFound); only api-version 2024-04-01 is taken; PUT/DELETE of versions and applications
// answer 202 with Azure-AsyncOperation and Retry-After (types answer 200 at once); an application
// PUT without upgradeMode upgrades Monitored; a PUT that changes nothing ends at once (200). As users
// reported of ARM, an upgrade that rolled back ends its operation `Succeeded`.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AadAuthority } from '../aad.js';
import { ManagementErrorCode } from '../../src/protocol/management-models.js';
import { FabricHttpError } from '../fabric-http-error.js';
import type { ClusterManager } from '../management/cluster-manager.js';
import type { RequestPath, Route, RouteContext } from '../router.js';
import { type ArmOperationCheck, ArmOperations } from './arm-operations.js';
import { applicationBody, applicationPut, ArmHttpError, type ArmApplicationPut } from './arm-resources.js';
import { ArmTypeVersions, gatewayPost, parseJson } from './arm-type-versions.js';

export const ARM_API_VERSIONS = ['2024-04-01'];

export interface ArmSurfaceOptions {
  /** `/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.ServiceFabric/managedClusters/{name}`. */
  clusterResourceId: string;
  /** Retry-After on long-running operations (default 1 s). */
  retryAfterSeconds?: number;
  /** The operations' location segment. */
  location?: string;
  /** The gateway's TLS certificate (PEM), whose SHA-1 thumbprint the cluster resource reports. */
  serverCertificate?: string | Buffer;
}

type Answer = { status: number; json?: unknown; headers?: Record<string, string> };

/**
 * One route per method and resource kind (`arm-put-application`, `arm-get-operation`…), so that
 * `--fault-routes` can aim at one of them (or at the family `arm`); all are served by the surface.
 */
export function armRoutes(options: ArmSurfaceOptions, aad: AadAuthority, manager: ClusterManager): Route[] {
  const surface = new ArmSurface(options, manager);
  const handle = async (ctx: RouteContext) => {
    let answer: Answer;
    try {
      if (!aad.acceptsForArm(ctx.req.headers.authorization)) {
        throw new ArmHttpError(401, 'InvalidAuthenticationToken', 'The access token is missing or invalid: ask Azure AD for the ARM scope.');
      }
      const version = ctx.query.get('api-version');
      if (version === null)
        throw new ArmHttpError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
      if (!ARM_API_VERSIONS.includes(version)) {
        throw new ArmHttpError(
          400,
          'NoRegisteredProviderFound',
          `No registered resource provider found for api version '${version}'. The supported api-versions are '${ARM_API_VERSIONS.join(', ')}'.`
        );
      }
      answer = await surface.handle(ctx.path.method, ctx.pathname, await ctx.readBody(), armOrigin(ctx.req));
    } catch (err) {
      answer = armError(err);
    }
    await reply(ctx, answer);
  };
  // [undoc] ARM throttles with 429 and Retry-After; a timed-out request is 504 GatewayTimeout.
  const faultReply = (ctx: RouteContext, kind: 'busy' | 'timeout') =>
    reply(
      ctx,
      kind === 'busy'
        ? {
            status: 429,
            json: { error: { code: 'TooManyRequests', message: 'Injected fault: too many requests; retry after the time Retry-After says.' } },
            headers: { 'Retry-After': String(options.retryAfterSeconds ?? 1) }
          }
        : { status: 504, json: { error: { code: 'GatewayTimeout', message: 'Injected fault: the gateway did not receive a response in time.' } } }
    );
  const isArm = (p: RequestPath) => p.segments[0]?.toLowerCase() === 'subscriptions';
  const routes: Route[] = [];
  for (const kind of ARM_KINDS) {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      routes.push({
        name: `arm-${method.toLowerCase()}-${kind}`,
        method,
        family: 'arm',
        injectFaults: true,
        faultReply,
        match: p => isArm(p) && armKind(p.segments) === kind,
        handle
      });
    }
  }
  routes.push({ name: 'arm', method: '*', family: 'arm', injectFaults: true, faultReply, match: isArm, handle });
  return routes;
}

const ARM_KINDS = ['operation', 'type', 'versions', 'version', 'applications', 'application'] as const;

/** The kind of ARM resource a path names, for the route names; undefined for anything else. */
function armKind(segments: string[]): (typeof ARM_KINDS)[number] | undefined {
  const lower = segments.map(s => s.toLowerCase());
  if (lower.length === 8 && lower[6] === 'managedclusteroperations') return 'operation';
  const rest = lower.slice(8);
  if (rest[0] === 'applicationtypes') return ([undefined, 'type', 'versions', 'version'] as const)[rest.length - 1];
  if (rest[0] === 'applications') return ([undefined, 'applications', 'application'] as const)[rest.length];
  return undefined;
}

async function reply(ctx: RouteContext, answer: Answer): Promise<void> {
  for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.res.setHeader(name, value);
  await ctx.replyJson(answer.status, answer.json);
}

function armError(err: unknown): Answer {
  if (err instanceof ArmHttpError) return { status: err.status, json: { error: { code: err.code, message: err.message } } };
  if (err instanceof FabricHttpError) {
    // The cluster's refusal, passed on as ARM does: its status, the Fabric code as ARM's code.
    return { status: err.status === 409 ? 409 : err.status === 404 ? 404 : 400, json: { error: { code: err.code, message: err.message } } };
  }
  console.error(`emulator: ARM internal error: ${String(err)}`);
  return { status: 500, json: { error: { code: 'InternalServerError', message: 'The emulator failed.' } } };
}

class ArmSurface {
  private readonly operations = new ArmOperations();
  private readonly types = new Set<string>();
  private readonly versions: ArmTypeVersions;
  private readonly cluster: string[];
  private readonly retryAfter: string;

  constructor(
    private readonly options: ArmSurfaceOptions,
    private readonly manager: ClusterManager
  ) {
    this.cluster = options.clusterResourceId
      .split('/')
      .filter(s => s !== '')
      .map(s => s.toLowerCase());
    this.retryAfter = String(options.retryAfterSeconds ?? 1);
    this.versions = new ArmTypeVersions(manager, typeName => this.types.has(typeName) || manager.types.versionsOf(typeName).length > 0);
  }

  async handle(method: string, pathname: string, body: Buffer, base: string): Promise<Answer> {
    let s: string[];
    try {
      s = pathname
        .split('/')
        .filter(x => x !== '')
        .map(x => decodeURIComponent(x));
    } catch {
      throw new ArmHttpError(400, 'InvalidResourceName', 'The path is not valid percent-encoding.');
    }
    const lower = s.map(x => x.toLowerCase());
    // /subscriptions/{s}/providers/Microsoft.ServiceFabric/locations/{l}/managedClusterOperations/{id}
    if (lower.length === 8 && lower[2] === 'providers' && lower[4] === 'locations' && lower[6] === 'managedclusteroperations' && method === 'GET') {
      const status = this.operations.status(s[7]!);
      if (status === undefined) throw new ArmHttpError(404, 'NotFound', `The operation '${s[7]}' was not found.`);
      return { status: 200, json: status };
    }
    if (lower.length < 8 || this.cluster.some((x, i) => x !== lower[i])) {
      throw new ArmHttpError(404, 'ResourceNotFound', `The Resource '${s.slice(4, 8).join('/')}' under resource group '${s[3] ?? ''}' was not found.`);
    }
    const rest = lower.slice(8);
    const names = s.slice(8);
    const ids = new ResourceIds(this.options.clusterResourceId);
    if (rest.length === 0 && method === 'GET') return { status: 200, json: this.clusterBody(base) };
    if (rest[0] === 'applicationtypes' && rest.length === 2) return this.type(method, names[1]!, ids);
    if (rest[0] === 'applicationtypes' && rest.length === 3 && rest[2] === 'versions' && method === 'GET') {
      return this.versions.list(ids, names[1]!);
    }
    if (rest[0] === 'applicationtypes' && rest.length === 4 && rest[2] === 'versions') {
      return this.versions.handle(method, names[1]!, names[3]!, body, ids, (check, json) => this.accepted(base, check, json));
    }
    if (rest[0] === 'applications' && rest.length === 1 && method === 'GET') {
      return { status: 200, json: { value: this.manager.applications.all().map(a => applicationBody(ids, this.manager.applications.info(a))) } };
    }
    if (rest[0] === 'applications' && rest.length === 2) return this.application(method, names[1]!, body, ids, base);
    throw new ArmHttpError(
      400,
      'InvalidResourceType',
      `The resource type '${rest.filter((_, i) => i % 2 === 0).join('/')}' is not known under Microsoft.ServiceFabric/managedClusters.`
    );
  }

  /**
   * The managed cluster resource, with what a client needs to reach its gateway. [undoc] choices: the
   * fqdn and the gateway port are the host and port the ARM request came to (the emulator serves both on
   * one listener); the thumbprint is the emulator's own TLS certificate's; the cluster id is fixed.
   */
  private clusterBody(base: string): Record<string, unknown> {
    const origin = new URL(base);
    const cert = this.options.serverCertificate;
    const thumbprints = cert === undefined ? [] : [new X509Certificate(cert).fingerprint.replace(/:/g, '').toUpperCase()];
    const name = this.options.clusterResourceId.split('/').pop()!;
    return {
      id: this.options.clusterResourceId,
      name,
      type: 'Microsoft.ServiceFabric/managedClusters',
      location: this.options.location ?? 'eastus',
      sku: { name: 'Basic' },
      properties: {
        provisioningState: 'Succeeded',
        clusterId: '92584666-9889-4ae8-8d02-91902923d37f',
        clusterState: 'Ready',
        dnsName: name,
        fqdn: origin.hostname,
        clusterCertificateThumbprints: thumbprints,
        clientConnectionPort: 19000,
        httpGatewayConnectionPort: Number(origin.port || (origin.protocol === 'https:' ? 443 : 80))
      }
    };
  }

  private type(method: string, name: string, ids: ResourceIds): Answer {
    const exists = this.types.has(name) || this.manager.types.versionsOf(name).length > 0;
    const body = { id: ids.type(name), name, type: 'Microsoft.ServiceFabric/managedClusters/applicationTypes', properties: { provisioningState: 'Succeeded' } };
    if (method === 'GET') {
      if (!exists) throw notFound('applicationTypes', name);
      return { status: 200, json: body };
    }
    if (method === 'PUT') {
      this.types.add(name);
      return { status: exists ? 200 : 201, json: body };
    }
    throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on an application type here.`);
  }

  private async application(method: string, name: string, raw: Buffer, ids: ResourceIds, base: string): Promise<Answer> {
    const found = this.manager.applications.all().find(a => a.name === `fabric:/${name}`);
    if (method === 'GET') {
      if (!found) throw notFound('applications', name);
      return { status: 200, json: applicationBody(ids, this.manager.applications.info(found)) };
    }
    if (method === 'DELETE') {
      if (!found) return { status: 204 };
      this.manager.deleteApplication(name);
      return this.accepted(base, () => ({ status: 'Succeeded' }), undefined);
    }
    if (method !== 'PUT') throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on an application here.`);
    const put: ArmApplicationPut = applicationPut(parseJson(raw), ids);
    if (found) {
      const info = this.manager.applications.info(found);
      if (info.Status === 'Upgrading') throw new ArmHttpError(409, 'Conflict', `The application '${name}' is being upgraded: wait for its operation to end.`);
    }
    if (found) {
      try {
        this.manager.upgrade(gatewayPost(`/Applications/${encodeURIComponent(name)}/$/Upgrade`, put.upgradeDescription(`fabric:/${name}`)), name);
      } catch (err) {
        // [undoc] A PUT that changes neither the version nor the parameters starts no upgrade: it is
        // idempotent, as ARM's PUTs are, and answers 200 at once.
        if (!(err instanceof FabricHttpError && err.code === ManagementErrorCode.ApplicationAlreadyInTargetVersion)) throw err;
        return { status: 200, json: applicationBody(ids, this.manager.applications.info(found)) };
      }
    } else this.manager.createApplication(gatewayPost('/Applications/$/Create', put.createDescription(`fabric:/${name}`)));
    const check = (): ArmOperationCheck => {
      const app = this.manager.applications.all().find(a => a.name === `fabric:/${name}`);
      if (!app) return { status: 'Failed', error: { code: 'ApplicationNotFound', message: `The application '${name}' no longer exists.` } };
      // Rolled back or rolled forward, the operation ends Succeeded: the trap users reported.
      return { status: this.manager.applications.info(app).Status === 'Upgrading' ? 'InProgress' : 'Succeeded' };
    };
    const now = this.manager.applications.all().find(a => a.name === `fabric:/${name}`)!;
    return this.accepted(base, check, applicationBody(ids, this.manager.applications.info(now)));
  }

  private accepted(base: string, check: () => ArmOperationCheck, json: unknown): Answer {
    const id = this.operations.start(check);
    const subscription = this.options.clusterResourceId.split('/')[2]!;
    const location = this.options.location ?? 'eastus';
    return {
      status: 202,
      json,
      headers: {
        'Azure-AsyncOperation': `${base}/subscriptions/${subscription}/providers/Microsoft.ServiceFabric/locations/${location}/managedClusterOperations/${id}?api-version=${ARM_API_VERSIONS[0]}`,
        'Retry-After': this.retryAfter
      }
    };
  }
}

export class ResourceIds {
  constructor(private readonly cluster: string) {}
  type(name: string): string {
    return `${this.cluster}/applicationTypes/${name}`;
  }
  version(typeName: string, version: string): string {
    return `${this.type(typeName)}/versions/${version}`;
  }
  application(name: string): string {
    return `${this.cluster}/applications/${name}`;
  }
  /** [typeName, version] from a version's resource id under this cluster, compared case-insensitively; undefined otherwise. */
  parseVersion(id: string): [string, string] | undefined {
    const prefix = `${this.cluster}/applicationTypes/`.toLowerCase();
    if (!id.toLowerCase().startsWith(prefix)) return undefined;
    const rest = id.slice(prefix.length).split('/');
    if (rest.length !== 3 || rest[1]!.toLowerCase() !== 'versions' || rest[0] === '' || rest[2] === '') return undefined;
    return [decodeURIComponent(rest[0]!), decodeURIComponent(rest[2]!)];
  }
}

function notFound(type: string, name: string): ArmHttpError {
  return new ArmHttpError(404, 'ResourceNotFound', `The Resource 'Microsoft.ServiceFabric/managedClusters/${type}/${name}' was not found.`);
}

/** The origin operation URLs are given on: the one the request came to (https when the emulator serves TLS). */
function armOrigin(req: IncomingMessage): string {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return `${scheme}://${req.headers.host ?? '127.0.0.1'}`;
}
