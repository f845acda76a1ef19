// How the core and everything beneath it talk to the person running it. Each front door
// implements it (the action over @actions/core; a CLI over stderr); tests can collect the lines.

export interface Reporter {
  info(line: string): void;
  warning(line: string): void;
  debug(line: string): void;
  /** A named, nested step: the action folds it in a log group. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** A progress line of a long step (the upload's, every few seconds). */
  progress(line: string): void;
  /** Hides a secret in everything printed from now on. */
  setSecret(value: string): void;
}

/** Prints nothing: for callers (tests, measurements) that do not look at the log. */
export const SILENT_REPORTER: Reporter = Object.freeze({
  info: () => undefined,
  warning: () => undefined,
  debug: () => undefined,
  group: <T>(_name: string, fn: () => Promise<T>) => fn(),
  progress: () => undefined,
  setSecret: () => undefined
});

/** Masks a secret, and each of its lines (a log masker may not match a multi-line value whole). */
export function maskSecret(reporter: Pick<Reporter, 'setSecret'>, value: string): void {
  if (value.trim() === '') return;
  reporter.setSecret(value);
  for (const line of value.split(/\r?\n/)) {
    if (line.trim().length >= 8 && !/^-----(BEGIN|END) /.test(line.trim())) reporter.setSecret(line.trim());
  }
}
