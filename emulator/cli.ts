// `npm run emulator -- --port 19080 --root ./.imagestore`: the Image Store emulator in the foreground.
import { USAGE, parseEmulatorArgs } from './cli-args.js';
import type { EmulatorOptions } from './options.js';
import { startEmulator } from './server.js';

async function main(): Promise<void> {
  let options: EmulatorOptions | 'help';
  try {
    options = parseEmulatorArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const running = await startEmulator(options);
  console.log(`Image Store emulator listening on ${running.url} (port ${running.port}, root ${options.root})`);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`emulator: could not close cleanly: ${(err as Error).message}`);
        process.exit(1);
      }
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(err => {
  console.error(`emulator: ${(err as Error).message}`);
  process.exit(1);
});
