#!/usr/bin/env node
// The CLI's entry (bin `service-fabric-upload`): stdout reserved for the result, SIGINT/SIGTERM
// cancel the run (exit 130), and the exit code says how it went (docs/cli.md).
import type { CliReporter } from './cli-reporter.js';
import { EXIT, main } from './main.js';
import { guardStdout } from './stdout-guard.js';

const cancellation = new AbortController();
let reporter: CliReporter | undefined;
let verbose = false;
const writeStderr = (text: string) => {
  process.stderr.write(text);
};
const writeStdout = guardStdout({ verbose: () => verbose, stderr: text => writeStderr(reporter ? reporter.mask(text) : text) });

/** A first signal cancels (open sessions deleted, no more mark files); a second exits at once. */
function onSignal(signal: NodeJS.Signals): void {
  if (cancellation.signal.aborted) {
    writeStderr(`Received ${signal} again: exiting now.\n`);
    process.exit(EXIT.Cancelled);
  }
  (reporter?.warning.bind(reporter) ?? writeStderr)(`Received ${signal}: cancelling the run.`);
  cancellation.abort();
  setTimeout(() => {
    writeStderr('The cancelled run did not stop within 10 s: exiting now.\n');
    process.exit(EXIT.Cancelled);
  }, 10_000).unref();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main({
  argv: process.argv.slice(2),
  env: process.env,
  streams: { stdout: writeStdout, stderr: writeStderr, stderrIsTTY: process.stderr.isTTY === true },
  signal: cancellation.signal,
  onReporter: (r, v) => {
    reporter = r;
    verbose = v;
  }
}).then(
  code => {
    process.exitCode = code;
  },
  (err: unknown) => {
    writeStderr(`Unexpected failure (a bug; please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT.Failed;
  }
);
