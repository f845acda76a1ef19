// `npm run demo`: starts the cluster emulator on a free port and runs the built action against it
// exactly as the GitHub runner would: a whole release of the sample package (v1 uploaded,
// provisioned, created), then v2 upgraded domain by domain, then a re-run of v2 that uploads nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../emulator/server.js';
import { ACTION_ENTRY, type ActionRun, PROJECT_ROOT, runAction } from './runner.js';
import { SAMPLE_PACKAGE, sampleAtVersion } from './sample-versions.js';

async function listStore(dir: string, rel = ''): Promise<string[]> {
  const lines: string[] = [];
  for (const d of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isDirectory()) lines.push(...(await listStore(path.join(dir, d.name), p)));
    else lines.push(`${String((await stat(path.join(dir, d.name))).size).padStart(10)}  ${p}`);
  }
  return lines;
}

function printOutputs(run: ActionRun): void {
  console.log('\nStep outputs:');
  for (const [k, v] of Object.entries(run.outputs)) console.log(`  ${k} = ${v}`);
}

async function main(): Promise<number> {
  if (!existsSync(ACTION_ENTRY)) {
    console.log('dist/index.js is missing: building it first (npm run build)…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (build.status !== 0) return build.status ?? 1;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-demo-'));
  // A cluster with three upgrade domains, each taking a second, so the upgrade is visible.
  const emulator = await startEmulator({ root, port: 0, journal: true, management: { upgradeDomains: 3, upgradeDomainSeconds: 1, provisionSeconds: 0.5 } });
  console.log(`Cluster emulator listening on ${emulator.url} (store on disk: ${path.join(root, 'content')})\n`);
  const journal = emulator.emulator.journal;
  const uploads = () => journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk').length;
  const env = { SFU_POLL_INTERVAL_MS: '250' };
  const v2 = await sampleAtVersion('2.0.0');
  try {
    const steps: { title: string; inputs: Record<string, string> }[] = [
      {
        title: '1. Release v1: upload, provision, create fabric:/VotingApp with the parameter file',
        inputs: {
          'cluster-endpoint': emulator.url,
          'package-path': SAMPLE_PACKAGE,
          'image-store-path': 'VotingApp/1.0.0',
          // Small enough that the sample's 271 KiB seed-votes.json goes through an upload session.
          'chunk-size': '64KiB',
          'application-parameter-file': path.join(PROJECT_ROOT, 'sample', 'ApplicationParameters', 'Cloud.xml'),
          // Kept so that the store listing below shows what was uploaded.
          'keep-package': 'true'
        }
      },
      {
        title: '2. Release v2 (a copy of the sample with every version set to 2.0.0): monitored upgrade, domain by domain, with the publish profile',
        inputs: {
          'cluster-endpoint': emulator.url,
          'package-path': v2,
          'image-store-path': 'VotingApp/2.0.0',
          'publish-profile': path.join(PROJECT_ROOT, 'sample', 'PublishProfiles', 'Cloud.xml'),
          'upgrade-settings': 'HealthCheckStableDurationSec=0'
        }
      },
      {
        title: '3. The same v2 release again: already provisioned, nothing uploaded, the application unchanged',
        inputs: {
          'cluster-endpoint': emulator.url,
          'package-path': v2,
          'image-store-path': 'VotingApp/2.0.0',
          'publish-profile': path.join(PROJECT_ROOT, 'sample', 'PublishProfiles', 'Cloud.xml')
        }
      }
    ];
    for (const [i, step] of steps.entries()) {
      console.log(`\n=== ${step.title}\nRunning dist/index.js as the runner would, with:`);
      for (const [k, v] of Object.entries(step.inputs)) console.log(`  ${k}: ${v}`);
      console.log('');
      const before = uploads();
      const run = await runAction({ inputs: step.inputs, env, echo: true });
      printOutputs(run);
      console.log(`  (files and chunks uploaded by this run: ${uploads() - before})`);
      if (i === 0) {
        console.log('\nImage Store content (bytes, path):');
        for (const line of await listStore(path.join(root, 'content'))) console.log(`  ${line}`);
      }
      if (run.exitCode !== 0) {
        console.log(`\nThe action failed (exit code ${run.exitCode}).`);
        return run.exitCode ?? 1;
      }
    }
    const requests = Object.values(journal.requests).reduce((a, b) => a + b, 0);
    console.log(
      `\nEmulator journal: ${requests} requests, ${journal.entries.length} writes, ${journal.managementCalls.length} management calls, ${journal.mistakes.length} protocol mistakes, ${emulator.emulator.sessions.all().length} open sessions.`
    );
    console.log('\nDemo finished: v1 uploaded, provisioned and created; v2 upgraded domain by domain; the v2 re-run uploaded nothing.');
    return 0;
  } finally {
    await emulator.close();
    await rm(root, { recursive: true, force: true });
    await rm(path.dirname(v2), { recursive: true, force: true });
  }
}

process.exitCode = await main();
