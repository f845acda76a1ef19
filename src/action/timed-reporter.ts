// The times of the step's phases, for the job summary's timeline: every named step the core reports
// (a log group) is a phase, timed from its start to its end, and marked failed when it throws.
import type { Reporter } from '../util/reporter.js';
import type { TimedSpan } from './summary-timeline.js';

export interface TimedReporter {
  reporter: Reporter;
  /** The phases in the order they started; a phase still running has no end. */
  spans: TimedSpan[];
}

export function timePhases(inner: Reporter, now: () => number = Date.now): TimedReporter {
  const spans: TimedSpan[] = [];
  const reporter: Reporter = {
    info: line => inner.info(line),
    warning: line => inner.warning(line),
    debug: line => inner.debug(line),
    progress: line => inner.progress(line),
    setSecret: value => inner.setSecret(value),
    group: async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const span: TimedSpan = { name, startedAt: now() };
      spans.push(span);
      try {
        return await inner.group(name, fn);
      } catch (err) {
        span.failed = true;
        throw err;
      } finally {
        span.endedAt = now();
      }
    }
  };
  return { reporter, spans };
}
