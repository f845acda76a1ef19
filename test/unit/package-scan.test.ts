// The package scan's helpers: @actions/glob's escaping rule, include patterns, scan errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeScanError, escapeGlob, normalizeIncludePattern } from '../../src/package/package-scan.js';

describe('package scan helpers', () => {
  it("escapes a literal path by @actions/glob's rule", () => {
    assert.equal(escapeGlob('/tmp/a[b]c', false), '/tmp/a[[]b]c');
    assert.equal(escapeGlob('/tmp/x*y?z', false), '/tmp/x[*]y[?]z');
    assert.equal(escapeGlob('/tmp/back\\slash', false), '/tmp/back\\\\slash');
    assert.equal(escapeGlob('/tmp/[only/open', false), '/tmp/[only/open', "a '[' without ']' in its segment stays");
    assert.equal(escapeGlob('C:\\work\\a[b]', true), 'C:\\work\\a[[]b]', 'on Windows a backslash separates');
    assert.equal(escapeGlob('/tmp/{a,b}!#', false), '/tmp/{a,b}!#', 'braces, ! and # are not special to it');
  });

  it('drops a leading ./ from include patterns and refuses . and .. elsewhere, naming the input', () => {
    assert.equal(normalizeIncludePattern('./**'), '**');
    assert.equal(normalizeIncludePattern('!./Svc/*.pdb'), '!Svc/*.pdb');
    assert.equal(normalizeIncludePattern('/Svc/**'), 'Svc/**');
    assert.equal(normalizeIncludePattern('.'), '**');
    assert.throws(() => normalizeIncludePattern('Svc/../Other/**'), /'include' pattern 'Svc\/\.\.\/Other\/\*\*' has a '\.' or '\.\.' segment/);
    assert.throws(() => normalizeIncludePattern('Svc/./x'), /'include'/);
  });

  it('turns raw scan errors into one sentence naming the input and the fix', () => {
    const broken = describeScanError(new Error("No information found for the path '/pkg/Svc/link'. This may indicate a broken symbolic link."), '/pkg');
    assert.match(broken.message, /^'Svc\/link' in 'package-path' is a broken symbolic link: .* '!Svc\/link' in 'include'/);
    const denied = Object.assign(new Error("EACCES: permission denied, scandir '/pkg/Locked'"), { code: 'EACCES', path: '/pkg/Locked' });
    assert.match(describeScanError(denied, '/pkg').message, /^'Locked' in 'package-path' cannot be read \(EACCES\): check its permissions/);
    assert.match(describeScanError(new Error('odd'), '/pkg').message, /'package-path' .* with 'include' failed: odd/);
  });
});
