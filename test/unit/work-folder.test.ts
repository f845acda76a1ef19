// The temporary work folder of the compressed copy, the stamped manifests and the `.sfpkg`: one
// removal however many callers dispose it, each of them returning only once the folder is gone, and
// a failed build that leaves nothing behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSfpkg } from '../../src/azure/sfpkg.js';
import { startCompression } from '../../src/package/compress-package.js';
import { scanPackage, type ScannedPackage } from '../../src/package/package-scan.js';
import { assertValidPackage } from '../../src/package/validate-package.js';
import { stampPackageVersions } from '../../src/package/version-stamp.js';
import { buildInWorkFolder, createWorkFolder, temporaryBase } from '../../src/util/work-folder.js';

let base: string;
before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'sfu-work-folder-'));
});
after(() => rm(base, { recursive: true, force: true }));

describe('work folder', () => {
  it('is removed once, however many callers dispose it at once, and every one of them returns after the removal', async () => {
    let stops = 0;
    const folder = await createWorkFolder(base, 'sfu-test-', async () => {
      stops++;
      await new Promise(resolve => setTimeout(resolve, 5));
    });
    await writeFile(path.join(folder.path, 'a.bin'), Buffer.alloc(1024));
    const first = folder.dispose();
    await folder.dispose();
    assert.equal(existsSync(folder.path), false, 'the second caller returned before the folder was gone');
    await first;
    await folder.dispose();
    assert.equal(stops, 1);
  });

  it('is removed when its build fails, and the error goes on', async () => {
    const folder = await createWorkFolder(base, 'sfu-test-');
    await assert.rejects(
      buildInWorkFolder(folder, async () => {
        await writeFile(path.join(folder.path, 'half.bin'), 'half');
        throw new Error('disk full');
      }),
      /disk full/
    );
    assert.equal(existsSync(folder.path), false);
  });

  it('is removed even when the work it stops fails', async () => {
    const folder = await createWorkFolder(base, 'sfu-test-', () => Promise.reject(new Error('stuck')));
    await assert.rejects(folder.dispose(), /stuck/);
    assert.equal(existsSync(folder.path), false);
  });

  it("lives under the runner's RUNNER_TEMP, else the OS's temporary folder", () => {
    assert.equal(temporaryBase({ RUNNER_TEMP: '/runner/temp' }), '/runner/temp');
    assert.equal(temporaryBase({ RUNNER_TEMP: ' ' }), tmpdir());
  });
});

describe('the steps that build in a work folder', () => {
  let pkg: ScannedPackage;
  before(async () => {
    pkg = await scanPackage(path.resolve('sample/VotingApp'), ['**']);
  });

  const cases: [string, () => Promise<{ folder: string; dispose: () => Promise<void> }>][] = [
    [
      'the .sfpkg',
      async () => {
        const built = await buildSfpkg(pkg, 'VotingType.1.0.0.sfpkg', base);
        return { folder: path.dirname(built.path), dispose: () => built.dispose() };
      }
    ],
    [
      'the stamped manifests',
      async () => {
        const stamped = await stampPackageVersions(pkg, assertValidPackage(pkg).layout, { tempBase: base });
        return { folder: path.dirname(stamped.pkg.root), dispose: () => stamped.dispose() };
      }
    ],
    [
      'the compressed copy',
      async () => {
        const run = await startCompression(pkg, assertValidPackage(pkg).layout, base);
        return { folder: path.dirname(run.pkg.root), dispose: () => run.dispose() };
      }
    ]
  ];
  for (const [what, build] of cases) {
    it(`${what}: a second dispose returns only once the folder is gone`, async () => {
      const { folder, dispose } = await build();
      assert.ok(existsSync(folder));
      const first = dispose();
      await dispose();
      assert.equal(existsSync(folder), false);
      await first;
    });
  }

  it('nothing is left in the temporary base', async () => {
    assert.deepEqual(
      (await readdir(base)).filter(n => n.startsWith('sfu-sfpkg-') || n.startsWith('sfu-stamped-') || n.startsWith('sfu-compressed-')),
      []
    );
  });
});
