// GitHub's OIDC token: the action's federated credential for a service principal without a secret.
import * as core from '@actions/core';
import { AadConfigurationError } from '../cluster/auth/aad-token.js';
import { Input } from './inputs.js';

/** The audience Azure AD expects of a federated GitHub token. */
const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export async function githubOidcToken(): Promise<string> {
  try {
    return await core.getIDToken(GITHUB_OIDC_AUDIENCE);
  } catch (err) {
    throw new AadConfigurationError(
      `No '${Input.AzureClientSecret}' was given, and GitHub's OIDC token could not be had (${(err as Error).message}): give the job 'permissions: id-token: write', or set '${Input.AzureClientSecret}'.`
    );
  }
}
