// The routes a gateway serves without a client certificate or a token: the banner at `/`, the
// anonymous AAD metadata, the emulator's own Azure AD authority, and the emulator's journal.
import type { AadMetadataObject } from '../../src/protocol/models.js';
import type { AadAuthority } from '../aad.js';
import type { Journal } from '../journal.js';
import { type Route, type RouteContext } from '../router.js';
import type { UploadSessions } from '../upload-sessions.js';

export interface GatewayDeps {
  journal: Journal;
  sessions: UploadSessions;
  aad: AadAuthority | undefined;
  /** The URL clients used to reach the emulator, for the addresses it hands out. */
  baseUrl(ctx: RouteContext): string;
}

/** Routes answered before the client certificate and the bearer token are checked. */
export function anonymousRoutes(deps: GatewayDeps): Route[] {
  const routes: Route[] = [
    {
      name: 'root',
      method: 'GET',
      match: p => p.segments.length === 0,
      handle: ctx => ctx.reply(200, 'Service Fabric Image Store emulator\n', 'text/plain; charset=utf-8')
    },
    {
      name: 'aad-metadata',
      method: 'GET',
      minApiVersion: '1.0',
      match: p => p.segments.length === 2 && p.segments[0] === '$' && p.segments[1]?.toLowerCase() === 'getaadmetadata',
      handle: ctx => {
        const body: AadMetadataObject = deps.aad ? deps.aad.metadata(deps.baseUrl(ctx)) : { type: '' };
        return ctx.replyJson(200, body);
      }
    }
  ];
  const aad = deps.aad;
  if (aad) {
    routes.push({
      name: 'aad-authority',
      method: '*',
      match: p => aad.ownsPath(p.pathname),
      handle: async ctx => {
        if (ctx.req.method === 'GET' && ctx.pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
          return ctx.replyJson(200, aad.openIdConfiguration(deps.baseUrl(ctx)));
        }
        if (ctx.req.method === 'POST' && ctx.pathname.endsWith('/oauth2/v2.0/token')) {
          const [status, body] = aad.token(new URLSearchParams((await ctx.readBody()).toString('utf8')));
          return ctx.replyJson(status, body);
        }
        return ctx.replyJson(404, { error: 'not_found' });
      }
    });
  }
  return routes;
}

/** `GET /__emulator/journal` (not counted among the requests). */
export async function sendJournal(deps: GatewayDeps, ctx: RouteContext): Promise<void> {
  const j = deps.journal;
  await ctx.replyJson(200, {
    entries: j.entries,
    mistakes: j.mistakes,
    notes: j.notes,
    requests: j.requests,
    bodiesAfterContinue: j.bodiesAfterContinue,
    connections: j.connections,
    faults: j.faults,
    managementCalls: j.managementCalls,
    openSessions: deps.sessions.all().map(s => deps.sessions.describe(s, '/'))
  });
}
