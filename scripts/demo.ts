// `npm run demo`: starts the Image Store emulator on a free port, runs the built action against it
// exactly as the GitHub runner would, with the sample package, then shows the outputs and what
// landed in the store.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../emulator/server.js';
import { ACTION_ENTRY, PROJECT_ROOT, runAction } from './runner.js';

async function listStore(dir: string, rel = ''): Promise<string[]> {
  const lines: string[] = [];
  for (const d of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isDirectory()) lines.push(...(await listStore(path.join(dir, d.name), p)));
    else lines.push(`${String((await stat(path.join(dir, d.name))).size).padStart(10)}  ${p}`);
  }
  return lines;
}

async function main(): Promise<number> {
  if (!existsSync(ACTION_ENTRY)) {
    console.log('dist/index.js is missing: building it first (npm run build)…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (build.status !== 0) return build.status ?? 1;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-demo-'));
  const emulator = await startEmulator({ root, port: 0, journal: true });
  console.log(`Image Store emulator listening on ${emulator.url} (store on disk: ${path.join(root, 'content')})\n`);
  try {
    const inputs = {
      'cluster-endpoint': emulator.url,
      'package-path': path.join(PROJECT_ROOT, 'sample', 'VotingApp'),
      'image-store-path': 'VotingApp/1.0.0',
      // Small enough that the sample's 271 KiB seed-votes.json goes through an upload session.
      'chunk-size': '64KiB'
    };
    console.log('Running dist/index.js as the runner would, with:');
    for (const [k, v] of Object.entries(inputs)) console.log(`  ${k}: ${v}`);
    console.log('');
    const run = await runAction({ inputs, echo: true });
    console.log('\nStep outputs:');
    for (const [k, v] of Object.entries(run.outputs)) console.log(`  ${k} = ${v}`);
    console.log('\nImage Store content (bytes, path):');
    for (const line of await listStore(path.join(root, 'content'))) console.log(`  ${line}`);
    const journal = emulator.emulator.journal;
    const requests = Object.values(journal.requests).reduce((a, b) => a + b, 0);
    console.log(
      `\nEmulator journal: ${requests} requests, ${journal.entries.length} writes, ${journal.mistakes.length} protocol mistakes, ${emulator.emulator.sessions.all().length} open sessions.`
    );
    console.log(run.exitCode === 0 ? '\nDemo finished: the package is in the emulated Image Store.' : `\nThe action failed (exit code ${run.exitCode}).`);
    return run.exitCode ?? 1;
  } finally {
    await emulator.close();
    await rm(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
