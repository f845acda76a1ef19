// Maps a request to an operation (method + path pattern + minimum api-version), as Azurite's
// dispatch step does. Route families register here (routes/*.ts); so can the management plane:
// `router.add(route)` or `router.mount(name, handler)`.
import type * as http from 'node:http';
import { normalizeStorePath } from '../src/protocol/store-path.js';
import { type ApiVersion, parseApiVersion } from './api-version.js';
import { FabricHttpError } from './fabric-http-error.js';

/** Where a request goes, parsed once. */
export interface RequestPath {
  method: string;
  pathname: string;
  /** The non-empty segments of the URL path, still percent-encoded. */
  segments: string[];
  /** For `/ImageStore/…`: the decoded store path before the `$` segment ('' for the root) and the action after it. */
  imageStore?: { storePath: string; action: string | undefined };
}

export interface RouteContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  query: URLSearchParams;
  pathname: string;
  path: RequestPath;
  /** Image Store routes: the store path as the store holds it (see ContentStore.canonical); '' elsewhere. */
  storePath: string;
  /** Whether the client sent `Expect: 100-continue` and waits before sending its body. */
  expectsContinue: boolean;
  /** Answers `100 Continue` when the client waits for it; call before reading the body. */
  askForBody(): Promise<void>;
  /** The whole body (after `askForBody`), for small JSON or form bodies. */
  readBody(): Promise<Buffer>;
  /** Answers with a body (JSON unless told) or none. */
  reply(status: number, body?: string, contentType?: string): Promise<void>;
  /** Answers with `value` as JSON; no body when it is undefined. */
  replyJson(status: number, value?: unknown): Promise<void>;
}

export interface Route {
  /** Counted under this name in the journal's `requests`. */
  name: string;
  /** The HTTP method, or '*' for any. */
  method: string;
  match(path: RequestPath): boolean;
  /** The lowest api-version the route takes ('6.0' or [6, 0]); leave it out when the route checks api-version itself. */
  minApiVersion?: ApiVersion | string;
  /** One of the four upload-session routes: 400 E_INVALIDARG when the cluster has none (a 6.4 Linux cluster). */
  sessionRoute?: boolean;
  /** The handler counts its own requests in the journal (default false: the gateway counts `name`). */
  selfCounting?: boolean;
  /** Whether seeded fault injection applies to the route (default true). */
  injectFaults?: boolean;
  /** The route family (`image-store`, `management`, `arm`), which `--fault-routes` can aim faults at. */
  family?: string;
  /** Answers an injected busy or timeout fault in the route's own error shape (default: the gateway's FabricError). */
  faultReply?(ctx: RouteContext, kind: 'busy' | 'timeout'): Promise<void>;
  handle(ctx: RouteContext): Promise<void>;
}

export interface MountOptions {
  /** The lowest api-version, checked by the gateway; leave it out when the handler checks it. */
  minApiVersion?: ApiVersion | string;
  selfCounting?: boolean;
  injectFaults?: boolean;
  family?: string;
}

/** A handler of a whole route family that knows nothing of HTTP (the cluster manager's shape). */
export interface MountableHandler {
  handles(method: string, pathname: string): boolean;
  /** Throws FabricHttpError for protocol errors. */
  handle(request: { method: string; pathname: string; query: URLSearchParams; body: Buffer }): Promise<{ status: number; json?: unknown }>;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; routes are tried in the order they were added. */
  add(route: Route): this {
    if (route.minApiVersion !== undefined) apiVersionOf(route.minApiVersion); // fail at start-up, not per request
    this.routes.push(route);
    return this;
  }

  addAll(routes: Route[]): this {
    for (const r of routes) this.add(r);
    return this;
  }

  /** Plugs in a handler of a route family: its answers are JSON, its errors FabricHttpError. */
  mount(name: string, handler: MountableHandler, options: MountOptions = {}): this {
    return this.add({
      name,
      method: '*',
      ...options,
      match: p => handler.handles(p.method, p.pathname),
      handle: async ctx => {
        const body = await ctx.readBody();
        const answer = await handler.handle({ method: ctx.path.method, pathname: ctx.pathname, query: ctx.query, body });
        await ctx.replyJson(answer.status, answer.json);
      }
    });
  }

  match(path: RequestPath): Route | undefined {
    return this.routes.find(r => (r.method === '*' || r.method === path.method) && r.match(path));
  }

  /** Parses a request path; a store path that is not valid percent-encoding is refused with 400. */
  static parse(method: string, pathname: string): RequestPath {
    const segments = pathname.split('/').filter(s => s !== '');
    const parsed: RequestPath = { method, pathname, segments };
    if (segments[0]?.toLowerCase() !== 'imagestore') return parsed;
    const rest = segments.slice(1);
    const dollar = rest.indexOf('$');
    const pathSegments = dollar < 0 ? rest : rest.slice(0, dollar);
    const action = dollar < 0 ? undefined : rest.slice(dollar + 1).join('/');
    try {
      // The gateway joins the segments and then percent-decodes them: a%2Fb is a/b.
      parsed.imageStore = { storePath: normalizeStorePath(decodeURIComponent(pathSegments.join('/'))), action };
    } catch {
      throw FabricHttpError.invalidArg('the path is not valid percent-encoding');
    }
    return parsed;
  }
}

export function apiVersionOf(v: ApiVersion | string): ApiVersion {
  if (typeof v !== 'string') return v;
  const parsed = parseApiVersion(v);
  if (!parsed) throw new Error(`invalid api-version '${v}' in a route`);
  return parsed;
}

/**
 * An Image Store route: `/ImageStore[/{contentPath}][/$/{action}]`. `withPath` says whether it
 * takes a content path; the action is compared case-insensitively, as the gateway does.
 */
export function imageStoreRoute(spec: {
  name: string;
  method: string;
  withPath: boolean;
  action?: string;
  minApiVersion: ApiVersion | string;
  sessionRoute?: boolean;
  handle(ctx: RouteContext): Promise<void>;
}): Route {
  const action = (spec.action ?? '').toLowerCase();
  return {
    name: spec.name,
    method: spec.method,
    family: 'image-store',
    minApiVersion: spec.minApiVersion,
    sessionRoute: spec.sessionRoute,
    handle: ctx => spec.handle(ctx),
    match: p => p.imageStore !== undefined && (p.imageStore.storePath !== '') === spec.withPath && (p.imageStore.action ?? '').toLowerCase() === action
  };
}
