// An in-memory cluster behind a real GatewayClient (fake transport): just enough of the
// management routes and the Image Store delete for the release's unit tests. Every request is
// recorded with its raw body.
import { GatewayClient } from '../../src/cluster/gateway-client.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/cluster/transport.js';
import { Semaphore } from '../../src/util/concurrency.js';
import type { ApplicationInfo, ApplicationUpgradeProgress } from '../../src/cluster/management-client.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: string;
}

export interface FakeType {
  Name: string;
  Version: string;
  Status: string;
  StatusDetails?: string;
  manifest: string;
  serviceManifests: Record<string, string>;
}

export class FakeCluster {
  requests: RecordedRequest[] = [];
  types: FakeType[] = [];
  applications = new Map<string, ApplicationInfo>();
  /** Package content by store path, as if uploaded: what a provision reads. */
  packages = new Map<string, { manifest: string; typeName: string; typeVersion: string; serviceManifests?: Record<string, string> }>();
  /** The provision outcome: `Failed` with details, or `Available`, after `provisionPolls` status reads. */
  provisionFailure: string | undefined;
  provisionPolls = 2;
  /** GetUpgradeProgress answers in turn, the last one repeated; set by the test or by an upgrade. */
  progress: ApplicationUpgradeProgress[] = [];
  /** Versions an application other than those in `applications` uses: unprovision answers 409. */
  inUse = new Set<string>();
  storePaths = new Set<string>();
  /** Routes ('POST /Applications/$/Create') whose next request is carried out but answered 504, as if the answer were lost. */
  loseNextAnswer = new Set<string>();
  private pollsLeft = new Map<string, number>();

  count(method: string, pathPattern: RegExp): number {
    return this.requests.filter(r => r.method === method && pathPattern.test(r.path)).length;
  }

  gateway(signal?: AbortSignal): GatewayClient {
    const transport = { send: (req: HttpRequest) => this.handle(req) } as unknown as HttpTransport;
    return new GatewayClient(transport, {
      endpoint: 'http://fake',
      apiVersion: '6.0',
      timeoutSeconds: 60,
      retries: 3,
      backoff: { baseDelayMs: 1, maxDelayMs: 2 },
      limiter: new Semaphore(4),
      signal
    });
  }

  private async handle(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname);
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    this.requests.push({ method: req.method, path, query: url.searchParams, rawBody });
    const answer = this.route(req.method, path, url.searchParams, rawBody);
    if (this.loseNextAnswer.delete(`${req.method} ${path}`)) {
      return { status: 504, headers: {}, body: Buffer.from(JSON.stringify({ Error: { Code: 'FABRIC_E_TIMEOUT', Message: 'lost' } })) };
    }
    return answer;
  }

  private route(method: string, path: string, query: URLSearchParams, rawBody: string): HttpResponse {
    const json = (status: number, value: unknown) => ({ status, headers: {}, body: Buffer.from(JSON.stringify(value)) });
    const empty = (status: number) => ({ status, headers: {}, body: Buffer.alloc(0) });
    const error = (status: number, code: string) => json(status, { Error: { Code: code, Message: code } });
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/ApplicationTypes/$/Provision') {
      const body = JSON.parse(rawBody) as { ApplicationTypeBuildPath: string };
      const pkg = this.packages.get(body.ApplicationTypeBuildPath);
      if (!pkg) return error(400, 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR');
      const existing = this.types.find(t => t.Name === pkg.typeName && t.Version === pkg.typeVersion);
      if (existing && existing.Status !== 'Failed') return error(409, 'FABRIC_E_APPLICATION_TYPE_ALREADY_EXISTS');
      this.types = this.types.filter(t => t !== existing);
      this.types.push({
        Name: pkg.typeName,
        Version: pkg.typeVersion,
        Status: 'Provisioning',
        manifest: pkg.manifest,
        serviceManifests: pkg.serviceManifests ?? {}
      });
      this.pollsLeft.set(`${pkg.typeName}@${pkg.typeVersion}`, this.provisionPolls);
      return empty(202);
    }
    if ((m = /^\/ApplicationTypes\/([^/]+)\/\$\/GetApplicationManifest$/.exec(path))) {
      const t = this.types.find(t => t.Name === m![1] && t.Version === query.get('ApplicationTypeVersion') && t.Status === 'Available');
      return t ? json(200, { Manifest: t.manifest }) : error(404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND');
    }
    if ((m = /^\/ApplicationTypes\/([^/]+)\/\$\/GetServiceManifest$/.exec(path))) {
      const t = this.types.find(t => t.Name === m![1] && t.Version === query.get('ApplicationTypeVersion'));
      const xml = t?.serviceManifests[query.get('ServiceManifestName') ?? ''];
      return xml ? json(200, { Manifest: xml }) : error(404, 'FABRIC_E_SERVICE_MANIFEST_NOT_FOUND');
    }
    if (method === 'POST' && (m = /^\/ApplicationTypes\/([^/]+)\/\$\/Unprovision$/.exec(path))) {
      const { ApplicationTypeVersion } = JSON.parse(rawBody) as { ApplicationTypeVersion: string };
      const used = [...this.applications.values()].some(a => a.TypeName === m![1] && a.TypeVersion === ApplicationTypeVersion);
      if (used || this.inUse.has(ApplicationTypeVersion)) return error(409, 'FABRIC_E_APPLICATION_TYPE_IN_USE');
      const before = this.types.length;
      this.types = this.types.filter(t => !(t.Name === m![1] && t.Version === ApplicationTypeVersion));
      return before === this.types.length ? error(404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND') : empty(202);
    }
    if (method === 'GET' && (m = /^\/ApplicationTypes\/([^/$]+)$/.exec(path))) {
      const version = query.get('ApplicationTypeVersion');
      const items = this.types.filter(t => t.Name === m![1] && (version === null || t.Version === version));
      for (const t of items) {
        const key = `${t.Name}@${t.Version}`;
        const left = this.pollsLeft.get(key);
        if (t.Status === 'Provisioning' && left !== undefined) {
          if (left <= 0) {
            t.Status = this.provisionFailure ? 'Failed' : 'Available';
            t.StatusDetails = this.provisionFailure;
            this.pollsLeft.delete(key);
          } else this.pollsLeft.set(key, left - 1);
        }
      }
      return json(200, {
        ContinuationToken: '',
        Items: items.map(t => ({ Name: t.Name, Version: t.Version, Status: t.Status, StatusDetails: t.StatusDetails ?? '', DefaultParameterList: [] }))
      });
    }
    if (method === 'POST' && path === '/Applications/$/Create') {
      const d = JSON.parse(rawBody) as { Name: string; TypeName: string; TypeVersion: string; ParameterList: { Key: string; Value: string }[] };
      if (this.applications.has(d.Name)) return error(409, 'FABRIC_E_APPLICATION_ALREADY_EXISTS');
      if (!this.types.some(t => t.Name === d.TypeName && t.Version === d.TypeVersion && t.Status === 'Available'))
        return error(404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND');
      this.applications.set(d.Name, {
        Id: d.Name.slice(8),
        Name: d.Name,
        TypeName: d.TypeName,
        TypeVersion: d.TypeVersion,
        Status: 'Ready',
        Parameters: d.ParameterList
      });
      return empty(201);
    }
    if ((m = /^\/Applications\/([^/$]+)(?:\/\$\/(\w+))?$/.exec(path))) {
      const name = `fabric:/${m[1]!.split('~').join('/')}`;
      const app = this.applications.get(name);
      const action = m[2];
      if (!action) return app ? json(200, app) : empty(204);
      if (!app) return error(404, 'FABRIC_E_APPLICATION_NOT_FOUND');
      if (action === 'Upgrade') {
        const d = JSON.parse(rawBody) as { TargetApplicationTypeVersion: string; Parameters: { Key: string; Value: string }[] };
        if (app.TypeVersion === d.TargetApplicationTypeVersion && JSON.stringify(app.Parameters) === JSON.stringify(d.Parameters)) {
          return error(409, 'FABRIC_E_APPLICATION_ALREADY_IN_TARGET_VERSION');
        }
        if (this.progress.length === 0) {
          this.progress = [
            {
              UpgradeState: 'RollingForwardInProgress',
              TargetApplicationTypeVersion: d.TargetApplicationTypeVersion,
              UpgradeDomains: [
                { Name: 'UD0', State: 'InProgress' },
                { Name: 'UD1', State: 'Pending' }
              ]
            },
            {
              UpgradeState: 'RollingForwardInProgress',
              TargetApplicationTypeVersion: d.TargetApplicationTypeVersion,
              UpgradeDomains: [
                { Name: 'UD0', State: 'Completed' },
                { Name: 'UD1', State: 'InProgress' }
              ]
            },
            {
              UpgradeState: 'RollingForwardCompleted',
              TargetApplicationTypeVersion: d.TargetApplicationTypeVersion,
              UpgradeDomains: [
                { Name: 'UD0', State: 'Completed' },
                { Name: 'UD1', State: 'Completed' }
              ]
            }
          ];
        }
        app.TypeVersion = d.TargetApplicationTypeVersion;
        app.Parameters = d.Parameters;
        return empty(200);
      }
      if (action === 'GetUpgradeProgress') {
        const next = this.progress.length > 1 ? this.progress.shift()! : this.progress[0];
        return next ? json(200, next) : json(200, { UpgradeState: 'Invalid' });
      }
    }
    if (method === 'DELETE' && path.startsWith('/ImageStore/')) {
      const p = path.slice('/ImageStore/'.length);
      if (!this.storePaths.delete(p)) return error(404, 'FABRIC_E_FILE_NOT_FOUND');
      return empty(200);
    }
    return error(400, `UNEXPECTED ${method} ${path}`);
  }
}
