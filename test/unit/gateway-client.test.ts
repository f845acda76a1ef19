// The gateway client's request loop over a scripted transport: which failures are retried, the
// token refreshed once on a 401, cancellation, and hints that name the input to change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clientWaitMs,
  FIRST_ANSWER_TIMEOUT_MS,
  FIRST_CONTACT_ATTEMPTS,
  GatewayClient,
  type GatewayClientOptions,
  type GatewayRequest
} from '../../src/cluster/gateway-client.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/cluster/retry-policy.js';
import { CancelledError, ImageStoreError } from '../../src/cluster/errors.js';
import { isRetryable } from '../../src/cluster/retry-policy.js';
import { Semaphore } from '../../src/util/concurrency.js';
import { fabricError, FakeTransport, type ScriptedAnswer } from './fakes/fake-transport.js';

const GET: GatewayRequest = { method: 'GET', path: '/ImageStore/App', accept: [200] };

function gateway(transport: FakeTransport, options: Partial<GatewayClientOptions> = {}): GatewayClient {
  return new GatewayClient(transport.asTransport(), {
    endpoint: 'https://cluster.test:19080',
    apiVersion: '6.0',
    timeoutSeconds: 60,
    retries: 4,
    limiter: new Semaphore(4),
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
    ...options
  });
}

const script = (...answers: ScriptedAnswer[]) => new FakeTransport((_r, i) => answers[Math.min(i, answers.length - 1)]!);

describe('retry classification', () => {
  for (const status of [429, 500, 502, 503, 504]) it(`retries HTTP ${status}`, () => assert.ok(isRetryable({ status })));
  for (const status of [400, 401, 403, 404, 409, 413]) it(`does not retry HTTP ${status}`, () => assert.ok(!isRetryable({ status })));
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']) it(`retries ${code}`, () => assert.ok(isRetryable({ networkCode: code })));
  for (const [code, message] of [
    ['EPROTO', 'ssl3_get_record:wrong version number'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', ''],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', ''],
    ['CERT_HAS_EXPIRED', ''],
    ['ENOTFOUND', '']
  ]) {
    it(`does not retry ${code}`, () => assert.ok(!isRetryable({ networkCode: code, networkMessage: message })));
  }
});

describe('the request loop', () => {
  it('retries transient failures and returns the answer', async () => {
    const t = script({ network: 'ECONNRESET' }, fabricError(503, 'FABRIC_E_SERVICE_TOO_BUSY'), { status: 200, body: {} });
    const lines: string[] = [];
    const res = await gateway(t, { onRetry: l => lines.push(l) }).call({ operation: 'list', storePath: 'App' }, GET);
    assert.equal(res.status, 200);
    assert.equal(t.requests.length, 3);
    assert.match(lines[0] ?? '', /Attempt 1 of 4 to list 'App' failed \(ECONNRESET\)/);
    assert.match(lines[1] ?? '', /HTTP 503 FABRIC_E_SERVICE_TOO_BUSY/);
  });

  it('gives up after the last attempt with the count in the message', async () => {
    const t = script(fabricError(503, 'FABRIC_E_SERVICE_TOO_BUSY'));
    await assert.rejects(gateway(t).call({ operation: 'list' }, GET), /after 4 attempts.*raise 'retries' and 'timeout'/);
    assert.equal(t.requests.length, 4);
  });

  it('fails at once on an answer that is not transient', async () => {
    const t = script(fabricError(400, 'E_INVALIDARG', 'api-version 9.0 is not supported here: this route takes 6.0 to 6.5'));
    await assert.rejects(gateway(t, { apiVersion: '9.0' }).call({ operation: 'list' }, GET), (err: Error) => {
      assert.ok(err instanceof ImageStoreError);
      assert.match(err.message, /lower 'api-version'/);
      return true;
    });
    assert.equal(t.requests.length, 1);
  });

  it('does not retry https:// against a plain-HTTP port, and says to use http://', async () => {
    const t = script({ network: 'EPROTO', message: 'write EPROTO ...:ssl3_get_record:wrong version number' });
    await assert.rejects(gateway(t).call({ operation: 'list' }, GET), /does not speak TLS: use an http:\/\/ 'cluster-endpoint'/);
    assert.equal(t.requests.length, 1);
  });

  it('does not retry http:// against a TLS port, and says to use https://', async () => {
    const t = script({ network: 'ECONNRESET', message: 'socket hang up' });
    t.tlsPort = true;
    await assert.rejects(gateway(t, { endpoint: 'http://cluster.test:19080' }).call({ operation: 'list' }, GET), /answers over TLS: use an https:\/\//);
    assert.equal(t.requests.length, 1);
  });

  it('keeps retrying a reset on http:// when the port does not speak TLS', async () => {
    const t = script({ network: 'ECONNRESET' }, { status: 200 });
    const res = await gateway(t, { endpoint: 'http://cluster.test:19080' }).call({ operation: 'list' }, GET);
    assert.equal(res.status, 200);
  });

  it('says to set client-certificate when the handshake demands one', async () => {
    const t = script({ network: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'tlsv13 alert certificate required' });
    await assert.rejects(gateway(t).call({ operation: 'list' }, GET), /requires a client certificate: give .* in 'client-certificate'/);
    assert.equal(t.requests.length, 1);
  });

  it('stops at once when cancelled during a backoff', async () => {
    const controller = new AbortController();
    const t = new FakeTransport(() => {
      controller.abort();
      return fabricError(503, 'FABRIC_E_SERVICE_TOO_BUSY');
    });
    await assert.rejects(
      gateway(t, { signal: controller.signal, backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000 } }).call({ operation: 'list' }, GET),
      CancelledError
    );
    assert.equal(t.requests.length, 1);
  });
});

describe('a gateway that never answers', () => {
  it('waits the short first-answer deadline until the gateway has answered once, then the timeout input', async () => {
    const t = script({ network: 'ETIMEDOUT' }, { status: 200 }, { status: 200 });
    const g = gateway(t, { timeoutSeconds: 60 });
    await g.call({ operation: 'list' }, GET);
    await g.call({ operation: 'upload file' }, GET);
    assert.deepEqual(
      t.requests.map(r => r.timeoutMs),
      [FIRST_ANSWER_TIMEOUT_MS, FIRST_ANSWER_TIMEOUT_MS, clientWaitMs(60)]
    );
  });

  it('gives up after three unanswered attempts with a message about the network path, not the timeout', async () => {
    const t = script({ network: 'ETIMEDOUT', message: 'no answer within 10 s' });
    await assert.rejects(gateway(t, { retries: 5 }).call({ operation: 'list', storePath: 'App' }, GET), (err: Error) => {
      assert.match(err.message, /port 19080 is open/);
      assert.match(err.message, /NSG and firewall rules/);
      assert.match(err.message, /'cluster-endpoint' is the cluster's HTTP gateway endpoint/);
      assert.match(err.message, /Raising 'timeout' will not help/);
      return true;
    });
    assert.equal(t.requests.length, FIRST_CONTACT_ATTEMPTS);
  });

  it('keeps every retry for a gateway that has answered before', async () => {
    const t = script({ status: 200 }, { network: 'ETIMEDOUT' });
    const g = gateway(t, { retries: 5 });
    await g.call({ operation: 'list' }, GET);
    await assert.rejects(g.call({ operation: 'upload file' }, GET), /after 5 attempts.*raise 'timeout'/);
    assert.equal(t.requests.length, 6);
  });

  it('fails within a minute with the default inputs (timeout 60, retries 5)', () => {
    const worstBackoff = (attempt: number) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 1);
    let total = 0;
    for (let attempt = 1; attempt <= FIRST_CONTACT_ATTEMPTS; attempt++) {
      total += Math.min(FIRST_ANSWER_TIMEOUT_MS, clientWaitMs(60));
      if (attempt < FIRST_CONTACT_ATTEMPTS) total += worstBackoff(attempt);
    }
    assert.ok(total < 60_000, `${total} ms`);
  });
});

describe('Azure AD tokens', () => {
  const tokenSource = () => {
    let n = 1;
    const asked: boolean[] = [];
    return {
      asked,
      token: async (refresh = false) => {
        asked.push(refresh);
        if (refresh) n++;
        return `token-${n}`;
      }
    };
  };

  it('gets a new token once on a 401 and sends the request again with it', async () => {
    const tokens = tokenSource();
    const t = new FakeTransport(r => (r.headers?.Authorization === 'Bearer token-2' ? { status: 200 } : { status: 401 }));
    const res = await gateway(t, { tokens, credentials: { certificate: false, token: true } }).call({ operation: 'list' }, GET);
    assert.equal(res.status, 200);
    assert.deepEqual(tokens.asked, [false, true, false]);
    assert.equal(t.requests.length, 2);
  });

  it('refreshes only once, then fails with the 401', async () => {
    const tokens = tokenSource();
    const t = script({ status: 401 });
    await assert.rejects(
      gateway(t, { tokens, credentials: { certificate: false, token: true } }).call({ operation: 'list' }, GET),
      /HTTP 401 .*refused the client certificate or token/
    );
    assert.equal(t.requests.length, 2);
  });

  it('sends no token on anonymous routes', async () => {
    const tokens = tokenSource();
    const t = script({ status: 200 });
    await gateway(t, { tokens }).call({ operation: 'get AAD metadata' }, { ...GET, anonymous: true });
    assert.equal(t.requests[0]?.headers?.Authorization, undefined);
    assert.deepEqual(tokens.asked, []);
  });
});
