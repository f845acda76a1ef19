// The CLI's Azure decisions that end-to-end runs do not each reach: the federated token (a value or
// a file, checked offline, the file read again at each request), which credential a service
// principal gets, the Blob and ARM flags as release settings, and `changed-packages` as an output.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { CLI_FEDERATED_CREDENTIAL, federatedTokenSource } from '../../src/cli/federated-token.js';
import { hintFor } from '../../src/cluster/hints.js';
import { helpText } from '../../src/cli/help.js';
import { main } from '../../src/cli/main.js';
import { parsePlan } from '../../src/cli/plan-file.js';
import { versionOutputs } from '../../src/core/outputs.js';
import { settingNames } from '../../src/util/settings.js';

/** An unsigned JWT with these claims (the emulator compares the assertion as text). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

const FUTURE = Math.floor(Date.now() / 1000) + 3600;

async function runMain(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
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

test('federated token: a JWT is the assertion, masked; not a JWT or expired is bad input', async () => {
  const masked: string[] = [];
  const token = jwt({ aud: 'api://AzureADTokenExchange', exp: FUTURE });
  const source = federatedTokenSource({ token: `${token}\n`, file: undefined, fileFrom: '' }, { setSecret: v => masked.push(v) });
  assert.equal(await source(), token);
  assert.ok(masked.includes(`${token}\n`) || masked.includes(token));
  assert.throws(
    () => federatedTokenSource({ token: 'not-a-token', file: undefined, fileFrom: '' }, { setSecret: () => undefined }),
    (e: Error) => e instanceof UsageError && /'--azure-federated-token' is not a JWT/.test(e.message)
  );
  assert.throws(
    () => federatedTokenSource({ token: jwt({ exp: 1_700_000_000 }), file: undefined, fileFrom: '' }, { setSecret: () => undefined }),
    /expired at 2023-11-14T22:13:20\.000Z/
  );
});

test('federated token file: read again at each request (rotated), masked; a missing file is bad input', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sfu-federated-'));
  const file = path.join(dir, 'token');
  const first = jwt({ n: 1, exp: FUTURE });
  const second = jwt({ n: 2, exp: FUTURE });
  await writeFile(file, first);
  const masked: string[] = [];
  const source = federatedTokenSource({ token: undefined, file, fileFrom: 'AZURE_FEDERATED_TOKEN_FILE' }, { setSecret: v => masked.push(v) });
  assert.equal(await source(), first);
  await writeFile(file, second);
  assert.equal(await source(), second);
  assert.ok(masked.includes(first) && masked.includes(second), 'each token read was masked');
  assert.throws(
    () =>
      federatedTokenSource({ token: undefined, file: path.join(dir, 'missing'), fileFrom: "'--azure-federated-token-file'" }, { setSecret: () => undefined }),
    /'--azure-federated-token-file' names '.*missing', which could not be read \(ENOENT\)/
  );
});

test('a service principal without a credential is exit 2 naming the CLI flags; two credentials too', async () => {
  const none = await runMain([...RELEASE, ...PRINCIPAL]);
  assert.equal(none.code, 2, none.stderr);
  const error = JSON.parse(none.stdout).error as string;
  assert.match(error, /'--azure-client-id' needs a credential here/);
  for (const flag of [
    "'--azure-client-secret'",
    "'--azure-federated-token'",
    "'--azure-federated-token-file'",
    'SFU_AZURE_FEDERATED_TOKEN',
    'AZURE_FEDERATED_TOKEN_FILE'
  ]) {
    assert.ok(error.includes(flag), `${flag} is not named: ${error}`);
  }
  const token = jwt({ exp: FUTURE });
  const both = await runMain([...RELEASE, ...PRINCIPAL, '--azure-client-secret', 's3cret-value'], { SFU_AZURE_FEDERATED_TOKEN: token });
  assert.equal(both.code, 2);
  assert.match(both.stdout, /Give one credential for '--azure-client-id'/);
  assert.ok(!both.stdout.includes(token) && !both.stderr.includes(token), 'the token was printed');
  const alone = await runMain([...RELEASE, '--azure-federated-token', token]);
  assert.equal(alone.code, 2);
  assert.match(alone.stdout, /'--azure-federated-token' is the credential of a service principal/);
  const twoForms = await runMain([...RELEASE, ...PRINCIPAL, '--azure-federated-token', token, '--azure-federated-token-file', '/tmp/t']);
  assert.equal(twoForms.code, 2);
  assert.match(twoForms.stdout, /Give one of '--azure-federated-token' or '--azure-federated-token-file'/);
});

test('Blob and ARM flags: release settings that upload refuses; delete-blob alone means true; in help and plan files', () => {
  const args = parseArgs([
    'release',
    '--blob-container-url',
    'https://a.blob.core.windows.net/p',
    '--delete-blob',
    '--arm-endpoint=https://management.azure.com'
  ]);
  assert.equal(args.flags.get('delete-blob'), 'true');
  assert.equal(args.flags.get('arm-endpoint'), 'https://management.azure.com');
  assert.match(helpText('release'), /--blob-sas +SFU_BLOB_SAS/);
  assert.match(helpText('release'), /--azure-federated-token-file +SFU_AZURE_FEDERATED_TOKEN_FILE/);
  assert.doesNotMatch(helpText('upload'), /--blob-container-url|--managed-cluster-resource-id/);
  const [entry] = parsePlan({ applications: [{ 'package-path': '/p', 'blob-name': 'ci/App.1.sfpkg', 'delete-blob': true }] }, 'plan.json', {
    allowRelease: true
  });
  assert.equal(entry!.settings.get('blob-name'), 'ci/App.1.sfpkg');
  assert.throws(
    () => parsePlan({ applications: [{ 'blob-container-url': 'https://a.blob.core.windows.net/p' }] }, 'p.json', { allowRelease: false }),
    /release setting/
  );
  assert.throws(() => parsePlan({ applications: [{ 'azure-federated-token': 'x' }] }, 'p.json', { allowRelease: true }), /a credential every entry shares/);
});

test('upload refuses a Blob flag, and a bad Blob or ARM value is exit 2 naming the flag', async () => {
  const upload = await runMain([
    'upload',
    '--cluster-endpoint',
    'https://c.example:19080',
    '--package-path',
    'p',
    '--blob-container-url',
    'https://a.blob.core.windows.net/pkgs'
  ]);
  assert.equal(upload.code, 2);
  assert.match(upload.stdout, /'--blob-container-url' is a release setting/);
  const sas = 'sv=2024-08-04&sr=c&sp=w&se=2099-01-01T00%3A00%3A00Z&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';
  const noRead = await runMain([...RELEASE, '--blob-container-url', 'https://a.blob.core.windows.net/pkgs'], { SFU_BLOB_SAS: sas });
  assert.equal(noRead.code, 2);
  assert.match(noRead.stdout, /'--blob-sas' lacks the permission 'r'/);
  for (const text of [noRead.stdout, noRead.stderr]) assert.ok(!text.includes('c2VjcmV0LXNpZ25hdHVyZQ'), 'the SAS signature was printed');
  const arm = await runMain([
    'release',
    '--package-path',
    'p',
    '--provision',
    '--managed-cluster-resource-id',
    '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceFabric/managedClusters/c1'
  ]);
  assert.equal(arm.code, 2);
  assert.match(arm.stdout, /'--managed-cluster-resource-id' names the subscription 'x'/);
});

test('changed-packages: the JSON list once the cluster was read, nothing before', () => {
  const row = (kind: 'ApplicationType' | 'CodePackage', name: string) => ({
    kind,
    service: 'Svc',
    name,
    declared: '1.0.0',
    found: '1.0.0',
    stamped: '1.0.0+abc',
    ignoredFiles: 0
  });
  const rows = [row('ApplicationType', 'T'), row('CodePackage', 'Code')];
  assert.deepEqual(versionOutputs(undefined), {});
  assert.deepEqual(versionOutputs({ rows }), {});
  const out = versionOutputs({ rows, running: { description: 'new', parts: new Set() } });
  assert.deepEqual(JSON.parse(out['changed-packages']!), [{ service: 'Svc', package: 'Code', kind: 'CodePackage', version: '1.0.0+abc' }]);
});

test("a cluster that wants Azure AD: the advice names the front door's federated credential, not GitHub's outside the action", () => {
  const credentials = { certificate: false, token: false, federatedCredential: CLI_FEDERATED_CREDENTIAL.howToGive };
  const cli = hintFor({ status: 401 }, { endpoint: 'https://c.example:19080', names: settingNames(n => `--${n}`), credentials });
  assert.match(cli, /'--azure-client-secret', or the job's federated token in '--azure-federated-token' or '--azure-federated-token-file'/);
  assert.doesNotMatch(cli, /GitHub/);
  assert.match(hintFor({ status: 401 }, { endpoint: 'https://c.example:19080' }), /GitHub OIDC with 'permissions: id-token: write'/);
});
