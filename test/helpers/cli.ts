/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON result is read like the journals */
// Runs the built CLI as a CI job would: installed like an npm package (its package.json and
// dist/cli only, in a temporary folder with no other node_modules), started through its `bin`
// with `npx`, or with `node` for speed. Settings come as flags and SFU_* variables.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/runner.js';

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON ({} if it is not JSON alone). */
  json: Record<string, any>;
}

/** A CI system's ID token, unsigned: the emulator's authority compares the assertion as text. */
export function unsignedJwt(claims: Record<string, unknown>, signature: string): string {
  return [{ alg: 'RS256', typ: 'JWT' }, claims]
    .map(part => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .concat(signature)
    .join('.');
}

/**
 * Nothing of the secret (as given, percent-encoded, or any long part between its dots) in what the
 * CLI printed, but in the `##vso[task.setsecret]` lines that register it with the agent.
 */
export function assertNotPrinted(run: CliRun, secret: string, what: string): void {
  const printed = run.stderr
    .split('\n')
    .filter(l => !l.startsWith('##vso[task.setsecret]'))
    .join('\n');
  for (const piece of [secret, encodeURIComponent(secret), ...secret.split('.').filter(p => p.length >= 8)]) {
    assert.ok(!run.stdout.includes(piece), `${what} appears on stdout`);
    assert.ok(!printed.includes(piece), `${what} appears on stderr`);
  }
}

export interface InstalledCli {
  /** The folder a job runs in: `npx service-fabric-upload` finds the bin in its node_modules. */
  workdir: string;
  entry: string;
}

/** Installs package.json and dist/cli as npm would, with the bin linked in node_modules/.bin. */
export async function installCli(): Promise<InstalledCli> {
  const workdir = await mkdtemp(path.join(tmpdir(), 'sfu-cli-job-'));
  const pkgDir = path.join(workdir, 'node_modules', 'service-fabric-upload');
  const manifest = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  await mkdir(path.join(pkgDir, 'dist'), { recursive: true });
  await cp(path.join(PROJECT_ROOT, 'dist', 'cli'), path.join(pkgDir, 'dist', 'cli'), { recursive: true });
  await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ ...manifest, dependencies: {}, devDependencies: {} }));
  await mkdir(path.join(workdir, 'node_modules', '.bin'));
  const bin = manifest.bin['service-fabric-upload']!;
  await symlink(path.join('..', 'service-fabric-upload', bin), path.join(workdir, 'node_modules', '.bin', 'service-fabric-upload'));
  await writeFile(path.join(workdir, 'package.json'), JSON.stringify({ name: 'ci-job', private: true }));
  return { workdir, entry: path.join(pkgDir, bin) };
}

export interface RunCliOptions {
  env?: Record<string, string>;
  /** Start it as `npx service-fabric-upload …` (as the README's pipelines do) instead of `node <bin>`. */
  npx?: boolean;
  timeoutMs?: number;
  onStart?: (child: ChildProcess) => void;
  /** Run this shell command line (a CI job's script line) in the job's folder instead of `args`. */
  script?: string;
}

export async function runCli(cli: InstalledCli, args: string[], options: RunCliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(SFU_|INPUT_|GITHUB_|TF_BUILD|RUNNER_)/.test(k)) env[k] = v;
  }
  Object.assign(env, { SFU_POLL_INTERVAL_MS: '50' }, options.env);
  const [command, argv] =
    options.script !== undefined
      ? ['sh', ['-c', options.script]]
      : options.npx
        ? ['npx', ['--offline', '--no', 'service-fabric-upload', ...args]]
        : [process.execPath, [cli.entry, ...args]];
  const child = spawn(command, argv, { cwd: cli.workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exitCode = await new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
  clearTimeout(killer);
  return { exitCode, stdout, stderr, json: parseResult(stdout) };
}

/** stdout holds the JSON result and nothing else (logging commands go to stderr), or nothing. */
function parseResult(stdout: string): Record<string, any> {
  try {
    return JSON.parse(stdout) as Record<string, any>;
  } catch {
    return {};
  }
}
