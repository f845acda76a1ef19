// One cancellation signal serves every request of a run. Each request adding its own 'abort'
// listener to it puts hundreds on one AbortSignal (Node warns past 10); instead each signal gets
// a single listener here that calls whatever is registered at that moment.

const registered = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `callback` when `signal` aborts; returns the function that unregisters it. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = registered.get(signal);
  if (!callbacks) {
    const set = new Set<() => void>();
    callbacks = set;
    registered.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        const now = [...set];
        set.clear();
        for (const cb of now) cb();
      },
      { once: true }
    );
  }
  callbacks.add(callback);
  const mine = callbacks;
  return () => {
    mine.delete(callback);
  };
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
