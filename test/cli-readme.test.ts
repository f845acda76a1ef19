// The README's Azure Pipelines example and docs/cli.md's GitLab CI example, run as far as this machine allows: their
// `npx service-fabric-upload …` lines, in a job folder where the package is installed as npm does,
// with their environment variables, against the emulator (TLS, pinned by thumbprint, client certificate).
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { makeTestCertificates, type TestCertificates } from './helpers/certificates.js';
import { type InstalledCli, installCli, runCli } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

interface AzureExample {
  pool: { vmImage: string };
  steps: { script?: string; env?: Record<string, string> }[];
}
interface GitlabExample {
  deploy: { variables: Record<string, string>; script: string[] };
}

/** The yaml blocks of a markdown file that run the CLI, parsed. */
async function cliExamples(file: string): Promise<unknown[]> {
  const markdown = await readFile(path.join(PROJECT_ROOT, file), 'utf8');
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map(m => m[1]!)
    .filter(y => y.includes('npx service-fabric-upload'))
    .map(y => parse(y) as unknown);
}

/** The README keeps the Azure Pipelines job; the GitLab CI job is in docs/cli.md. */
async function readmeExamples(): Promise<[AzureExample, GitlabExample]> {
  const [readme, cliDoc] = await Promise.all([cliExamples('README.md'), cliExamples('docs/cli.md')]);
  const azure = readme.find(y => typeof y === 'object' && y !== null && 'pool' in y) as AzureExample | undefined;
  const gitlab = cliDoc.find(y => typeof y === 'object' && y !== null && 'deploy' in y) as GitlabExample | undefined;
  assert.ok(azure, 'README.md has no Azure Pipelines job running the CLI');
  assert.ok(gitlab, 'docs/cli.md has no GitLab CI job running the CLI');
  return [azure, gitlab];
}

describe('README and docs/cli.md: the CLI in Azure Pipelines and GitLab CI', () => {
  let certs: TestCertificates;
  let emu: TestEmulator;
  let cli: InstalledCli;
  let azure: AzureExample;
  let gitlab: GitlabExample;
  /** What the pipelines' secret variables hold, by the names the examples use. */
  let secrets: Record<string, string>;
  before(async () => {
    certs = await makeTestCertificates();
    emu = await startTestEmulator({
      tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa },
      management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 }
    });
    cli = await installCli();
    [azure, gitlab] = await readmeExamples();
    secrets = { clusterThumbprint: certs.serverThumbprint, clientPfxBase64: certs.clientPfxBase64, clientPfxPassword: certs.clientPfxPassword };
  });
  after(() => emu.dispose());

  /** The job's package folder (pkg/Release in the examples), at `version`. */
  async function checkout(version: string): Promise<void> {
    await cp(await sampleAtVersion(version), path.join(cli.workdir, 'pkg', 'Release'), { recursive: true, force: true });
  }
  /** The cluster endpoint of the examples is the emulator's here. */
  const local = (env: Record<string, string>) => ({ ...env, SFU_CLUSTER_ENDPOINT: emu.url });

  it('Azure Pipelines on ubuntu-latest: the release step with its env, under TF_BUILD', async () => {
    assert.equal(azure.pool.vmImage, 'ubuntu-latest');
    const step = azure.steps.find(s => s.script?.startsWith('npx service-fabric-upload'))!;
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace(/\$\((\w+)\)/g, (_m, name: string) => secrets[name] ?? '')]));
    await checkout('1.0.0');
    const run = await runCli(cli, [], { script: step.script!, env: { ...local(env), TF_BUILD: 'True' } });
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    assert.match(run.stderr, /^##vso\[task\.setvariable variable=application_result;isOutput=true\]created$/m);
    assert.equal(run.json['application-result'], 'created');
    assert.match(run.stderr, /^##vso\[task\.setsecret\]/);
    assert.ok(!(run.stdout + run.stderr.replace(/^##vso\[task\.setsecret\].*$/gm, '')).includes(certs.clientPfxPassword));
  });

  it('GitLab CI: the deploy job upgrades and leaves the JSON result in release.json', async () => {
    const job = gitlab.deploy;
    const line = job.script.find(l => l.startsWith('npx service-fabric-upload'))!;
    await checkout('2.0.0');
    const run = await runCli(cli, [], {
      script: line,
      env: {
        ...local(job.variables),
        CLUSTER_THUMBPRINT: certs.serverThumbprint,
        SFU_CLIENT_CERTIFICATE: certs.clientPfxBase64,
        SFU_CLIENT_CERTIFICATE_PASSWORD: certs.clientPfxPassword
      }
    });
    assert.equal(run.exitCode, 0, run.stderr);
    const result = JSON.parse(await readFile(path.join(cli.workdir, 'release.json'), 'utf8'));
    assert.equal(result['application-result'], 'upgraded');
    assert.equal(result['previous-application-type-version'], '1.0.0');
    assert.doesNotMatch(run.stderr, /##vso/);
  });
});
