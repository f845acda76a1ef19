// One cancellation signal serves every request of a run. Each request adding its own 'abort'
// listener to it puts hundreds on one AbortSignal (Node warns past 10); instead each signal gets
// a single listener here that calls whatever is registered at that moment.
//
// The callbacks sit in an array of reused slots, not in a Set or Map: a request's callback holds
// the whole request, and with a Set (or the signal's own listener list) deleted entries still kept
// the requests of the last moments alive through the young generation's collections, so every
// request's objects were moved to the old generation as garbage (measured on 20,000 PUTs: 4.3 KB
// per request moved there against 0.36 KB with slots, and the old generation grew by that much
// between full collections: docs/upload-engine.md, "Request bodies and memory").

interface Registry {
  /** A slot per callback registered at once; undefined when free. */
  slots: ((() => void) | undefined)[];
  free: number[];
}

const registries = new WeakMap<AbortSignal, Registry>();

/** Calls `callback` when `signal` aborts; returns the function that unregisters it. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let registry = registries.get(signal);
  if (!registry) {
    const fresh: Registry = { slots: [], free: [] };
    registry = fresh;
    registries.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        // Later registrations go to a registry of their own (never called, as before): a late
        // unregistration of a callback called here must not free another's slot.
        registries.set(signal, { slots: [], free: [] });
        for (const cb of fresh.slots) cb?.();
      },
      { once: true }
    );
  }
  const mine = registry;
  const slot = mine.free.pop() ?? mine.slots.length;
  mine.slots[slot] = callback;
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    mine.slots[slot] = undefined;
    mine.free.push(slot);
  };
}

/** How many slots `signal`'s registry holds: the most callbacks registered at once (for tests). */
export function abortSlots(signal: AbortSignal): number {
  return registries.get(signal)?.slots.length ?? 0;
}

/** Timers take at most 2^31-1 ms; a longer one would fire at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function clampTimerMs(ms: number): number {
  return Math.max(0, Math.min(MAX_TIMER_MS, ms));
}

/** Waits `ms`; rejects with `makeError()` if `signal` aborts first (or has already). */
export function sleep(ms: number, signal: AbortSignal | undefined, makeError: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(makeError());
    const stop = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(makeError());
        })
      : () => undefined;
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, clampTimerMs(ms));
  });
}
