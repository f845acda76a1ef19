import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { changelogSection } from '../../scripts/changelog-section.js';

const changelog = readFileSync(new URL('../../CHANGELOG.md', import.meta.url), 'utf8');
const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test("package.json's version has its own CHANGELOG section (the release workflow publishes it)", () => {
  const notes = changelogSection(changelog, packageVersion);
  assert.match(notes, /^### /m);
  assert.doesNotMatch(notes, /^## /m, 'the section stops at the next release heading');
});

test('a section ends at the next heading or at the link references', () => {
  const text = [
    '# Changelog',
    '## [Unreleased]',
    '- next',
    '## [1.1.0] - 2026-12-01',
    '### Fixed',
    '- one',
    '## [1.0.0] - 2026-11-01',
    '- first',
    '',
    '[1.1.0]: https://example.invalid/1.1.0'
  ].join('\n');
  assert.equal(changelogSection(text, '1.1.0'), '### Fixed\n- one');
  assert.equal(changelogSection(text, '1.0.0'), '- first');
  assert.equal(changelogSection(text, 'Unreleased'), '- next');
});

test('a missing or empty section is refused with a sentence that says what to do', () => {
  assert.throws(() => changelogSection('## [1.0.0]\n- x\n', '1.0'), /no '## \[1\.0\]' section: add one before tagging v1\.0/);
  assert.throws(() => changelogSection('## [2.0.0]\n\n## [1.0.0]\n- x\n', '2.0.0'), /is empty/);
});
