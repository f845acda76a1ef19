// `node --import tsx scripts/changelog-section.ts 1.2.3`: prints the body of CHANGELOG.md's
// `## [1.2.3]` section, the release notes the release workflow publishes. Exits 1 with a sentence
// when the section is missing or empty, so that a tag cannot be released without its notes.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/);
  const heading = `## [${version}]`;
  const start = lines.findIndex(line => line === heading || line.startsWith(`${heading} `));
  if (start < 0) throw new Error(`CHANGELOG.md has no '${heading}' section: add one before tagging v${version}.`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex(line => line.startsWith('## ') || /^\[[^\]]+\]:\s/.test(line));
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
  if (body === '') throw new Error(`CHANGELOG.md's '${heading}' section is empty: say what the release changes.`);
  return body;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const version = (process.argv[2] ?? '').replace(/^v/, '');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    if (version === '') throw new Error('Usage: changelog-section.ts <version>, for example 1.2.3.');
    process.stdout.write(`${changelogSection(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), version)}\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
