// The gateway's request pipeline, in the order a cluster applies it: anonymous routes (banner,
// AAD metadata and authority, the journal), the client certificate, the route, the bearer token,
// injected faults, api-version and timeout, then the route's handler. Every error becomes an
// answer here.
import type * as http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AadAuthority } from './aad.js';
import { type ApiVersion, checkApiVersion, checkTimeout } from './api-version.js';
import type { ContentStore } from './content-store.js';
import { FabricHttpError } from './fabric-http-error.js';
import type { FaultInjector } from './faults.js';
import type { Journal } from './journal.js';
import type { Replies } from './replies.js';
import { type RequestPath, type Route, type RouteContext, Router, apiVersionOf } from './router.js';
import { parseGatewayQuery } from './query-string.js';
import type { UploadSessions } from './upload-sessions.js';

export interface GatewayParts {
  /** Routes served before the client certificate and the token are checked. */
  anonymous: Router;
  /** Every other route (Image Store, and whatever is plugged in). */
  router: Router;
  store: ContentStore;
  sessions: UploadSessions;
  journal: Journal;
  replies: Replies;
  faults: FaultInjector;
  aad: AadAuthority | undefined;
  maxApiVersion: ApiVersion;
  uploadSessions: boolean;
  /** Whether client certificates are required (and judged per request). */
  requiresClientCertificate: boolean;
  sendJournal(ctx: RouteContext): Promise<void>;
}

export class Gateway {
  constructor(private readonly parts: GatewayParts) {}

  async handle(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): Promise<void> {
    const { journal, replies } = this.parts;
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const method = req.method ?? 'GET';
      const query = parseGatewayQuery(url.search);
      const ctx = this.context(req, res, url, query, { method, pathname: url.pathname, segments: [] }, expectsContinue);
      if (url.pathname === '/__emulator/journal' && journal.enabled && method === 'GET') return await this.parts.sendJournal(ctx);
      ctx.path.segments = url.pathname.split('/').filter(s => s !== '');
      const anonymous = this.parts.anonymous.match(ctx.path);
      if (anonymous) {
        journal.countRequest(anonymous.name);
        // Anonymous routes draw faults only when they ask for them (the ARM surface does).
        if (anonymous.injectFaults === true && this.parts.faults.enabled && this.parts.faults.appliesTo(anonymous)) {
          if (await this.injectFault(req, res, anonymous, ctx.path, ctx)) return;
        }
        if (anonymous.minApiVersion !== undefined) checkApiVersion(query, apiVersionOf(anonymous.minApiVersion), this.parts.maxApiVersion);
        return await anonymous.handle(ctx);
      }
      // A cluster secured with certificates and Azure AD admits either an admin client certificate
      // or a token: Service Fabric Explorer signs in with one or the other.
      const certified = this.parts.requiresClientCertificate && (req.socket as TLSSocket).authorized === true;
      const tokenAccepted = this.parts.aad?.accepts(req.headers.authorization) === true;
      if (this.parts.requiresClientCertificate && !certified && !tokenAccepted) {
        journal.countRequest('refused-certificate');
        throw FabricHttpError.clientCertificateRequired();
      }
      ctx.path = Router.parse(method, url.pathname);
      const route = this.parts.router.match(ctx.path);
      if (!route) throw FabricHttpError.invalidArg(`no route for ${method} ${url.pathname}`);
      if (!route.selfCounting) journal.countRequest(route.name);
      if (this.parts.aad && !certified && !tokenAccepted) throw FabricHttpError.bearerTokenRequired();
      if (
        this.parts.faults.enabled &&
        route.injectFaults !== false &&
        this.parts.faults.appliesTo(route) &&
        (await this.injectFault(req, res, route, ctx.path, ctx))
      )
        return;
      if (route.minApiVersion !== undefined) checkApiVersion(query, apiVersionOf(route.minApiVersion), this.parts.maxApiVersion);
      checkTimeout(query);
      if (route.sessionRoute && !this.parts.uploadSessions) {
        throw FabricHttpError.invalidArg('upload sessions are not supported by this cluster');
      }
      // Refuses `.` and `..`; on a case-insensitive store, takes the case the store holds.
      if (ctx.path.imageStore) ctx.storePath = this.parts.store.canonical(ctx.path.imageStore.storePath);
      await route.handle(ctx);
    } catch (err) {
      await replies.error(res, err);
    }
  }

  private context(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    query: URLSearchParams,
    path: RequestPath,
    expectsContinue: boolean
  ): RouteContext {
    const { replies, journal } = this.parts;
    let continued = false;
    const askForBody = async () => {
      if (!expectsContinue || continued) return;
      continued = true;
      await replies.delay();
      journal.bodiesAfterContinue++;
      res.writeContinue();
    };
    return {
      req,
      res,
      query,
      pathname: url.pathname,
      path,
      storePath: '',
      expectsContinue,
      askForBody,
      readBody: async () => {
        await askForBody();
        const parts: Buffer[] = [];
        for await (const part of req) parts.push(part as Buffer);
        return Buffer.concat(parts);
      },
      reply: (status, body, contentType) => replies.send(res, status, body, contentType),
      replyJson: (status, value) => replies.json(res, status, value)
    };
  }

  /** Returns true when the request was consumed by a fault and must not be handled. */
  private async injectFault(req: http.IncomingMessage, res: http.ServerResponse, route: Route, path: RequestPath, ctx: RouteContext): Promise<boolean> {
    const { faults, journal, sessions, replies } = this.parts;
    const where = path.imageStore?.storePath ?? path.pathname;
    if (faults.failoverDue()) {
      await sessions.loseAll();
      journal.fault('failover', route.name, where);
    }
    const decision = faults.decide();
    if (!decision) return false;
    journal.fault(decision.kind, route.name, where);
    switch (decision.kind) {
      case 'busy':
        if (route.faultReply) await route.faultReply(ctx, 'busy');
        else await replies.error(res, FabricHttpError.serviceTooBusy('injected fault: the service is too busy'));
        return true;
      case 'timeout':
        if (route.faultReply) await route.faultReply(ctx, 'timeout');
        else await replies.error(res, FabricHttpError.timeout('injected fault: the operation timed out'));
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'stall':
        // No answer, ever: the client must give up on its own. The socket is closed at shutdown.
        return true;
      case 'lost-answer':
        replies.drop(res);
        return false;
    }
  }
}
