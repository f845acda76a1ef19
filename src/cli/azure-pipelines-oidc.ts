// The CLI's federated credential on Azure Pipelines: the job's OIDC token for a service connection,
// asked of the agent's OIDC endpoint as azure-identity's AzurePipelinesCredential asks it (POST
// SYSTEM_OIDCREQUESTURI with the job's access token; the answer's `oidcToken` is the client assertion).
// Asked for lazily, at the first Azure AD token request, and again only near its expiry.
import type { FederatedCredentialNames } from '../cluster/cluster-target.js';
import { AadConfigurationError } from '../cluster/auth/aad-token.js';
import { backoffDelay, DEFAULT_BACKOFF, RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES } from '../cluster/retry-policy.js';
import { type HttpRequest, type HttpResponse, HttpTransport, NetworkError } from '../cluster/transport.js';
import { maskSecret, type Reporter } from '../util/reporter.js';
import { SERVICE_CONNECTION, UsageError } from './args.js';
import { jwtExpiry } from './federated-token.js';

/** Set by the agent in every job. */
export const OIDC_REQUEST_URI_VARIABLE = 'SYSTEM_OIDCREQUESTURI';
/** Not given to a script unless its step maps it (`env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`). */
export const ACCESS_TOKEN_VARIABLE = 'SYSTEM_ACCESSTOKEN';
const OIDC_API_VERSION = '7.1';
const MAP_ACCESS_TOKEN = `map it in the step: 'env: ${ACCESS_TOKEN_VARIABLE}: $(System.AccessToken)'`;

/** Attempts in all when the endpoint is busy or unreachable (429, 5xx, a dropped connection). */
export const OIDC_ATTEMPTS = 4;
const ATTEMPT_TIMEOUT_MS = 30_000;
const MAX_RETRY_AFTER_MS = 30_000;
/** A token is asked for again this long before its `exp`, or this long after it came when it has none. */
const REUSE_MARGIN_MS = 60_000;

export const AZURE_PIPELINES_CREDENTIAL: FederatedCredentialNames = {
  name: `'--${SERVICE_CONNECTION}'`,
  howToGive: `'--${SERVICE_CONNECTION}' (the job's OIDC token for an Azure Resource Manager service connection)`,
  check: `that they are the service connection's (its app registration or managed identity), and that its federated credential's issuer and subject are the ones the service connection shows under workload identity federation`
};

export interface AzurePipelinesOidcRequest {
  /** SYSTEM_OIDCREQUESTURI with the api-version and the service connection id. */
  url: string;
  accessToken: string;
  serviceConnectionId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request, checked offline: bad input (exit 2) names what is missing and how to give it. */
export function readAzurePipelinesOidc(serviceConnection: string, env: NodeJS.ProcessEnv): AzurePipelinesOidcRequest {
  const flag = `'--${SERVICE_CONNECTION}'`;
  const id = serviceConnection.trim();
  if (!GUID.test(id)) {
    throw new UsageError(
      `${flag} is '${id}': give the service connection's id, a GUID (Project settings > Service connections > the connection: 'resourceId' in its address), not its name.`
    );
  }
  const uri = env[OIDC_REQUEST_URI_VARIABLE]?.trim() ?? '';
  if (uri === '') {
    throw new UsageError(
      `${flag} asks the Azure Pipelines agent for the job's OIDC token, but ${OIDC_REQUEST_URI_VARIABLE} is not set: run it in an Azure Pipelines job (the agent sets it), or give the token in '--azure-federated-token'.`
    );
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new UsageError(`${OIDC_REQUEST_URI_VARIABLE} is not a URL: it is the agent's (System.OidcRequestUri); do not set it yourself.`);
  }
  // [choice] Any https host: the agent names the endpoint (Azure DevOps Services or Server); the
  // job's access token is never sent over plain http, and answers that redirect are not followed.
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new UsageError(
      `${OIDC_REQUEST_URI_VARIABLE} must be an https:// URL without credentials, not '${url.protocol}//${url.host}': the job's access token is sent there.`
    );
  }
  const accessToken = env[ACCESS_TOKEN_VARIABLE]?.trim() ?? '';
  if (accessToken === '') {
    throw new UsageError(
      `${flag} needs the job's access token in ${ACCESS_TOKEN_VARIABLE}, which Azure Pipelines gives a script only when asked: ${MAP_ACCESS_TOKEN}.`
    );
  }
  if (/^\$\(.*\)$/.test(accessToken)) {
    throw new UsageError(`${ACCESS_TOKEN_VARIABLE} holds the text '${accessToken}', a macro that was not expanded: ${MAP_ACCESS_TOKEN}.`);
  }
  url.searchParams.set('api-version', OIDC_API_VERSION);
  url.searchParams.set('serviceConnectionId', id);
  return { url: url.href, accessToken, serviceConnectionId: id };
}

export interface OidcSourceOptions {
  /** One exchange with the endpoint (tests); by default through the CLI's transport (proxy, trust store). */
  send?: (request: HttpRequest) => Promise<HttpResponse>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * The client assertion for msal: asked of Azure Pipelines at the first call, reused until a minute
 * before its `exp` (msal asks for the assertion at every acquisition), masked as soon as it comes.
 * Calls while a request is under way share it.
 */
export function azurePipelinesOidcTokenSource(
  request: AzurePipelinesOidcRequest,
  reporter: Pick<Reporter, 'setSecret' | 'info' | 'debug'>,
  options: OidcSourceOptions = {}
): () => Promise<string> {
  const now = options.now ?? Date.now;
  maskSecret(reporter, request.accessToken);
  let cached: { token: string; reuseUntil: number } | undefined;
  let pending: Promise<string> | undefined;
  return () => {
    if (cached !== undefined && now() < cached.reuseUntil) return Promise.resolve(cached.token);
    pending ??= fetchOidcToken(request, reporter, options)
      .then(token => {
        const expiresAt = jwtExpiry(token);
        cached = { token, reuseUntil: expiresAt === undefined ? now() + REUSE_MARGIN_MS : expiresAt - REUSE_MARGIN_MS };
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

async function fetchOidcToken(
  request: AzurePipelinesOidcRequest,
  reporter: Pick<Reporter, 'setSecret' | 'info' | 'debug'>,
  options: OidcSourceOptions
): Promise<string> {
  const send = options.send ?? sendOnce;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const asking = `the OIDC token of service connection ${request.serviceConnectionId}`;
  for (let attempt = 1; ; attempt++) {
    reporter.debug(`asking Azure Pipelines (${new URL(request.url).origin}) for ${asking}`);
    let outcome: OidcOutcome;
    try {
      const response = await send({
        method: 'POST',
        url: request.url,
        headers: {
          Authorization: `Bearer ${request.accessToken}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          // Azure DevOps answers a refused token with 401, not a redirect to its sign-in page.
          'X-TFS-FedAuthRedirect': 'Suppress'
        },
        timeoutMs: ATTEMPT_TIMEOUT_MS
      });
      outcome = readOidcAnswer(response, request.serviceConnectionId);
    } catch (err) {
      const code = err instanceof NetworkError ? err.code : ((err as NodeJS.ErrnoException).code ?? '');
      outcome = {
        retry: RETRYABLE_NETWORK_CODES.includes(code),
        brief: `Azure Pipelines' OIDC endpoint could not be reached (${code || (err as Error).message})`,
        message: `Azure Pipelines' OIDC endpoint (${OIDC_REQUEST_URI_VARIABLE}, ${new URL(request.url).origin}) could not be reached for ${asking}: ${(err as Error).message}; check the agent's network, proxy (https_proxy) and trusted certificates (NODE_EXTRA_CA_CERTS)`
      };
    }
    if ('token' in outcome) {
      maskSecret(reporter, outcome.token);
      reporter.debug(`got ${asking}${outcome.supportIds}`);
      return outcome.token;
    }
    if (!outcome.retry || attempt >= OIDC_ATTEMPTS) {
      throw new AadConfigurationError(`${outcome.message}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}.`);
    }
    const delay = Math.max(backoffDelay(attempt, DEFAULT_BACKOFF, options.random), outcome.retryAfterMs ?? 0);
    reporter.info(`${outcome.brief}: asking again in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${OIDC_ATTEMPTS}).`);
    await sleep(delay);
  }
}

async function sendOnce(request: HttpRequest): Promise<HttpResponse> {
  const transport = new HttpTransport({ userAgent: 'service-fabric-upload-cli', maxSockets: 1, expectContinue: 'never' });
  try {
    return await transport.send(request);
  } finally {
    transport.dispose();
  }
}

export type OidcOutcome = { token: string; supportIds: string } | { retry: boolean; brief: string; message: string; retryAfterMs?: number };

/** What an answer of the OIDC endpoint means: the token, or why not and whether asking again may help. */
export function readOidcAnswer(response: HttpResponse, serviceConnectionId: string): OidcOutcome {
  const { status } = response;
  const ids = supportIds(response);
  const text = response.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const field = (name: string): string | undefined => {
    const value = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const token = field('oidcToken');
  if (status >= 200 && status < 300 && token !== undefined) return { token, supportIds: ids };
  const said = serverSaid(field('message'), text, json !== undefined);
  const answered = `Azure Pipelines answered the request for the OIDC token of service connection ${serviceConnectionId} with HTTP ${status}${said}`;
  const refusedToken = `the job's access token in ${ACCESS_TOKEN_VARIABLE} was not accepted: ${MAP_ACCESS_TOKEN} (System.AccessToken of this job, not a personal access token)`;
  const refusedConnection = `check that ${serviceConnectionId} is the id of an Azure Resource Manager service connection with workload identity federation in this project, and that this pipeline is allowed to use it (the service connection's Security > Pipeline permissions)`;
  if (RETRYABLE_STATUSES.includes(status)) {
    return {
      retry: true,
      brief: `Azure Pipelines' OIDC endpoint answered HTTP ${status}`,
      message: `${answered}: it is busy or failing; run the job again later${ids}`,
      retryAfterMs: retryAfter(response)
    };
  }
  let advice: string;
  if (status >= 200 && status < 300) {
    advice =
      status === 203
        ? `a sign-in page, not a token: ${refusedToken}`
        : `no 'oidcToken' in its answer: the agent or Azure DevOps gave an answer this CLI does not know; report it with the ids below`;
  } else if (status >= 300 && status < 400) advice = `a redirect (not followed: it would carry the access token elsewhere): ${refusedToken}`;
  else if (status === 401) advice = refusedToken;
  else if (status === 403) advice = `the job's access token lacks the right to use this service connection, or the id is wrong: ${refusedConnection}`;
  else if (status === 400 || status === 404) advice = `the service connection is not known to this job: ${refusedConnection}`;
  else advice = `an answer this CLI does not expect: ${refusedConnection}`;
  return { retry: false, brief: answered, message: `${answered}: ${advice}${ids}` };
}

/** Azure DevOps' error text: the JSON `message`, or a note of what else came (a sign-in page). */
function serverSaid(message: string | undefined, text: string, isJson: boolean): string {
  if (message !== undefined) return ` ("${oneLine(message)}")`;
  if (text.trim() === '') return ' and an empty body';
  return isJson ? '' : ' and a body that is not JSON';
}

function oneLine(text: string): string {
  const line = text.split(/\r?\n/)[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * The two ids Azure DevOps support asks for (azure-identity logs these two headers only). Nothing
 * else of the exchange is printed: the request carries the job's access token.
 */
function supportIds(response: HttpResponse): string {
  const ids: string[] = [];
  for (const name of ['x-vss-e2eid', 'x-msedge-ref']) {
    const raw = response.headers[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    // Printed only when it looks like an id (Azure Front Door's `Ref A: … Ref B: … Ref C: …` has spaces).
    if (value && /^[\w .:=+/-]{1,300}$/.test(value)) ids.push(`${name} ${value}`);
  }
  return ids.length === 0 ? '' : ` (${ids.join(', ')})`;
}

/** Retry-After in seconds, capped: a busy endpoint is asked again when it says, within reason. */
function retryAfter(response: HttpResponse): number | undefined {
  const raw = response.headers['retry-after'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
}
