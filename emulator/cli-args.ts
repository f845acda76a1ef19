// The emulator's command line: flags → EmulatorOptions, each refused with a sentence naming it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaultKinds, parseFaultRoutes } from './faults.js';
import { type LinkOptions, parseBandwidth } from './link-model.js';
import type { EmulatorOptions } from './options.js';

export const USAGE = `Usage: service-fabric-imagestore-emulator [options]
  --port N              port to listen on; 0 picks a free one (default 19080)
  --host ADDR           address to listen on (default 127.0.0.1)
  --root DIR            folder for the store's files (default ./.imagestore)
  --max-api-version V   runtime version (default 9.1); 6.4 has no FolderSize/Info
  --no-upload-sessions  behave like a 6.4 Linux cluster: no upload sessions
  --session-timeout S   seconds an idle upload session lives (default 1800)
  --path-separator C    '\\' (Windows cluster, default) or '/' (Linux cluster)
  --case-insensitive    compare paths case-insensitively, keeping the case of a name's
                        first write (default with '\\', as a Windows cluster does)
  --case-sensitive      compare paths case-sensitively (default with '/')
  --latency-ms N        delay added before every answer (default 0)
  --bandwidth R         one link's rate, shared by all connections, each way: 100Mbit,
                        1Gbit, 2.5Gbit (default: unlimited)
  --upload-bandwidth R  the rate of what the emulator receives (overrides --bandwidth)
  --download-bandwidth R  the rate of what the emulator sends (overrides --bandwidth)
  --list-page-size N    entries per listing page (default 1000)
  --journal             serve GET /__emulator/journal and record client mistakes
  --seed N              seed of the fault injection (default 1)
  --fail-rate F         share of requests that fail (0 to 1), drawn among --fail-kinds
  --fail-kinds K,…      busy (503), timeout (504), reset (connection dropped before the
                        body is read), lost-answer (done, then closed without an answer);
                        default: all
  --stall-rate F        share of requests that get no answer at all
  --fault-routes R,…    where --fail-rate and --stall-rate apply: all (default), management
                        (/ApplicationTypes, /Applications), image-store, or route names
                        such as upgrade-application, create-application, provision
  --failover-every N    every N requests, all open upload sessions are lost
  --drop-write-rate F   share of file writes (PUT, commit) answered 200 but not kept: the
                        old file, if any, stays with its size, FileVersion and date
  --drop-write-path P   always drop the writes of this store path (or any path ending in
                        /P); repeat it, or give a comma list
  --tls-cert FILE       serve HTTPS with this PEM certificate (with --tls-key)
  --tls-key FILE        the PEM private key of --tls-cert
  --client-ca FILE      require a client certificate signed by this PEM CA (403 otherwise)
  --aad                 secure the cluster with Azure AD: metadata, an authority of its
                        own (OpenID configuration, token endpoint), bearer tokens required
  --aad-client-id ID    the service principal allowed to get tokens (default: sfu-client)
  --aad-client-secret S its secret
  --aad-federated-token T  a federated assertion accepted instead of a secret
  --upgrade-domains N   upgrade domains an application upgrade walks through (default 3)
  --upgrade-domain-seconds S  seconds each upgrade domain takes (default 1)
  --provision-seconds S seconds a provision stays Provisioning (default 0.5)
  --create-seconds S    seconds a new application stays Creating (default 0)
  --create-hidden-seconds S  seconds after a create before the application is listed (default 0)
  --upgrade-progress-lag-reads N  progress reads after an upgrade request that still show the state before it (default 0)
  --unhealthy-version V a type version whose Monitored upgrades fail the health check in the
                        second upgrade domain (repeat it, or give a comma list)
  --help                this text`;

/** The options the flags ask for, or 'help' for `--help`; throws on a bad flag. */
export function parseEmulatorArgs(argv: string[]): EmulatorOptions | 'help' {
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
      'case-insensitive': { type: 'boolean' },
      'case-sensitive': { type: 'boolean' },
      'latency-ms': { type: 'string', default: '0' },
      bandwidth: { type: 'string' },
      'upload-bandwidth': { type: 'string' },
      'download-bandwidth': { type: 'string' },
      'list-page-size': { type: 'string', default: '1000' },
      journal: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      'fail-rate': { type: 'string', default: '0' },
      'fail-kinds': { type: 'string', default: '' },
      'stall-rate': { type: 'string', default: '0' },
      'fault-routes': { type: 'string', default: 'all' },
      'failover-every': { type: 'string', default: '0' },
      'drop-write-rate': { type: 'string', default: '0' },
      'drop-write-path': { type: 'string', multiple: true, default: [] },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      aad: { type: 'boolean', default: false },
      'aad-client-id': { type: 'string', default: 'sfu-client' },
      'aad-client-secret': { type: 'string' },
      'aad-federated-token': { type: 'string' },
      'upgrade-domains': { type: 'string', default: '3' },
      'upgrade-domain-seconds': { type: 'string', default: '1' },
      'provision-seconds': { type: 'string', default: '0.5' },
      'create-seconds': { type: 'string', default: '0' },
      'create-hidden-seconds': { type: 'string', default: '0' },
      'upgrade-progress-lag-reads': { type: 'string', default: '0' },
      'unhealthy-version': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false }
    },
    strict: true
  });
  if (values.help) return 'help';
  const separator = values['path-separator'];
  if (separator !== '\\' && separator !== '/') {
    throw new Error(`--path-separator must be '\\' or '/', not '${separator}'`);
  }
  if (values['case-insensitive'] && values['case-sensitive']) {
    throw new Error('Only one of --case-insensitive or --case-sensitive can be set.');
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  if (values['client-ca'] !== undefined && values['tls-cert'] === undefined) {
    throw new Error('--client-ca needs --tls-cert and --tls-key: client certificates travel over TLS');
  }
  return {
    tls:
      values['tls-cert'] === undefined
        ? undefined
        : {
            cert: readFileSync(values['tls-cert']),
            key: readFileSync(values['tls-key']!),
            clientCa: values['client-ca'] === undefined ? undefined : readFileSync(values['client-ca'])
          },
    aad: values.aad
      ? {
          clientId: values['aad-client-id'],
          clientSecret: values['aad-client-secret'],
          federatedToken: values['aad-federated-token']
        }
      : undefined,
    port: wholeNumber('--port', values.port, 0, 65535),
    host: values.host,
    root: values.root,
    maxApiVersion: values['max-api-version'],
    uploadSessions: !values['no-upload-sessions'],
    sessionTimeoutSeconds: wholeNumber('--session-timeout', values['session-timeout'], 1, 4294967295),
    pathSeparator: separator,
    // Left undefined, the separator decides (EmulatorOptions.caseInsensitive).
    caseInsensitive: values['case-insensitive'] ? true : values['case-sensitive'] ? false : undefined,
    latencyMs: wholeNumber('--latency-ms', values['latency-ms'], 0, 600_000),
    link: linkOptions(values.bandwidth, values['upload-bandwidth'], values['download-bandwidth']),
    listPageSize: wholeNumber('--list-page-size', values['list-page-size'], 1, 1_000_000),
    journal: values.journal,
    management: {
      upgradeDomains: wholeNumber('--upgrade-domains', values['upgrade-domains'], 1, 100),
      upgradeDomainSeconds: seconds('--upgrade-domain-seconds', values['upgrade-domain-seconds']),
      provisionSeconds: seconds('--provision-seconds', values['provision-seconds']),
      createSeconds: seconds('--create-seconds', values['create-seconds']),
      createHiddenSeconds: seconds('--create-hidden-seconds', values['create-hidden-seconds']),
      upgradeProgressLagReads: wholeNumber('--upgrade-progress-lag-reads', values['upgrade-progress-lag-reads'], 0, 1000),
      unhealthyVersions: values['unhealthy-version']
        .flatMap(v => v.split(','))
        .map(v => v.trim())
        .filter(v => v !== '')
    },
    faults: {
      seed: wholeNumber('--seed', values.seed, 0, 4294967295),
      failRate: share('--fail-rate', values['fail-rate']),
      failKinds: parseFaultKinds(values['fail-kinds']),
      stallRate: share('--stall-rate', values['stall-rate']),
      routes: parseFaultRoutes(values['fault-routes']),
      failoverEvery: wholeNumber('--failover-every', values['failover-every'], 0, 4294967295),
      dropWriteRate: share('--drop-write-rate', values['drop-write-rate']),
      dropWritePaths: values['drop-write-path']
        .flatMap(v => v.split(','))
        .map(v => v.trim().replace(/\\/g, '/'))
        .filter(v => v !== '')
    }
  };
}

function linkOptions(both: string | undefined, upload: string | undefined, download: string | undefined): LinkOptions | undefined {
  const bits = (name: string, text: string | undefined) => (text === undefined ? undefined : parseBandwidth(name, text));
  const shared = bits('--bandwidth', both);
  const link = { receiveBitsPerSecond: bits('--upload-bandwidth', upload) ?? shared, sendBitsPerSecond: bits('--download-bandwidth', download) ?? shared };
  return link.receiveBitsPerSecond === undefined && link.sendBitsPerSecond === undefined ? undefined : link;
}

function share(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be a number from 0 to 1, not '${text}'`);
  return n;
}

function seconds(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 86_400) throw new Error(`${name} must be a number of seconds from 0 to 86400, not '${text}'`);
  return n;
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return n;
}
