import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileStamp } from '../../src/protocol/file-stamp.js';
import { ListedFiles } from '../../src/upload/listed-files.js';
import { StoreTree } from '../../src/upload/store-tree.js';

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

describe('StoreTree', () => {
  function treeOf(caseInsensitive: boolean): StoreTree {
    const tree = new StoreTree();
    tree.comparison = { caseInsensitive };
    const a = new ListedFiles();
    a.add('ApplicationManifest.xml', 3, { version: [1n, 1n, 5n] });
    a.add('_.dir', 0, { version: [1n, 1n, 9n] });
    const b = new ListedFiles();
    b.add('SVC/A.DLL', 5, { version: [1n, 1n, 6n] });
    b.add('SVC/b.dll', 7, { modifiedMs: 42 });
    tree.addFiles(a);
    tree.addFiles(b);
    return tree;
  }

  it('finds a path as it is, then as the cluster compares names', () => {
    const windows = treeOf(true);
    assert.equal(windows.find('SVC/b.dll'), 'SVC/b.dll');
    assert.equal(windows.find('Svc/a.dll'), 'SVC/A.DLL');
    assert.equal(windows.find('/SVC//b.dll'), 'SVC/b.dll');
    assert.equal(windows.find('Svc/c.dll'), undefined);
    const linux = treeOf(false);
    assert.equal(linux.find('SVC/A.DLL'), 'SVC/A.DLL');
    assert.equal(linux.find('SVC\\A.DLL'), 'SVC/A.DLL');
    assert.equal(linux.find('Svc/a.dll'), undefined);
  });

  it("gives each file's size and stamp from its own listing, and the map of sizes when read", () => {
    const tree = treeOf(true);
    assert.equal(tree.sizeOf('SVC/b.dll'), 7);
    assert.deepEqual(tree.stampOf('SVC/A.DLL'), { version: [1n, 1n, 6n], modifiedMs: undefined });
    assert.deepEqual(tree.stampOf('SVC/b.dll'), { version: undefined, modifiedMs: 42 });
    assert.deepEqual(tree.stampOf('_.dir')?.version, [1n, 1n, 9n]);
    assert.equal(tree.stampOf('nothing'), undefined);
    assert.deepEqual(
      [...tree.files],
      [
        ['ApplicationManifest.xml', 3],
        ['_.dir', 0],
        ['SVC/A.DLL', 5],
        ['SVC/b.dll', 7]
      ]
    );
    assert.equal(tree.files, tree.files);
    assert.deepEqual([...tree.paths()], [...tree.files.keys()]);
  });
});
