// The lint rule that keeps the arrows pointing down: only the front doors import @actions/core or
// the action. Run through ESLint's API with the project's own config, on probe files.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The probes are not files of the TypeScript project: lint them without type information (the
// layering rule needs none).
const eslint = new ESLint({ cwd: ROOT, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });

async function layeringMessages(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, relativePath) });
  return result!.messages.filter(m => m.ruleId === 'no-restricted-imports').map(m => m.message);
}

const IMPORTS_ACTIONS_CORE = "import * as core from '@actions/core';\nexport const log = (line: string): void => core.info(line);\n";

test('domain code that imports @actions/core is reported', async () => {
  for (const file of ['src/deploy/layering-probe.ts', 'src/upload/layering-probe.ts', 'src/cluster/auth/layering-probe.ts', 'src/core/layering-probe.ts']) {
    const messages = await layeringMessages(file, IMPORTS_ACTIONS_CORE);
    assert.equal(messages.length, 1, `${file}: ${messages.join(' | ')}`);
    assert.match(messages[0]!, /Only the front doors/);
  }
});

test('domain code that imports the action is reported', async () => {
  const messages = await layeringMessages('src/package/layering-probe.ts', "export { InputError } from '../action/inputs.js';\n");
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /Nothing beneath the front doors imports the action/);
});

test('src/protocol/ may not import @actions/core either', async () => {
  const messages = await layeringMessages('src/protocol/layering-probe.ts', IMPORTS_ACTIONS_CORE);
  assert.ok(
    messages.some(m => /Only the front doors/.test(m)),
    messages.join(' | ')
  );
});

test('the action may import @actions/core', async () => {
  assert.deepEqual(await layeringMessages('src/action/layering-probe.ts', IMPORTS_ACTIONS_CORE), []);
});

test('the CLI may import neither @actions/core nor the action', async () => {
  const core = await layeringMessages('src/cli/layering-probe.ts', IMPORTS_ACTIONS_CORE);
  assert.equal(core.length, 1, core.join(' | '));
  assert.match(core[0]!, /The CLI does not talk to the GitHub runner/);
  const action = await layeringMessages('src/cli/layering-probe.ts', "export { readReleaseJob } from '../action/release-job.js';\n");
  assert.equal(action.length, 1, action.join(' | '));
  assert.match(action[0]!, /The CLI does not import the action/);
  assert.deepEqual(await layeringMessages('src/cli/layering-probe.ts', "export { runRelease } from '../core/release.js';\n"), []);
});

test('the libraries @actions/glob and @actions/http-client stay allowed in domain code', async () => {
  const code =
    "import * as glob from '@actions/glob';\nimport { getProxyUrl } from '@actions/http-client/lib/proxy';\nexport const both = [glob, getProxyUrl];\n";
  assert.deepEqual(await layeringMessages('src/package/layering-probe.ts', code), []);
});
