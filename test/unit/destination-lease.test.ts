// The lease beside a destination (one writer at a time on a store without locks) and the file
// stamps it relies on, against an in-memory store that numbers writes as the Image Store does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageStoreClient } from '../../src/cluster/store-client.js';
import type { FileInfo } from '../../src/protocol/models.js';
import { isWrittenAfter, stampOf } from '../../src/protocol/file-stamp.js';
import { DestinationBusyError, DestinationLease, STALE_LEASE_MS } from '../../src/upload/destination-lease.js';
import { findDifferences, listTree } from '../../src/upload/verify-destination.js';
import type { ScannedPackage } from '../../src/package/package-scan.js';

/** Files by path with a store-wide write counter and a clock, like the Image Store's FileVersion and ModifiedDate. */
class VersionedStore {
  readonly files = new Map<string, { size: number; version: number; modified: number }>();
  private version = 10;
  now = Date.parse('2026-01-01T00:00:00Z');
  /** Paths whose writes are answered and forgotten. */
  readonly dropped = new Set<string>();

  write(path: string, size: number): void {
    if (this.dropped.has(path)) return;
    this.files.set(path, { size, version: ++this.version, modified: (this.now += 10) });
  }

  info(path: string): FileInfo {
    const f = this.files.get(path)!;
    return {
      StoreRelativePath: path.replace(/\//g, '\\'),
      FileSize: String(f.size),
      ModifiedDate: new Date(f.modified).toISOString(),
      FileVersion: { VersionNumber: String(f.version), EpochDataLossNumber: '7', EpochConfigurationNumber: '3' }
    };
  }

  client(): ImageStoreClient {
    const client = {
      uploadFile: async (path: string, body: Buffer) => this.write(path, body.length),
      delete: async (path: string) => {
        for (const p of [...this.files.keys()]) if (p === path || p.startsWith(`${path}/`)) this.files.delete(p);
      },
      list: async (path: string) => {
        const files = [...this.files.keys()].filter(p => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/')).map(p => this.info(p));
        const folders = [
          ...new Set(
            [...this.files.keys()]
              .filter(p => p.startsWith(`${path}/`) && p.slice(path.length + 1).includes('/'))
              .map(p => `${path}/${p.slice(path.length + 1).split('/')[0]}`)
          )
        ].map(f => ({ StoreRelativePath: f, FileCount: '1' }));
        return files.length + folders.length === 0 && !this.files.has(path) ? undefined : { files, folders };
      },
      forCleanup: () => client
    };
    return client as unknown as ImageStoreClient;
  }
}

const quiet = { log: () => undefined, warn: () => undefined };

describe('file stamps', () => {
  const stamp = (version: string, dataLoss = '1', configuration = '1', date = '2026-01-01T00:00:00Z') =>
    stampOf({ FileVersion: { VersionNumber: version, EpochDataLossNumber: dataLoss, EpochConfigurationNumber: configuration }, ModifiedDate: date });

  it('orders writes by data-loss epoch, then configuration, then version number', () => {
    assert.equal(isWrittenAfter(stamp('5'), stamp('4')), true);
    assert.equal(isWrittenAfter(stamp('4'), stamp('5')), false);
    assert.equal(isWrittenAfter(stamp('4'), stamp('4')), undefined, 'the same write, or per-file numbering: cannot tell');
    // A store numbering each file's versions on its own lists every new file at 1: the dates decide.
    const at = (v: string, date: string) =>
      stampOf({ FileVersion: { VersionNumber: v, EpochDataLossNumber: '1', EpochConfigurationNumber: '1' }, ModifiedDate: date });
    assert.equal(isWrittenAfter(at('1', '2026-01-02T00:00:00Z'), at('1', '2026-01-01T00:00:00Z')), true);
    assert.equal(isWrittenAfter(at('1', '2025-12-31T00:00:00Z'), at('1', '2026-01-01T00:00:00Z')), false);
    assert.equal(isWrittenAfter(stamp('1', '1', '2'), stamp('900', '1', '1')), true, 'a new configuration is newer');
    assert.equal(isWrittenAfter(stamp('1', '2', '0'), stamp('900', '1', '9')), true, 'a new data-loss epoch is newer');
  });

  it('falls back to ModifiedDate without FileVersion, and cannot tell without either', () => {
    assert.equal(isWrittenAfter(stampOf({ ModifiedDate: '2026-01-02T00:00:00Z' }), stampOf({ ModifiedDate: '2026-01-01T00:00:00Z' })), true);
    assert.equal(isWrittenAfter(stampOf({ ModifiedDate: '2025-12-31T00:00:00Z' }), stampOf({ ModifiedDate: '2026-01-01T00:00:00Z' })), false);
    assert.equal(isWrittenAfter(stampOf({}), stampOf({ ModifiedDate: '2026-01-01T00:00:00Z' })), undefined);
    assert.equal(isWrittenAfter(stampOf({ FileVersion: { VersionNumber: 'x' } }), stampOf({})), undefined);
  });
});

describe('the destination lease', () => {
  it('lets the first of two overlapping runs write, stops the second before it writes, and clears the folder', async () => {
    const store = new VersionedStore();
    const first = await DestinationLease.acquire(store.client(), 'App/1.0', quiet, 'run-a');
    await assert.rejects(DestinationLease.acquire(store.client(), 'App/1.0', quiet, 'run-b'), (err: Error) => {
      assert.ok(err instanceof DestinationBusyError);
      assert.match(err.message, /Another run is writing to 'App\/1\.0' \(its lease 'App\/1\.0\.sfu-lease\/run-a' is there since 2026-/);
      return true;
    });
    assert.deepEqual([...store.files.keys()], ['App/1.0.sfu-lease/run-a'], 'the second run left its marker');
    await first.confirm();
    await first.release();
    assert.deepEqual([...store.files.keys()], []);
    // Once the first is gone, the next run gets the destination.
    await DestinationLease.acquire(store.client(), 'App/1.0', quiet, 'run-c');
  });

  it('takes over a lease more than 6 hours older than its own, with a warning', async () => {
    const store = new VersionedStore();
    await DestinationLease.acquire(store.client(), 'App', quiet, 'killed-run');
    store.now += STALE_LEASE_MS + 60_000;
    const warnings: string[] = [];
    await DestinationLease.acquire(store.client(), 'App', { log: () => undefined, warn: w => warnings.push(w) }, 'next-run');
    assert.match(warnings[0] ?? '', /Deleting the lease 'App\.sfu-lease\/killed-run': it is more than 6 hours older/);
    assert.deepEqual([...store.files.keys()], ['App.sfu-lease/next-run']);
  });

  it('fails confirm() when its marker was deleted or written again by something else', async () => {
    const store = new VersionedStore();
    const lease = await DestinationLease.acquire(store.client(), 'App', quiet, 'mine');
    store.write('App.sfu-lease/mine', 3);
    await assert.rejects(lease.confirm(), /lease 'App\.sfu-lease\/mine' was written again during the upload/);
    store.files.delete('App.sfu-lease/mine');
    await assert.rejects(lease.confirm(), /was deleted during the upload/);
  });

  it('refuses to go on when the store answered the marker write but does not list it', async () => {
    const store = new VersionedStore();
    store.dropped.add('App.sfu-lease/mine');
    await assert.rejects(
      DestinationLease.acquire(store.client(), 'App', quiet, 'mine'),
      /answered the write of this run's lease 'App\.sfu-lease\/mine' but does not list it/
    );
  });

  it('is released in two round trips: one listing, then the folder when its marker is alone in it, else the marker', async () => {
    const store = new VersionedStore();
    const calls: string[] = [];
    const inner = store.client();
    let listingFails = false;
    const recorded = {
      ...inner,
      list: async (path: string) => {
        calls.push(`list ${path}`);
        if (listingFails) throw new Error('no answer');
        return inner.list(path);
      },
      delete: async (path: string) => {
        calls.push(`delete ${path}`);
        return inner.delete(path);
      }
    } as unknown as ImageStoreClient;
    Object.assign(recorded, { forCleanup: () => recorded });

    const alone = await DestinationLease.acquire(recorded, 'App', quiet, 'mine');
    calls.length = 0;
    await alone.release();
    assert.deepEqual(calls, ['list App.sfu-lease', 'delete App.sfu-lease']);
    assert.deepEqual([...store.files.keys()], []);

    const beside = await DestinationLease.acquire(recorded, 'App', quiet, 'mine');
    store.write('App.sfu-lease/later-run', 3);
    calls.length = 0;
    await beside.release();
    assert.deepEqual(calls, ['list App.sfu-lease', 'delete App.sfu-lease/mine']);
    assert.deepEqual([...store.files.keys()], ['App.sfu-lease/later-run'], "another run's marker stays");

    store.files.clear();
    const unlisted = await DestinationLease.acquire(recorded, 'App', quiet, 'mine');
    listingFails = true;
    calls.length = 0;
    await unlisted.release();
    assert.deepEqual(calls, ['list App.sfu-lease', 'delete App.sfu-lease/mine'], 'a failed listing still removes the marker');
    assert.deepEqual([...store.files.keys()], []);
  });

  it('marks files older than the lease as not written by this run, whatever their size', async () => {
    const store = new VersionedStore();
    store.write('App/a.txt', 5); // from an earlier run
    store.write('App/_.dir', 0);
    const lease = await DestinationLease.acquire(store.client(), 'App', quiet, 'mine');
    store.write('App/b.txt', 7);
    store.write('App/_.dir', 0);
    const pkg: ScannedPackage = {
      root: '/p',
      files: [
        { localPath: '/p/a.txt', relativePath: 'a.txt', size: 5 },
        { localPath: '/p/b.txt', relativePath: 'b.txt', size: 7 }
      ],
      folders: [''],
      totalBytes: 12,
      ignoredMarkFiles: 0,
      unmatchedPatterns: []
    };
    const tree = await listTree(store.client(), 'App', 4);
    const problems = findDifferences(tree, pkg, { writtenAfter: lease.floor });
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(
      problems[0]!,
      /^'a\.txt' is not the file this run wrote \(the store lists FileVersion 11 \(epoch 7\/3\), older than this run's first write, FileVersion 13/
    );
    assert.deepEqual(findDifferences(tree, pkg), [], 'by size alone, both files look right');
  });
});
