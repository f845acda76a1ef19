// Verification against listings as a Windows cluster (\, its own case) and a Linux cluster give
// them, malformed listings, and what a destination holds that the package lacks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageStoreClient } from '../../src/cluster/store-client.js';
import type { ScannedPackage } from '../../src/package/package-scan.js';
import { findDifferences, findStale, FolderListings, listTree, MalformedListingError } from '../../src/upload/verify-destination.js';

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

describe('listings taken as folders complete', () => {
  const store: Record<string, Listing> = {
    App: { StoreFiles: [file('App/ApplicationManifest.xml', 10), file('App/_.dir', 0)], StoreFolders: [folder('App/Svc'), folder('App/Old')] },
    'App/Svc': { StoreFiles: [file('App/Svc/ServiceManifest.xml', 5), file('App/Svc/_.dir', 0)], StoreFolders: [folder('App/Svc/Code')] },
    'App/Svc/Code': { StoreFiles: [file('App/Svc/Code/a.dll', 7), file('App/Svc/Code/_.dir', 0)] },
    'App/Old': { StoreFiles: [file('App/Old/stale.bin', 3)] }
  };

  function countingClient(failFirst: string[] = []): { client: ImageStoreClient; asked: string[] } {
    const asked: string[] = [];
    const base = fakeClient(store);
    const failing = new Set(failFirst);
    return {
      asked,
      client: {
        list: async (p: string) => {
          asked.push(p);
          if (failing.delete(p)) throw new Error(`HTTP 503 listing ${p}`);
          return base.list(p);
        }
      } as unknown as ImageStoreClient
    };
  }

  it('lists at the end only what was not listed on the way, and gives the same tree as a listing after the fact', async () => {
    const { client, asked } = countingClient();
    const listings = new FolderListings(client, 'App');
    listings.folderComplete('Svc/Code');
    listings.folderComplete('Svc');
    const tree = await listings.tree(4);
    assert.deepEqual(asked.slice(2).sort(), ['App', 'App/Old'], 'the root and the folder the package lacks, nothing listed twice');
    const after = await listTree(fakeClient(store), 'App', 4);
    assert.deepEqual([...tree.files].sort(), [...after.files].sort());
    assert.deepEqual([...tree.folders].sort(), [...after.folders].sort());
  });

  it("lists the root beside a sub-folder's listing still under way", async () => {
    const asked: string[] = [];
    const base = fakeClient(store);
    let releaseSvc!: () => void;
    const svcHeld = new Promise<void>(resolve => (releaseSvc = resolve));
    const client = {
      list: async (p: string) => {
        asked.push(p);
        if (p === 'App/Svc') {
          await svcHeld; // answered only once the root has been asked for
          asked.push('answered App/Svc');
        }
        if (p === 'App') releaseSvc();
        return base.list(p);
      }
    } as unknown as ImageStoreClient;
    const listings = new FolderListings(client, 'App');
    listings.folderComplete('Svc/Code');
    listings.folderComplete('Svc');
    const timeout = setTimeout(releaseSvc, 2000); // code that waits for the sub-folder first still ends, and fails below
    const tree = await listings.tree(4);
    clearTimeout(timeout);
    assert.deepEqual(
      asked.slice(0, 4),
      ['App/Svc/Code', 'App/Svc', 'App', 'answered App/Svc'],
      "the root was asked for before the sub-folder's listing was answered"
    );
    assert.equal(asked.filter(p => p === 'App').length, 1);
    assert.equal(tree.files.get('Svc/Code/a.dll'), 7);
  });

  it('gives each file the stamp of its own listing, whichever folder and order it was listed in', async () => {
    const stamped = (p: string, version: number) => ({
      ...file(p, 1),
      FileVersion: { EpochDataLossNumber: '2', EpochConfigurationNumber: '5', VersionNumber: String(version) }
    });
    const big = {
      ...file('App/Svc/Code/big.dll', 1),
      FileVersion: { EpochDataLossNumber: '1', EpochConfigurationNumber: '1', VersionNumber: '18446744073709551615' }
    };
    const client = fakeClient({
      App: { StoreFiles: [stamped('App/ApplicationManifest.xml', 40)], StoreFolders: [folder('App/Svc'), folder('App/Other')] },
      'App/Svc': { StoreFiles: [stamped('App/Svc/ServiceManifest.xml', 30)], StoreFolders: [folder('App/Svc/Code')] },
      'App/Svc/Code': { StoreFiles: [stamped('App/Svc/Code/a.dll', 10), big, stamped('App/Svc/Code/b.dll', 11)] },
      'App/Other': { StoreFiles: [{ ...file('App/Other/c.txt', 1), ModifiedDate: '2026-12-07T10:00:00.000Z' }] }
    });
    const listings = new FolderListings(client, 'App');
    listings.folderComplete('Svc/Code');
    const tree = await listings.tree(4);
    const version = (p: string) => tree.stampOf(p)?.version?.join('.');
    assert.equal(version('ApplicationManifest.xml'), '2.5.40');
    assert.equal(version('Svc/ServiceManifest.xml'), '2.5.30');
    assert.equal(version('Svc/Code/a.dll'), '2.5.10');
    assert.equal(version('Svc/Code/big.dll'), '1.1.18446744073709551615');
    assert.equal(version('Svc/Code/b.dll'), '2.5.11');
    assert.deepEqual(tree.stampOf('Other/c.txt'), { version: undefined, modifiedMs: Date.parse('2026-12-07T10:00:00.000Z') });
    assert.equal(tree.stampOf('Svc/Code/missing.dll'), undefined);
  });

  it('lists again at the end a folder whose listing on the way failed', async () => {
    const { client, asked } = countingClient(['App/Svc/Code']);
    const listings = new FolderListings(client, 'App');
    listings.folderComplete('Svc/Code');
    const tree = await listings.tree(4);
    assert.equal(asked.filter(p => p === 'App/Svc/Code').length, 2);
    assert.equal(tree.files.get('Svc/Code/a.dll'), 7);
  });
});
