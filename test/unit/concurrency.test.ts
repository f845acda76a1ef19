// inParallel's error when several items fail: the first failing item in the items' order, whatever
// order they settle in, so that the same input always gives the same message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManagementClient } from '../../src/cluster/management-client.js';
import { checkProvisioned, type PollOptions } from '../../src/deploy/provision.js';
import type { ReleasePlan } from '../../src/deploy/release-plan.js';
import { allInOrder, inParallel } from '../../src/util/concurrency.js';

/** A promise and the function that settles it, to decide the order items finish in. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>(resolve => (open = resolve));
  return { opened, open };
}

const settled = (p: Promise<void>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error
  );

describe('inParallel', () => {
  it('throws the error of the first failing item in order, even when a later item fails first', async () => {
    const late = gate();
    const started: number[] = [];
    const run = inParallel([0, 1, 2, 3, 4, 5, 6, 7], 4, async i => {
      started.push(i);
      if (i === 3) {
        await Promise.resolve();
        throw new Error('item 3 failed');
      }
      await late.opened;
      if (i === 1) throw new Error('item 1 failed');
    });
    // Item 3 fails first (the others wait), and item 1 only once that failure is in.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    late.open();
    const error = await settled(run);
    assert.equal(error?.message, 'item 1 failed');
    assert.deepEqual(started, [0, 1, 2, 3], 'no item starts after a failure');
  });

  it('gives the same error on every run when the failures settle in a random order', async () => {
    const messages = new Set<string>();
    for (let run = 0; run < 30; run++) {
      const error = await settled(
        inParallel(
          Array.from({ length: 20 }, (_, i) => i),
          8,
          async i => {
            // Settle after a random number of turns: the failures finish in a different order each run.
            for (let turns = Math.floor(Math.random() * 20); turns > 0; turns--) await Promise.resolve();
            if (i % 3 === 2) throw new Error(`item ${i} failed`);
          }
        )
      );
      messages.add(error?.message ?? 'no error');
    }
    assert.deepEqual([...messages], ['item 2 failed']);
  });

  it('runs every item at most `workers` at once, and nothing once shouldStop() is true', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel(
      Array.from({ length: 12 }, (_, i) => i),
      3,
      async i => {
        most = Math.max(most, ++running);
        await Promise.resolve();
        running--;
        done.push(i);
      }
    );
    assert.equal(most, 3);
    assert.deepEqual(
      [...done].sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i)
    );
    const stoppedAfter: number[] = [];
    await inParallel(
      [1, 2, 3, 4],
      1,
      async i => void stoppedAfter.push(i),
      () => stoppedAfter.length >= 2
    );
    assert.deepEqual(stoppedAfter, [1, 2]);
  });
});

describe('allInOrder', () => {
  it('gives the values in order, and the first rejection in argument order, even when a later one settles first', async () => {
    assert.deepEqual(await allInOrder([Promise.resolve(1), 'two', Promise.resolve(3)]), [1, 'two', 3]);
    const late = gate();
    const first = late.opened.then(() => Promise.reject(new Error('first failed')));
    const second = Promise.reject(new Error('second failed'));
    const run = allInOrder([first, second]);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    late.open();
    await assert.rejects(run, { message: 'first failed' });
  });

  it("makes the provisioned-version check fail with the application manifest's read when every read fails", async () => {
    const client = {
      getApplicationType: async () => ({ Name: 'AppType', Version: '1.0.0', Status: 'Available' }),
      getApplicationManifest: async () => {
        // The slowest read: it fails after the service manifests' reads have failed.
        for (let i = 0; i < 20; i++) await Promise.resolve();
        throw new Error('reading ApplicationManifest.xml failed');
      },
      getServiceManifest: async (_type: string, _version: string, name: string) => {
        throw new Error(`reading ${name} failed`);
      }
    } as unknown as ManagementClient;
    const plan = {
      typeName: 'AppType',
      typeVersion: '1.0.0',
      identity: { manifestXml: '<ApplicationManifest/>', serviceManifests: new Map([['SvcPkg', '<ServiceManifest/>']]) }
    } as unknown as ReleasePlan;
    const options = { log: () => undefined } as unknown as PollOptions;
    await assert.rejects(checkProvisioned(client, plan, options), { message: 'reading ApplicationManifest.xml failed' });
  });
});
