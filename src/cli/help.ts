// `--help`, per command. The details are in docs/cli.md; each setting is described in action.yml.
import { SETTING } from '../util/settings.js';
import { CLI_ONLY_SETTINGS, type Command, envVariable, LIST_SETTINGS, RELEASE_SETTINGS } from './args.js';

const SUMMARY: Record<Command, string> = {
  release: 'Upload the package, provision its type, create or upgrade the application, and wait for the upgrade.',
  upload: 'Upload the package to the Image Store only (no release settings).',
  plan: 'Dry run: validate, plan the upload and the release, and change nothing.'
};

export function helpText(command: Command | undefined): string {
  if (command === undefined) {
    return [
      'Usage: service-fabric-upload <command> [flags]',
      '',
      ...Object.entries(SUMMARY).map(([name, text]) => `  ${name.padEnd(8)} ${text}`),
      '',
      "Run 'service-fabric-upload <command> --help' for its flags. Every flag may also be given as an",
      'environment variable SFU_<NAME> (--cluster-endpoint: SFU_CLUSTER_ENDPOINT); the flag wins.',
      'Exit codes: 0 done, 1 failed, 2 bad input (nothing sent), 130 cancelled.',
      'Documentation: docs/cli.md'
    ].join('\n');
  }
  const settings = [...Object.values(SETTING), ...CLI_ONLY_SETTINGS].filter(name => command !== 'upload' || !RELEASE_SETTINGS.has(name));
  const width = Math.max(...settings.map(s => s.length)) + 2;
  return [
    `Usage: service-fabric-upload ${command} --cluster-endpoint <url> --package-path <folder> [flags]`,
    '',
    SUMMARY[command],
    command === 'release' ? 'It needs an application (--application-name, --application-parameter-file or --publish-profile) or --provision.' : '',
    '',
    'Flags (environment variable; the flag wins):',
    ...settings.map(s => `  --${s.padEnd(width)} ${envVariable(s)}${LIST_SETTINGS.has(s) ? '  (repeatable: one value per line)' : ''}`),
    `  --${'plan <file.json>'.padEnd(width)} several applications in order (see docs/cli.md)`,
    `  --${'verbose'.padEnd(width)} debug lines on stderr`,
    '',
    "Progress goes to stderr; the result is one JSON object on stdout, with the action's output names.",
    'Exit codes: 0 done, 1 failed (rolled back, provision failed, …), 2 bad input (nothing sent), 130 cancelled.'
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
}
