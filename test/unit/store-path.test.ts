// Store paths compared the way the cluster compares them: by segment, either separator, and
// case-insensitively the way Windows does it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AS_WINDOWS, EXACT, foldName, isSameOrBeneath, relativeStorePath, storePathKey } from '../../src/protocol/store-path.js';

describe('store path comparison', () => {
  it('compares segments, with either separator, exactly unless told otherwise', () => {
    assert.ok(isSameOrBeneath('App/1.0', 'App'));
    assert.ok(isSameOrBeneath('App\\1.0\\x', 'App/1.0'));
    assert.ok(!isSameOrBeneath('AppOld', 'App'), 'a name that starts with another is not beneath it');
    assert.ok(!isSameOrBeneath('app/1.0', 'App'));
    assert.ok(isSameOrBeneath('app\\1.0', 'App', AS_WINDOWS));
    assert.ok(isSameOrBeneath('anything', ''), 'everything is beneath the store root');
  });

  it('folds case one character to one, as NTFS does, so lengths never shift', () => {
    assert.equal(foldName('Straße'), 'STRAßE', 'ß has no one-character upper case');
    assert.notEqual(foldName('Straße'), foldName('STRASSE'));
    assert.equal(foldName('straße'), foldName('STRAßE'));
    assert.equal(foldName('ǅemal'), foldName('ǆemal'));
    // 'İ'.toLowerCase() is two code units: a length taken from a lower-cased string cuts the wrong place.
    assert.equal('İ'.toLowerCase().length, 2);
    assert.equal(relativeStorePath('İx\\Svc\\a.txt', 'İX', AS_WINDOWS), 'Svc/a.txt');
    assert.equal(relativeStorePath('İx/Svc/a.txt', 'ix', AS_WINDOWS), undefined, 'İ and i are different letters');
  });

  it('gives equal keys to paths the cluster sees as one', () => {
    assert.equal(storePathKey('Svc\\Code\\A.dll', AS_WINDOWS), storePathKey('svc/code/a.DLL', AS_WINDOWS));
    assert.notEqual(storePathKey('Svc/Code/A.dll', EXACT), storePathKey('svc/code/a.dll', EXACT));
    assert.equal(storePathKey('Svc\\Code\\A.dll', EXACT), 'Svc/Code/A.dll');
  });

  it('keys a path the same way on the fast path (printable ASCII, already normal) as segment by segment', () => {
    const bySegment = (p: string) =>
      p
        .split(/[\\/]/)
        .filter(x => x !== '')
        .map(name => [...name].map(ch => ([...ch.toUpperCase()].length === 1 ? ch.toUpperCase() : ch)).join(''))
        .join('/');
    const paths = [
      '',
      'a',
      'Svc0Pkg/Code/lib/net8.0/Contoso.Lib1.dll',
      '/lead/trail/',
      'a//b',
      'Svc\\Code\\x.so',
      "~ !#$%&'()+,;=@[]^_`{}",
      'Straße/ǅemal.txt',
      'tab\there'
    ];
    for (const p of paths) assert.equal(storePathKey(p, AS_WINDOWS), bySegment(p), p);
    for (const p of paths)
      assert.equal(
        storePathKey(p, EXACT),
        p
          .split(/[\\/]/)
          .filter(x => x !== '')
          .join('/'),
        p
      );
  });
});
