// The CLI's federated credential: a JWT the CI system issued for this job (GitLab `id_tokens`, Azure
// Pipelines workload identity, a Kubernetes service account), given as a value or a file. It is the
// client assertion of the service principal, where the action uses GitHub's OIDC token.
import { readFileSync } from 'node:fs';
import type { FederatedCredentialNames } from '../cluster/cluster-target.js';
import { maskSecret, type Reporter } from '../util/reporter.js';
import { FEDERATED_TOKEN, FEDERATED_TOKEN_FILE, SERVICE_CONNECTION, UsageError } from './args.js';
/** The variable Azure's workload identity sets (as azure-identity reads it): a fallback for the file. */
export const WORKLOAD_IDENTITY_FILE_VARIABLE = 'AZURE_FEDERATED_TOKEN_FILE';

/** How messages name the federated token given as a value or a file. */
export const FEDERATED_TOKEN_CREDENTIAL: FederatedCredentialNames = {
  name: `'--${FEDERATED_TOKEN}[-file]'`,
  howToGive: `the job's federated token in '--${FEDERATED_TOKEN}' or '--${FEDERATED_TOKEN_FILE}'`,
  check: `the service principal's federated credential (its issuer and subject must match the token of '--${FEDERATED_TOKEN}' or '--${FEDERATED_TOKEN_FILE}', its audience 'api://AzureADTokenExchange'), and that the token has not expired`
};

/** How advice names every federated credential of the CLI, when none was given. */
export const CLI_FEDERATED_CREDENTIAL: FederatedCredentialNames = {
  name: `${FEDERATED_TOKEN_CREDENTIAL.name} or '--${SERVICE_CONNECTION}'`,
  howToGive: `${FEDERATED_TOKEN_CREDENTIAL.howToGive}, or on Azure Pipelines '--${SERVICE_CONNECTION}'`,
  check: "the service principal's federated credential"
};

export interface FederatedTokenSetting {
  /** The token as given, or undefined. */
  token: string | undefined;
  /** The file as given (or from AZURE_FEDERATED_TOKEN_FILE), or undefined. */
  file: string | undefined;
  /** Where the file came from, for messages. */
  fileFrom: string;
}

/**
 * The client assertion for msal: the token given, or the file read again at each request (a
 * workload identity's file is rotated while the job runs). Checked offline first: a value that is
 * not a JWT, or one that has expired, is bad input (exit 2).
 */
export function federatedTokenSource(setting: FederatedTokenSetting, reporter: Pick<Reporter, 'setSecret'>, now = Date.now()): () => Promise<string> {
  if (setting.token !== undefined) {
    maskSecret(reporter, setting.token);
    checkJwt(setting.token.trim(), `'--${FEDERATED_TOKEN}'`, now);
    const token = setting.token.trim();
    return async () => token;
  }
  const file = setting.file!;
  const read = (): string => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new UsageError(
        `${setting.fileFrom} names '${file}', which could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give the file the CI system wrote the job's token to.`
      );
    }
    maskSecret(reporter, text);
    return text;
  };
  checkJwt(read(), `The token in '${file}' (${setting.fileFrom})`, now);
  return async () => read();
}

/** A JWT: three base64url parts, a JSON header and payload; `exp`, when present, not past. */
function checkJwt(token: string, what: string, now: number): void {
  const parts = token.split('.');
  const json = (part: string | undefined): Record<string, unknown> | undefined => {
    if (part === undefined || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
    try {
      const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const header = json(parts[0]);
  const payload = json(parts[1]);
  if (parts.length !== 3 || header === undefined || payload === undefined) {
    throw new UsageError(
      `${what} is not a JWT (three base64url parts, header.payload.signature): give the ID token the CI system issued for this job, with audience 'api://AzureADTokenExchange'.`
    );
  }
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= now) {
    throw new UsageError(`${what} expired at ${new Date(payload.exp * 1000).toISOString()}: the CI system issues a new token for each job; give this job's.`);
  }
}

/** The `exp` of a JWT in milliseconds, or undefined when it cannot be read. */
export function jwtExpiry(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
