// action.yml is the single source of truth for the inputs and outputs: the README's grouped tables must
// name each of them once, nothing else, and show each input's default as action.yml declares it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';

interface ActionInput {
  required?: boolean;
  default?: string;
}
interface ActionYml {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, unknown>;
}

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionYml;
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const INPUT_GROUPS = ['Basics', 'Release', 'Security', 'Packages', 'Tuning'];

/** The lines of the README's `## <title>` section, up to the next `## ` heading. */
function section(markdown: string, title: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.indexOf(`## ${title}`);
  assert.ok(start >= 0, `README.md has no '## ${title}' section`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Table rows whose first cell is a backticked name: [name, second cell]. */
function namedRows(lines: string[]): [string, string][] {
  const rows: [string, string][] = [];
  for (const line of lines) {
    const m = /^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) rows.push([m[1], m[2]]);
  }
  return rows;
}

function expectOnce(kind: string, documented: string[], declared: string[]): void {
  const duplicates = documented.filter((name, i) => documented.indexOf(name) !== i);
  assert.deepEqual(duplicates, [], `${kind}s listed more than once in README.md`);
  const missing = declared.filter(name => !documented.includes(name));
  assert.deepEqual(missing, [], `${kind}s of action.yml missing from README.md's tables: add a row to the right group`);
  const unknown = documented.filter(name => !declared.includes(name));
  assert.deepEqual(unknown, [], `${kind}s in README.md's tables that action.yml does not declare`);
}

/** What the README's default column must say for an input of action.yml. */
function defaultCellMatches(input: ActionInput, cell: string): boolean {
  if (input.required === true) return cell === 'required';
  const value = input.default ?? '';
  if (value === '') return cell === 'empty' || cell.startsWith('empty: ');
  return cell === `\`${value}\``;
}

test("the README's inputs are grouped under the five headings, in order", () => {
  const headings = section(readme, 'Inputs')
    .filter(line => line.startsWith('### '))
    .map(line => line.slice(4));
  assert.deepEqual(headings, INPUT_GROUPS);
});

test("every input of action.yml has exactly one row in the README's input tables, and no other input does", () => {
  const rows = namedRows(section(readme, 'Inputs'));
  expectOnce(
    'input',
    rows.map(([name]) => name),
    Object.keys(action.inputs)
  );
});

test("the README's default column says what action.yml declares", () => {
  const wrong = namedRows(section(readme, 'Inputs'))
    .filter(([name, cell]) => {
      const input = action.inputs[name];
      return input !== undefined && !defaultCellMatches(input, cell);
    })
    .map(([name, cell]) => {
      const input = action.inputs[name];
      const expected = input?.required === true ? 'required' : `\`${input?.default ?? ''}\``;
      return `${name}: README says '${cell}', action.yml says ${expected}`;
    });
  assert.deepEqual(wrong, []);
});

test("every output of action.yml has exactly one row in the README's output table, and no other output does", () => {
  const rows = namedRows(section(readme, 'Outputs'));
  expectOnce(
    'output',
    rows.map(([name]) => name),
    Object.keys(action.outputs)
  );
});

test('the default check itself: required, empty and literal defaults', () => {
  assert.ok(defaultCellMatches({ required: true }, 'required'));
  assert.ok(!defaultCellMatches({ required: true }, 'empty'));
  assert.ok(defaultCellMatches({ default: '' }, "empty: the package folder's name"));
  assert.ok(!defaultCellMatches({ default: '' }, '`Monitored`'));
  assert.ok(defaultCellMatches({ default: '8MiB' }, '`8MiB`'));
  assert.ok(!defaultCellMatches({ default: '8MiB' }, '`16MiB`'));
  assert.ok(!defaultCellMatches({ default: 'false' }, 'empty'));
});
