// Runs the built action the way the GitHub runner does: each input as INPUT_<NAME> (upper-cased,
// spaces to _, hyphens kept), action.yml defaults for inputs left out, `node dist/index.js`, and
// outputs and summary read back from the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ACTION_ENTRY = path.join(PROJECT_ROOT, 'dist', 'index.js');

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Values of `ACTION_RESOURCE_USAGE` lines, when asked for with `reportResourceUsage`. */
  peakRssBytes?: number;
}

export interface RunActionOptions {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** Echo the action's log to this process's stdout as it runs. */
  echo?: boolean;
  /** Called once the child has started, e.g. to send it a signal later. */
  onStart?: (child: ChildProcess) => void;
  /** Called with every line the action prints on stdout. */
  onLine?: (line: string) => void;
  /** Kill the child after this long; a test never waits forever. */
  timeoutMs?: number;
}

let defaultsCache: Record<string, string> | undefined;

export async function actionDefaults(): Promise<Record<string, string>> {
  if (!defaultsCache) {
    const action = parse(await readFile(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    defaultsCache = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [name, String(spec.default)])
    );
  }
  return defaultsCache;
}

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses the GITHUB_OUTPUT file: `name<<delimiter`, value lines, `delimiter`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = /^([^<=]+)<<(.+)$/.exec(line);
    if (m) {
      const [, name = '', delimiter] = m;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      outputs[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sfu-runner-'));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')) env[k] = v;
  }
  for (const [name, value] of Object.entries({ ...(await actionDefaults()), ...options.inputs })) {
    env[inputVariable(name)] = value;
  }
  Object.assign(env, { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_ACTIONS: 'true' }, options.env);
  try {
    const child = spawn(process.execPath, [ACTION_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    options.onStart?.(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.echo) process.stdout.write(d);
      if (options.onLine) {
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop() ?? '';
        lines.forEach(options.onLine);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.echo) process.stderr.write(d);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => child.on('close', (code, sig) => resolve([code, sig])));
    clearTimeout(killer);
    const usage = /ACTION_RESOURCE_USAGE maxRSS=(\d+)/.exec(stdout);
    return {
      exitCode,
      signal,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      peakRssBytes: usage ? Number(usage[1]) * 1024 : undefined
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
