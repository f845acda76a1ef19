import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_POLL_INTERVAL_MS, pauseAfterPoll, rampedPollMs } from '../../src/deploy/polling.js';

test('status polls start a quarter second after the request and double up to the interval', () => {
  const pauses = Array.from({ length: 7 }, (_, i) => rampedPollMs(DEFAULT_POLL_INTERVAL_MS, i + 1));
  assert.deepEqual(pauses, [250, 500, 1000, 2000, 3000, 3000, 3000]);
  assert.equal(rampedPollMs(DEFAULT_POLL_INTERVAL_MS, 10_000), 3000, 'no overflow on a long wait');
});

test('a shorter interval (SFU_POLL_INTERVAL_MS) is never lengthened by the ramp', () => {
  assert.deepEqual(
    [1, 2, 3].map(n => rampedPollMs(50, n)),
    [50, 50, 50]
  );
});

test("polls start the ramp's pause apart: the last poll's round trip counts toward it, down to half the pause", () => {
  const polledAt = 1_000;
  assert.equal(pauseAfterPoll(250, polledAt, polledAt + 40), 210, 'a 40 ms answer leaves 210 ms to wait');
  assert.equal(pauseAfterPoll(250, polledAt, polledAt), 250);
  assert.equal(pauseAfterPoll(3000, polledAt, polledAt + 5000), 1500, 'a slow gateway still gets half the interval between polls');
});
