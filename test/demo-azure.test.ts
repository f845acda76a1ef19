// `npm run demo:azure` run as a user runs it: it stops by itself with exit code 0, shows each Azure
// path doing what the docs say (no Image Store write, the blob reused, the rollback that ARM calls
// Succeeded failing the step, the SAS masked), and leaves no temporary folder behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../scripts/runner.js';

function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', 'demo-azure.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('npm run demo:azure releases by Blob storage and through ARM, and shows the rollback ARM calls Succeeded', async () => {
  const temp = await mkdtemp(path.join(tmpdir(), 'sfu-demo-azure-test-'));
  try {
    const run = await runDemo({ TMPDIR: temp, TMP: temp, TEMP: temp });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const steps = run.stdout.split('\n=== ').slice(1);
    assert.equal(steps.length, 5, run.stdout);
    const [blobV1, rerun, armV2, armReuse, armV3] = steps as [string, string, string, string, string];

    assert.match(blobV1, /blob-result = uploaded/);
    assert.match(blobV1, /application-result = created/);
    assert.match(blobV1, /Emulator journal: 0 Image Store writes/);
    assert.match(blobV1, /provision 1\.0\.0: no ApplicationTypeBuildPath, an ExternalStore provision/);
    assert.match(blobV1, /GitHub OIDC federation/);

    assert.match(rerun, /provision-result = already-provisioned/);
    assert.match(rerun, /application-result = unchanged/);
    assert.match(rerun, /The blob's ETag is unchanged/);

    assert.match(armV2, /Register VotingType 2\.0\.0 through ARM/);
    assert.match(armV2, /application-result = upgraded/);
    assert.match(armV2, /previous-application-type-version = 1\.0\.0/);
    assert.match(armV2, /Image Store writes still 0/);

    assert.match(armReuse, /blob-result = reused/);
    assert.match(armReuse, /provision-result = already-provisioned/);

    assert.match(armV3, /Exit code 1\./);
    assert.match(
      armV3,
      /\| Error: ARM reported the operation Succeeded, but the application VotingApp is at 2\.0\.0, not 3\.0\.0: the upgrade was rolled back/
    );
    assert.doesNotMatch(armV3, /application-result = /, 'a rolled-back release has no application-result');
    assert.match(armV3, /The cluster runs fabric:\/VotingApp at 2\.0\.0 again/);

    // The SAS is shown as the runner shows it: its signature masked, no workflow command leaking.
    for (const step of [blobV1, armV2, armV3]) assert.match(step, /sp=r, sr=b, .*\n.*sig=\*\*\* /);
    assert.doesNotMatch(run.stdout, /^ {2}\| ::|sig=[A-Za-z0-9%+/]{8}/m);

    // Only tsx's own cache may remain in the temporary folder the demo was given.
    const left = (await readdir(temp)).filter(name => !name.startsWith('tsx-'));
    assert.deepEqual(left, [], 'the demo left temporary folders behind');
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
});
