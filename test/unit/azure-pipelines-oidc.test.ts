// The CLI's Azure Pipelines OIDC credential, decisions the end-to-end run does not each reach: the
// variables it needs (exit 2 before any request), one federated credential at most, the request
// as azure-identity's AzurePipelinesCredential makes it, the token cached until a minute before its
// `exp`, answers without `oidcToken`, refusals explained and not retried, busy answers retried.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../scripts/runner.js';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import {
  azurePipelinesOidcTokenSource,
  OIDC_ATTEMPTS,
  readAzurePipelinesOidc,
  readOidcAnswer,
  type AzurePipelinesOidcRequest
} from '../../src/cli/azure-pipelines-oidc.js';
import { helpText } from '../../src/cli/help.js';
import { main } from '../../src/cli/main.js';
import type { HttpRequest, HttpResponse } from '../../src/cluster/transport.js';
import { NetworkError } from '../../src/cluster/transport.js';

const CONNECTION = '5f0c8a53-1d2e-4b6a-9c3f-0123456789ab';
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.job-access-token.sig';
const OIDC_URI = 'https://dev.azure.com/contoso/0a1b2c3d/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken';
const ENV = { SYSTEM_OIDCREQUESTURI: OIDC_URI, SYSTEM_ACCESSTOKEN: ACCESS_TOKEN };

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

/** A stand-in endpoint: answers in order (the last one again), and keeps every request. */
function endpoint(...answers: (HttpResponse | Error)[]) {
  const requests: HttpRequest[] = [];
  const send = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    const next = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    if (next instanceof Error) throw next;
    return next;
  };
  return { requests, send };
}

function recorder() {
  const secrets: string[] = [];
  const lines: string[] = [];
  return { secrets, lines, reporter: { setSecret: (v: string) => secrets.push(v), info: (l: string) => lines.push(l), debug: (l: string) => lines.push(l) } };
}

const request = (): AzurePipelinesOidcRequest => readAzurePipelinesOidc(CONNECTION, ENV);
const noSleep = { sleep: async () => undefined, random: () => 0.5 };

test('the request: SYSTEM_OIDCREQUESTURI with api-version 7.1 and the service connection id; the variables checked offline', () => {
  const url = new URL(request().url);
  assert.equal(url.origin + url.pathname, OIDC_URI);
  assert.equal(url.searchParams.get('api-version'), '7.1');
  assert.equal(url.searchParams.get('serviceConnectionId'), CONNECTION);
  const refused = (id: string, env: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => readAzurePipelinesOidc(id, env),
      (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes(ACCESS_TOKEN)
    );
  refused(CONNECTION, { SYSTEM_ACCESSTOKEN: ACCESS_TOKEN }, /SYSTEM_OIDCREQUESTURI is not set: run it in an Azure Pipelines job/);
  refused(CONNECTION, { ...ENV, SYSTEM_OIDCREQUESTURI: 'http://dev.azure.com/contoso/oidctoken' }, /must be an https:\/\/ URL/);
  refused(CONNECTION, { ...ENV, SYSTEM_OIDCREQUESTURI: 'https://user:pw@dev.azure.com/x' }, /without credentials/);
  refused(CONNECTION, { ...ENV, SYSTEM_OIDCREQUESTURI: 'not a url' }, /SYSTEM_OIDCREQUESTURI is not a URL/);
  refused(
    CONNECTION,
    { SYSTEM_OIDCREQUESTURI: OIDC_URI },
    /needs the job's access token in SYSTEM_ACCESSTOKEN.*'env: SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)'/
  );
  refused(CONNECTION, { ...ENV, SYSTEM_ACCESSTOKEN: '$(System.AccessToken)' }, /a macro that was not expanded: map it in the step/);
  refused('my-arm-connection', ENV, /give the service connection's id, a GUID .*not its name/);
});

async function runMain(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    env,
    streams: { stdout: t => (stdout += t), stderr: t => (stderr += t), stderrIsTTY: false },
    signal: new AbortController().signal
  });
  return { code, stdout, stderr };
}

const RELEASE = ['release', '--cluster-endpoint', 'https://cluster.example:19080', '--package-path', 'sample/VotingApp', '--application-name', 'fabric:/X'];
const PRINCIPAL = ['--azure-client-id', '11111111-0000-4000-8000-000000000002', '--azure-tenant-id', 'tenant'];

test('the CLI: one credential at most, the service connection needs a principal and the job variables (exit 2)', async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [
      [...RELEASE, ...PRINCIPAL, '--azure-client-secret', 'secret-value-1'],
      { ...ENV, SFU_AZURE_PIPELINES_SERVICE_CONNECTION: CONNECTION },
      /Give one credential for '--azure-client-id': '--azure-client-secret' or '--azure-pipelines-service-connection', not both/
    ],
    [
      [...RELEASE, ...PRINCIPAL, '--azure-pipelines-service-connection', CONNECTION],
      { ...ENV, SFU_AZURE_FEDERATED_TOKEN: jwt({}) },
      /Give one of '--azure-federated-token' or '--azure-pipelines-service-connection'/
    ],
    [
      [...RELEASE, ...PRINCIPAL, '--azure-pipelines-service-connection', CONNECTION, '--azure-federated-token-file', '/tmp/t'],
      ENV,
      /Give one of '--azure-federated-token-file' or '--azure-pipelines-service-connection'/
    ],
    [
      [...RELEASE, '--azure-pipelines-service-connection', CONNECTION],
      ENV,
      /'--azure-pipelines-service-connection' is the credential of a service principal: give '--azure-client-id'/
    ],
    [
      [...RELEASE, ...PRINCIPAL, '--azure-pipelines-service-connection', CONNECTION],
      { SYSTEM_OIDCREQUESTURI: OIDC_URI, TF_BUILD: 'True' },
      /SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)/
    ],
    [[...RELEASE, ...PRINCIPAL], {}, /or on Azure Pipelines '--azure-pipelines-service-connection' \(SFU_AZURE_PIPELINES_SERVICE_CONNECTION\)/]
  ];
  for (const [argv, env, message] of cases) {
    const run = await runMain(argv, env);
    assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(JSON.parse(run.stdout).error, message);
    const printed = run.stdout + run.stderr.replace(/^##vso\[task\.setsecret\].*$/gm, '');
    assert.ok(!printed.includes(ACCESS_TOKEN), 'the access token was printed');
  }
  assert.match(helpText('upload'), /--azure-pipelines-service-connection +SFU_AZURE_PIPELINES_SERVICE_CONNECTION/);
});

test('the token is asked for lazily, as azure-identity asks it, masked, and reused until a minute before its exp', async () => {
  let clock = 1_000_000_000_000;
  const first = jwt({ n: 1, exp: clock / 1000 + 600 });
  const second = jwt({ n: 2, exp: clock / 1000 + 1800 });
  const stub = endpoint(answer(200, { oidcToken: first }), answer(200, { oidcToken: second }));
  const { secrets, reporter } = recorder();
  const source = azurePipelinesOidcTokenSource(request(), reporter, { send: stub.send, now: () => clock });
  assert.equal(stub.requests.length, 0, 'asked before the first Azure AD token request');
  assert.ok(secrets.includes(ACCESS_TOKEN), 'the access token is not masked');
  // Two acquisitions at once (Storage and ARM): one request.
  assert.deepEqual(await Promise.all([source(), source()]), [first, first]);
  const [req] = stub.requests;
  assert.equal(req!.method, 'POST');
  assert.equal(req!.url, request().url);
  assert.deepEqual(Object.fromEntries(Object.entries(req!.headers!).map(([k, v]) => [k.toLowerCase(), v])), {
    authorization: `Bearer ${ACCESS_TOKEN}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'x-tfs-fedauthredirect': 'Suppress'
  });
  assert.ok(secrets.includes(first), 'the OIDC token is not masked');
  clock += 539_000;
  assert.equal(await source(), first);
  assert.equal(stub.requests.length, 1);
  clock += 1_000; // 60 s before its exp
  assert.equal(await source(), second);
  assert.equal(stub.requests.length, 2);
  assert.ok(secrets.includes(second));
});

test('a token without exp is kept a minute; a failed request is asked again at the next call', async () => {
  let clock = 0;
  const stub = endpoint(answer(401, ''), answer(200, { oidcToken: 'opaque-token-value' }));
  const source = azurePipelinesOidcTokenSource(request(), recorder().reporter, { send: stub.send, now: () => clock, ...noSleep });
  await assert.rejects(source(), /HTTP 401/);
  assert.equal(await source(), 'opaque-token-value');
  clock += 59_999;
  assert.equal(await source(), 'opaque-token-value');
  clock += 1;
  await source();
  assert.equal(stub.requests.length, 3);
});

test('an answer without oidcToken: a specific message with the two support ids, nothing else of the exchange', () => {
  const ref = 'Ref A: 8B1C0F2E Ref B: AMS231032608023 Ref C: 2026-12-07T19:40:01Z';
  const ids = { 'x-vss-e2eid': 'e2e-1234', 'x-msedge-ref': ref, 'x-other': 'leak-me' };
  const ok = readOidcAnswer(answer(200, { something: 'else' }, ids), CONNECTION);
  assert.ok(!('token' in ok) && !ok.retry);
  assert.match(ok.message, /with HTTP 200: no 'oidcToken' in its answer/);
  assert.ok(ok.message.endsWith(`(x-vss-e2eid e2e-1234, x-msedge-ref ${ref})`), ok.message);
  assert.ok(!ok.message.includes('leak-me'));
  const odd = { 'x-vss-e2eid': 'e2e-1234', 'x-msedge-ref': 'line\r\n##vso[task.setvariable variable=x]y' };
  const empty = readOidcAnswer(answer(200, '', odd), CONNECTION);
  assert.ok(!('token' in empty));
  assert.match(empty.message, /HTTP 200 and an empty body: .*\(x-vss-e2eid e2e-1234\)$/, 'a header that is not an id was printed');
  const signIn = readOidcAnswer(answer(203, '<html>Sign in</html>'), CONNECTION);
  assert.ok(!('token' in signIn) && !signIn.retry);
  assert.match(
    signIn.message,
    /HTTP 203 and a body that is not JSON: a sign-in page, not a token: the job's access token in SYSTEM_ACCESSTOKEN was not accepted/
  );
  assert.ok(!signIn.message.includes('<html>'));
  const errorToken = readOidcAnswer(answer(500, { oidcToken: 'x' }), CONNECTION);
  assert.ok(!('token' in errorToken) && errorToken.retry, 'a token in a failed answer is not taken');
});

test('401, 403, 404 and a redirect are explained and not retried; the access token is never in the message', async () => {
  const cases: [HttpResponse, RegExp][] = [
    [
      answer(401, ''),
      /HTTP 401 and an empty body: the job's access token in SYSTEM_ACCESSTOKEN was not accepted: map it in the step: 'env: SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)'/
    ],
    [
      answer(403, { message: 'TF400813: The user is not authorized to access this resource.\nmore' }),
      /HTTP 403 \("TF400813: The user is not authorized to access this resource\."\): the job's access token lacks the right to use this service connection, or the id is wrong: .*Pipeline permissions/
    ],
    [
      answer(404, { message: 'Service connection not found.' }),
      /HTTP 404 .*: the service connection is not known to this job: check that 5f0c8a53-.* is the id of an Azure Resource Manager service connection/
    ],
    [answer(302, '', { location: 'https://login.example/' }), /HTTP 302 .*a redirect \(not followed: it would carry the access token elsewhere\)/]
  ];
  for (const [response, message] of cases) {
    const stub = endpoint(response, answer(200, { oidcToken: 'never-reached' }));
    const source = azurePipelinesOidcTokenSource(request(), recorder().reporter, { send: stub.send, ...noSleep });
    await assert.rejects(source(), (e: Error) => message.test(e.message) && !e.message.includes(ACCESS_TOKEN) && !/attempts/.test(e.message));
    assert.equal(stub.requests.length, 1, `HTTP ${response.status} was asked again`);
  }
});

test('busy answers and dropped connections are asked again with backoff (Retry-After heeded), a few times', async () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  const { lines, reporter } = recorder();
  const stub = endpoint(
    answer(503, ''),
    new NetworkError('socket hang up', 'ECONNRESET'),
    answer(429, '', { 'retry-after': '7' }),
    answer(200, { oidcToken: 'third-time' })
  );
  const source = azurePipelinesOidcTokenSource(request(), reporter, { send: stub.send, sleep, random: () => 0 });
  assert.equal(await source(), 'third-time');
  assert.equal(stub.requests.length, 4);
  assert.deepEqual(waits, [250, 500, 7000]);
  assert.ok(
    lines.some(l => /answered HTTP 503: asking again in 0\.3 s \(attempt 2 of 4\)/.test(l)),
    lines.join('\n')
  );

  const down = endpoint(answer(500, { message: 'Internal error' }, { 'x-vss-e2eid': 'abc' }));
  const failing = azurePipelinesOidcTokenSource(request(), recorder().reporter, { send: down.send, ...noSleep });
  await assert.rejects(failing(), /HTTP 500 \("Internal error"\): it is busy or failing; run the job again later \(x-vss-e2eid abc\) \(after 4 attempts\)/);
  assert.equal(down.requests.length, OIDC_ATTEMPTS);

  const tls = endpoint(new NetworkError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'));
  const untrusted = azurePipelinesOidcTokenSource(request(), recorder().reporter, { send: tls.send, ...noSleep });
  await assert.rejects(untrusted(), /could not be reached .*unable to verify the first certificate; check the agent's network, proxy/);
  assert.equal(tls.requests.length, 1, 'a TLS failure was asked again');
});

test("docs/cli.md's Azure Pipelines step: the flag, SYSTEM_ACCESSTOKEN mapped, only known settings", async () => {
  const markdown = await readFile(path.join(PROJECT_ROOT, 'docs', 'cli.md'), 'utf8');
  const steps = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .filter(m => m[1]!.includes('--azure-pipelines-service-connection'))
    .flatMap(m => parse(m[1]!) as { script?: string; env?: Record<string, string> }[]);
  const step = steps.find(s => s.script?.includes('npx service-fabric-upload'));
  assert.ok(step?.env, 'docs/cli.md has no Azure Pipelines step with --azure-pipelines-service-connection');
  assert.equal(step.env.SYSTEM_ACCESSTOKEN, '$(System.AccessToken)');
  // The script's flags, with the pipeline's macros as plain values, are the CLI's.
  const argv = step
    .script!.replace(/\$\([\w.]+\)/g, 'x')
    .trim()
    .split(/\s+/)
    .slice(2);
  const args = parseArgs(argv);
  assert.equal(args.command, 'release');
  assert.ok(args.flags.has('azure-pipelines-service-connection'));
  for (const name of Object.keys(step.env).filter(n => n.startsWith('SFU_'))) {
    assert.ok(parseArgs([`--${name.slice(4).toLowerCase().replace(/_/g, '-')}=x`]).flags.size === 1, `${name} is no setting`);
  }
});
