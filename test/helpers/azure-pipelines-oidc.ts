// A stand-in for the Azure Pipelines OIDC endpoint (System.OidcRequestUri) on 127.0.0.1 over https:
// POST <uri>?api-version=7.1&serviceConnectionId=<id> with the job's access token as a Bearer
// token answers { "oidcToken": "<jwt>" }, as Azure DevOps does for an authorized service connection;
// a wrong token is 401, an unknown connection 404. Every request is kept for the tests to read.
import { once } from 'node:events';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface OidcRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export interface AzurePipelinesOidcStandIn {
  /** What the agent sets as SYSTEM_OIDCREQUESTURI. */
  uri: string;
  requests: OidcRequestRecord[];
  close(): Promise<void>;
}

export interface StandInOptions {
  cert: string;
  key: string;
  accessToken: string;
  serviceConnectionId: string;
  oidcToken: string;
}

const PATH = '/contoso/0a1b2c3d-0000-4000-8000-00000000c0de/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken';

export async function startAzurePipelinesOidc(options: StandInOptions): Promise<AzurePipelinesOidcStandIn> {
  const requests: OidcRequestRecord[] = [];
  const server = https.createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-vss-e2eid': `e2e-${requests.length}` });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || url.pathname !== PATH) return reply(404, { message: `No route for ${req.method} ${url.pathname}.` });
      if (req.headers.authorization !== `Bearer ${options.accessToken}`) return reply(401, { message: 'TF400813: The user is not authorized.' });
      if (url.searchParams.get('api-version') !== '7.1') return reply(400, { message: 'The requested api-version is not supported.' });
      if (url.searchParams.get('serviceConnectionId') !== options.serviceConnectionId) return reply(404, { message: 'Service connection not found.' });
      reply(200, { oidcToken: options.oidcToken });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    uri: `https://127.0.0.1:${port}${PATH}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
