import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileStamp } from '../../src/protocol/file-stamp.js';
import { ListedFiles } from '../../src/upload/listed-files.js';

describe('ListedFiles', () => {
  const stamps: FileStamp[] = [
    { version: [7n, 3n, 12n], modifiedMs: Date.UTC(2026, 11, 7, 12, 0, 0, 123) },
    { version: undefined, modifiedMs: 0 },
    { version: [0n, 0n, 1n], modifiedMs: undefined },
    { version: undefined, modifiedMs: undefined },
    // Beyond what a number holds exactly: kept as given.
    { version: [1n, 2n, 18446744073709551615n], modifiedMs: 5 },
    { version: [2n ** 53n + 1n, 0n, 3n], modifiedMs: undefined },
    { version: [2n ** 53n - 1n, 9n, 2n ** 53n - 1n], modifiedMs: 1 }
  ];

  it('gives back each file path, size and stamp as the listing gave them', () => {
    const files = new ListedFiles();
    stamps.forEach((stamp, i) => files.add(`Svc/f${i}.dll`, i * 1000, stamp));
    assert.equal(files.length, stamps.length);
    assert.deepEqual(
      files.paths,
      stamps.map((_, i) => `Svc/f${i}.dll`)
    );
    assert.deepEqual(
      files.sizes,
      stamps.map((_, i) => i * 1000)
    );
    stamps.forEach((stamp, i) => assert.deepEqual(files.stamp(i), stamp, `file ${i}`));
  });

  it('keeps numbers, not the stamp objects it was given, for stamps a number holds exactly', () => {
    const files = new ListedFiles();
    const given: FileStamp = { version: [7n, 3n, 12n], modifiedMs: 10 };
    files.add('a', 1, given);
    assert.notEqual(files.stamp(0), given);
    assert.notEqual(files.stamp(0).version, given.version);
    assert.deepEqual(files.stamp(0), given);
  });
});
