// `npm run emulator -- --port 19080 --root ./.imagestore`: the Image Store emulator in the foreground.
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './server.js';

const USAGE = `Usage: service-fabric-imagestore-emulator [options]
  --port N              port to listen on; 0 picks a free one (default 19080)
  --host ADDR           address to listen on (default 127.0.0.1)
  --root DIR            folder for the store's files (default ./.imagestore)
  --max-api-version V   runtime version (default 9.1); 6.4 has no FolderSize/Info
  --no-upload-sessions  behave like a 6.4 Linux cluster: no upload sessions
  --session-timeout S   seconds an idle upload session lives (default 1800)
  --path-separator C    '\\' (Windows cluster, default) or '/' (Linux cluster)
  --latency-ms N        delay added before every answer (default 0)
  --list-page-size N    entries per listing page (default 1000)
  --journal             serve GET /__emulator/journal and record client mistakes
  --help                this text`;

export function parseEmulatorArgs(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '19080' },
      host: { type: 'string', default: '127.0.0.1' },
      root: { type: 'string', default: './.imagestore' },
      'max-api-version': { type: 'string', default: '9.1' },
      'no-upload-sessions': { type: 'boolean', default: false },
      'session-timeout': { type: 'string', default: '1800' },
      'path-separator': { type: 'string', default: '\\' },
      'latency-ms': { type: 'string', default: '0' },
      'list-page-size': { type: 'string', default: '1000' },
      journal: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    },
    strict: true
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const separator = values['path-separator'];
  if (separator !== '\\' && separator !== '/') {
    throw new Error(`--path-separator must be '\\' or '/', not '${separator}'`);
  }
  return {
    port: wholeNumber('--port', values.port, 0, 65535),
    host: values.host,
    root: values.root,
    maxApiVersion: values['max-api-version'],
    uploadSessions: !values['no-upload-sessions'],
    sessionTimeoutSeconds: wholeNumber('--session-timeout', values['session-timeout'], 1, 4294967295),
    pathSeparator: separator,
    latencyMs: wholeNumber('--latency-ms', values['latency-ms'], 0, 600_000),
    listPageSize: wholeNumber('--list-page-size', values['list-page-size'], 1, 1_000_000),
    journal: values.journal
  };
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseEmulatorArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const running = await startEmulator(options);
  console.log(`Image Store emulator listening on ${running.url} (port ${running.port}, root ${options.root})`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(err => {
  console.error(`emulator: ${(err as Error).message}`);
  process.exit(1);
});
