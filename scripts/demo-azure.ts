// `npm run demo:azure`: the Azure paths with real parts on 127.0.0.1 (the cluster emulator with its
// Azure AD authority and a managed cluster's ARM surface, Azurite, a GitHub OIDC stand-in), running
// dist/index.js exactly as the runner does: v1 by Blob storage + ExternalStore, its re-run, v2
// through ARM (twice: the second reuses the blob), and v3 whose upgrade rolls back although ARM says
// Succeeded. Prints what a user sees; stops by itself and removes its temporary folders.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ACTION_ENTRY, type ActionRun, PROJECT_ROOT, runAction } from './runner.js';
import { clusterBlobScope } from '../src/azure/blob-location.js';
import { CONTAINER, DEMO_CLIENT_ID, DEMO_CLUSTER_ID, DEMO_SUBJECT, DEMO_TENANT, type DemoServices, startDemoServices } from './demo-azure-services.js';
import { RunnerView } from './demo-azure-view.js';
import { SAMPLE_PACKAGE, sampleAtVersion } from './sample-versions.js';

const PARAMETER_FILE = path.join(PROJECT_ROOT, 'sample', 'ApplicationParameters', 'Cloud.xml');
const FAST_HEALTH_CHECKS = 'HealthCheckWaitDurationSec=0\nHealthCheckStableDurationSec=0\nHealthCheckRetryTimeoutSec=0';

interface DemoStep {
  title: string;
  inputs: Record<string, string>;
  expectExitCode: 0 | 1;
  /** Printed after the run: what the emulator, Azurite or the outputs show about this step. */
  explain: (run: ActionRun, view: RunnerView) => Promise<string[]>;
}

/** The requests the emulator's ARM surface took (its routes are named arm-<method>-<kind>). */
function armRequests(services: DemoServices): number {
  return Object.entries(services.emulator.emulator.journal.requests)
    .filter(([route]) => route === 'arm' || route.startsWith('arm-'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Every write the Image Store took (files, chunks, commits, copies, mark files), from the emulator's journal. */
function imageStoreWrites(services: DemoServices): number {
  return services.emulator.emulator.journal.entries.length;
}

/** The default blob name: through the gateway, in the cluster's folder; through ARM (whose version tag records the package), without it. */
function blobName(version: string, gateway?: string): string {
  return `VotingType/${gateway === undefined ? '' : `${clusterBlobScope(gateway)}/`}VotingType.${version}.sfpkg`;
}

function blobEtag(services: DemoServices, version: string, gateway?: string): Promise<string | undefined> {
  return services.blobEtag(blobName(version, gateway));
}

/** The read SAS the action gave the cluster: its fields, the signature shown as the runner shows it. */
function sasLines(run: ActionRun, view: RunnerView): string[] {
  const sas = view.sasQuery();
  if (!sas) return ['  (no SAS was made: nothing was staged)'];
  const sig = sas.get('sig') ?? '';
  const printed = run.stdout.split('\n').filter(l => !l.startsWith('::add-mask::') && l.includes(sig)).length;
  if (printed > 0) throw new Error(`the SAS signature was printed on ${printed} line(s) of the log`);
  return [
    `  The cluster's read SAS (a user delegation SAS: sp=${sas.get('sp')}, sr=${sas.get('sr')}, expires ${sas.get('se')}),`,
    `  registered with ::add-mask:: before use: sig=${view.mask(sig)} — the signature is in no line of the log.`
  ];
}

function steps(services: DemoServices, v2: string, v3: string): DemoStep[] {
  const azureAd = { 'azure-client-id': DEMO_CLIENT_ID, 'azure-tenant-id': DEMO_TENANT };
  const blobGateway = {
    'cluster-endpoint': services.emulator.url,
    ...azureAd,
    'blob-container-url': services.containerUrl,
    'application-parameter-file': PARAMETER_FILE,
    'upgrade-settings': FAST_HEALTH_CHECKS
  };
  const arm = {
    'managed-cluster-resource-id': DEMO_CLUSTER_ID,
    'arm-endpoint': services.emulator.url,
    ...azureAd,
    'blob-container-url': services.containerUrl,
    'application-parameter-file': PARAMETER_FILE,
    'upgrade-settings': FAST_HEALTH_CHECKS
  };
  let v1Etag: string | undefined;
  return [
    {
      title: '1. Release v1 by Blob storage + ExternalStore: the cluster downloads the .sfpkg itself',
      inputs: { ...blobGateway, 'package-path': SAMPLE_PACKAGE },
      expectExitCode: 0,
      explain: async (run, view) => {
        v1Etag = await blobEtag(services, '1.0.0', services.emulator.url);
        const provisions = services.emulator.emulator.journal.managementCalls.filter(c => c.operation === 'provision');
        return [
          ...sasLines(run, view),
          `  Emulator journal: ${imageStoreWrites(services)} Image Store writes (files, chunks, commits, copies, deletes);`,
          ...provisions.map(
            c =>
              `  provision ${String(c.detail.ApplicationTypeVersion)}: ${c.detail.ApplicationTypeBuildPath === undefined ? 'no ApplicationTypeBuildPath, an ExternalStore provision' : `from ${String(c.detail.ApplicationTypeBuildPath)}`} (HTTP ${String(c.detail.status)})`
          ),
          `  Azurite holds ${CONTAINER}/${blobName('1.0.0', services.emulator.url)} (ETag ${v1Etag ?? 'none'}).`
        ];
      }
    },
    {
      title: '2. The same v1 release again (a re-run): already provisioned, the blob left as it is',
      inputs: { ...blobGateway, 'package-path': SAMPLE_PACKAGE },
      expectExitCode: 0,
      explain: async () => {
        const etag = await blobEtag(services, '1.0.0', services.emulator.url);
        if (etag !== v1Etag) throw new Error(`the re-run wrote the blob again (ETag ${v1Etag} → ${etag})`);
        return [`  The blob's ETag is unchanged (${etag}); Image Store writes still ${imageStoreWrites(services)}.`];
      }
    },
    {
      title: '3. Release v2 through ARM to the managed cluster (staged in Blob storage, registered and upgraded by ARM)',
      inputs: { ...arm, 'package-path': v2 },
      expectExitCode: 0,
      explain: async (run, view) => [
        ...sasLines(run, view),
        `  ARM requests served by the emulator: ${armRequests(services)}; Image Store writes still ${imageStoreWrites(services)}.`
      ]
    },
    {
      title: "4. v2 through ARM again with one parameter changed: the package is the one the version's tag records (same SHA-256), only the parameter changes",
      inputs: { ...arm, 'package-path': v2, 'application-parameters': 'VotingWeb_InstanceCount=2' },
      expectExitCode: 0,
      explain: async run => {
        if (run.outputs['blob-result'] !== 'reused') throw new Error(`the re-run did not reuse the blob (blob-result ${run.outputs['blob-result']})`);
        return [`  The blob's ETag is unchanged (${await blobEtag(services, '2.0.0')}).`];
      }
    },
    {
      title: '5. Release v3 through ARM: its upgrade fails its health checks and rolls back; ARM says Succeeded, the step fails',
      inputs: { ...arm, 'package-path': v3 },
      expectExitCode: 1,
      explain: async (run, view) => {
        const app = services.emulator.emulator.management.getApplication('VotingApp').json as { TypeVersion?: string } | undefined;
        return [...sasLines(run, view), `  The cluster runs fabric:/VotingApp at ${app?.TypeVersion ?? '?'} again.`];
      }
    }
  ];
}

async function runStep(step: DemoStep, services: DemoServices): Promise<boolean> {
  console.log(`\n=== ${step.title}\nRunning dist/index.js as the runner would, with:`);
  for (const [k, v] of Object.entries(step.inputs)) console.log(`  ${k}: ${v.replace(/\n/g, ' ')}`);
  console.log('\nThe step log, as GitHub shows it:');
  const view = new RunnerView();
  const run = await runAction({
    inputs: step.inputs,
    env: services.actionEnv,
    onLine: line => {
      const shown = view.show(line);
      if (shown !== undefined) console.log(`  | ${shown}`);
    },
    timeoutMs: 180_000
  });
  console.log(`\nExit code ${run.exitCode}. Step outputs:`);
  for (const [k, v] of Object.entries(run.outputs)) console.log(`  ${k} = ${view.mask(v)}`);
  for (const line of await step.explain(run, view)) console.log(line);
  if (run.exitCode !== step.expectExitCode) {
    console.log(`\nUnexpected: the step should have ended with exit code ${step.expectExitCode}.\n${run.stderr}`);
    return false;
  }
  return true;
}

let interrupted = false;

async function main(): Promise<number> {
  // Ctrl-C reaches the action too (it cancels itself); the demo then stops and still removes its folders.
  process.once('SIGINT', () => {
    interrupted = true;
    console.log('\nInterrupted: stopping and removing the temporary folders…');
  });
  if (!existsSync(ACTION_ENTRY)) {
    console.log('dist/index.js is missing: building it first (npm run build)…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
    if (build.status !== 0) return build.status ?? 1;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-demo-azure-'));
  const [v2, v3] = await Promise.all([sampleAtVersion('2.0.0'), sampleAtVersion('3.0.0')]);
  let services: DemoServices | undefined;
  try {
    services = await startDemoServices(root);
    console.log(`Cluster emulator (gateway, Azure AD authority, ARM surface of ${DEMO_CLUSTER_ID}): ${services.emulator.url}`);
    console.log(`Azurite (Blob storage): ${services.containerUrl}`);
    console.log(`GitHub OIDC stand-in: tokens for ${DEMO_SUBJECT}, the app registration's federated credential (no secret)`);
    for (const step of steps(services, v2, v3)) {
      if (interrupted) return 130;
      if (!(await runStep(step, services))) return interrupted ? 130 : 1;
    }
    if (services.oidcRequests.length === 0) throw new Error('the action never asked for the OIDC token');
    console.log(`\nNo client secret was given: the action exchanged the runner's OIDC token (audience ${services.oidcRequests[0]}) for its Azure AD tokens.`);
    console.log('\nDemo finished: v1 released from Blob storage with no Image Store write, and its re-run changed nothing;');
    console.log('v2 released through ARM, then again with the blob reused; v3 rolled back and the step failed although ARM reported Succeeded.');
    return 0;
  } finally {
    await services?.stop();
    await rm(root, { recursive: true, force: true });
    for (const pkg of [v2, v3]) await rm(path.dirname(pkg), { recursive: true, force: true });
  }
}

process.exitCode = await main();
