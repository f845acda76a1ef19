// Verification against listings as a Windows cluster (\, its own case) and a Linux cluster give
// them, malformed listings, and what a destination holds that the package lacks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageStoreClient } from '../../src/cluster/store-client.js';
import type { ScannedPackage } from '../../src/package/package-scan.js';
import { findDifferences, findStale, listTree, MalformedListingError } from '../../src/upload/verify-destination.js';

type Listing = { StoreFiles?: unknown; StoreFolders?: unknown };

/** A client whose list() answers from a table keyed by the path asked for. */
function fakeClient(listings: Record<string, Listing>): ImageStoreClient {
  return {
    list: async (storePath: string) => {
      await new Promise(resolve => setImmediate(resolve));
      const l = listings[storePath];
      return l === undefined ? undefined : { files: l.StoreFiles ?? [], folders: l.StoreFolders ?? [] };
    }
  } as unknown as ImageStoreClient;
}

const file = (p: string, size: number) => ({ StoreRelativePath: p, FileSize: String(size) });
const folder = (p: string) => ({ StoreRelativePath: p, FileCount: '1' });

function pkgOf(files: Record<string, number>): ScannedPackage {
  const folders = new Set(['']);
  for (const f of Object.keys(files)) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return {
    root: '/pkg',
    files: Object.entries(files).map(([relativePath, size]) => ({ localPath: `/pkg/${relativePath}`, relativePath, size })),
    folders: [...folders].sort(),
    totalBytes: 0,
    ignoredMarkFiles: 0,
    unmatchedPatterns: []
  };
}

describe('verification as the cluster compares', () => {
  // A Windows cluster answers with '\' and in the case the store has, which may differ from ours.
  const windows = fakeClient({
    İApp: { StoreFiles: [file('İAPP\\ApplicationManifest.xml', 3), file('İAPP\\_.dir', 0)], StoreFolders: [folder('İAPP\\SVC')] },
    'İApp/SVC': { StoreFiles: [file('İAPP\\SVC\\A.DLL', 5), file('İAPP\\SVC\\_.DIR', 0), file('İAPP\\SVC\\Old.dll', 1)] }
  });

  it('matches a Windows listing case-insensitively, segment by segment, whatever Unicode case mapping does to lengths', async () => {
    const tree = await listTree(windows, 'İApp', 4);
    assert.equal(tree.comparison.caseInsensitive, true);
    assert.deepEqual([...tree.files.keys()].sort(), ['ApplicationManifest.xml', 'SVC/A.DLL', 'SVC/Old.dll', 'SVC/_.DIR', '_.dir']);
    const pkg = pkgOf({ 'ApplicationManifest.xml': 3, 'Svc/a.dll': 5 });
    assert.deepEqual(findDifferences(tree, pkg), []);
    assert.deepEqual(findStale(tree, pkg), ['SVC/Old.dll']);
  });

  it('compares a Linux listing exactly', async () => {
    const linux = fakeClient({
      App: { StoreFiles: [file('App/ApplicationManifest.xml', 3), file('App/_.dir', 0)], StoreFolders: [folder('App/SVC')] },
      'App/SVC': { StoreFiles: [file('App/SVC/a.dll', 5), file('App/SVC/_.dir', 0)] }
    });
    const tree = await listTree(linux, 'App', 4);
    assert.equal(tree.comparison.caseInsensitive, false);
    const pkg = pkgOf({ 'ApplicationManifest.xml': 3, 'Svc/a.dll': 5 });
    assert.deepEqual(findDifferences(tree, pkg), ["'Svc/a.dll' is missing", "'Svc/_.dir' is missing"]);
    assert.deepEqual(findStale(tree, pkg), ['SVC/']);
  });

  it('can leave the package root mark out, for the check before it is written', async () => {
    const tree = await listTree(fakeClient({ App: { StoreFiles: [file('App\\ApplicationManifest.xml', 3)] } }), 'App', 2);
    const pkg = pkgOf({ 'ApplicationManifest.xml': 3 });
    assert.deepEqual(findDifferences(tree, pkg), ["'_.dir' is missing"]);
    assert.deepEqual(findDifferences(tree, pkg, { withoutRootMark: true }), []);
  });

  it('lists a stale folder once, not everything inside it', async () => {
    const tree = await listTree(
      fakeClient({
        App: { StoreFiles: [file('App\\ApplicationManifest.xml', 3), file('App\\stale.txt', 1)], StoreFolders: [folder('App\\Removed')] },
        'App/Removed': { StoreFiles: [file('App\\Removed\\x.dll', 1), file('App\\Removed\\_.dir', 0)], StoreFolders: [folder('App\\Removed\\Deep')] },
        'App/Removed/Deep': { StoreFiles: [file('App\\Removed\\Deep\\y.dll', 1)] }
      }),
      'App',
      2
    );
    assert.deepEqual(findStale(tree, pkgOf({ 'ApplicationManifest.xml': 3 })), ['Removed/', 'stale.txt']);
  });

  it('fails with a message, never an unhandled rejection, on listings it cannot read', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const bad: Listing[] = [
        { StoreFiles: [{ StoreRelativePath: 'App\\a', FileSize: 'x' }] },
        { StoreFiles: 'not a list' },
        { StoreFolders: [{ FileCount: '1' }] },
        { StoreFiles: [null] }
      ];
      for (const listing of bad) {
        const client = fakeClient({ App: { StoreFolders: [folder('App\\Sub')] }, 'App/Sub': listing });
        await assert.rejects(listTree(client, 'App', 4), MalformedListingError, JSON.stringify(listing));
      }
      await new Promise(resolve => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
