// Draining promises in flight: work joins while draining, a rejection is never unhandled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { InFlight } from '../../src/util/in-flight.js';

describe('InFlight', () => {
  it('waits for work added while draining, and throws the first failure after everything settled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const inFlight = new InFlight();
      const done: string[] = [];
      inFlight.add(
        tick().then(() => {
          inFlight.add(tick().then(() => done.push('late')));
          throw new Error('first');
        })
      );
      inFlight.add(tick().then(() => Promise.reject(new Error('second'))));
      await assert.rejects(inFlight.drain(), /first/);
      assert.deepEqual(done, ['late']);
      assert.equal(inFlight.size, 0);
      assert.ok(inFlight.failed);
      await tick();
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('drains an empty set at once', async () => {
    await new InFlight().drain();
  });
});
