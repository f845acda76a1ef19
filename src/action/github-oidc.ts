// GitHub's OIDC token: the action's federated credential for a service principal without a secret.
import * as core from '@actions/core';
import { AadConfigurationError } from '../cluster/auth/aad-token.js';
import { Input } from './inputs.js';

/** The audience Azure AD expects of a federated GitHub token. */
const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';

/** A token is asked for again this long before its `exp`, or this long after it came when it has none. */
const REUSE_MARGIN_MS = 60_000;

/**
 * One federated token for the whole run: every Azure AD token (cluster, Storage, ARM) is exchanged
 * for it, and msal asks for the assertion on each acquisition. Asked for again near its expiry only.
 */
export function githubOidcTokenSource(
  fetchToken: (audience: string) => Promise<string> = audience => core.getIDToken(audience),
  now: () => number = Date.now
): () => Promise<string> {
  let cached: { token: string; reuseUntil: number } | undefined;
  return async () => {
    if (cached !== undefined && now() < cached.reuseUntil) return cached.token;
    let token: string;
    try {
      token = await fetchToken(GITHUB_OIDC_AUDIENCE);
    } catch (err) {
      throw new AadConfigurationError(
        `No '${Input.AzureClientSecret}' was given, and GitHub's OIDC token could not be had (${(err as Error).message}): give the job 'permissions: id-token: write', or set '${Input.AzureClientSecret}'.`
      );
    }
    const expiresAt = jwtExpiry(token);
    cached = { token, reuseUntil: expiresAt === undefined ? now() + REUSE_MARGIN_MS : expiresAt - REUSE_MARGIN_MS };
    return token;
  };
}

/** The `exp` of a JWT in milliseconds, or undefined when it cannot be read (the token is then kept briefly). */
function jwtExpiry(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
