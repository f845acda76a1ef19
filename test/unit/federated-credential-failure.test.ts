// When the front door's federated credential cannot be had (GitHub's OIDC token, the Azure Pipelines
// job's token), its own sentence reaches the user as it is: msal asks for the assertion, the front
// door explains; Azure AD's advice about the principal would point at the wrong thing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { AadConfigurationError, servicePrincipalToken } from '../../src/cluster/auth/aad-token.js';
import { SILENT_REPORTER } from '../../src/util/reporter.js';
import { settingNames } from '../../src/util/settings.js';

const LOGIN = 'https://login.example.test';
const TENANT = '72f988bf-0000-4000-8000-0000000000aa';

/** An authority that answers its metadata; a token request would fail the test. */
function authority(): { network: INetworkModule; tokenRequests: number } {
  const state = { tokenRequests: 0 };
  const base = `${LOGIN}/${TENANT}`;
  const reply = <T>(body: unknown): NetworkResponse<T> => ({ status: 200, headers: {}, body: body as T });
  const network: INetworkModule = {
    sendGetRequestAsync: async <T>() =>
      reply<T>({
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`
      }),
    sendPostRequestAsync: async <T>() => {
      state.tokenRequests++;
      return reply<T>({ token_type: 'Bearer', expires_in: 3599, access_token: 'never' });
    }
  };
  return {
    network,
    get tokenRequests() {
      return state.tokenRequests;
    }
  };
}

test("a federated credential that cannot be had fails with the front door's sentence, not wrapped in Azure AD's", async () => {
  const sentence = 'Azure Pipelines answered the request for the OIDC token of service connection x with HTTP 401: map SYSTEM_ACCESSTOKEN.';
  const rig = authority();
  const tokens = await servicePrincipalToken(
    {
      serverThumbprints: [],
      insecureSkipTlsVerify: false,
      azureClientId: '11111111-0000-4000-8000-0000000000bb',
      azureTenantId: TENANT,
      federatedToken: () => Promise.reject(new AadConfigurationError(sentence))
    },
    { cluster: 'https://management.azure.com', login: LOGIN },
    rig.network,
    { reporter: SILENT_REPORTER, names: settingNames(n => `--${n}`) }
  );
  await assert.rejects(tokens.token(), (e: Error) => e instanceof AadConfigurationError && e.message === sentence);
  assert.equal(rig.tokenRequests, 0, 'Azure AD was asked without an assertion');
});
