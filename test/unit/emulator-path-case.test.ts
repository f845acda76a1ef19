import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PathComparer } from '../../emulator/path-case.js';

describe('emulator PathComparer', () => {
  const insensitive = new PathComparer(true);
  const sensitive = new PathComparer(false);

  it('compares per segment, folding case only in case-insensitive mode', () => {
    assert.equal(insensitive.same('App/Code/A.DLL', 'app\\code\\a.dll'), true);
    assert.equal(sensitive.same('App/Code/A.DLL', 'app/code/a.dll'), false);
    assert.equal(sensitive.same('App/Code', 'App\\Code'), true);
    assert.equal(insensitive.key('App/CODE'), insensitive.key('app\\code'));
  });

  it('finds ancestors by whole segments, never by a prefix of the folded string', () => {
    assert.equal(insensitive.isSameOrBeneath('PKG/Sub/f', 'pkg'), true);
    assert.equal(insensitive.isSameOrBeneath('Pkg2/f', 'pkg'), false);
    assert.equal(insensitive.isSameOrBeneath('pkg', 'Pkg/Sub'), false);
    assert.equal(insensitive.isSameOrBeneath('anything', ''), true);
    assert.equal(sensitive.isSameOrBeneath('PKG/Sub', 'pkg'), false);
  });

  it('copes with case mappings that change a segment length (İ lower-cases to two code units)', () => {
    assert.equal('İ'.toLowerCase().length, 2);
    assert.equal(insensitive.isSameOrBeneath('İ/x', 'i\u0307'), true);
    assert.equal(insensitive.isSameOrBeneath('İx/a', 'İ'), false);
    assert.equal(insensitive.same('İ/x', 'İ/X'), true);
  });
});
