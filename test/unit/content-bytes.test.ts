// The seeded file contents the tests and the benchmark share (scripts/bench/content.ts): the same
// size and seed give the same bytes on every run and every Node version, so that the packages the
// tests build and the benchmark's numbers stay comparable.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { binaryLikeBytes, sourceLikeBytes } from '../../scripts/bench/content.js';
import { dllLikeBytes } from '../helpers/sf-packages.js';

const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);

test('each generator gives fixed bytes for a size and a seed', () => {
  assert.deepEqual([dllLikeBytes(300000, 3), dllLikeBytes(17, 0), binaryLikeBytes(300000, 3), binaryLikeBytes(13, 9), sourceLikeBytes(5000, 2)].map(digest), [
    '58258361c3769951',
    '1bf7ee0310aaead4',
    'ada7e672f78c6a7e',
    '387a90304f42cad2',
    'e727ec47c604fbb4'
  ]);
  assert.equal(dllLikeBytes(4096, 1).length, 4096);
  assert.notEqual(digest(dllLikeBytes(4096, 1)), digest(dllLikeBytes(4096, 2)));
});
