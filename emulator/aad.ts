// An Azure AD (Entra ID) stand-in for a cluster secured with AAD: the cluster's anonymous AAD
// metadata, an authority (OpenID configuration and token endpoint) served by the emulator itself,
// and the check that every Image Store request carries a token it issued.
import { randomBytes } from 'node:crypto';
import type { AadMetadataObject } from '../src/protocol/models.js';

export interface AadOptions {
  tenantId?: string;
  /** The cluster application: tokens are issued for scope `<id>/.default`. */
  clusterApplicationId?: string;
  /** The cluster's client application (used by interactive tools; served in the metadata). */
  clientApplicationId?: string;
  /** The service principal allowed to get tokens. */
  clientId: string;
  clientSecret?: string;
  /** A federated assertion (such as a GitHub OIDC token) accepted instead of a secret. */
  federatedToken?: string;
}

const STORAGE_RESOURCE = 'https://storage.azure.com';
/** [undoc] The emulator's ARM surface (emulator/arm/) takes tokens for the public cloud's ARM scope. */
export const ARM_RESOURCE = 'https://management.azure.com';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export class AadAuthority {
  readonly tenantId: string;
  readonly clusterApplicationId: string;
  readonly clientApplicationId: string;
  private readonly issued = new Set<string>();
  private readonly issuedForArm = new Set<string>();

  constructor(private readonly options: AadOptions) {
    this.tenantId = options.tenantId ?? '72f988bf-0000-4000-8000-00000000aad0';
    this.clusterApplicationId = options.clusterApplicationId ?? '6f4e3c2a-0000-4000-8000-0000000c1057';
    this.clientApplicationId = options.clientApplicationId ?? '9a8b7c6d-0000-4000-8000-00000000c11e';
  }

  metadata(base: string): AadMetadataObject {
    return {
      type: 'aad',
      metadata: {
        authority: `${base}/${this.tenantId}`,
        client: this.clientApplicationId,
        cluster: this.clusterApplicationId,
        login: base,
        redirect: `${base}/`,
        tenant: this.tenantId
      }
    };
  }

  /** The routes this authority serves: `/<tenant>/v2.0/.well-known/openid-configuration` and `/<tenant>/oauth2/v2.0/token`. */
  ownsPath(pathname: string): boolean {
    return pathname.startsWith(`/${this.tenantId}/`);
  }

  openIdConfiguration(base: string): Record<string, unknown> {
    const authority = `${base}/${this.tenantId}`;
    return {
      issuer: `${authority}/v2.0`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access']
    };
  }

  /** Answers a client-credentials token request: [status, body]. */
  token(form: URLSearchParams): [number, Record<string, unknown>] {
    const refuse = (error: string, description: string): [number, Record<string, unknown>] => [400, { error, error_description: description }];
    if (form.get('grant_type') !== 'client_credentials') return refuse('unsupported_grant_type', 'only client_credentials');
    if (form.get('client_id') !== this.options.clientId) return refuse('unauthorized_client', 'unknown client_id');
    const scope = form.get('scope');
    const forStorage = scope === `${STORAGE_RESOURCE}/.default`;
    const forArm = scope === `${ARM_RESOURCE}/.default`;
    if (scope !== `${this.clusterApplicationId}/.default` && !forStorage && !forArm) {
      return refuse('invalid_scope', `the scope must be ${this.clusterApplicationId}/.default, ${STORAGE_RESOURCE}/.default or ${ARM_RESOURCE}/.default`);
    }
    const secretOk = this.options.clientSecret !== undefined && form.get('client_secret') === this.options.clientSecret;
    const assertionOk =
      this.options.federatedToken !== undefined &&
      form.get('client_assertion_type') === CLIENT_ASSERTION_TYPE &&
      form.get('client_assertion') === this.options.federatedToken;
    if (!secretOk && !assertionOk) return [401, { error: 'invalid_client', error_description: 'wrong secret or assertion' }];
    if (forStorage) return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: this.storageToken() }];
    const token = this.newToken(forArm ? ARM_RESOURCE : this.clusterApplicationId);
    (forArm ? this.issuedForArm : this.issued).add(token);
    return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token }];
  }

  /** True when the Authorization header carries a token this authority issued for the cluster. */
  accepts(authorization: string | undefined): boolean {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    return m?.[1] !== undefined && this.issued.has(m[1]);
  }

  /** True when the Authorization header carries a token this authority issued for ARM (not the cluster's). */
  acceptsForArm(authorization: string | undefined): boolean {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    return m?.[1] !== undefined && this.issuedForArm.has(m[1]);
  }

  /**
   * [undoc] A token for Blob storage (scope https://storage.azure.com/.default), for a storage
   * emulator such as Azurite with `--oauth basic`: the audience and an `sts.windows.net` issuer it
   * checks, and the object id a user delegation key is bound to. The cluster does not accept it.
   */
  private storageToken(): string {
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      aud: STORAGE_RESOURCE,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      tid: this.tenantId,
      oid: '0b5e7c1d-0000-4000-8000-0000000000b1',
      appid: this.options.clientId,
      iat: now,
      nbf: now - 60,
      exp: now + 3599
    };
    return `${part({ typ: 'JWT', alg: 'none' })}.${part(payload)}.${randomBytes(24).toString('base64url')}`;
  }

  private newToken(audience: string): string {
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const header = part({ typ: 'JWT', alg: 'none' });
    const payload = part({ aud: audience, tid: this.tenantId, appid: this.options.clientId, iat: now, exp: now + 3599 });
    return `${header}.${payload}.${randomBytes(24).toString('base64url')}`;
  }
}
