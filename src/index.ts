// The entry point the runner starts: run() reports every failure itself (core.setFailed), so the
// catch only guards against a bug in that reporting.
import { run } from './action/main.js';

run().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
