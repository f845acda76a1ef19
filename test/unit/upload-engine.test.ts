// The upload engine against a fake store client: the shared session probe, the decisions after a
// lost chunk answer, and the confirmation of a commit whose answer was lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackageUploader, uploadOrder } from '../../src/upload/package-uploader.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { NetworkError } from '../../src/cluster/transport.js';
import type { FolderListings } from '../../src/upload/verify-destination.js';
import { FakeStoreClient, fakePackage, storeError } from './fakes/fake-store-client.js';

const CHUNK = 100;

function uploader(client: FakeStoreClient, files: Record<string, number>, concurrency = 4): PackageUploader {
  return new PackageUploader(client.asClient(), fakePackage(files), {
    destination: 'App',
    chunkSize: CHUNK,
    concurrency,
    destinationEmpty: true
  });
}

const largeFiles = (n: number, size = 3 * CHUNK + 7): Record<string, number> =>
  Object.fromEntries([['ApplicationManifest.xml', 10], ...Array.from({ length: n }, (_, i) => [`Svc/big${i}.bin`, size + i])]);

async function uploadAll(u: PackageUploader): Promise<void> {
  await u.uploadFiles();
  await u.writeMarkFiles();
  await u.writeRootMarkFile();
}

describe('the upload-session probe', () => {
  it('is sent once, whatever the concurrency, on a cluster without sessions', async () => {
    const client = new FakeStoreClient();
    client.onUploadChunk = async () => {
      // Slow enough that every large file is waiting by the time the probe is answered.
      await new Promise(r => setImmediate(r));
      throw storeError(400, ErrorCode.InvalidArg);
    };
    const u = uploader(client, largeFiles(6), 8);
    await uploadAll(u);
    assert.equal(client.count('uploadChunk'), 1, 'more than one file probed');
    assert.equal(u.stats.chunkedFiles, 0);
    for (let i = 0; i < 6; i++) assert.equal(client.stored.get(`App/Svc/big${i}.bin`), 3 * CHUNK + 7 + i);
  });

  it('lets every large file use sessions once the probe worked', async () => {
    const client = new FakeStoreClient();
    const u = uploader(client, largeFiles(5), 8);
    await uploadAll(u);
    assert.equal(u.stats.chunkedFiles, 5);
    assert.equal(client.count('commit'), 5);
    assert.equal(client.calls.filter(c => c.op === 'uploadFile' && c.path?.endsWith('.bin')).length, 0);
  });

  it('never falls back to single PUTs after a session worked', async () => {
    const client = new FakeStoreClient();
    let chunks = 0;
    const accept = client.onUploadChunk;
    client.onUploadChunk = async (...args) => {
      // The probe (first chunk) works; a later first chunk of another file is refused.
      if (++chunks === 5) throw storeError(400, ErrorCode.InvalidArg);
      return accept(...args);
    };
    const u = uploader(client, largeFiles(3), 1);
    await assert.rejects(u.uploadFiles(), /HTTP 400 E_INVALIDARG/);
    assert.equal(client.calls.filter(c => c.op === 'uploadFile' && c.path?.endsWith('.bin')).length, 0, 'a large file went by single PUT');
  });

  it('passes the probe on when the first probe ends undecided', async () => {
    const client = new FakeStoreClient();
    const accept = client.onUploadChunk;
    let first = true;
    client.onUploadChunk = async (...args) => {
      if (first) {
        first = false;
        throw storeError(503, 'FABRIC_E_SERVICE_TOO_BUSY');
      }
      return accept(...args);
    };
    const u = uploader(client, largeFiles(1), 1);
    await assert.rejects(u.uploadFiles(), /HTTP 503/);
    // The run stopped on that failure; a new uploader over the same capability is not needed:
    // what matters is that the failed probe did not decide "no sessions".
    assert.equal(client.calls.filter(c => c.op === 'uploadFile' && c.path?.endsWith('.bin')).length, 0);
  });
});

describe('resuming after a lost chunk answer', () => {
  it('goes on when the session says the refused chunk arrived', async () => {
    const client = new FakeStoreClient();
    const accept = client.onUploadChunk;
    let lost = false;
    client.onUploadChunk = async (path, id, range, length) => {
      if (range.start === CHUNK && !lost) {
        // The chunk arrives, its answer is lost; the retry is refused as already received.
        lost = true;
        await accept(path, id, range, length);
        throw storeError(400, ErrorCode.RangeNotSatisfiable);
      }
      return accept(path, id, range, length);
    };
    const u = uploader(client, largeFiles(1), 1);
    await uploadAll(u);
    assert.equal(client.count('getUploadSession'), 1);
    assert.equal(client.count('commit'), 1);
    assert.equal(client.stored.get('App/Svc/big0.bin'), 3 * CHUNK + 7);
  });

  it('fails when the session still expects the refused range', async () => {
    const client = new FakeStoreClient();
    const accept = client.onUploadChunk;
    client.onUploadChunk = async (path, id, range, length) => {
      if (range.start === CHUNK) throw storeError(400, ErrorCode.RangeNotSatisfiable);
      return accept(path, id, range, length);
    };
    const u = uploader(client, largeFiles(1), 1);
    await assert.rejects(u.uploadFiles(), /RANGE_NOT_SATISFIABLE/);
    assert.equal(client.count('commit'), 0);
  });

  it('starts the file again with a new session when its session is gone', async () => {
    const client = new FakeStoreClient();
    const accept = client.onUploadChunk;
    let lostOnce = false;
    client.onUploadChunk = async (path, id, range, length) => {
      if (range.start === 2 * CHUNK && !lostOnce) {
        lostOnce = true;
        client.sessions.delete(id);
        throw storeError(400, ErrorCode.RangeNotSatisfiable);
      }
      return accept(path, id, range, length);
    };
    const u = uploader(client, largeFiles(1), 1);
    await uploadAll(u);
    const sessionIds = new Set(client.calls.filter(c => c.op === 'uploadChunk').map(c => c.sessionId));
    assert.equal(sessionIds.size, 2);
    assert.equal(client.stored.get('App/Svc/big0.bin'), 3 * CHUNK + 7);
  });

  it('sends again the ranges a recreated session still expects at commit', async () => {
    const client = new FakeStoreClient();
    const commit = client.onCommit;
    let recreated = false;
    client.onCommit = async (id, path) => {
      const session = client.sessions.get(id);
      if (session && !recreated) {
        // A failover recreated the session with its middle missing.
        recreated = true;
        session.expected = [{ start: CHUNK, end: 2 * CHUNK - 1 }];
      }
      return commit(id, path);
    };
    const u = uploader(client, largeFiles(1), 1);
    await uploadAll(u);
    const resent = client.calls.filter(c => c.op === 'uploadChunk' && c.range?.start === CHUNK);
    assert.equal(resent.length, 2);
    assert.equal(client.count('commit'), 2);
  });
});

describe('a commit whose answer was lost', () => {
  it('is confirmed by the store when an unanswered attempt preceded the refusal', async () => {
    const client = new FakeStoreClient();
    const commit = client.onCommit;
    client.onCommit = async (id, path) => {
      // The first attempt committed, its answer was lost; the gateway's retry is refused.
      await commit(id, path);
      throw storeError(400, ErrorCode.InvalidArg, 2);
    };
    const u = uploader(client, largeFiles(1), 1);
    await uploadAll(u);
    assert.equal(client.count('commit'), 1, 'the file was uploaded again');
    assert.equal(client.count('getFileInfo'), 1);
  });

  it('is not confirmed by a file already in the store when no attempt went unanswered', async () => {
    const client = new FakeStoreClient();
    let commits = 0;
    const commit = client.onCommit;
    client.onCommit = async (id, path) => {
      if (++commits === 1) {
        client.stored.set(path, 3 * CHUNK + 7);
        client.sessions.delete(id);
        throw storeError(400, ErrorCode.InvalidArg, 1);
      }
      return commit(id, path);
    };
    const u = uploader(client, largeFiles(1), 1);
    await uploadAll(u);
    assert.equal(client.count('commit'), 2, 'a lost session was taken for a lost answer');
    assert.equal(client.count('getFileInfo'), 0);
  });

  it('fails at once on any other refusal', async () => {
    const client = new FakeStoreClient();
    client.onCommit = async () => {
      throw storeError(400, 'FABRIC_E_INVALID_UPLOAD_SESSION_ID', 1);
    };
    const u = uploader(client, largeFiles(1), 1);
    await assert.rejects(u.uploadFiles(), /HTTP 400 FABRIC_E_INVALID_UPLOAD_SESSION_ID/);
    assert.equal(client.count('commit'), 1);
    assert.equal(client.count('getUploadSession'), 0);
  });

  it('is given up after a bounded number of lost sessions', async () => {
    const client = new FakeStoreClient();
    client.onCommit = async id => {
      client.sessions.delete(id);
      throw storeError(400, ErrorCode.InvalidArg, 1);
    };
    const u = uploader(client, largeFiles(1), 1);
    await assert.rejects(u.uploadFiles(), /lost or came back incomplete 5 times/);
    assert.equal(client.count('commit'), 6);
  });
});

describe('failures', () => {
  it('delete the sessions left open and list every failed file', async () => {
    const client = new FakeStoreClient();
    const accept = client.onUploadChunk;
    client.onUploadChunk = async (path, id, range, length) => {
      if (range.start > 0) throw new NetworkError('reset', 'ECONNRESET');
      return accept(path, id, range, length);
    };
    const u = uploader(client, largeFiles(3), 4);
    await assert.rejects(u.uploadFiles(), (err: Error) => err.name === 'UploadFailedError' || /reset/.test(err.message));
    assert.ok(client.count('deleteUploadSession') >= 1, 'no open session was deleted');
    assert.equal(client.sessions.size, 0);
  });

  it('are listed in path order, whatever order they settle in', async () => {
    const files = { 'ApplicationManifest.xml': 10, 'A/a.txt': 10, 'B/b.txt': 10, 'C/c.txt': 10 };
    const messages = new Set<string>();
    for (const settleOrder of [
      ['A/a.txt', 'B/b.txt', 'C/c.txt'],
      ['C/c.txt', 'B/b.txt', 'A/a.txt'],
      ['B/b.txt', 'C/c.txt', 'A/a.txt']
    ]) {
      const client = new FakeStoreClient();
      const accept = client.onUploadFile;
      client.onUploadFile = async (path, length) => {
        const rel = path.slice('App/'.length);
        const turn = settleOrder.indexOf(rel);
        if (turn < 0) return accept(path, length);
        // Each failing file waits its turn: they settle in `settleOrder`.
        for (let i = 0; i < turn * 5; i++) await Promise.resolve();
        throw new Error(`'${rel}' refused`);
      };
      const error = await uploader(client, files, 4)
        .uploadFiles()
        .then(
          () => undefined,
          (e: unknown) => e as Error
        );
      messages.add(error?.message ?? 'no error');
    }
    assert.deepEqual([...messages], [['3 operations failed:', "  - 'A/a.txt' refused", "  - 'B/b.txt' refused", "  - 'C/c.txt' refused"].join('\n')]);
  });
});

describe('the upload order', () => {
  it('starts large files first (largest first), then small ones deepest folder first, a folder together in path order', () => {
    const pkg = fakePackage({
      'ApplicationManifest.xml': 10,
      'Svc/ServiceManifest.xml': 10,
      'Svc/Code/b.dll': 10,
      'Svc/Code/a.dll': 10,
      'Svc/Code/runtimes/linux/x.so': 10,
      'Svc/Code/runtimes/win/y.dll': 10,
      'Svc/Code/de/r.dll': 10,
      'Svc/Data/big.bin': 3 * CHUNK,
      'Svc/Data/bigger.bin': 5 * CHUNK
    });
    assert.deepEqual(
      uploadOrder(pkg.files, CHUNK).map(f => f.relativePath),
      [
        'Svc/Data/bigger.bin',
        'Svc/Data/big.bin',
        'Svc/Code/runtimes/linux/x.so',
        'Svc/Code/runtimes/win/y.dll',
        'Svc/Code/de/r.dll',
        'Svc/Code/a.dll',
        'Svc/Code/b.dll',
        'Svc/ServiceManifest.xml',
        'ApplicationManifest.xml'
      ]
    );
  });
});

describe('files written while the upload runs (zips of a compressed copy)', () => {
  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !condition(); i++) await new Promise(r => setImmediate(r));
    assert.ok(condition(), 'the condition never became true');
  }
  const uploaded = (client: FakeStoreClient) => client.calls.filter(c => c.op === 'uploadFile').map(c => c.path);

  it('uploads the complete files first, then each pending one with its final size once it is ready', async () => {
    const client = new FakeStoreClient();
    const pkg = fakePackage({ 'ApplicationManifest.xml': 10, 'Svc/ServiceManifest.xml': 10, 'Svc/Code.zip': 0 });
    const zip = pkg.files.find(f => f.relativePath === 'Svc/Code.zip')!;
    let release!: () => void;
    zip.ready = new Promise<void>(r => (release = r)).then(() => {
      zip.size = 3 * CHUNK + 1;
    });
    const u = new PackageUploader(client.asClient(), pkg, { destination: 'App', chunkSize: CHUNK, concurrency: 4, destinationEmpty: true });
    const done = u.uploadFiles();
    await until(() => u.progress.filesDone === 2);
    assert.match(u.progress.line(), /^uploaded 2\/3 files, 20 B so far \(1 zip\(s\) still being written\), /);
    assert.deepEqual(uploaded(client).sort(), ['App/ApplicationManifest.xml', 'App/Svc/ServiceManifest.xml']);
    assert.equal(
      client.calls.some(c => c.path === 'App/Svc/Code.zip' || c.path === 'App/Svc/_.dir'),
      false,
      'nothing of the zip, nor its folder mark, before it is ready'
    );
    release();
    await done;
    await u.writeMarkFiles();
    await u.writeRootMarkFile();
    assert.equal(client.stored.get('App/Svc/Code.zip'), 3 * CHUNK + 1, 'stored with its final size');
    assert.ok(client.count('uploadChunk') >= 4, 'in chunks, as its final size asks');
    assert.equal(u.progress.totalBytes, 20 + 3 * CHUNK + 1);
    assert.match(u.progress.line(), /^uploaded 3\/3 files, 321 B of 321 B \(100%\), /);
    assert.ok(client.stored.has('App/Svc/_.dir') && client.stored.has('App/_.dir'));
  });

  it("fails with the compression's error, once however many files waited on it, and writes no mark of their folders", async () => {
    const client = new FakeStoreClient();
    const pkg = fakePackage({ 'ApplicationManifest.xml': 10, 'A/Code.zip': 0, 'B/Code.zip': 0, 'B/Config.zip': 0 });
    const failure = new Error("'/pkg/A/Code/x.dll' changed while it was being zipped");
    const failed = Promise.reject(failure);
    failed.catch(() => undefined);
    for (const f of pkg.files.filter(f => f.relativePath.endsWith('.zip'))) f.ready = failed;
    const u = new PackageUploader(client.asClient(), pkg, { destination: 'App', chunkSize: CHUNK, concurrency: 4, destinationEmpty: true });
    await assert.rejects(u.uploadFiles(), (err: Error) => err.message === failure.message);
    assert.deepEqual(
      [...client.stored.keys()].filter(k => k.endsWith('_.dir')),
      [],
      'no folder is marked complete'
    );
  });
});

describe('listings for the verification', () => {
  it('hands over each sub-folder once its mark file is written, the root never', async () => {
    const client = new FakeStoreClient();
    const handed: { folder: string; markStored: boolean }[] = [];
    const listings = {
      folderComplete: (folder: string) => handed.push({ folder, markStored: client.stored.has(`App/${folder}/_.dir`) })
    } as unknown as FolderListings;
    const u = new PackageUploader(client.asClient(), fakePackage({ 'ApplicationManifest.xml': 10, 'Svc/Code/a.dll': 10, 'Svc/Config/s.xml': 10 }), {
      destination: 'App',
      chunkSize: CHUNK,
      concurrency: 4,
      destinationEmpty: true,
      listings
    });
    await uploadAll(u);
    assert.deepEqual(handed.map(h => h.folder).sort(), ['Svc', 'Svc/Code', 'Svc/Config']);
    assert.ok(
      handed.every(h => h.markStored),
      'each after its mark file was stored'
    );
  });
});
