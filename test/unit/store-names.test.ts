// Names a Windows cluster cannot store are found before the first write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findNameProblems, windowsNameProblem } from '../../src/package/store-names.js';

describe('Windows-invalid names', () => {
  it('refuses trailing spaces and dots, reserved characters, backslashes and control characters', () => {
    for (const bad of ['name ', 'name.', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b', 'a>b', 'a|b', 'back\\slash', 'tab\there', 'nl\nx', '\u0001']) {
      assert.ok(windowsNameProblem(bad), JSON.stringify(bad));
    }
  });

  it('refuses reserved device names with or without an extension, in any case', () => {
    for (const bad of ['CON', 'con', 'PRN.txt', 'aux.tar.gz', 'NUL', 'Com1', 'COM9.log', 'lpt1', 'LPT9.x', 'nul .txt']) {
      assert.ok(windowsNameProblem(bad), bad);
    }
  });

  it('accepts ordinary names, including ones that only look like device names', () => {
    for (const ok of [
      'ApplicationManifest.xml',
      'Code',
      'CONSOLE.dll',
      'COM10',
      'LPT0',
      'aux1.txt',
      'a b#c%d+e;f&g=h.txt',
      'Résumé-東京.txt',
      '.hidden',
      'x..y'
    ]) {
      assert.equal(windowsNameProblem(ok), undefined, ok);
    }
  });

  it('names the first path with the problem, folders included, and finds names that differ only in case', () => {
    const problems = findNameProblems(['Svc/CON/a.txt', 'Svc/CON/b.txt', 'Svc/ok.txt', 'Code/A.dll', 'code/a.dll', 'Data/x', 'Data/X']);
    assert.deepEqual(
      problems.map(p => p.path),
      ['Svc/CON', 'code', 'Data/X']
    );
    assert.match(problems[1]!.reason, /differs from 'Code' only in case/);
  });
});
