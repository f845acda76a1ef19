// The CLI: a thin front door like the action. It reads flags and SFU_* variables (and a plan
// file) into the core's jobs, all validated before any request, runs them in order, and prints the
// result as JSON on stdout; progress and messages go to stderr.
import * as path from 'node:path';
import { type ReleaseJob, wantsRelease } from '../core/job.js';
import { TEST_ARM_ORIGIN_VARIABLE } from '../core/arm-settings.js';
import { TEST_BLOB_ORIGIN_VARIABLE } from '../core/blob-settings.js';
import { releaseOutputs, uploadOutputs, versionOutputs } from '../core/outputs.js';
import { expectContinueMode, readReleaseJob } from '../core/read-job.js';
import { runRelease } from '../core/release.js';
import { maskSecret } from '../util/reporter.js';
import { SETTING, SettingError, settingNames } from '../util/settings.js';
import {
  type Command,
  envVariable,
  FEDERATED_TOKEN,
  FEDERATED_TOKEN_FILE,
  parseArgs,
  type ParsedArgs,
  RELEASE_SETTINGS,
  SERVICE_CONNECTION,
  UsageError
} from './args.js';
import { AZURE_PIPELINES_CREDENTIAL, azurePipelinesOidcTokenSource, readAzurePipelinesOidc } from './azure-pipelines-oidc.js';
import { underAzurePipelines } from './azure-pipelines.js';
import { type CliStreams, CliReporter } from './cli-reporter.js';
import { CLI_FEDERATED_CREDENTIAL, FEDERATED_TOKEN_CREDENTIAL, federatedTokenSource, WORKLOAD_IDENTITY_FILE_VARIABLE } from './federated-token.js';
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
  SETTING.BlobSas,
  FEDERATED_TOKEN
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
  const federated = readFederatedFlags(fromFlagsOrEnv, env, reporter);
  const context = {
    expectContinue: expectContinueMode(env.SFU_EXPECT_CONTINUE),
    resolve: (p: string) => path.resolve(p),
    federatedCredential:
      federated.flag === SERVICE_CONNECTION
        ? AZURE_PIPELINES_CREDENTIAL
        : federated.flag !== undefined || env[WORKLOAD_IDENTITY_FILE_VARIABLE]?.trim()
          ? FEDERATED_TOKEN_CREDENTIAL
          : CLI_FEDERATED_CREDENTIAL,
    testBlobOrigin: env[TEST_BLOB_ORIGIN_VARIABLE],
    testArmOrigin: env[TEST_ARM_ORIGIN_VARIABLE]
  };
  return entries.map(entry => {
    const read = (name: string) => (command === 'plan' && name === SETTING.DryRun ? 'true' : (entry.settings.get(name) ?? fromFlagsOrEnv(name)));
    try {
      // The assertion is chosen once the entry's service principal is known (chooseFederatedToken).
      const chosen: { assertion?: () => Promise<string> } = {};
      const federatedToken = () => (chosen.assertion ? chosen.assertion() : Promise.reject(new Error('No federated token was given.')));
      const job = readReleaseJob(read, CLI_SETTING_NAMES, reporter, { ...context, federatedToken });
      checkForCommand(job, command);
      chosen.assertion = chooseFederatedToken(job, federated, env, reporter);
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
}

const FEDERATED_FLAGS = [FEDERATED_TOKEN, FEDERATED_TOKEN_FILE, SERVICE_CONNECTION] as const;

interface FederatedFlags {
  /** The one federated credential flag given (or its variable), if any. */
  flag: (typeof FEDERATED_FLAGS)[number] | undefined;
  token: string;
  file: string;
  /** The Azure Pipelines token source, made (and its variables checked) once for the whole run. */
  azurePipelines: () => () => Promise<string>;
}

/** The federated credential flags: one at most (they are shared by every plan file entry). */
function readFederatedFlags(fromFlagsOrEnv: (name: string) => string, env: NodeJS.ProcessEnv, reporter: CliReporter): FederatedFlags {
  const values = new Map(FEDERATED_FLAGS.map(name => [name, fromFlagsOrEnv(name).trim()]));
  const given = FEDERATED_FLAGS.filter(name => values.get(name) !== '');
  if (given.length > 1) {
    throw new UsageError(
      `Give one of ${given.map(name => `'--${name}'`).join(' or ')}: ${given.length === 2 && !given.includes(SERVICE_CONNECTION) ? "both name the job's federated token" : "each is the service principal's federated credential"}.`
    );
  }
  let azurePipelines: (() => Promise<string>) | undefined;
  return {
    flag: given[0],
    token: fromFlagsOrEnv(FEDERATED_TOKEN),
    file: values.get(FEDERATED_TOKEN_FILE)!,
    azurePipelines: () => (azurePipelines ??= azurePipelinesOidcTokenSource(readAzurePipelinesOidc(values.get(SERVICE_CONNECTION)!, env), reporter))
  };
}

/**
 * The service principal's client assertion when it has no secret: the federated token given, the
 * Azure Pipelines job's OIDC token for the service connection given, else the workload identity's
 * AZURE_FEDERATED_TOKEN_FILE. Without any, the principal has no credential: bad input naming the
 * flags (GitHub's OIDC token exists only in the action).
 */
function chooseFederatedToken(job: ReleaseJob, given: FederatedFlags, env: NodeJS.ProcessEnv, reporter: CliReporter): (() => Promise<string>) | undefined {
  const names = CLI_SETTING_NAMES;
  const { security } = job.cluster;
  const { flag } = given;
  if (flag !== undefined && security.azureClientId === undefined) {
    throw new UsageError(
      `'--${flag}' is the credential of a service principal: give '${names.AzureClientId}' and '${names.AzureTenantId}' with it (the app registration whose federated credential trusts the token).`
    );
  }
  if (flag !== undefined && security.azureClientSecret !== undefined) {
    throw new UsageError(`Give one credential for '${names.AzureClientId}': '${names.AzureClientSecret}' or '--${flag}', not both.`);
  }
  if (security.azureClientId === undefined || security.azureClientSecret !== undefined) return undefined;
  if (flag === SERVICE_CONNECTION) return given.azurePipelines();
  if (flag === FEDERATED_TOKEN) return federatedTokenSource({ token: given.token, file: undefined, fileFrom: '' }, reporter);
  if (flag === FEDERATED_TOKEN_FILE) return federatedTokenSource({ token: undefined, file: given.file, fileFrom: `'--${FEDERATED_TOKEN_FILE}'` }, reporter);
  const workloadFile = env[WORKLOAD_IDENTITY_FILE_VARIABLE]?.trim();
  if (workloadFile) {
    reporter.info(`'${names.AzureClientId}' signs in with the federated token in ${WORKLOAD_IDENTITY_FILE_VARIABLE} (${workloadFile}).`);
    return federatedTokenSource({ token: undefined, file: workloadFile, fileFrom: WORKLOAD_IDENTITY_FILE_VARIABLE }, reporter);
  }
  throw new UsageError(
    `'${names.AzureClientId}' needs a credential here (GitHub's OIDC token exists only in the action): '${names.AzureClientSecret}' (${envVariable(SETTING.AzureClientSecret)}), or the job's federated token in '--${FEDERATED_TOKEN}' (${envVariable(FEDERATED_TOKEN)}) or '--${FEDERATED_TOKEN_FILE}' (${envVariable(FEDERATED_TOKEN_FILE)}, or ${WORKLOAD_IDENTITY_FILE_VARIABLE}), or on Azure Pipelines '--${SERVICE_CONNECTION}' (${envVariable(SERVICE_CONNECTION)}); or a ready token in '${names.AadToken}' (${envVariable(SETTING.AadToken)}).`
  );
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
    const outputs = { ...uploadOutputs(result.upload), ...releaseOutputs(result.release), ...versionOutputs(result.versions) };
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
