import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FolderCompletion } from '../src/upload/folder-completion.js';

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
