import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FolderCompletion } from '../../src/upload/folder-completion.js';

describe('FolderCompletion', () => {
  it('releases each folder after its files and sub-folders, the root last', () => {
    const folders = ['', 'Svc', 'Svc/Code', 'Svc/Config'];
    const files = ['ApplicationManifest.xml', 'Svc/ServiceManifest.xml', 'Svc/Code/a.dll', 'Svc/Config/Settings.xml'];
    const c = new FolderCompletion(folders, files);
    assert.deepEqual(c.readyAtStart(), []);
    assert.deepEqual(c.fileCompleted('Svc/Code/a.dll'), ['Svc/Code']);
    assert.deepEqual(c.fileCompleted('ApplicationManifest.xml'), []);
    assert.deepEqual(c.fileCompleted('Svc/ServiceManifest.xml'), []);
    assert.deepEqual(c.markWritten('Svc/Code'), []);
    assert.deepEqual(c.fileCompleted('Svc/Config/Settings.xml'), ['Svc/Config']);
    assert.deepEqual(c.markWritten('Svc/Config'), ['Svc']);
    assert.deepEqual(c.markWritten('Svc'), ['']);
    assert.deepEqual(c.markWritten(''), []);
  });

  it('treats empty folders as ready at the start, and counts them in their parent', () => {
    const c = new FolderCompletion(['', 'Data', 'Data/Empty'], ['a.txt']);
    assert.deepEqual(c.readyAtStart(), ['Data/Empty']);
    assert.deepEqual(c.markWritten('Data/Empty'), ['Data']);
    assert.deepEqual(c.fileCompleted('a.txt'), []);
    assert.deepEqual(c.markWritten('Data'), ['']);
  });

  it('refuses a file outside the known folders and a folder completed twice', () => {
    assert.throws(() => new FolderCompletion([''], ['Unknown/a.txt']), /not part of the package/);
    const c = new FolderCompletion([''], ['a.txt']);
    c.fileCompleted('a.txt');
    assert.throws(() => c.fileCompleted('a.txt'), /more often/);
  });
});

describe('mark files during an upload', () => {
  it('are written after everything beneath them, and the root only on writeRootMarkFile()', async () => {
    const { FakeStoreClient, fakePackage } = await import('./fakes/fake-store-client.js');
    const { PackageUploader } = await import('../../src/upload/package-uploader.js');
    const client = new FakeStoreClient();
    const u = new PackageUploader(
      client.asClient(),
      fakePackage({ 'ApplicationManifest.xml': 5, 'Svc/ServiceManifest.xml': 5, 'Svc/Code/a.dll': 50, 'Svc/Code/b.dll': 50, 'Svc/Config/s.xml': 5 }),
      { destination: 'App', chunkSize: 1000, concurrency: 3, destinationEmpty: true }
    );
    await u.uploadFiles();
    await u.writeMarkFiles();
    const writes = client.calls.filter(c => c.op === 'uploadFile').map(c => c.path ?? '');
    const at = (p: string) => writes.indexOf(p);
    assert.equal(at('App/_.dir'), -1, 'the root mark file was written before writeRootMarkFile()');
    for (const [mark, beneath] of [
      ['App/Svc/Code/_.dir', ['App/Svc/Code/a.dll', 'App/Svc/Code/b.dll']],
      ['App/Svc/Config/_.dir', ['App/Svc/Config/s.xml']],
      ['App/Svc/_.dir', ['App/Svc/ServiceManifest.xml', 'App/Svc/Code/_.dir', 'App/Svc/Config/_.dir']]
    ] as const) {
      assert.ok(at(mark) >= 0, `${mark} was not written`);
      for (const b of beneath) assert.ok(at(b) >= 0 && at(b) < at(mark), `${mark} came before ${b}`);
    }
    await u.writeRootMarkFile();
    assert.equal(client.calls.at(-1)?.path, 'App/_.dir');
    assert.equal(u.stats.markFilesWritten, 4);
  });
});
