import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abortSlots, onAbort } from '../../src/util/cancellation.js';

describe('onAbort', () => {
  it('calls what is registered when the signal aborts, and not what was unregistered', () => {
    const controller = new AbortController();
    const called: string[] = [];
    const stopA = onAbort(controller.signal, () => called.push('a'));
    onAbort(controller.signal, () => called.push('b'));
    stopA();
    stopA();
    onAbort(controller.signal, () => called.push('c'));
    controller.abort();
    assert.deepEqual(called.sort(), ['b', 'c']);
  });

  it('keeps one slot per callback registered at once, reused: 10,000 requests 16 at a time hold 16', () => {
    const controller = new AbortController();
    const running: (() => void)[] = [];
    for (let i = 0; i < 10_000; i++) {
      running.push(onAbort(controller.signal, () => undefined));
      if (running.length === 16) running.shift()!();
    }
    assert.equal(abortSlots(controller.signal), 16);
    for (const stop of running) stop();
    let calls = 0;
    for (let i = 0; i < 3; i++) onAbort(controller.signal, () => calls++);
    assert.equal(abortSlots(controller.signal), 16);
    controller.abort();
    assert.equal(calls, 3);
  });

  it('calls each callback once; an unregistration after the abort frees nothing of a later registration', () => {
    const controller = new AbortController();
    let first = 0;
    const stop = onAbort(controller.signal, () => first++);
    controller.abort();
    let late = 0;
    onAbort(controller.signal, () => late++);
    stop();
    assert.equal(abortSlots(controller.signal), 1);
    assert.equal(first, 1);
    assert.equal(late, 0);
  });
});
