import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liesWithinOne, mergeRanges, missingRanges, parseContentRange, splitIntoChunks } from '../src/protocol/byte-ranges.js';
import { compareApiVersions, parseApiVersion } from '../emulator/api-version.js';
import { encodeStorePath, isSameOrBeneath, joinStorePath, normalizeStorePath } from '../src/protocol/store-path.js';
import { isReservedRoot } from '../src/protocol/error-codes.js';

describe('byte ranges', () => {
  it('merges overlapping and adjacent ranges', () => {
    assert.deepEqual(
      mergeRanges([
        { start: 5, end: 9 },
        { start: 0, end: 4 },
        { start: 20, end: 30 },
        { start: 25, end: 26 }
      ]),
      [
        { start: 0, end: 9 },
        { start: 20, end: 30 }
      ]
    );
  });

  it('finds the missing ranges of a file', () => {
    assert.deepEqual(missingRanges([], 10), [{ start: 0, end: 9 }]);
    assert.deepEqual(
      missingRanges(
        [
          { start: 2, end: 3 },
          { start: 7, end: 9 }
        ],
        10
      ),
      [
        { start: 0, end: 1 },
        { start: 4, end: 6 }
      ]
    );
    assert.deepEqual(missingRanges([{ start: 0, end: 9 }], 10), []);
  });

  it('tells whether a chunk lies inside one range', () => {
    const ranges = [
      { start: 0, end: 4 },
      { start: 5, end: 9 }
    ];
    assert.equal(liesWithinOne(ranges, { start: 1, end: 4 }), true);
    assert.equal(liesWithinOne(ranges, { start: 4, end: 5 }), false);
  });

  it('splits ranges into chunks', () => {
    assert.deepEqual(
      splitIntoChunks(
        [
          { start: 0, end: 9 },
          { start: 20, end: 22 }
        ],
        4
      ),
      [
        { start: 0, end: 3 },
        { start: 4, end: 7 },
        { start: 8, end: 9 },
        { start: 20, end: 22 }
      ]
    );
  });

  it('parses only the exact Content-Range form', () => {
    assert.deepEqual(parseContentRange('bytes 0-3/10'), { range: { start: 0, end: 3 }, length: 10 });
    for (const bad of [undefined, 'bytes=0-3/10', 'bytes 3-2/10', 'bytes 0-10/10', 'bytes 0-3/*', ' bytes 0-3/10']) {
      assert.equal(parseContentRange(bad), undefined, String(bad));
    }
  });
});

describe('api-version', () => {
  it('parses versions and ignores -preview', () => {
    assert.deepEqual(parseApiVersion('6.0'), [6, 0]);
    assert.deepEqual(parseApiVersion('7.2-preview'), [7, 2]);
    assert.equal(parseApiVersion('6'), undefined);
    assert.equal(parseApiVersion(''), undefined);
    assert.ok(compareApiVersions([6, 10], [6, 5]) > 0);
  });
});

describe('store paths', () => {
  it('normalises either separator to /', () => {
    assert.equal(normalizeStorePath('\\App\\Svc//Code\\'), 'App/Svc/Code');
    assert.equal(joinStorePath('App', '', 'a/b'), 'App/a/b');
  });

  it('encodes each segment on its own', () => {
    assert.equal(encodeStorePath('App/a b#c?d%e+f/é'), 'App/a%20b%23c%3Fd%25e%2Bf/%C3%A9');
  });

  it('knows ancestors and reserved roots', () => {
    assert.equal(isSameOrBeneath('App/x', 'App'), true);
    assert.equal(isSameOrBeneath('Apple', 'App'), false);
    assert.equal(isReservedRoot('store/x'), true);
    assert.equal(isReservedRoot('Stores'), false);
  });
});
