// The CLI: a thin front door like the action. It reads flags and SFU_* variables (and a plan
// file) into the core's jobs, all validated before any request, runs them in order, and prints the
// result as JSON on stdout; progress and messages go to stderr.
import * as path from 'node:path';
import { type ReleaseJob, wantsRelease } from '../core/job.js';
import { releaseOutputs, uploadOutputs } from '../core/outputs.js';
import { expectContinueMode, readReleaseJob } from '../core/read-job.js';
import { runRelease } from '../core/release.js';
import { maskSecret } from '../util/reporter.js';
import { SETTING, SettingError, settingNames } from '../util/settings.js';
import { type Command, envVariable, parseArgs, type ParsedArgs, RELEASE_SETTINGS, UsageError } from './args.js';
import { underAzurePipelines } from './azure-pipelines.js';
import { type CliStreams, CliReporter } from './cli-reporter.js';
import { helpText } from './help.js';
import { type PlanEntry, readPlanFile } from './plan-file.js';

/** The CLI names each setting by its flag. */
export const CLI_SETTING_NAMES = settingNames(name => '--' + name);

export const EXIT = { Done: 0, Failed: 1, BadInput: 2, Cancelled: 130 } as const;

const SECRET_SETTINGS = [
  SETTING.ClientCertificate,
  SETTING.ClientKey,
  SETTING.ClientCertificatePassword,
  SETTING.AadToken,
  SETTING.AzureClientSecret,
  SETTING.BlobSas
];

export interface CliContext {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  streams: CliStreams;
  signal: AbortSignal;
  /** Called once the verbosity is known (the stdout guard asks it). */
  onReporter?: (reporter: CliReporter, verbose: boolean) => void;
}

interface Job {
  label: string;
  job: ReleaseJob;
}

export async function main(context: CliContext): Promise<number> {
  const { env } = context;
  const verbose = context.argv.includes('--verbose');
  const reporter = new CliReporter(context.streams, { azurePipelines: underAzurePipelines(env), verbose });
  context.onReporter?.(reporter, verbose);
  // Secrets from the environment are masked before anything is parsed or printed.
  for (const name of SECRET_SETTINGS) maskSecret(reporter, env[envVariable(name)] ?? '');
  let args: ParsedArgs;
  let jobs: Job[];
  try {
    args = parseArgs(context.argv);
    for (const name of SECRET_SETTINGS) maskSecret(reporter, args.flags.get(name) ?? '');
    if (args.help) {
      reporter.result(helpText(args.command) + '\n');
      return EXIT.Done;
    }
    if (args.command === undefined) throw new UsageError(`A command is needed: release, upload or plan.\n${helpText(undefined)}`);
    jobs = await readJobs(args, args.command, env, reporter);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof SettingError)) throw err;
    reporter.error(err.message);
    reporter.result(JSON.stringify({ error: err.message }, null, 2) + '\n');
    return EXIT.BadInput;
  }
  return runJobs(jobs, args.planFile !== undefined, reporter, context.signal);
}

/** Every job, read and validated before the first request. */
async function readJobs(args: ParsedArgs, command: Command, env: NodeJS.ProcessEnv, reporter: CliReporter): Promise<Job[]> {
  if (command === 'upload') {
    const release = [...args.flags.keys()].find(name => RELEASE_SETTINGS.has(name));
    if (release !== undefined) throw new UsageError(`'--${release}' is a release setting: 'upload' only uploads; run 'release' to provision and deploy.`);
  }
  const fromFlagsOrEnv = (name: string): string => {
    if (command === 'upload' && RELEASE_SETTINGS.has(name)) return '';
    if (command === 'plan' && name === SETTING.DryRun) return 'true';
    return args.flags.get(name) ?? env[envVariable(name)] ?? '';
  };
  const entries: PlanEntry[] =
    args.planFile === undefined ? [{ label: '', settings: new Map() }] : await readPlanFile(args.planFile, { allowRelease: command !== 'upload' });
  const context = { expectContinue: expectContinueMode(env.SFU_EXPECT_CONTINUE), resolve: (p: string) => path.resolve(p) };
  return entries.map(entry => {
    const read = (name: string) => (command === 'plan' && name === SETTING.DryRun ? 'true' : (entry.settings.get(name) ?? fromFlagsOrEnv(name)));
    try {
      const job = readReleaseJob(read, CLI_SETTING_NAMES, reporter, context);
      checkForCommand(job, command);
      return { label: entry.label || (job.release.applicationName ?? job.source.path), job };
    } catch (err) {
      if (args.planFile !== undefined && (err instanceof SettingError || err instanceof UsageError)) {
        throw new UsageError(`${args.planFile}: ${entry.label}: ${err.message}`);
      }
      throw err;
    }
  });
}

/** What the command needs beyond valid settings, refused before any request. */
function checkForCommand(job: ReleaseJob, command: Command): void {
  const names = CLI_SETTING_NAMES;
  if (command === 'release' && !wantsRelease(job.release)) {
    throw new UsageError(
      `'release' needs an application to create or upgrade ('${names.ApplicationName}', '${names.ApplicationParameterFile}' or '${names.PublishProfile}') or '${names.Provision}': to upload only, run 'upload'.`
    );
  }
  const { security } = job.cluster;
  if (security.azureClientId !== undefined && security.azureClientSecret === undefined) {
    throw new UsageError(
      `'${names.AzureClientId}' needs '${names.AzureClientSecret}' here (GitHub's OIDC token exists only in the action): set ${envVariable(SETTING.AzureClientSecret)}, or give a ready token in ${envVariable(SETTING.AadToken)}.`
    );
  }
}

interface ApplicationResult {
  application: string;
  outputs: Record<string, string>;
  error?: string;
  badInput?: boolean;
}

async function runJobs(jobs: Job[], planFile: boolean, reporter: CliReporter, signal: AbortSignal): Promise<number> {
  const results: ApplicationResult[] = [];
  for (const { label, job } of jobs) {
    if (signal.aborted) break;
    if (planFile) reporter.line(`═══ ${label}`);
    const result = await runRelease(job, reporter, signal);
    const outputs = { ...uploadOutputs(result.upload), ...releaseOutputs(result.release) };
    results.push({
      application: result.release.applicationName ?? label,
      outputs,
      ...(result.error === undefined ? {} : { error: result.error, badInput: result.badInput })
    });
    if (result.error !== undefined) break;
  }
  const failed = results.find(r => r.error !== undefined);
  if (failed?.error !== undefined) reporter.error(failed.error);
  if (planFile) writePlanResult(results, jobs, reporter);
  else writeSingleResult(results[0], reporter);
  if (signal.aborted) return EXIT.Cancelled;
  if (failed === undefined) return EXIT.Done;
  // A setting or the package refused before the first request of the whole run: bad input.
  return results.length === 1 && results[0]!.badInput ? EXIT.BadInput : EXIT.Failed;
}

function writeSingleResult(result: ApplicationResult | undefined, reporter: CliReporter): void {
  const outputs = result?.outputs ?? {};
  for (const [name, value] of Object.entries(outputs)) reporter.setOutput(name, value);
  reporter.result(JSON.stringify({ ...outputs, ...(result?.error === undefined ? {} : { error: result.error }) }, null, 2) + '\n');
}

function writePlanResult(results: ApplicationResult[], jobs: Job[], reporter: CliReporter): void {
  const released = results.filter(r => r.error === undefined).map(r => r.application);
  const failed = results.find(r => r.error !== undefined);
  const notStarted = jobs.slice(results.length).map(j => j.label);
  reporter.setOutput('released', released.join(','));
  results.forEach((r, i) => {
    for (const [name, value] of Object.entries(r.outputs)) reporter.setOutput(`app${i + 1}-${name}`, value);
  });
  const json = {
    released,
    ...(failed === undefined ? {} : { failed: failed.application, error: failed.error }),
    'not-started': notStarted,
    applications: results.map(r => ({ application: r.application, ...r.outputs, ...(r.error === undefined ? {} : { error: r.error }) }))
  };
  reporter.result(JSON.stringify(json, null, 2) + '\n');
}
