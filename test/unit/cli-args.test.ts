// The CLI's decisions the end-to-end runs do not each reach: flag forms, repeated flags, the plan
// file's shapes, the Azure Pipelines escaping, and masking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envVariable, parseArgs, UsageError } from '../../src/cli/args.js';
import { logIssueCommand, setOutputCommand } from '../../src/cli/azure-pipelines.js';
import { CliReporter } from '../../src/cli/cli-reporter.js';
import { parsePlan } from '../../src/cli/plan-file.js';

test('flags: --name value, --name=value, a true/false flag alone, list flags repeated, env names', () => {
  const args = parseArgs([
    'release',
    '--package-path=pkg',
    '--compress',
    '--diff-package',
    'false',
    '--include',
    '**',
    '--include',
    '!*.pdb',
    '--chunk-size',
    '1MiB'
  ]);
  assert.equal(args.command, 'release');
  assert.equal(args.flags.get('package-path'), 'pkg');
  assert.equal(args.flags.get('compress'), 'true');
  assert.equal(args.flags.get('diff-package'), 'false');
  assert.equal(args.flags.get('include'), '**\n!*.pdb');
  assert.equal(args.flags.get('chunk-size'), '1MiB');
  assert.equal(envVariable('client-certificate-password'), 'SFU_CLIENT_CERTIFICATE_PASSWORD');
});

test('flags: a single-valued flag given twice, or without its value, is refused', () => {
  assert.throws(
    () => parseArgs(['upload', '--chunk-size', '1MiB', '--chunk-size', '2MiB']),
    (e: Error) => e instanceof UsageError && /given twice/.test(e.message)
  );
  assert.throws(() => parseArgs(['upload', '--package-path', '--chunk-size', '1MiB']), /'--package-path' needs a value/);
  assert.throws(() => parseArgs(['upload', '--package-path']), /'--package-path' needs a value/);
});

test('plan file: maps and lists become lines; numbers and booleans text; bad shapes name the entry', () => {
  const [entry] = parsePlan(
    { applications: [{ 'package-path': '/p', 'application-parameters': { A: 1, B: 'x=y' }, include: ['**', '!*.pdb'], compress: true, concurrency: 4 }] },
    'plan.json',
    { allowRelease: true }
  );
  assert.equal(entry!.settings.get('application-parameters'), 'A=1\nB=x=y');
  assert.equal(entry!.settings.get('include'), '**\n!*.pdb');
  assert.equal(entry!.settings.get('compress'), 'true');
  assert.equal(entry!.settings.get('concurrency'), '4');
  assert.throws(() => parsePlan({ applications: [] }, 'plan.json', { allowRelease: true }), /needs "applications"/);
  assert.throws(() => parsePlan({ applications: [{ include: { a: 1 } }] }, 'plan.json', { allowRelease: true }), /applications\[0\], "include" must be/);
  assert.throws(() => parsePlan({ applications: [{ 'application-name': 'fabric:/A' }] }, 'plan.json', { allowRelease: false }), /is a release setting/);
});

test('Azure Pipelines: data and properties escaped as the agent reads them', () => {
  assert.equal(logIssueCommand('warning', '100% done\nnext;line]'), '##vso[task.logissue type=warning]100%AZP25 done%0Anext;line]');
  assert.equal(setOutputCommand('file-count', '3'), '##vso[task.setvariable variable=file_count;isOutput=true]3');
});

test('masking: every secret is replaced, the longer one first when one contains the other', () => {
  const out: string[] = [];
  const reporter = new CliReporter({ stdout: t => out.push(t), stderr: t => out.push(t), stderrIsTTY: false }, { azurePipelines: false, verbose: false });
  reporter.setSecret('abc');
  reporter.setSecret('abcdef-secret');
  reporter.info('token abcdef-secret and abc');
  assert.deepEqual(out, ['token *** and ***\n']);
});

test('progress on a TTY rewrites one line, and the next message starts on a new line', () => {
  const err: string[] = [];
  const reporter = new CliReporter({ stdout: () => undefined, stderr: t => err.push(t), stderrIsTTY: true }, { azurePipelines: false, verbose: false });
  reporter.progress('10 %');
  reporter.progress('20 %');
  reporter.info('done');
  assert.deepEqual(err, ['\r\x1b[K10 %', '\r\x1b[K20 %', '\n', 'done\n']);
});
