// The command line: a command, then `--name value` / `--name=value` flags. Flags are the action's
// input names; every setting may also come from an environment variable (SFU_<NAME>), flag first.
import { SETTING } from '../util/settings.js';

export const COMMANDS = ['release', 'upload', 'plan'] as const;
export type Command = (typeof COMMANDS)[number];

/** The prefix of the environment variables: `--cluster-endpoint` is also `SFU_CLUSTER_ENDPOINT`. */
export const ENV_PREFIX = 'SFU_';

/**
 * Settings only the CLI has: the federated credential the action gets from GitHub OIDC, as a token
 * (src/cli/federated-token.ts) or asked of Azure Pipelines for a service connection
 * (src/cli/azure-pipelines-oidc.ts). Flags and SFU_* variables, not plan file keys (credentials are shared).
 */
export const FEDERATED_TOKEN = 'azure-federated-token';
export const FEDERATED_TOKEN_FILE = 'azure-federated-token-file';
export const SERVICE_CONNECTION = 'azure-pipelines-service-connection';
export const CLI_ONLY_SETTINGS: readonly string[] = [FEDERATED_TOKEN, FEDERATED_TOKEN_FILE, SERVICE_CONNECTION];

const SETTING_NAMES: ReadonlySet<string> = new Set([...Object.values(SETTING), ...CLI_ONLY_SETTINGS]);

/** Settings that take `true`/`false`: the flag alone means `true`. */
export const BOOLEAN_SETTINGS: ReadonlySet<string> = new Set([
  SETTING.DryRun,
  SETTING.InsecureSkipTlsVerify,
  SETTING.Compress,
  SETTING.DiffPackage,
  SETTING.Provision,
  SETTING.KeepPackage,
  SETTING.UnprovisionOldVersions,
  SETTING.AllowDowngrade,
  SETTING.DeleteBlob
]);

/** Settings that take one value per line: each repetition of the flag adds a line. */
export const LIST_SETTINGS: ReadonlySet<string> = new Set([
  SETTING.Include,
  SETTING.CleanupPaths,
  SETTING.ApplicationParameters,
  SETTING.UpgradeSettings,
  SETTING.ServerCertificateThumbprint,
  SETTING.VersionStampIgnore
]);

/** What only `release` does: `upload` refuses these flags, and ignores their environment variables. */
export const RELEASE_SETTINGS: ReadonlySet<string> = new Set([
  SETTING.Provision,
  SETTING.KeepPackage,
  SETTING.ApplicationName,
  SETTING.ApplicationParameterFile,
  SETTING.ApplicationParameters,
  SETTING.PublishProfile,
  SETTING.UpgradeMode,
  SETTING.FailureAction,
  SETTING.UpgradeSettings,
  SETTING.DeployTimeout,
  SETTING.UnprovisionOldVersions,
  SETTING.AllowDowngrade,
  SETTING.OmittedParameters,
  // The Blob (ExternalStore) and ARM paths provision: they are releases, not Image Store uploads.
  SETTING.BlobContainerUrl,
  SETTING.BlobSas,
  SETTING.BlobName,
  SETTING.DeleteBlob,
  SETTING.ManagedClusterResourceId,
  SETTING.ArmEndpoint
]);

/** A bad command line: exit code 2, before any request. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  command: Command | undefined;
  help: boolean;
  verbose: boolean;
  /** `--plan <file>`. */
  planFile: string | undefined;
  /** Setting values given as flags, by canonical name (list settings joined by newlines). */
  flags: Map<string, string>;
}

export function envVariable(setting: string): string {
  return ENV_PREFIX + setting.toUpperCase().replace(/-/g, '_');
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: undefined, help: false, verbose: false, planFile: undefined, flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      parsed.help = true;
      continue;
    }
    if (arg === '--verbose') {
      parsed.verbose = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (parsed.command === undefined && (COMMANDS as readonly string[]).includes(arg)) {
        parsed.command = arg as Command;
        continue;
      }
      throw new UsageError(
        parsed.command === undefined
          ? `Unknown command '${arg}': use one of ${COMMANDS.join(', ')} (see --help).`
          : `Unexpected argument '${arg}': every value follows its flag, as in '--package-path ${arg}'.`
      );
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (name !== 'plan' && !SETTING_NAMES.has(name)) {
      throw new UsageError(`Unknown flag '--${name}'${suggestion(name)}: see 'service-fabric-upload ${parsed.command ?? 'release'} --help'.`);
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (BOOLEAN_SETTINGS.has(name)) {
        if (next !== undefined && /^(true|false)$/i.test(next)) value = argv[++i]!;
        else value = 'true';
      } else {
        if (next === undefined || next.startsWith('--')) throw new UsageError(`'--${name}' needs a value, as in '--${name} <value>' or '--${name}=<value>'.`);
        value = argv[++i]!;
      }
    }
    if (name === 'plan') {
      if (parsed.planFile !== undefined) throw new UsageError(`'--plan' is given twice: give one plan file.`);
      parsed.planFile = value;
      continue;
    }
    const before = parsed.flags.get(name);
    if (before !== undefined && !LIST_SETTINGS.has(name)) throw new UsageError(`'--${name}' is given twice: give it once.`);
    parsed.flags.set(name, before === undefined ? value : `${before}\n${value}`);
  }
  return parsed;
}

/** ` (did you mean '--chunk-size'?)` for a near miss, else ''. */
function suggestion(name: string): string {
  const plain = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const match = [...SETTING_NAMES].find(s => plain(s) === plain(name) || s.startsWith(name.toLowerCase()));
  return match === undefined ? '' : ` (did you mean '--${match}'?)`;
}
