import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { githubOidcTokenSource } from '../../src/action/github-oidc.js';
import { AadConfigurationError } from '../../src/cluster/auth/aad-token.js';

const jwt = (claims: object) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('GitHub OIDC token source', () => {
  it('asks the runner once while the token is valid, and again a minute before it expires', async () => {
    let clock = 1_000_000;
    const asked: string[] = [];
    const source = githubOidcTokenSource(
      async audience => {
        asked.push(audience);
        return jwt({ exp: Math.floor(clock / 1000) + 300, n: asked.length });
      },
      () => clock
    );
    const first = await source();
    assert.equal(await source(), first);
    clock += 230_000;
    assert.equal(await source(), first);
    clock += 20_000; // 250 s: within a minute of exp
    assert.notEqual(await source(), first);
    assert.deepEqual(asked, ['api://AzureADTokenExchange', 'api://AzureADTokenExchange']);
  });

  it('keeps a token without a readable exp for a minute only', async () => {
    let clock = 0;
    let count = 0;
    const source = githubOidcTokenSource(
      async () => `opaque-${++count}`,
      () => clock
    );
    assert.equal(await source(), 'opaque-1');
    clock += 59_000;
    assert.equal(await source(), 'opaque-1');
    clock += 2_000;
    assert.equal(await source(), 'opaque-2');
  });

  it('says what to do when the runner gives no token, and asks again next time', async () => {
    let fail = true;
    const source = githubOidcTokenSource(async () => {
      if (fail) throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      return jwt({ exp: 9_999_999_999 });
    });
    await assert.rejects(source(), (err: Error) => err instanceof AadConfigurationError && /id-token: write/.test(err.message));
    fail = false;
    assert.match(await source(), /\.sig$/);
  });
});
