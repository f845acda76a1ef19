// The README's "Release through Azure" instructions, run as far as this machine allows: the first
// example's step with its certificate inputs replaced by the Blob storage snippet, then by the ARM
// snippet, through dist/index.js against the demo's stand-ins on 127.0.0.1 (emulator with Azure AD and
// ARM, Azurite, the runner's OIDC endpoint): the snippets must be complete, and need no secret.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { DEMO_CLIENT_ID, DEMO_CLUSTER_ID, DEMO_TENANT, type DemoServices, startDemoServices } from '../scripts/demo-azure-services.js';
import { PROJECT_ROOT, runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';

type With = Record<string, string>;

async function readmeSteps(): Promise<{ first: With; blob: With; arm: With }> {
  const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const docs = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => parse(m[1]!) as unknown);
  const workflow = docs[0] as { jobs: Record<string, { steps: { uses?: string; with?: With }[] }> };
  const first = Object.values(workflow.jobs)
    .flatMap(job => job.steps)
    .find(step => step.uses?.startsWith('service-fabric-upload/'))?.with;
  const withs = docs.filter((d): d is { with: With } => typeof d === 'object' && d !== null && 'with' in d).map(d => d.with);
  const blob = withs.find(w => 'cluster-endpoint' in w && 'blob-container-url' in w);
  const arm = withs.find(w => 'managed-cluster-resource-id' in w);
  assert.ok(first && blob && arm, 'the README has the first example and both Azure snippets');
  // What release() below does to the first example's step, the README must say.
  assert.match(readme, /instead of `cluster-endpoint` and the certificate inputs/);
  return { first, blob, arm };
}

describe("README: the first example's step released through Azure with the README's snippets", () => {
  let services: DemoServices;
  let root: string;
  let steps: { first: With; blob: With; arm: With };
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sfu-readme-azure-'));
    [services, steps] = await Promise.all([startDemoServices(root), readmeSteps()]);
  });
  after(async () => {
    await services?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** The README's values, pointed at this machine's stand-ins; everything else as written. */
  function local(inputs: With): With {
    const vars: Record<string, string> = { AZURE_CLIENT_ID: DEMO_CLIENT_ID, AZURE_TENANT_ID: DEMO_TENANT };
    const out: With = {};
    for (const [name, value] of Object.entries(inputs)) {
      out[name] = value.replace(/\$\{\{ vars\.(\w+) \}\}/g, (_m, v: string) => vars[v] ?? `<unknown variable ${v}>`);
    }
    if ('cluster-endpoint' in out) out['cluster-endpoint'] = services.emulator.url;
    if ('server-common-name' in out) out['server-common-name'] = 'cluster.test';
    if ('blob-container-url' in out) out['blob-container-url'] = services.containerUrl;
    if ('managed-cluster-resource-id' in out) Object.assign(out, { 'managed-cluster-resource-id': DEMO_CLUSTER_ID, 'arm-endpoint': services.emulator.url });
    return out;
  }

  /** "give its step, instead of `cluster-endpoint` and the certificate inputs, either" snippet. */
  async function release(snippet: With, version: string) {
    const base = Object.fromEntries(Object.entries(steps.first).filter(([name]) => name !== 'cluster-endpoint' && !/certificate/.test(name)));
    const inputs = local({ ...base, ...snippet });
    inputs['package-path'] = await sampleAtVersion(version);
    inputs['application-parameter-file'] = path.join(PROJECT_ROOT, 'sample', 'ApplicationParameters', 'Cloud.xml');
    const asked = services.oidcRequests.length;
    const run = await runAction({ inputs, env: services.actionEnv, timeoutMs: 180_000 });
    // One federated token serves every Azure AD token of the run (cluster, Storage, ARM).
    assert.equal(services.oidcRequests.length - asked, 1, "the runner's OIDC token was asked for more than once");
    return run;
  }

  it('the Blob storage snippet creates the application from an .sfpkg, with OIDC and no Image Store write', async () => {
    assert.ok(!Object.keys(steps.blob).some(name => /secret|sas|certificate/.test(name)), 'the snippet carries a secret input');
    const run = await release(steps.blob, '1.0.0');
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['blob-result'], 'uploaded');
    assert.equal(run.outputs['application-result'], 'created');
    assert.match(run.stdout, /GitHub OIDC federation/);
    assert.equal(services.emulator.emulator.journal.entries.length, 0, 'the package went through the Image Store');
  });

  it('the ARM snippet upgrades it through the managed cluster, with no gateway input', async () => {
    const run = await release(steps.arm, '2.0.0');
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /Register VotingType 2\.0\.0 through ARM/);
    assert.equal(run.outputs['application-result'], 'upgraded');
    assert.equal(run.outputs['previous-application-type-version'], '1.0.0');
  });
});
