import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./emulator/faults.ts
// Seeded fault injection: the failures a real cluster produces (busy, timed out, dropped
// connections, answers lost after the work was done, stalls, primary moves), drawn from a seeded
// generator so that a failing run can be replayed. With several requests in flight the draws
// follow arrival order, so an exact replay needs the same order (concurrency 1 guarantees it).
const FAULT_KINDS = ['busy', 'timeout', 'reset', 'lost-answer'];
const FAULT_ROUTE_FAMILIES = ['all', 'management', 'image-store'];
/** mulberry32: small, fast, good enough to spread faults evenly. */
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
class FaultInjector {
    options;
    random;
    requests = 0;
    constructor(options) {
        this.options = options;
        this.random = mulberry32(options.seed ?? 1);
    }
    /** Read at each draw, like the rates, so that a test can aim other kinds of faults between runs. */
    get kinds() {
        const kinds = this.options.failKinds;
        return kinds && kinds.length > 0 ? kinds : FAULT_KINDS;
    }
    get enabled() {
        return (this.options.failRate ?? 0) > 0 || (this.options.stallRate ?? 0) > 0 || (this.options.failoverEvery ?? 0) > 0;
    }
    /** Whether faults are aimed at this route (by its family or its name). */
    appliesTo(route) {
        const aimed = this.options.routes ?? [];
        if (aimed.length === 0 || aimed.includes('all'))
            return true;
        return aimed.includes(route.name) || (route.family !== undefined && aimed.includes(route.family));
    }
    /** Counts a request; true when this one comes with a failover (all sessions lost first). */
    failoverDue() {
        this.requests++;
        const every = this.options.failoverEvery ?? 0;
        return every > 0 && this.requests % every === 0;
    }
    /** What happens to this request: a fault, a stall, or nothing. Two draws every time, for replay. */
    decide() {
        const failDraw = this.random();
        const kindDraw = this.random();
        if (failDraw < (this.options.failRate ?? 0)) {
            return { kind: this.kinds[Math.floor(kindDraw * this.kinds.length)] ?? 'busy' };
        }
        if (kindDraw < (this.options.stallRate ?? 0))
            return { kind: 'stall' };
        return undefined;
    }
}
/**
 * Writes acknowledged but not kept: what a store that loses a write after answering it (a primary
 * that answered and then lost its quorum, a disk cache that was never flushed) looks like to a client.
 * [undoc] How often a real cluster does this is unknown; the fault exists so that a client has to
 * prove, from the listing, that every file it wrote is the one it wrote.
 */
class WriteDropper {
    options;
    samePath;
    random;
    constructor(options, samePath) {
        this.options = options;
        this.samePath = samePath;
        this.random = mulberry32((options.seed ?? 1) ^ 0x5eed);
    }
    /** Whether the write of `storePath` is to be answered and forgotten. */
    drops(storePath) {
        const segments = storePath.split('/');
        for (const target of this.options.dropWritePaths ?? []) {
            const n = target.split('/').length;
            if (segments.length >= n && this.samePath(segments.slice(-n).join('/'), target))
                return true;
        }
        const rate = this.options.dropWriteRate ?? 0;
        return rate > 0 && this.random() < rate;
    }
}
function parseFaultKinds(text) {
    const kinds = text
        .split(',')
        .map(k => k.trim())
        .filter(k => k !== '');
    for (const k of kinds) {
        if (!FAULT_KINDS.includes(k)) {
            throw new Error(`--fail-kinds takes ${FAULT_KINDS.join(', ')}, not '${k}'`);
        }
    }
    return kinds;
}
/** `--fault-routes`: route families or route names, comma-separated. */
function parseFaultRoutes(text) {
    const routes = text
        .split(',')
        .map(r => r.trim())
        .filter(r => r !== '');
    for (const r of routes) {
        if (!/^[a-z][a-z0-9-]*$/.test(r)) {
            throw new Error(`--fault-routes takes ${FAULT_ROUTE_FAMILIES.join(', ')} or route names such as upgrade-application, not '${r}'`);
        }
    }
    return routes;
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./emulator/link-model.ts
// The link between a client and the emulated cluster: one shared rate for the bytes the emulator
// receives (the client's upload) and one for the bytes it sends (the client's download), each over
// all connections at once, as a runner's single link to a distant cluster imposes. Every byte of a
// connection crosses it (headers, bodies, TLS records). Round trips stay the gateway's
// `latencyMs`; the link adds no loss, no congestion control, no TCP slow start and no queue limit.



/** Bytes cross a direction of the link in pieces of at most this size, so that connections take turns. */
const PIECE = 16 * 1024;
/**
 * Credit an idle link keeps, in milliseconds of its rate: the bucket's depth. Without it, each
 * timer's lateness would be lost time and a single connection would run below the rate.
 */
const BURST_MS = 5;
/**
 * One direction of the link: bytes pass in the order they are offered, at `bitsPerSecond` in all,
 * whichever connection offers them (a token bucket BURST_MS deep).
 */
class SharedRate {
    bitsPerSecond;
    freeAt = 0;
    constructor(bitsPerSecond) {
        this.bitsPerSecond = bitsPerSecond;
    }
    /** Resolves once `bytes` have crossed the link, after every byte offered before them. */
    async pass(bytes) {
        const now = performance.now();
        const start = Math.max(now - BURST_MS, this.freeAt);
        this.freeAt = start + (bytes * 8 * 1000) / this.bitsPerSecond;
        // Waits under a millisecond are carried by freeAt into the next piece instead of a timer each.
        const wait = this.freeAt - now;
        if (wait >= 1)
            await (0,promises_namespaceObject.setTimeout)(wait);
    }
}
/** The two directions of one link, shared by every connection accepted through it. */
class Link {
    receive;
    send;
    constructor(options) {
        this.receive = options.receiveBitsPerSecond ? new SharedRate(options.receiveBitsPerSecond) : undefined;
        this.send = options.sendBitsPerSecond ? new SharedRate(options.sendBitsPerSecond) : undefined;
    }
    get limited() {
        return this.receive !== undefined || this.send !== undefined;
    }
}
async function passInPieces(rate, chunk, each) {
    if (!rate)
        return each(chunk);
    for (let at = 0; at < chunk.length; at += PIECE) {
        const piece = chunk.subarray(at, at + PIECE);
        await rate.pass(piece.length);
        await each(piece);
    }
}
/**
 * A connection seen through the link: the server reads and writes this stream, the link meters the
 * bytes, the real socket carries them. The socket methods a server calls are passed through.
 */
class LinkedSocket extends external_node_stream_namespaceObject.Duplex {
    socket;
    link;
    readMore;
    constructor(socket, link) {
        super({ allowHalfOpen: true });
        this.socket = socket;
        this.link = link;
        socket.on('timeout', () => this.emit('timeout'));
        socket.on('error', err => this.destroy(err));
        socket.on('close', () => this.destroy());
        this.pump().catch((err) => this.destroy(err));
    }
    /** Moves what the socket receives into this stream at the link's pace, as fast as the server reads it. */
    async pump() {
        for await (const chunk of this.socket) {
            await passInPieces(this.link.receive, chunk, async (piece) => {
                if (this.destroyed)
                    return;
                if (!this.push(piece))
                    await new Promise(resolve => (this.readMore = resolve));
            });
            if (this.destroyed)
                return;
        }
        this.push(null);
    }
    _read() {
        const more = this.readMore;
        this.readMore = undefined;
        more?.();
    }
    _write(chunk, _encoding, callback) {
        passInPieces(this.link.send, chunk, async (piece) => {
            if (this.socket.destroyed)
                throw new Error('the connection is closed');
            if (!this.socket.write(piece))
                await new Promise(resolve => this.socket.once('drain', resolve));
        }).then(() => callback(), callback);
    }
    _final(callback) {
        this.socket.end(callback);
    }
    _destroy(err, callback) {
        this.socket.destroy();
        this.readMore?.();
        callback(err);
    }
    setTimeout(ms, onTimeout) {
        this.socket.setTimeout(ms);
        if (onTimeout)
            this.once('timeout', onTimeout);
        return this;
    }
    setNoDelay(noDelay) {
        this.socket.setNoDelay(noDelay);
        return this;
    }
    setKeepAlive(enable, delay) {
        this.socket.setKeepAlive(enable, delay);
        return this;
    }
    get remoteAddress() {
        return this.socket.remoteAddress;
    }
    get remotePort() {
        return this.socket.remotePort;
    }
    get localAddress() {
        return this.socket.localAddress;
    }
    get localPort() {
        return this.socket.localPort;
    }
    address() {
        return this.socket.address();
    }
}
/**
 * A listener that accepts connections for `server` and hands each one to it through the link
 * (`server` itself does not listen). HTTP and HTTPS servers take any stream as a connection.
 */
class LinkedListener {
    front;
    sockets = new Set();
    constructor(server, link) {
        this.front = external_node_net_namespaceObject.createServer({ allowHalfOpen: true }, socket => {
            this.sockets.add(socket);
            socket.once('close', () => this.sockets.delete(socket));
            server.emit('connection', new LinkedSocket(socket, link));
        });
    }
    listen(port, host) {
        return new Promise((resolve, reject) => {
            this.front.once('error', reject);
            this.front.listen(port, host, () => resolve(this.front.address()));
        });
    }
    close() {
        for (const socket of this.sockets)
            socket.destroy();
        return new Promise(resolve => this.front.close(() => resolve()));
    }
}
/** `100Mbit`, `1Gbit`, `2.5Gbit/s`, `800kbit`, `64000bit` (SI prefixes: 1 Mbit = 10^6 bits) → bits per second. */
function parseBandwidth(name, text) {
    const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)bit(?:\/s|ps)?$/i.exec(text.trim());
    const bits = m ? Number(m[1]) * ({ '': 1, k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase()] ?? 1) : NaN;
    if (!m || !(bits >= 1000) || bits > 1e12) {
        throw new Error(`${name} must be a rate such as 100Mbit or 1Gbit (at least 1kbit, at most 1000Gbit), not '${text}'`);
    }
    return bits;
}

;// CONCATENATED MODULE: ./emulator/cli-args.ts
// The emulator's command line: flags → EmulatorOptions, each refused with a sentence naming it.




const USAGE = `Usage: service-fabric-imagestore-emulator [options]
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
function parseEmulatorArgs(argv) {
    const { values } = (0,external_node_util_namespaceObject.parseArgs)({
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
    if (values.help)
        return 'help';
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
        tls: values['tls-cert'] === undefined
            ? undefined
            : {
                cert: (0,external_node_fs_namespaceObject.readFileSync)(values['tls-cert']),
                key: (0,external_node_fs_namespaceObject.readFileSync)(values['tls-key']),
                clientCa: values['client-ca'] === undefined ? undefined : (0,external_node_fs_namespaceObject.readFileSync)(values['client-ca'])
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
function linkOptions(both, upload, download) {
    const bits = (name, text) => (text === undefined ? undefined : parseBandwidth(name, text));
    const shared = bits('--bandwidth', both);
    const link = { receiveBitsPerSecond: bits('--upload-bandwidth', upload) ?? shared, sendBitsPerSecond: bits('--download-bandwidth', download) ?? shared };
    return link.receiveBitsPerSecond === undefined && link.sendBitsPerSecond === undefined ? undefined : link;
}
function share(name, text) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
        throw new Error(`${name} must be a number from 0 to 1, not '${text}'`);
    return n;
}
function seconds(name, text) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 86_400)
        throw new Error(`${name} must be a number of seconds from 0 to 86400, not '${text}'`);
    return n;
}
function wholeNumber(name, text, min, max) {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
        throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
    }
    return n;
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./emulator/aad.ts
// An Azure AD (Entra ID) stand-in for a cluster secured with AAD: the cluster's anonymous AAD
// metadata, an authority (OpenID configuration and token endpoint) served by the emulator itself,
// and the check that every Image Store request carries a token it issued.

const STORAGE_RESOURCE = 'https://storage.azure.com';
/** [undoc] The emulator's ARM surface (emulator/arm/) takes tokens for the public cloud's ARM scope. */
const ARM_RESOURCE = 'https://management.azure.com';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
class AadAuthority {
    options;
    tenantId;
    clusterApplicationId;
    clientApplicationId;
    issued = new Set();
    issuedForArm = new Set();
    constructor(options) {
        this.options = options;
        this.tenantId = options.tenantId ?? '72f988bf-0000-4000-8000-00000000aad0';
        this.clusterApplicationId = options.clusterApplicationId ?? '6f4e3c2a-0000-4000-8000-0000000c1057';
        this.clientApplicationId = options.clientApplicationId ?? '9a8b7c6d-0000-4000-8000-00000000c11e';
    }
    metadata(base) {
        return {
            type: 'aad',
            metadata: {
                authority: `${base}/${this.tenantId}`,
                client: this.clientApplicationId,
                cluster: this.clusterApplicationId,
                login: base,
                redirect: `${base}/`,
                tenant: this.tenantId
            }
        };
    }
    /** The routes this authority serves: `/<tenant>/v2.0/.well-known/openid-configuration` and `/<tenant>/oauth2/v2.0/token`. */
    ownsPath(pathname) {
        return pathname.startsWith(`/${this.tenantId}/`);
    }
    openIdConfiguration(base) {
        const authority = `${base}/${this.tenantId}`;
        return {
            issuer: `${authority}/v2.0`,
            token_endpoint: `${authority}/oauth2/v2.0/token`,
            authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
            jwks_uri: `${authority}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'token'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: ['openid', 'profile', 'email', 'offline_access']
        };
    }
    /** Answers a client-credentials token request: [status, body]. */
    token(form) {
        const refuse = (error, description) => [400, { error, error_description: description }];
        if (form.get('grant_type') !== 'client_credentials')
            return refuse('unsupported_grant_type', 'only client_credentials');
        if (form.get('client_id') !== this.options.clientId)
            return refuse('unauthorized_client', 'unknown client_id');
        const scope = form.get('scope');
        const forStorage = scope === `${STORAGE_RESOURCE}/.default`;
        const forArm = scope === `${ARM_RESOURCE}/.default`;
        if (scope !== `${this.clusterApplicationId}/.default` && !forStorage && !forArm) {
            return refuse('invalid_scope', `the scope must be ${this.clusterApplicationId}/.default, ${STORAGE_RESOURCE}/.default or ${ARM_RESOURCE}/.default`);
        }
        const secretOk = this.options.clientSecret !== undefined && form.get('client_secret') === this.options.clientSecret;
        const assertionOk = this.options.federatedToken !== undefined &&
            form.get('client_assertion_type') === CLIENT_ASSERTION_TYPE &&
            form.get('client_assertion') === this.options.federatedToken;
        if (!secretOk && !assertionOk)
            return [401, { error: 'invalid_client', error_description: 'wrong secret or assertion' }];
        if (forStorage)
            return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: this.storageToken() }];
        const token = this.newToken(forArm ? ARM_RESOURCE : this.clusterApplicationId);
        (forArm ? this.issuedForArm : this.issued).add(token);
        return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token }];
    }
    /** True when the Authorization header carries a token this authority issued for the cluster. */
    accepts(authorization) {
        const m = /^Bearer (\S+)$/.exec(authorization ?? '');
        return m?.[1] !== undefined && this.issued.has(m[1]);
    }
    /** True when the Authorization header carries a token this authority issued for ARM (not the cluster's). */
    acceptsForArm(authorization) {
        const m = /^Bearer (\S+)$/.exec(authorization ?? '');
        return m?.[1] !== undefined && this.issuedForArm.has(m[1]);
    }
    /**
     * [undoc] A token for Blob storage (scope https://storage.azure.com/.default), for a storage
     * emulator such as Azurite with `--oauth basic`: the audience and an `sts.windows.net` issuer it
     * checks, and the object id a user delegation key is bound to. The cluster does not accept it.
     */
    storageToken() {
        const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const payload = {
            aud: STORAGE_RESOURCE,
            iss: `https://sts.windows.net/${this.tenantId}/`,
            tid: this.tenantId,
            oid: '0b5e7c1d-0000-4000-8000-0000000000b1',
            appid: this.options.clientId,
            iat: now,
            nbf: now - 60,
            exp: now + 3599
        };
        return `${part({ typ: 'JWT', alg: 'none' })}.${part(payload)}.${(0,external_node_crypto_namespaceObject.randomBytes)(24).toString('base64url')}`;
    }
    newToken(audience) {
        const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const header = part({ typ: 'JWT', alg: 'none' });
        const payload = part({ aud: audience, tid: this.tenantId, appid: this.options.clientId, iat: now, exp: now + 3599 });
        return `${header}.${payload}.${(0,external_node_crypto_namespaceObject.randomBytes)(24).toString('base64url')}`;
    }
}

;// CONCATENATED MODULE: ./src/protocol/management-models.ts
/** Fabric error codes of the management routes (the Image Store ones are in error-codes.ts). */
const ManagementErrorCode = {
    ApplicationTypeAlreadyExists: 'FABRIC_E_APPLICATION_TYPE_ALREADY_EXISTS',
    ApplicationTypeNotFound: 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND',
    ApplicationTypeInUse: 'FABRIC_E_APPLICATION_TYPE_IN_USE',
    ApplicationTypeProvisionInProgress: 'FABRIC_E_APPLICATION_TYPE_PROVISION_IN_PROGRESS',
    ImageBuilderValidationError: 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
    ServiceManifestNotFound: 'FABRIC_E_SERVICE_MANIFEST_NOT_FOUND',
    ApplicationAlreadyExists: 'FABRIC_E_APPLICATION_ALREADY_EXISTS',
    ApplicationNotFound: 'FABRIC_E_APPLICATION_NOT_FOUND',
    ApplicationAlreadyInTargetVersion: 'FABRIC_E_APPLICATION_ALREADY_IN_TARGET_VERSION',
    ApplicationNotUpgrading: 'FABRIC_E_APPLICATION_NOT_UPGRADING',
    ApplicationUpgradeInProgress: 'FABRIC_E_APPLICATION_UPGRADE_IN_PROGRESS',
    InvalidNameUri: 'FABRIC_E_INVALID_NAME_URI'
};
/**
 * Characters an application name cannot hold. The runtime's NamingUri reserves `$ + | ~` (`~` would
 * also make the id ambiguous: it stands for `/`); `?` and `#` would start a query or a fragment; and
 * the runtime's own REST client refuses `[ ] < > \ ^ %` as well. [undoc] The gateway unescapes the
 * route it is given, so a `%` cannot be carried unambiguously (`%41` could reach the cluster as `A`):
 * it is refused with the rest, as are control characters, rather than encoded.
 */
const RESERVED_IN_NAMES = '$+|~?#[]<>\\^%';
/**
 * Why a text is not an application name the cluster accepts, or undefined when it is one. As the
 * runtime's NamingUri: the `fabric:/` scheme, no empty segment, no trailing `/`, none of the
 * characters of RESERVED_IN_NAMES and no control character.
 */
function applicationNameProblem(name) {
    if (!/^fabric:\/[^/]/.test(name))
        return "it must start with 'fabric:/' followed by a name";
    if (name.includes('//') || name.endsWith('/'))
        return "it must not have an empty segment ('//') or end with '/'";
    const rest = [...name.slice('fabric:/'.length)];
    const reserved = rest.find(c => RESERVED_IN_NAMES.includes(c));
    if (reserved)
        return `'${reserved}' is reserved in Service Fabric names`;
    const control = rest.find(isControlCharacter);
    if (control)
        return `it holds the control character ${codePoint(control)}`;
    return undefined;
}
/**
 * Why a text cannot be an application type name or version, or undefined. Both travel in the
 * management routes (`/ApplicationTypes/{name}`, `ApplicationTypeVersion=`) and name folders and
 * files in the cluster's own store. [undoc] Refused here: a `%` (the gateway unescapes: see
 * RESERVED_IN_NAMES), the characters a Windows cluster cannot put in a file name (`< > : " | ? * \ /`),
 * `#`, control characters, and the names `.` and `$` (a URL's "this folder", and the gateway's
 * separator between a resource and its action). The caller checks path separators, `..` and
 * surrounding spaces.
 */
function applicationTypeNameProblem(value) {
    if (value === '.' || value === '$')
        return `is '${value}', which the gateway reads as part of the route`;
    const bad = [...value].find(c => '%<>:"|?*#'.includes(c) || isControlCharacter(c));
    if (bad === undefined)
        return undefined;
    if (isControlCharacter(bad))
        return `contains the control character ${codePoint(bad)}`;
    return bad === '%' ? "contains '%', which the gateway reads as the start of an escape" : `contains '${bad}', which the cluster cannot carry in a type name`;
}
function isControlCharacter(c) {
    const code = c.codePointAt(0);
    return code < 0x20 || (code >= 0x7f && code < 0xa0);
}
function codePoint(c) {
    return `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}
/** `fabric:/a/b` → `a~b`, the id the `/Applications/{id}` routes take. */
function applicationIdOf(name) {
    return name
        .replace(/^fabric:\//i, '')
        .split('/')
        .join('~');
}

;// CONCATENATED MODULE: ./src/protocol/error-codes.ts
// Fabric error codes the project produces or reacts to (protocol reference §3). Codes are an open
// set: clients compare against these but must accept any other string.
const ErrorCode = {
    InvalidArg: 'E_INVALIDARG',
    AccessDenied: 'E_ACCESSDENIED',
    Fail: 'E_FAIL',
    RangeNotSatisfiable: 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE',
    InvalidUploadSessionId: 'FABRIC_E_INVALID_UPLOAD_SESSION_ID',
    UploadSessionIdConflict: 'FABRIC_E_UPLOAD_SESSION_ID_CONFLICT',
    PathTooLong: 'FABRIC_E_PATH_TOO_LONG',
    InvalidDirectory: 'FABRIC_E_INVALID_DIRECTORY',
    ReservedDirectory: 'FABRIC_E_IMAGEBUILDER_RESERVED_DIRECTORY_ERROR',
    FileNotFound: 'FABRIC_E_FILE_NOT_FOUND',
    DirectoryNotFound: 'FABRIC_E_DIRECTORY_NOT_FOUND',
    MessageTooLarge: 'FABRIC_E_MESSAGE_TOO_LARGE',
    ServiceTooBusy: 'FABRIC_E_SERVICE_TOO_BUSY',
    NotPrimary: 'FABRIC_E_NOT_PRIMARY',
    Timeout: 'FABRIC_E_TIMEOUT'
};
/** The folder mark file: a folder exists for the cluster only when it holds this empty file. */
const MARK_FILE_NAME = '_.dir';
/** Store roots the cluster refuses to delete or overwrite (compared case-insensitively). */
const RESERVED_ROOTS = ['Store', 'WindowsFabricStore'];
function isReservedRoot(storePath) {
    const first = storePath.split(/[\\/]/).filter(s => s !== '')[0] ?? '';
    return RESERVED_ROOTS.some(r => r.toLowerCase() === first.toLowerCase());
}

;// CONCATENATED MODULE: ./emulator/fabric-http-error.ts
// Every protocol error the emulator answers is made here (as Azurite's StorageErrorFactory does),
// so that a status, its Fabric code and whether the answer has a body stay together.

/** An answer the emulator gives instead of success: status, Fabric code and, usually, a body. */
class FabricHttpError extends Error {
    status;
    code;
    emptyBody;
    constructor(status, code, message, 
    /** Some gateway answers carry no body at all (404 on listing, 403 on a refused certificate). */
    emptyBody = false) {
        super(message);
        this.status = status;
        this.code = code;
        this.emptyBody = emptyBody;
    }
    /** 400 E_INVALIDARG: bad api-version or timeout, no such route, a malformed request. */
    static invalidArg(message) {
        return new FabricHttpError(400, ErrorCode.InvalidArg, message);
    }
    /** 404 FABRIC_E_FILE_NOT_FOUND; `emptyBody` for the answers the runtime sends without one. */
    static fileNotFound(message, emptyBody = false) {
        return new FabricHttpError(404, ErrorCode.FileNotFound, message, emptyBody);
    }
    static rangeNotSatisfiable(message) {
        return new FabricHttpError(400, ErrorCode.RangeNotSatisfiable, message);
    }
    static invalidUploadSessionId(id) {
        return new FabricHttpError(400, ErrorCode.InvalidUploadSessionId, `'${id}' is not a GUID`);
    }
    static uploadSessionIdConflict(message) {
        return new FabricHttpError(409, ErrorCode.UploadSessionIdConflict, message);
    }
    static reservedDirectory(storePath) {
        return new FabricHttpError(400, ErrorCode.ReservedDirectory, `'${storePath}' is a reserved folder`);
    }
    static invalidDirectory(message) {
        return new FabricHttpError(400, ErrorCode.InvalidDirectory, message);
    }
    static messageTooLarge(message) {
        return new FabricHttpError(413, ErrorCode.MessageTooLarge, message);
    }
    /** 403 with an empty body: a refused client certificate. */
    static clientCertificateRequired() {
        return new FabricHttpError(403, ErrorCode.AccessDenied, 'Client certificate required', true);
    }
    /** 401 for a missing or unknown bearer token. [undoc] The body; clients only rely on the status. */
    static bearerTokenRequired() {
        return new FabricHttpError(401, ErrorCode.AccessDenied, 'a bearer token for the cluster is required', true);
    }
    static notPrimary(message) {
        return new FabricHttpError(503, ErrorCode.NotPrimary, message);
    }
    static serviceTooBusy(message) {
        return new FabricHttpError(503, ErrorCode.ServiceTooBusy, message);
    }
    static timeout(message) {
        return new FabricHttpError(504, ErrorCode.Timeout, message);
    }
    /** 500 E_FAIL for anything unexpected (an internal error of the emulator). */
    static from(err) {
        if (err instanceof FabricHttpError)
            return err;
        return new FabricHttpError(500, ErrorCode.Fail, err instanceof Error ? err.message : String(err));
    }
}

;// CONCATENATED MODULE: ./emulator/arm/arm-operations.ts
// The emulated ARM's long-running operations: each has an id, an Azure-AsyncOperation URL and a
// check that reads the cluster manager's state, so an operation ends when the cluster's work does.

class ArmOperations {
    operations = new Map();
    /** Starts following `check`; returns the operation's id. */
    start(check) {
        const id = (0,external_node_crypto_namespaceObject.randomUUID)();
        this.operations.set(id, { id, startTime: new Date().toISOString(), check });
        return id;
    }
    /** The operation-status body (`{id,name,status,startTime,endTime,error}`), or undefined for an unknown id. */
    status(id) {
        const op = this.operations.get(id.toLowerCase());
        if (op === undefined)
            return undefined;
        if (op.ended === undefined) {
            const now = op.check();
            if (now.status !== 'InProgress') {
                op.ended = now;
                op.endTime = new Date().toISOString();
            }
        }
        const state = op.ended ?? { status: 'InProgress' };
        return {
            id: op.id,
            name: op.id,
            status: state.status,
            startTime: op.startTime,
            ...(op.endTime !== undefined ? { endTime: op.endTime, percentComplete: 100 } : { percentComplete: 0 }),
            ...(state.error !== undefined ? { error: state.error } : {})
        };
    }
}

;// CONCATENATED MODULE: ./emulator/arm/arm-resources.ts
class ArmHttpError extends Error {
    status;
    code;
    constructor(status, code, message) {
        super(message);
        this.status = status;
        this.code = code;
    }
}
const ARM_STATES = { Upgrading: 'Updating', Creating: 'Creating', Deleting: 'Deleting' };
function applicationBody(ids, info) {
    const name = info.Name.replace(/^fabric:\//, '');
    return {
        id: ids.application(name),
        name,
        type: 'Microsoft.ServiceFabric/managedClusters/applications',
        properties: {
            // [undoc] Updating while the cluster upgrades the application (its rollback included), Creating
            // and Deleting while it does those, Succeeded otherwise (rolled back included).
            provisioningState: ARM_STATES[info.Status] ?? 'Succeeded',
            version: ids.version(info.TypeName, info.TypeVersion),
            parameters: Object.fromEntries(info.Parameters.map(p => [p.Key, p.Value]))
        }
    };
}
const MONITORING = [
    ['healthCheckWaitDuration', 'HealthCheckWaitDurationInMilliseconds'],
    ['healthCheckStableDuration', 'HealthCheckStableDurationInMilliseconds'],
    ['healthCheckRetryTimeout', 'HealthCheckRetryTimeoutInMilliseconds'],
    ['upgradeTimeout', 'UpgradeTimeoutInMilliseconds'],
    ['upgradeDomainTimeout', 'UpgradeDomainTimeoutInMilliseconds']
];
/** ARM's `[d.]hh:mm:ss[.fffffff]` as the ISO 8601 duration the gateway reads (`P1DT2H3M4.5S`). */
function armDurationIso(field, value) {
    const m = typeof value === 'string' ? /^(?:(\d+)\.)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value) : null;
    if (!m || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) {
        throw new ArmHttpError(400, 'InvalidParameter', `The property '${field}' must be a duration such as '01:30:00' or '1.00:00:00', not ${JSON.stringify(value)}.`);
    }
    return `P${Number(m[1] ?? 0)}DT${Number(m[2])}H${Number(m[3])}M${Number(m[4])}${m[5] ? `.${m[5]}` : ''}S`;
}
/** Checks an application PUT's body as the resource provider does and translates it. */
function applicationPut(json, ids) {
    const properties = json?.properties;
    if (typeof properties !== 'object' || properties === null)
        throw new ArmHttpError(400, 'InvalidParameter', "The property 'properties' is required.");
    const version = properties.version;
    if (typeof version !== 'string')
        throw new ArmHttpError(400, 'InvalidParameter', "The property 'properties.version' (the type version's resource id) is required.");
    const parsed = ids.parseVersion(version);
    if (!parsed)
        throw new ArmHttpError(400, 'InvalidParameter', `'properties.version' must be the resource id of an application type version of this cluster, not '${version}'.`);
    const [typeName, typeVersion] = parsed;
    const raw = properties.parameters ?? {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some(v => typeof v !== 'string')) {
        throw new ArmHttpError(400, 'InvalidParameter', "'properties.parameters' must be an object of strings.");
    }
    const parameters = Object.entries(raw).map(([Key, Value]) => ({ Key, Value }));
    const policy = (properties.upgradePolicy ?? {});
    return {
        createDescription: name => ({ Name: name, TypeName: typeName, TypeVersion: typeVersion, ParameterList: parameters }),
        upgradeDescription: name => {
            const mode = policy.upgradeMode ?? 'Monitored';
            if (mode !== 'Monitored' && mode !== 'UnmonitoredAuto')
                throw new ArmHttpError(400, 'InvalidParameter', `upgradeMode ${JSON.stringify(mode)} is not Monitored or UnmonitoredAuto.`);
            const description = {
                Name: name,
                TargetApplicationTypeVersion: typeVersion,
                Parameters: parameters,
                UpgradeKind: 'Rolling',
                RollingUpgradeMode: mode
            };
            if (typeof policy.forceRestart === 'boolean')
                description.ForceRestart = policy.forceRestart;
            if (typeof policy.upgradeReplicaSetCheckTimeout === 'number')
                description.UpgradeReplicaSetCheckTimeoutInSeconds = policy.upgradeReplicaSetCheckTimeout;
            const monitoring = policy.rollingUpgradeMonitoringPolicy;
            if (mode === 'Monitored' && monitoring !== undefined) {
                if (monitoring.failureAction !== 'Rollback' && monitoring.failureAction !== 'Manual') {
                    throw new ArmHttpError(400, 'InvalidParameter', "'rollingUpgradeMonitoringPolicy.failureAction' must be Rollback or Manual.");
                }
                const gateway = { FailureAction: monitoring.failureAction };
                for (const [field, name] of MONITORING) {
                    // The resource provider requires each of them [spec].
                    gateway[name] = armDurationIso(`rollingUpgradeMonitoringPolicy.${field}`, monitoring[field]);
                }
                description.MonitoringPolicy = gateway;
            }
            const health = policy.applicationHealthPolicy;
            if (mode === 'Monitored' && health !== undefined) {
                description.ApplicationHealthPolicy = {
                    ConsiderWarningAsError: health.considerWarningAsError === true,
                    MaxPercentUnhealthyDeployedApplications: typeof health.maxPercentUnhealthyDeployedApplications === 'number' ? health.maxPercentUnhealthyDeployedApplications : 0
                };
            }
            return description;
        }
    };
}

;// CONCATENATED MODULE: ./emulator/arm/arm-type-versions.ts

/** ARM's limits on tags (Azure Resource Manager, "Tag resources"): 50 pairs, names ≤ 512 characters, values ≤ 256. */
const MAX_TAGS = 50;
const MAX_TAG_NAME = 512;
const MAX_TAG_VALUE = 256;
const RESERVED_TAG_CHARACTERS = /[<>%&\\?/]/;
const hasControlCharacter = (name) => [...name].some(c => c.charCodeAt(0) < 0x20);
/** Checks a body's `tags` as ARM does; undefined when the body has none. */
function armTags(value) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some(v => typeof v !== 'string')) {
        throw new ArmHttpError(400, 'InvalidRequestContent', "The property 'tags' must be an object whose values are strings.");
    }
    const tags = value;
    const names = Object.keys(tags);
    const reserved = names.filter(n => RESERVED_TAG_CHARACTERS.test(n) || hasControlCharacter(n));
    if (reserved.length > 0) {
        throw new ArmHttpError(400, 'InvalidTagNameCharacters', `The tag names '${reserved.join(',')}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
    }
    // [undoc] The code of these three refusals.
    if (names.length > MAX_TAGS)
        throw new ArmHttpError(400, 'InvalidTag', `A resource can have at most ${MAX_TAGS} tags, not ${names.length}.`);
    const longName = names.find(n => n.length > MAX_TAG_NAME || n.length === 0);
    if (longName !== undefined) {
        throw new ArmHttpError(400, 'InvalidTag', `The tag name '${longName.slice(0, 40)}…' must have 1 to ${MAX_TAG_NAME} characters, not ${longName.length}.`);
    }
    const longValue = names.find(n => tags[n].length > MAX_TAG_VALUE);
    if (longValue !== undefined) {
        throw new ArmHttpError(400, 'InvalidTag', `The value of the tag '${longValue}' exceeds ${MAX_TAG_VALUE} characters (${tags[longValue].length}).`);
    }
    return { ...tags };
}
class ArmTypeVersions {
    manager;
    typeKnown;
    records = new Map();
    constructor(manager, typeKnown) {
        this.manager = manager;
        this.typeKnown = typeKnown;
    }
    body(ids, typeName, version) {
        const v = this.manager.types.find(typeName, version);
        const status = v ? this.manager.types.status(v) : undefined;
        const state = status === 'Available' ? 'Succeeded' : status === 'Failed' ? 'Failed' : 'Creating';
        const record = this.records.get(key(typeName, version)) ?? {};
        return {
            id: ids.version(typeName, version),
            name: version,
            type: 'Microsoft.ServiceFabric/managedClusters/applicationTypes/versions',
            ...(record.tags !== undefined ? { tags: { ...record.tags } } : {}),
            properties: { provisioningState: state, ...(record.appPackageUrl !== undefined ? { appPackageUrl: record.appPackageUrl } : {}) }
        };
    }
    list(ids, typeName) {
        return { status: 200, json: { value: this.manager.types.versionsOf(typeName).map(v => this.body(ids, v.typeName, v.version)) } };
    }
    async handle(method, typeName, version, raw, ids, accept) {
        const existing = this.manager.types.find(typeName, version);
        if (method === 'GET') {
            if (!existing)
                throw notFound(typeName, version);
            return { status: 200, json: this.body(ids, typeName, version) };
        }
        if (method === 'DELETE') {
            if (!existing)
                return { status: 204 };
            this.manager.unprovision(gatewayPost(`/ApplicationTypes/${encodeURIComponent(typeName)}/$/Unprovision`, { ApplicationTypeVersion: version }), typeName);
            this.records.delete(key(typeName, version));
            return accept(() => ({ status: 'Succeeded' }), undefined);
        }
        if (method === 'PATCH') {
            if (!existing)
                throw notFound(typeName, version);
            const tags = armTags(parseJson(raw).tags);
            const record = this.records.get(key(typeName, version)) ?? {};
            this.records.set(key(typeName, version), { ...record, tags });
            return { status: 200, json: this.body(ids, typeName, version) };
        }
        if (method !== 'PUT')
            throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on an application type version here.`);
        if (!this.typeKnown(typeName)) {
            throw new ArmHttpError(404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource 'applicationTypes/${typeName}' not found.`);
        }
        const body = parseJson(raw);
        const url = body.properties?.appPackageUrl;
        if (typeof url !== 'string' || url === '')
            throw new ArmHttpError(400, 'InvalidParameter', "The property 'properties.appPackageUrl' is required.");
        const tags = armTags(body.tags);
        if (existing && this.manager.types.status(existing) === 'Available') {
            this.records.set(key(typeName, version), { ...this.records.get(key(typeName, version)), tags });
            return { status: 200, json: this.body(ids, typeName, version) };
        }
        await this.manager.provision(gatewayPost('/ApplicationTypes/$/Provision', { Kind: 'ExternalStore', ApplicationPackageDownloadUri: url, ApplicationTypeName: typeName, ApplicationTypeVersion: version, Async: true }, '6.2'));
        this.records.set(key(typeName, version), { appPackageUrl: url, tags });
        return accept(() => this.provisionState(typeName, version), this.body(ids, typeName, version));
    }
    provisionState(typeName, version) {
        const v = this.manager.types.find(typeName, version);
        if (!v)
            return { status: 'Failed', error: { code: 'ApplicationTypeNotFound', message: `${typeName} ${version} is no longer provisioned.` } };
        const status = this.manager.types.status(v);
        if (status === 'Available')
            return { status: 'Succeeded' };
        if (status === 'Failed')
            return { status: 'Failed', error: { code: 'ProvisionFailed', message: v.failure ?? 'The provision failed.' } };
        return { status: 'InProgress' };
    }
}
function key(typeName, version) {
    return `${typeName}\n${version}`;
}
function notFound(typeName, version) {
    return new ArmHttpError(404, 'ResourceNotFound', `The Resource 'Microsoft.ServiceFabric/managedClusters/applicationTypes/${typeName}/versions/${version}' was not found.`);
}
function parseJson(raw) {
    try {
        return JSON.parse(raw.toString('utf8'));
    }
    catch {
        throw new ArmHttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    }
}
function gatewayPost(pathname, body, apiVersion = '6.0') {
    return { method: 'POST', pathname, query: new URLSearchParams({ 'api-version': apiVersion }), body: Buffer.from(JSON.stringify(body)) };
}

;// CONCATENATED MODULE: ./emulator/arm/arm-surface.ts
// The managed cluster's ARM surface (Microsoft.ServiceFabric/managedClusters, api-version
// 2024-04-01): application types, their versions (appPackageUrl) and applications, backed by the
// same cluster manager as the gateway, so that an ARM release and a gateway release of a package
// end in the same cluster state. Served beside the gateway, as ARM is another service: no client
// certificate, a bearer token the emulator's authority issued for ARM, errors in ARM's shape.
//
// [undoc] choices: the one cluster it knows is `clusterResourceId` (any other is 404
// ResourceNotFound); only api-version 2024-04-01 is taken; PUT/DELETE of versions and applications
// answer 202 with Azure-AsyncOperation and Retry-After (types answer 200 at once); an application
// PUT without upgradeMode upgrades Monitored; a PUT that changes nothing ends at once (200). As users
// reported of ARM, an upgrade that rolled back ends its operation `Succeeded`.






const ARM_API_VERSIONS = ['2024-04-01'];
/**
 * One route per method and resource kind (`arm-put-application`, `arm-get-operation`…), so that
 * `--fault-routes` can aim at one of them (or at the family `arm`); all are served by the surface.
 */
function armRoutes(options, aad, manager) {
    const surface = new ArmSurface(options, manager);
    const handle = async (ctx) => {
        let answer;
        try {
            if (!aad.acceptsForArm(ctx.req.headers.authorization)) {
                throw new ArmHttpError(401, 'InvalidAuthenticationToken', 'The access token is missing or invalid: ask Azure AD for the ARM scope.');
            }
            const version = ctx.query.get('api-version');
            if (version === null)
                throw new ArmHttpError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
            if (!ARM_API_VERSIONS.includes(version)) {
                throw new ArmHttpError(400, 'NoRegisteredProviderFound', `No registered resource provider found for api version '${version}'. The supported api-versions are '${ARM_API_VERSIONS.join(', ')}'.`);
            }
            answer = await surface.handle(ctx.path.method, ctx.pathname, await ctx.readBody(), armOrigin(ctx.req));
        }
        catch (err) {
            answer = armError(err);
        }
        await reply(ctx, answer);
    };
    // [undoc] ARM throttles with 429 and Retry-After; a timed-out request is 504 GatewayTimeout.
    const faultReply = (ctx, kind) => reply(ctx, kind === 'busy'
        ? {
            status: 429,
            json: { error: { code: 'TooManyRequests', message: 'Injected fault: too many requests; retry after the time Retry-After says.' } },
            headers: { 'Retry-After': String(options.retryAfterSeconds ?? 1) }
        }
        : { status: 504, json: { error: { code: 'GatewayTimeout', message: 'Injected fault: the gateway did not receive a response in time.' } } });
    const isArm = (p) => p.segments[0]?.toLowerCase() === 'subscriptions';
    const routes = [];
    for (const kind of ARM_KINDS) {
        for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
            routes.push({
                name: `arm-${method.toLowerCase()}-${kind}`,
                method,
                family: 'arm',
                injectFaults: true,
                faultReply,
                match: p => isArm(p) && armKind(p.segments) === kind,
                handle
            });
        }
    }
    routes.push({ name: 'arm', method: '*', family: 'arm', injectFaults: true, faultReply, match: isArm, handle });
    return routes;
}
const ARM_KINDS = ['operation', 'type', 'versions', 'version', 'applications', 'application'];
/** The kind of ARM resource a path names, for the route names; undefined for anything else. */
function armKind(segments) {
    const lower = segments.map(s => s.toLowerCase());
    if (lower.length === 8 && lower[6] === 'managedclusteroperations')
        return 'operation';
    const rest = lower.slice(8);
    if (rest[0] === 'applicationtypes')
        return [undefined, 'type', 'versions', 'version'][rest.length - 1];
    if (rest[0] === 'applications')
        return [undefined, 'applications', 'application'][rest.length];
    return undefined;
}
async function reply(ctx, answer) {
    for (const [name, value] of Object.entries(answer.headers ?? {}))
        ctx.res.setHeader(name, value);
    await ctx.replyJson(answer.status, answer.json);
}
function armError(err) {
    if (err instanceof ArmHttpError)
        return { status: err.status, json: { error: { code: err.code, message: err.message } } };
    if (err instanceof FabricHttpError) {
        // The cluster's refusal, passed on as ARM does: its status, the Fabric code as ARM's code.
        return { status: err.status === 409 ? 409 : err.status === 404 ? 404 : 400, json: { error: { code: err.code, message: err.message } } };
    }
    console.error(`emulator: ARM internal error: ${String(err)}`);
    return { status: 500, json: { error: { code: 'InternalServerError', message: 'The emulator failed.' } } };
}
class ArmSurface {
    options;
    manager;
    operations = new ArmOperations();
    types = new Set();
    versions;
    cluster;
    retryAfter;
    constructor(options, manager) {
        this.options = options;
        this.manager = manager;
        this.cluster = options.clusterResourceId
            .split('/')
            .filter(s => s !== '')
            .map(s => s.toLowerCase());
        this.retryAfter = String(options.retryAfterSeconds ?? 1);
        this.versions = new ArmTypeVersions(manager, typeName => this.types.has(typeName) || manager.types.versionsOf(typeName).length > 0);
    }
    async handle(method, pathname, body, base) {
        let s;
        try {
            s = pathname
                .split('/')
                .filter(x => x !== '')
                .map(x => decodeURIComponent(x));
        }
        catch {
            throw new ArmHttpError(400, 'InvalidResourceName', 'The path is not valid percent-encoding.');
        }
        const lower = s.map(x => x.toLowerCase());
        // /subscriptions/{s}/providers/Microsoft.ServiceFabric/locations/{l}/managedClusterOperations/{id}
        if (lower.length === 8 && lower[2] === 'providers' && lower[4] === 'locations' && lower[6] === 'managedclusteroperations' && method === 'GET') {
            const status = this.operations.status(s[7]);
            if (status === undefined)
                throw new ArmHttpError(404, 'NotFound', `The operation '${s[7]}' was not found.`);
            return { status: 200, json: status };
        }
        if (lower.length < 8 || this.cluster.some((x, i) => x !== lower[i])) {
            throw new ArmHttpError(404, 'ResourceNotFound', `The Resource '${s.slice(4, 8).join('/')}' under resource group '${s[3] ?? ''}' was not found.`);
        }
        const rest = lower.slice(8);
        const names = s.slice(8);
        const ids = new ResourceIds(this.options.clusterResourceId);
        if (rest.length === 0 && method === 'GET')
            return { status: 200, json: this.clusterBody(base) };
        if (rest[0] === 'applicationtypes' && rest.length === 2)
            return this.type(method, names[1], ids);
        if (rest[0] === 'applicationtypes' && rest.length === 3 && rest[2] === 'versions' && method === 'GET') {
            return this.versions.list(ids, names[1]);
        }
        if (rest[0] === 'applicationtypes' && rest.length === 4 && rest[2] === 'versions') {
            return this.versions.handle(method, names[1], names[3], body, ids, (check, json) => this.accepted(base, check, json));
        }
        if (rest[0] === 'applications' && rest.length === 1 && method === 'GET') {
            return { status: 200, json: { value: this.manager.applications.all().map(a => applicationBody(ids, this.manager.applications.info(a))) } };
        }
        if (rest[0] === 'applications' && rest.length === 2)
            return this.application(method, names[1], body, ids, base);
        throw new ArmHttpError(400, 'InvalidResourceType', `The resource type '${rest.filter((_, i) => i % 2 === 0).join('/')}' is not known under Microsoft.ServiceFabric/managedClusters.`);
    }
    /**
     * The managed cluster resource, with what a client needs to reach its gateway. [undoc] choices: the
     * fqdn and the gateway port are the host and port the ARM request came to (the emulator serves both on
     * one listener); the thumbprint is the emulator's own TLS certificate's; the cluster id is fixed.
     */
    clusterBody(base) {
        const origin = new URL(base);
        const cert = this.options.serverCertificate;
        const thumbprints = cert === undefined ? [] : [new external_node_crypto_namespaceObject.X509Certificate(cert).fingerprint.replace(/:/g, '').toUpperCase()];
        const name = this.options.clusterResourceId.split('/').pop();
        return {
            id: this.options.clusterResourceId,
            name,
            type: 'Microsoft.ServiceFabric/managedClusters',
            location: this.options.location ?? 'eastus',
            sku: { name: 'Basic' },
            properties: {
                provisioningState: 'Succeeded',
                clusterId: '92584666-9889-4ae8-8d02-91902923d37f',
                clusterState: 'Ready',
                dnsName: name,
                fqdn: origin.hostname,
                clusterCertificateThumbprints: thumbprints,
                clientConnectionPort: 19000,
                httpGatewayConnectionPort: Number(origin.port || (origin.protocol === 'https:' ? 443 : 80))
            }
        };
    }
    type(method, name, ids) {
        const exists = this.types.has(name) || this.manager.types.versionsOf(name).length > 0;
        const body = { id: ids.type(name), name, type: 'Microsoft.ServiceFabric/managedClusters/applicationTypes', properties: { provisioningState: 'Succeeded' } };
        if (method === 'GET') {
            if (!exists)
                throw arm_surface_notFound('applicationTypes', name);
            return { status: 200, json: body };
        }
        if (method === 'PUT') {
            this.types.add(name);
            return { status: exists ? 200 : 201, json: body };
        }
        throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on an application type here.`);
    }
    async application(method, name, raw, ids, base) {
        const found = this.manager.applications.all().find(a => a.name === `fabric:/${name}`);
        if (method === 'GET') {
            if (!found)
                throw arm_surface_notFound('applications', name);
            return { status: 200, json: applicationBody(ids, this.manager.applications.info(found)) };
        }
        if (method === 'DELETE') {
            if (!found)
                return { status: 204 };
            this.manager.deleteApplication(name);
            return this.accepted(base, () => ({ status: 'Succeeded' }), undefined);
        }
        if (method !== 'PUT')
            throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on an application here.`);
        const put = applicationPut(parseJson(raw), ids);
        if (found) {
            const info = this.manager.applications.info(found);
            if (info.Status === 'Upgrading')
                throw new ArmHttpError(409, 'Conflict', `The application '${name}' is being upgraded: wait for its operation to end.`);
        }
        if (found) {
            try {
                this.manager.upgrade(gatewayPost(`/Applications/${encodeURIComponent(name)}/$/Upgrade`, put.upgradeDescription(`fabric:/${name}`)), name);
            }
            catch (err) {
                // [undoc] A PUT that changes neither the version nor the parameters starts no upgrade: it is
                // idempotent, as ARM's PUTs are, and answers 200 at once.
                if (!(err instanceof FabricHttpError && err.code === ManagementErrorCode.ApplicationAlreadyInTargetVersion))
                    throw err;
                return { status: 200, json: applicationBody(ids, this.manager.applications.info(found)) };
            }
        }
        else
            this.manager.createApplication(gatewayPost('/Applications/$/Create', put.createDescription(`fabric:/${name}`)));
        const check = () => {
            const app = this.manager.applications.all().find(a => a.name === `fabric:/${name}`);
            if (!app)
                return { status: 'Failed', error: { code: 'ApplicationNotFound', message: `The application '${name}' no longer exists.` } };
            // Rolled back or rolled forward, the operation ends Succeeded: the trap users reported.
            return { status: this.manager.applications.info(app).Status === 'Upgrading' ? 'InProgress' : 'Succeeded' };
        };
        const now = this.manager.applications.all().find(a => a.name === `fabric:/${name}`);
        return this.accepted(base, check, applicationBody(ids, this.manager.applications.info(now)));
    }
    accepted(base, check, json) {
        const id = this.operations.start(check);
        const subscription = this.options.clusterResourceId.split('/')[2];
        const location = this.options.location ?? 'eastus';
        return {
            status: 202,
            json,
            headers: {
                'Azure-AsyncOperation': `${base}/subscriptions/${subscription}/providers/Microsoft.ServiceFabric/locations/${location}/managedClusterOperations/${id}?api-version=${ARM_API_VERSIONS[0]}`,
                'Retry-After': this.retryAfter
            }
        };
    }
}
class ResourceIds {
    cluster;
    constructor(cluster) {
        this.cluster = cluster;
    }
    type(name) {
        return `${this.cluster}/applicationTypes/${name}`;
    }
    version(typeName, version) {
        return `${this.type(typeName)}/versions/${version}`;
    }
    application(name) {
        return `${this.cluster}/applications/${name}`;
    }
    /** [typeName, version] from a version's resource id under this cluster, compared case-insensitively; undefined otherwise. */
    parseVersion(id) {
        const prefix = `${this.cluster}/applicationTypes/`.toLowerCase();
        if (!id.toLowerCase().startsWith(prefix))
            return undefined;
        const rest = id.slice(prefix.length).split('/');
        if (rest.length !== 3 || rest[1].toLowerCase() !== 'versions' || rest[0] === '' || rest[2] === '')
            return undefined;
        return [decodeURIComponent(rest[0]), decodeURIComponent(rest[2])];
    }
}
function arm_surface_notFound(type, name) {
    return new ArmHttpError(404, 'ResourceNotFound', `The Resource 'Microsoft.ServiceFabric/managedClusters/${type}/${name}' was not found.`);
}
/** The origin operation URLs are given on: the one the request came to (https when the emulator serves TLS). */
function armOrigin(req) {
    const scheme = req.socket.encrypted ? 'https' : 'http';
    return `${scheme}://${req.headers.host ?? '127.0.0.1'}`;
}

;// CONCATENATED MODULE: ./emulator/api-version.ts
// api-version handling as the runtime does it: a `-preview` suffix is ignored, and a version
// outside [route minimum, runtime version] is refused with 400 E_INVALIDARG. The `timeout` query
// parameter is checked here too, since every route takes both.

const API_VERSION = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/i;
function parseApiVersion(text) {
    const m = text ? API_VERSION.exec(text.trim()) : null;
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}
function compareApiVersions(a, b) {
    return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
function formatApiVersion(v) {
    return `${v[0]}.${v[1]}`;
}
/** Refuses (400 E_INVALIDARG) a missing api-version, or one outside [min, max]. */
function checkApiVersion(query, min, max) {
    const text = query.get('api-version');
    const v = parseApiVersion(text);
    if (!v)
        throw FabricHttpError.invalidArg(`api-version '${text ?? ''}' is missing or not a version`);
    if (compareApiVersions(v, min) < 0 || compareApiVersions(v, max) > 0) {
        throw FabricHttpError.invalidArg(`api-version ${text} is not supported here: this route takes ${formatApiVersion(min)} to ${formatApiVersion(max)}`);
    }
}
/** Refuses (400 E_INVALIDARG) a `timeout` that is not a whole number of seconds from 1 to 4294967295. */
function checkTimeout(query) {
    const text = query.get('timeout');
    if (text === null)
        return;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 4294967295) {
        throw FabricHttpError.invalidArg(`timeout '${text}' must be a whole number of seconds from 1 to 4294967295`);
    }
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/protocol/store-path.ts
// Store-relative paths. The store always uses `/` on the wire from this project; Windows
// clusters answer with `\`, so parsing accepts both. Comparisons are made segment by segment,
// the way the cluster compares: case-insensitively on Windows, exactly on Linux.
function storePathSegments(storePath) {
    return storePath.split(/[\\/]/).filter(s => s !== '');
}
/** Normalises to `a/b/c`: either separator in, `/` out, no empty segments. */
function normalizeStorePath(storePath) {
    return storePathSegments(storePath).join('/');
}
function joinStorePath(...parts) {
    return normalizeStorePath(parts.filter(p => p !== '').join('/'));
}
/** Percent-encodes each segment on its own (names may hold space, #, ?, %, +, ;, &, =, '). */
function encodeStorePath(storePath) {
    return storePathSegments(storePath).map(encodeURIComponent).join('/');
}
function parentStorePath(storePath) {
    const segments = storePathSegments(storePath);
    return segments.slice(0, -1).join('/');
}
function baseName(storePath) {
    const segments = storePathSegments(storePath);
    return segments[segments.length - 1] ?? '';
}
const EXACT = { caseInsensitive: false };
/** What the action assumes before it knows the cluster's OS: the comparison that finds more paths equal. */
const AS_WINDOWS = { caseInsensitive: true };
/**
 * One name folded the way Windows compares names: each character upper-cased on its own, and
 * left as it is where upper-casing would turn it into several characters (`ß`, `ﬁ`): NTFS maps
 * one character to one, so `Straße` and `STRASSE` are different names there.
 */
function foldName(name) {
    // Printable ASCII upper-cases one character to one: the common case, without a string per character.
    if (PRINTABLE_ASCII.test(name))
        return name.toUpperCase();
    let folded = '';
    for (const ch of name) {
        const upper = ch.toUpperCase();
        folded += [...upper].length === 1 ? upper : ch;
    }
    return folded;
}
const PRINTABLE_ASCII = /^[ -~]*$/;
/** A separator that normalizeStorePath would change: `\`, an empty segment, a leading or trailing `/`. */
const NOT_NORMAL = /\\|\/\/|^\/|\/$/;
/** A key under which paths the cluster sees as the same one are equal (`/`-joined segments). */
function storePathKey(storePath, comparison) {
    // Called for every file of a package several times: no array of segments where none is needed.
    const normal = NOT_NORMAL.test(storePath) ? normalizeStorePath(storePath) : storePath;
    if (!comparison.caseInsensitive)
        return normal;
    return PRINTABLE_ASCII.test(normal) ? normal.toUpperCase() : storePathSegments(normal).map(foldName).join('/');
}
function sameName(a, b, comparison) {
    return a === b || (comparison.caseInsensitive && foldName(a) === foldName(b));
}
/** The rest of `path` beneath `ancestor`, segment by segment, or undefined when it is not beneath it. */
function relativeStorePath(path, ancestor, comparison) {
    const p = storePathSegments(path);
    const a = storePathSegments(ancestor);
    if (p.length < a.length)
        return undefined;
    for (const [i, name] of a.entries()) {
        const own = p[i];
        if (own === undefined || !sameName(own, name, comparison))
            return undefined;
    }
    return p.slice(a.length).join('/');
}
/** True when `path` is `ancestor` itself or lies beneath it (exactly, unless told otherwise). */
function isSameOrBeneath(path, ancestor, comparison = EXACT) {
    return relativeStorePath(path, ancestor, comparison) !== undefined;
}
/** Orders strings by UTF-16 code units: the same order on every platform and in every locale (not localeCompare). */
function compareCodeUnits(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

;// CONCATENATED MODULE: ./emulator/path-case.ts
// How the emulated cluster compares store paths: a Windows cluster (NTFS) compares them
// case-insensitively, a Linux cluster case-sensitively. Paths are compared segment by segment,
// each segment case-folded on its own: never by the length of a lower-cased string (Unicode case
// mapping can change lengths, so a prefix test on folded strings can cut a segment in two).

class PathComparer {
    caseInsensitive;
    constructor(caseInsensitive) {
        this.caseInsensitive = caseInsensitive;
    }
    /** One segment as the cluster compares it. */
    foldSegment(segment) {
        // [undoc] NTFS compares with its upcase table; a simple case fold per segment stands in.
        return this.caseInsensitive ? segment.toLowerCase() : segment;
    }
    /** A map key for a store path: equal keys are the same path for the cluster. */
    key(storePath) {
        return storePathSegments(storePath)
            .map(s => this.foldSegment(s))
            .join('/');
    }
    same(a, b) {
        const sa = storePathSegments(a);
        const sb = storePathSegments(b);
        return sa.length === sb.length && sa.every((s, i) => this.foldSegment(s) === this.foldSegment(sb[i] ?? ''));
    }
    /** True when `path` is `ancestor` itself or lies beneath it (the root is everyone's ancestor). */
    isSameOrBeneath(path, ancestor) {
        const p = storePathSegments(path);
        const a = storePathSegments(ancestor);
        return a.length <= p.length && a.every((s, i) => this.foldSegment(s) === this.foldSegment(p[i] ?? ''));
    }
}

;// CONCATENATED MODULE: ./emulator/content-store.ts
// The committed files of the emulated Image Store, kept as ordinary files under `<root>/content`.
// Staged bodies (plain PUTs in progress, upload sessions) live under `<root>/staging`, so that a
// half-received file never appears in the store.
//
// In case-insensitive mode (a Windows cluster) every store path is resolved, segment by segment,
// to the name its first write gave it, as NTFS keeps it: `app/A.TXT` finds `App/a.txt`.







class ContentStore {
    contentDir;
    stagingDir;
    /** How this store compares paths; the routes use it too, so every comparison agrees. */
    comparer;
    /** VersionNumber of every file written since start (by path key); files found on disk report 1. */
    versions = new Map();
    nextVersion = 2;
    /** Keys of the folders whose `_.dir` exists. */
    markedFolders = new Set();
    /** Case-insensitive mode: folder key → (folded name → stored name), read from disk once per folder. */
    storedNames = new Map();
    constructor(root, options = {}) {
        this.contentDir = external_node_path_namespaceObject.join(root, 'content');
        this.stagingDir = external_node_path_namespaceObject.join(root, 'staging');
        this.comparer = new PathComparer(options.caseInsensitive === true);
    }
    async init() {
        await external_node_fs_namespaceObject.promises.mkdir(this.contentDir, { recursive: true });
        for (const entry of await external_node_fs_namespaceObject.promises.readdir(this.contentDir, { recursive: true, withFileTypes: true })) {
            if (entry.isFile() && this.isMarkFile(entry.name)) {
                this.markedFolders.add(this.comparer.key(external_node_path_namespaceObject.relative(this.contentDir, entry.parentPath ?? entry.path)
                    .split(external_node_path_namespaceObject.sep)
                    .join('/')));
            }
        }
        // Staged bodies of an earlier run belong to sessions that no longer exist.
        await external_node_fs_namespaceObject.promises.rm(this.stagingDir, { recursive: true, force: true });
        await external_node_fs_namespaceObject.promises.mkdir(this.stagingDir, { recursive: true });
    }
    /**
     * Disk path of a store path (resolved to the stored case in case-insensitive mode); `.` and `..`
     * segments are refused so nothing escapes the root.
     */
    diskPath(storePath) {
        return external_node_path_namespaceObject.join(this.contentDir, ...storePathSegments(this.canonical(storePath)));
    }
    /**
     * The path as the store holds it: in case-insensitive mode each existing segment takes the case
     * of its first write; segments that do not exist yet keep the case given. Refuses `.` and `..`.
     */
    canonical(storePath) {
        const segments = storePathSegments(storePath);
        for (const s of segments) {
            if (s === '.' || s === '..' || s.includes('\0')) {
                throw FabricHttpError.invalidArg(`invalid path segment '${s}'`);
            }
        }
        if (!this.comparer.caseInsensitive)
            return segments.join('/');
        const resolved = [];
        for (const segment of segments) {
            const stored = this.namesOf(resolved)?.get(this.comparer.foldSegment(segment));
            if (stored === undefined)
                return [...resolved, ...segments.slice(resolved.length)].join('/');
            resolved.push(stored);
        }
        return resolved.join('/');
    }
    /** Whether the path names a mark file (`_.dir`, in any case on a case-insensitive store). */
    isMarkFile(storePath) {
        return this.comparer.same(baseName(storePath), MARK_FILE_NAME);
    }
    /** Same path for this store (case-folded per segment in case-insensitive mode). */
    samePath(a, b) {
        return this.comparer.same(a, b);
    }
    /** The bytes of a stored file (for the cluster manager reading package files). */
    async readFile(storePath) {
        try {
            return await external_node_fs_namespaceObject.promises.readFile(this.diskPath(storePath));
        }
        catch (err) {
            if (isMissing(err) || err.code === 'EISDIR') {
                throw FabricHttpError.fileNotFound(`'${storePath}' does not exist`);
            }
            throw err;
        }
    }
    /** The stored names of a folder (loaded once); undefined when it is not a folder on disk. */
    namesOf(folderSegments) {
        const key = this.comparer.key(folderSegments.join('/'));
        let names = this.storedNames.get(key);
        if (names)
            return names;
        try {
            const entries = (0,external_node_fs_namespaceObject.readdirSync)(external_node_path_namespaceObject.join(this.contentDir, ...folderSegments));
            names = new Map(entries.map(name => [this.comparer.foldSegment(name), name]));
        }
        catch {
            return undefined;
        }
        this.storedNames.set(key, names);
        return names;
    }
    /**
     * Resolves a path about to be written and records its new segments at once, so that two writes
     * differing only in case that race each other create one name, not two.
     */
    claim(storePath) {
        const canonical = this.canonical(storePath);
        if (!this.comparer.caseInsensitive)
            return canonical;
        const segments = storePathSegments(canonical);
        for (const [i, segment] of segments.entries()) {
            const folder = segments.slice(0, i);
            let names = this.namesOf(folder);
            if (!names) {
                names = new Map();
                this.storedNames.set(this.comparer.key(folder.join('/')), names);
            }
            const fold = this.comparer.foldSegment(segment);
            if (!names.has(fold))
                names.set(fold, segment);
        }
        return canonical;
    }
    forgetNames(storePath) {
        if (!this.comparer.caseInsensitive)
            return;
        const segments = storePathSegments(storePath);
        const last = segments.pop();
        if (last === undefined)
            return this.storedNames.clear();
        this.storedNames.get(this.comparer.key(segments.join('/')))?.delete(this.comparer.foldSegment(last));
        for (const key of [...this.storedNames.keys()]) {
            if (this.comparer.isSameOrBeneath(key, storePath))
                this.storedNames.delete(key);
        }
    }
    newStagingFile(prefix) {
        return external_node_path_namespaceObject.join(this.stagingDir, `${prefix}-${(0,external_node_crypto_namespaceObject.randomUUID)()}`);
    }
    async stat(storePath) {
        try {
            return await external_node_fs_namespaceObject.promises.stat(this.diskPath(storePath));
        }
        catch (err) {
            if (isMissing(err))
                return undefined;
            throw err;
        }
    }
    versionOf(storePath) {
        return this.versions.get(this.comparer.key(storePath)) ?? 1;
    }
    /** Moves a fully staged file into the store, creating or overwriting `storePath`. */
    async install(stagedFile, storePath) {
        storePath = this.claim(storePath);
        const target = this.diskPath(storePath);
        // Optimistic: the parent usually exists; the errors say when it does not, or when the target
        // or a parent is of the wrong kind.
        try {
            await external_node_fs_namespaceObject.promises.rename(stagedFile, target);
        }
        catch (err) {
            const code = err.code;
            if (code === 'ENOENT') {
                await this.makeParent(target, storePath);
                await this.renameOrExplain(stagedFile, target, storePath);
            }
            else {
                throw this.explain(err, storePath);
            }
        }
        this.versions.set(this.comparer.key(storePath), this.nextVersion++);
        if (this.isMarkFile(storePath))
            this.markedFolders.add(this.comparer.key(parentStorePath(storePath)));
    }
    async makeParent(target, storePath) {
        try {
            await external_node_fs_namespaceObject.promises.mkdir(external_node_path_namespaceObject.dirname(target), { recursive: true });
        }
        catch (err) {
            throw this.explain(err, storePath);
        }
    }
    async renameOrExplain(stagedFile, target, storePath) {
        try {
            await external_node_fs_namespaceObject.promises.rename(stagedFile, target);
        }
        catch (err) {
            throw this.explain(err, storePath);
        }
    }
    explain(err, storePath) {
        switch (err.code) {
            case 'EISDIR':
            case 'ENOTEMPTY':
                // [undoc] The runtime's answer to a file written over a folder is not documented.
                return FabricHttpError.invalidArg(`'${storePath}' is a folder`);
            case 'ENOTDIR':
            case 'EEXIST':
                return FabricHttpError.invalidDirectory(`a parent of '${storePath}' is a file`);
            default:
                return err;
        }
    }
    async fileInfo(storePath) {
        const st = await this.stat(storePath);
        if (!st?.isFile())
            return undefined;
        storePath = this.canonical(storePath);
        return { path: storePath, size: st.size, modified: st.mtime, version: this.versionOf(storePath) };
    }
    /** One level of a folder, sorted by name; undefined when the folder does not exist. */
    async listFolder(storePath) {
        let dirents;
        try {
            dirents = await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { withFileTypes: true });
        }
        catch (err) {
            if (isMissing(err) || err.code === 'ENOTDIR')
                return undefined;
            throw err;
        }
        storePath = this.canonical(storePath);
        dirents.sort((a, b) => compareCodeUnits(a.name, b.name));
        const files = [];
        const folders = [];
        for (const d of dirents) {
            const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
            if (d.isDirectory()) {
                folders.push({ path: child, fileCount: await this.countFiles(child) });
            }
            else if (d.isFile()) {
                const info = await this.fileInfo(child);
                if (info)
                    files.push(info);
            }
        }
        return { files, folders };
    }
    /** Files beneath a folder, at any depth (names only: no stat per file). */
    async countFiles(storePath) {
        const entries = await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { recursive: true, withFileTypes: true });
        return entries.filter(e => e.isFile()).length;
    }
    /** Recursive totals of a folder (or of one file). */
    async walk(storePath) {
        const st = await this.stat(storePath);
        if (!st)
            return { fileCount: 0, bytes: 0 };
        if (st.isFile())
            return { fileCount: 1, bytes: st.size };
        let fileCount = 0;
        let bytes = 0;
        for (const d of await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { withFileTypes: true })) {
            const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
            const sub = await this.walk(child);
            fileCount += sub.fileCount;
            bytes += sub.bytes;
        }
        return { fileCount, bytes };
    }
    /** Every folder beneath `storePath` (not itself), depth first by name: the same order on every file system. */
    async subFolders(storePath) {
        const found = [];
        let dirents;
        try {
            dirents = await external_node_fs_namespaceObject.promises.readdir(this.diskPath(storePath), { withFileTypes: true });
        }
        catch {
            return found;
        }
        storePath = this.canonical(storePath);
        dirents.sort((a, b) => compareCodeUnits(a.name, b.name));
        for (const d of dirents) {
            if (!d.isDirectory())
                continue;
            const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
            found.push(child, ...(await this.subFolders(child)));
        }
        return found;
    }
    /** Whether the folder holds its mark file (kept in memory, so that a write costs no extra stat). */
    hasMarkFile(folder) {
        return this.markedFolders.has(this.comparer.key(folder));
    }
    async delete(storePath) {
        await external_node_fs_namespaceObject.promises.rm(this.diskPath(storePath), { recursive: true, force: true });
        for (const folder of this.markedFolders) {
            if (this.comparer.isSameOrBeneath(folder, storePath))
                this.markedFolders.delete(folder);
        }
        if (this.isMarkFile(storePath))
            this.markedFolders.delete(this.comparer.key(parentStorePath(storePath)));
        for (const key of this.versions.keys()) {
            if (this.comparer.isSameOrBeneath(key, storePath))
                this.versions.delete(key);
        }
        this.forgetNames(storePath);
    }
    /**
     * Copies within the store as the runtime does: the destination is deleted first, files are
     * copied (names in `skipFiles` left out, at any depth, case-insensitively), and for a folder
     * the destination's mark file is written last.
     */
    async copy(source, destination, skipFiles) {
        const skip = new Set(skipFiles.map(s => s.toLowerCase()));
        const st = await this.stat(source);
        if (!st)
            throw FabricHttpError.fileNotFound(`'${source}' does not exist`);
        source = this.canonical(source);
        if (st.isFile()) {
            await this.copyFile(source, destination);
            return;
        }
        if (!this.hasMarkFile(source)) {
            throw FabricHttpError.fileNotFound(`'${source}/${MARK_FILE_NAME}' does not exist`);
        }
        await this.delete(destination);
        await this.copyFolderContent(source, destination, skip);
        await this.copyFile(`${source}/${MARK_FILE_NAME}`, `${destination}/${MARK_FILE_NAME}`);
    }
    async copyFolderContent(source, destination, skip) {
        await external_node_fs_namespaceObject.promises.mkdir(this.diskPath(this.claim(destination)), { recursive: true });
        const listing = await this.listFolder(source);
        for (const file of listing?.files ?? []) {
            const name = baseName(file.path);
            if (skip.has(name.toLowerCase()))
                continue;
            if (this.isMarkFile(name) && source !== '' && destination !== '') {
                // The mark file of this folder is copied after its content (below, or by copy()).
                continue;
            }
            await this.copyFile(file.path, `${destination}/${name}`);
        }
        for (const folder of listing?.folders ?? []) {
            const name = baseName(folder.path);
            await this.copyFolderContent(folder.path, `${destination}/${name}`, skip);
            if (this.hasMarkFile(folder.path)) {
                await this.copyFile(`${folder.path}/${MARK_FILE_NAME}`, `${destination}/${name}/${MARK_FILE_NAME}`);
            }
        }
    }
    async copyFile(source, destination) {
        const staged = this.newStagingFile('copy');
        await external_node_fs_namespaceObject.promises.copyFile(this.diskPath(source), staged);
        await this.install(staged, destination);
    }
}
function isMissing(err) {
    return err?.code === 'ENOENT';
}

;// CONCATENATED MODULE: ./emulator/router.ts



class Router {
    routes = [];
    /** Adds a route; routes are tried in the order they were added. */
    add(route) {
        if (route.minApiVersion !== undefined)
            apiVersionOf(route.minApiVersion); // fail at start-up, not per request
        this.routes.push(route);
        return this;
    }
    addAll(routes) {
        for (const r of routes)
            this.add(r);
        return this;
    }
    /** Plugs in a handler of a route family: its answers are JSON, its errors FabricHttpError. */
    mount(name, handler, options = {}) {
        return this.add({
            name,
            method: '*',
            ...options,
            match: p => handler.handles(p.method, p.pathname),
            handle: async (ctx) => {
                const body = await ctx.readBody();
                const answer = await handler.handle({ method: ctx.path.method, pathname: ctx.pathname, query: ctx.query, body });
                await ctx.replyJson(answer.status, answer.json);
            }
        });
    }
    match(path) {
        return this.routes.find(r => (r.method === '*' || r.method === path.method) && r.match(path));
    }
    /** Parses a request path; a store path that is not valid percent-encoding is refused with 400. */
    static parse(method, pathname) {
        const segments = pathname.split('/').filter(s => s !== '');
        const parsed = { method, pathname, segments };
        if (segments[0]?.toLowerCase() !== 'imagestore')
            return parsed;
        const rest = segments.slice(1);
        const dollar = rest.indexOf('$');
        const pathSegments = dollar < 0 ? rest : rest.slice(0, dollar);
        const action = dollar < 0 ? undefined : rest.slice(dollar + 1).join('/');
        try {
            // The gateway joins the segments and then percent-decodes them: a%2Fb is a/b.
            parsed.imageStore = { storePath: normalizeStorePath(decodeURIComponent(pathSegments.join('/'))), action };
        }
        catch {
            throw FabricHttpError.invalidArg('the path is not valid percent-encoding');
        }
        return parsed;
    }
}
function apiVersionOf(v) {
    if (typeof v !== 'string')
        return v;
    const parsed = parseApiVersion(v);
    if (!parsed)
        throw new Error(`invalid api-version '${v}' in a route`);
    return parsed;
}
/**
 * An Image Store route: `/ImageStore[/{contentPath}][/$/{action}]`. `withPath` says whether it
 * takes a content path; the action is compared case-insensitively, as the gateway does.
 */
function imageStoreRoute(spec) {
    const action = (spec.action ?? '').toLowerCase();
    return {
        name: spec.name,
        method: spec.method,
        family: 'image-store',
        minApiVersion: spec.minApiVersion,
        sessionRoute: spec.sessionRoute,
        handle: ctx => spec.handle(ctx),
        match: p => p.imageStore !== undefined && (p.imageStore.storePath !== '') === spec.withPath && (p.imageStore.action ?? '').toLowerCase() === action
    };
}

;// CONCATENATED MODULE: ./emulator/query-string.ts
// The query string as the gateway reads it: split at `&` and at the first `=`, each name and value
// percent-decoded as UTF-8. [undoc] `+` is kept as a plus sign, not read as a space (the gateway
// splits the query itself rather than decoding a form; sfctl and this action send a space as %20),
// so a client that encodes a space as `+` finds its value changed, as it would on a cluster. A
// repeated name keeps its first value, as the gateway does. Bad percent-encoding is refused.

function parseGatewayQuery(search) {
    const query = new URLSearchParams();
    const text = search.startsWith('?') ? search.slice(1) : search;
    for (const pair of text.split('&')) {
        if (pair === '')
            continue;
        const at = pair.indexOf('=');
        const [rawName, rawValue] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
        let name;
        let value;
        try {
            name = decodeURIComponent(rawName);
            value = decodeURIComponent(rawValue);
        }
        catch {
            throw FabricHttpError.invalidArg(`the query parameter '${rawName}' is not valid percent-encoding`);
        }
        if (!query.has(name))
            query.append(name, value);
    }
    return query;
}

;// CONCATENATED MODULE: ./emulator/gateway.ts




class Gateway {
    parts;
    constructor(parts) {
        this.parts = parts;
    }
    async handle(req, res, expectsContinue) {
        const { journal, replies } = this.parts;
        try {
            const url = new URL(req.url ?? '/', 'http://emulator');
            const method = req.method ?? 'GET';
            const query = parseGatewayQuery(url.search);
            const ctx = this.context(req, res, url, query, { method, pathname: url.pathname, segments: [] }, expectsContinue);
            if (url.pathname === '/__emulator/journal' && journal.enabled && method === 'GET')
                return await this.parts.sendJournal(ctx);
            ctx.path.segments = url.pathname.split('/').filter(s => s !== '');
            const anonymous = this.parts.anonymous.match(ctx.path);
            if (anonymous) {
                journal.countRequest(anonymous.name);
                // Anonymous routes draw faults only when they ask for them (the ARM surface does).
                if (anonymous.injectFaults === true && this.parts.faults.enabled && this.parts.faults.appliesTo(anonymous)) {
                    if (await this.injectFault(req, res, anonymous, ctx.path, ctx))
                        return;
                }
                if (anonymous.minApiVersion !== undefined)
                    checkApiVersion(query, apiVersionOf(anonymous.minApiVersion), this.parts.maxApiVersion);
                return await anonymous.handle(ctx);
            }
            // A cluster secured with certificates and Azure AD admits either an admin client certificate
            // or a token: Service Fabric Explorer signs in with one or the other.
            const certified = this.parts.requiresClientCertificate && req.socket.authorized === true;
            const tokenAccepted = this.parts.aad?.accepts(req.headers.authorization) === true;
            if (this.parts.requiresClientCertificate && !certified && !tokenAccepted) {
                journal.countRequest('refused-certificate');
                throw FabricHttpError.clientCertificateRequired();
            }
            ctx.path = Router.parse(method, url.pathname);
            const route = this.parts.router.match(ctx.path);
            if (!route)
                throw FabricHttpError.invalidArg(`no route for ${method} ${url.pathname}`);
            if (!route.selfCounting)
                journal.countRequest(route.name);
            if (this.parts.aad && !certified && !tokenAccepted)
                throw FabricHttpError.bearerTokenRequired();
            if (this.parts.faults.enabled &&
                route.injectFaults !== false &&
                this.parts.faults.appliesTo(route) &&
                (await this.injectFault(req, res, route, ctx.path, ctx)))
                return;
            if (route.minApiVersion !== undefined)
                checkApiVersion(query, apiVersionOf(route.minApiVersion), this.parts.maxApiVersion);
            checkTimeout(query);
            if (route.sessionRoute && !this.parts.uploadSessions) {
                throw FabricHttpError.invalidArg('upload sessions are not supported by this cluster');
            }
            // Refuses `.` and `..`; on a case-insensitive store, takes the case the store holds.
            if (ctx.path.imageStore)
                ctx.storePath = this.parts.store.canonical(ctx.path.imageStore.storePath);
            await route.handle(ctx);
        }
        catch (err) {
            await replies.error(res, err);
        }
    }
    context(req, res, url, query, path, expectsContinue) {
        const { replies, journal } = this.parts;
        let continued = false;
        const askForBody = async () => {
            if (!expectsContinue || continued)
                return;
            continued = true;
            await replies.delay();
            journal.bodiesAfterContinue++;
            res.writeContinue();
        };
        return {
            req,
            res,
            query,
            pathname: url.pathname,
            path,
            storePath: '',
            expectsContinue,
            askForBody,
            readBody: async () => {
                await askForBody();
                const parts = [];
                for await (const part of req)
                    parts.push(part);
                return Buffer.concat(parts);
            },
            reply: (status, body, contentType) => replies.send(res, status, body, contentType),
            replyJson: (status, value) => replies.json(res, status, value)
        };
    }
    /** Returns true when the request was consumed by a fault and must not be handled. */
    async injectFault(req, res, route, path, ctx) {
        const { faults, journal, sessions, replies } = this.parts;
        const where = path.imageStore?.storePath ?? path.pathname;
        if (faults.failoverDue()) {
            await sessions.loseAll();
            journal.fault('failover', route.name, where);
        }
        const decision = faults.decide();
        if (!decision)
            return false;
        journal.fault(decision.kind, route.name, where);
        switch (decision.kind) {
            case 'busy':
                if (route.faultReply)
                    await route.faultReply(ctx, 'busy');
                else
                    await replies.error(res, FabricHttpError.serviceTooBusy('injected fault: the service is too busy'));
                return true;
            case 'timeout':
                if (route.faultReply)
                    await route.faultReply(ctx, 'timeout');
                else
                    await replies.error(res, FabricHttpError.timeout('injected fault: the operation timed out'));
                return true;
            case 'reset':
                req.socket.destroy();
                return true;
            case 'stall':
                // No answer, ever: the client must give up on its own. The socket is closed at shutdown.
                return true;
            case 'lost-answer':
                replies.drop(res);
                return false;
        }
    }
}

;// CONCATENATED MODULE: ./emulator/journal.ts
// What the emulator saw, for tests and for people rehearsing a deployment: every write in order
// and every protocol mistake a client made. Reads are only counted.
class Journal {
    enabled;
    started = Date.now();
    seq = 0;
    entries = [];
    mistakes = [];
    notes = [];
    /** Requests by route name, reads included (the journal route itself is not counted). */
    requests = {};
    /** Faults injected, in order (recorded whether or not the journal is served). */
    faults = [];
    /** Management calls that change the cluster, in order (reads are only counted). */
    managementCalls = [];
    /** Request bodies sent only after the emulator answered `100 Continue`. */
    bodiesAfterContinue = 0;
    /** TCP connections accepted (keep-alive reuse shows as few connections for many requests). */
    connections = 0;
    constructor(enabled) {
        this.enabled = enabled;
    }
    countRequest(route) {
        this.requests[route] = (this.requests[route] ?? 0) + 1;
    }
    record(entry) {
        if (!this.enabled)
            return;
        this.entries.push({ seq: ++this.seq, at: Date.now() - this.started, ...entry });
    }
    fault(kind, route, path) {
        this.faults.push({ seq: ++this.seq, kind, route, path });
    }
    note(kind, path, detail) {
        if (!this.enabled)
            return;
        this.notes.push({ seq: ++this.seq, kind, path, detail });
    }
    management(operation, detail) {
        if (!this.enabled)
            return;
        this.managementCalls.push({ seq: ++this.seq, at: Date.now() - this.started, operation, detail });
    }
    mistake(kind, path, detail) {
        if (!this.enabled)
            return;
        this.mistakes.push({ seq: ++this.seq, kind, path, detail });
    }
}

;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/util.js


const nameStartChar = ':A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const nameChar = nameStartChar + '\\-.\\d\\u00B7\\u0300-\\u036F\\u203F-\\u2040';
const nameRegexp = '[' + nameStartChar + '][' + nameChar + ']*';
const regexName = new RegExp('^' + nameRegexp + '$');

function getAllMatches(string, regex) {
  const matches = [];
  let match = regex.exec(string);
  while (match) {
    const allmatches = [];
    allmatches.startIndex = regex.lastIndex - match[0].length;
    const len = match.length;
    for (let index = 0; index < len; index++) {
      allmatches.push(match[index]);
    }
    matches.push(allmatches);
    match = regex.exec(string);
  }
  return matches;
}

const isName = function (string) {
  const match = regexName.exec(string);
  return !(match === null || typeof match === 'undefined');
}

function isExist(v) {
  return typeof v !== 'undefined';
}

function isEmptyObject(obj) {
  return Object.keys(obj).length === 0;
}

function getValue(v) {
  if (exports.isExist(v)) {
    return v;
  } else {
    return '';
  }
}

/**
 * Dangerous property names that could lead to prototype pollution or security issues
 */
const DANGEROUS_PROPERTY_NAMES = [
  // '__proto__',
  // 'constructor',
  // 'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__'
];

const criticalProperties = ["__proto__", "constructor", "prototype"];
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/xmlparser/OptionsBuilder.js



const defaultOnDangerousProperty = (name) => {
  if (DANGEROUS_PROPERTY_NAMES.includes(name)) {
    return "__" + name;
  }
  return name;
};


const defaultOptions = {
  preserveOrder: false,
  attributeNamePrefix: '@_',
  attributesGroupName: false,
  textNodeName: '#text',
  ignoreAttributes: true,
  removeNSPrefix: false, // remove NS from tag name or attribute name if true
  allowBooleanAttributes: false, //a tag can have attributes without any value
  //ignoreRootElement : false,
  parseTagValue: true,
  parseAttributeValue: false,
  trimValues: true, //Trim string values of tag and attributes
  cdataPropName: false,
  numberParseOptions: {
    hex: true,
    leadingZeros: true,
    eNotation: true,
    unicode: false
  },
  tagValueProcessor: function (tagName, val) {
    return val;
  },
  attributeValueProcessor: function (attrName, val) {
    return val;
  },
  stopNodes: [], //nested tags will not be parsed even for errors
  alwaysCreateTextNode: false,
  isArray: () => false,
  commentPropName: false,
  unpairedTags: [],
  processEntities: true,
  htmlEntities: false,
  entityDecoder: null,
  ignoreDeclaration: false,
  ignorePiTags: false,
  transformTagName: false,
  transformAttributeName: false,
  updateTag: function (tagName, jPath, attrs) {
    return tagName
  },
  // skipEmptyListItem: false
  captureMetaData: false,
  maxNestedTags: 100,
  strictReservedNames: true,
  jPath: true, // if true, pass jPath string to callbacks; if false, pass matcher instance
  onDangerousProperty: defaultOnDangerousProperty
};


/**
 * Validates that a property name is safe to use
 * @param {string} propertyName - The property name to validate
 * @param {string} optionName - The option field name (for error message)
 * @throws {Error} If property name is dangerous
 */
function validatePropertyName(propertyName, optionName) {
  if (typeof propertyName !== 'string') {
    return; // Only validate string property names
  }

  const normalized = propertyName.toLowerCase();
  if (DANGEROUS_PROPERTY_NAMES.some(dangerous => normalized === dangerous.toLowerCase())) {
    throw new Error(
      `[SECURITY] Invalid ${optionName}: "${propertyName}" is a reserved JavaScript keyword that could cause prototype pollution`
    );
  }

  if (criticalProperties.some(dangerous => normalized === dangerous.toLowerCase())) {
    throw new Error(
      `[SECURITY] Invalid ${optionName}: "${propertyName}" is a reserved JavaScript keyword that could cause prototype pollution`
    );
  }
}

/**
 * Normalizes processEntities option for backward compatibility
 * @param {boolean|object} value 
 * @returns {object} Always returns normalized object
 */
function normalizeProcessEntities(value, htmlEntities) {
  // Boolean backward compatibility
  if (typeof value === 'boolean') {
    return {
      enabled: value, // true or false
      maxEntitySize: 10000,
      maxExpansionDepth: 10000,
      maxTotalExpansions: Infinity,
      maxExpandedLength: 100000,
      maxEntityCount: 1000,
      allowedTags: null,
      tagFilter: null,
      appliesTo: "all",
    };
  }

  // Object config - merge with defaults
  if (typeof value === 'object' && value !== null) {
    return {
      enabled: value.enabled !== false,
      maxEntitySize: Math.max(1, value.maxEntitySize ?? 10000),
      maxExpansionDepth: Math.max(1, value.maxExpansionDepth ?? 10000),
      maxTotalExpansions: Math.max(1, value.maxTotalExpansions ?? Infinity),
      maxExpandedLength: Math.max(1, value.maxExpandedLength ?? 100000),
      maxEntityCount: Math.max(1, value.maxEntityCount ?? 1000),
      allowedTags: value.allowedTags ?? null,
      tagFilter: value.tagFilter ?? null,
      appliesTo: value.appliesTo ?? "all",
    };
  }

  // Default to enabled with limits
  return normalizeProcessEntities(true);
}

const buildOptions = function (options) {
  const built = Object.assign({}, defaultOptions, options);

  // Validate property names to prevent prototype pollution
  const propertyNameOptions = [
    { value: built.attributeNamePrefix, name: 'attributeNamePrefix' },
    { value: built.attributesGroupName, name: 'attributesGroupName' },
    { value: built.textNodeName, name: 'textNodeName' },
    { value: built.cdataPropName, name: 'cdataPropName' },
    { value: built.commentPropName, name: 'commentPropName' }
  ];

  for (const { value, name } of propertyNameOptions) {
    if (value) {
      validatePropertyName(value, name);
    }
  }

  if (built.onDangerousProperty === null) {
    built.onDangerousProperty = defaultOnDangerousProperty;
  }

  // Always normalize processEntities for backward compatibility and validation
  built.processEntities = normalizeProcessEntities(built.processEntities, built.htmlEntities);
  built.unpairedTagsSet = new Set(built.unpairedTags);
  // Convert old-style stopNodes for backward compatibility
  if (built.stopNodes && Array.isArray(built.stopNodes)) {
    built.stopNodes = built.stopNodes.map(node => {
      if (typeof node === 'string' && node.startsWith('*.')) {
        // Old syntax: *.tagname meant "tagname anywhere"
        // Convert to new syntax: ..tagname
        return '..' + node.substring(2);
      }
      return node;
    });
  }
  //console.debug(built.processEntities)
  return built;
};
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/xmlparser/xmlNode.js


let METADATA_SYMBOL;

if (typeof Symbol !== "function") {
  METADATA_SYMBOL = "@@xmlMetadata";
} else {
  METADATA_SYMBOL = Symbol("XML Node Metadata");
}

class XmlNode {
  constructor(tagname) {
    this.tagname = tagname;
    this.child = []; //nested tags, text, cdata, comments in order
    this[":@"] = Object.create(null); //attributes map
  }
  add(key, val) {
    // this.child.push( {name : key, val: val, isCdata: isCdata });
    if (key === "__proto__") key = "#__proto__";
    this.child.push({ [key]: val });
  }
  addChild(node, startIndex) {
    if (node.tagname === "__proto__") node.tagname = "#__proto__";
    if (node[":@"] && Object.keys(node[":@"]).length > 0) {
      this.child.push({ [node.tagname]: node.child, [":@"]: node[":@"] });
    } else {
      this.child.push({ [node.tagname]: node.child });
    }
    // if requested, add the startIndex
    this.addStartIndex(startIndex);
  }

  addStartIndex(startIndex) {
    if (startIndex !== undefined) {
      // Note: for now we just overwrite the metadata. If we had more complex metadata,
      // we might need to do an object append here:  metadata = { ...metadata, startIndex }
      this.child[this.child.length - 1][METADATA_SYMBOL] = { startIndex };
    }
  }

  addEndIndex(endIndex) {
    const lastChild = this.child[this.child.length - 1];
    // endIndex is write-once: when updateTag drops a node, the last child is a
    // previously completed sibling whose endIndex must not be overwritten
    if (lastChild !== undefined && lastChild[METADATA_SYMBOL] !== undefined
      && lastChild[METADATA_SYMBOL].endIndex === undefined) {
      lastChild[METADATA_SYMBOL].endIndex = endIndex;
    }
  }
  /** symbol used for metadata */
  static getMetaDataSymbol() {
    return METADATA_SYMBOL;
  }
}

;// CONCATENATED MODULE: ./node_modules/xml-naming/src/index.js
/**
 * xml-naming
 * Validates XML Name productions as defined in the XML 1.0 and 1.1 specifications.
 * Covers: Name, NCName, QName, NMToken, NMTokens
 *
 * XML 1.0 spec: https://www.w3.org/TR/xml/#NT-Name
 * XML 1.1 spec: https://www.w3.org/TR/xml11/#NT-NameStartChar
 * XML NS spec:  https://www.w3.org/TR/xml-names/#NT-NCName
 */

// ---------------------------------------------------------------------------
// Character class strings — XML 1.0
//
// NameStartChar ::= ":" | [A-Z] | "_" | [a-z]
//   | [#xC0-#xD6]   | [#xD8-#xF6]   | [#xF8-#x2FF]
//   | [#x370-#x37D] | [#x37F-#x1FFF]    <- split to exclude #x0487
//   | [#x200C-#x200D]
//   | [#x2070-#x218F] | [#x2C00-#x2FEF]
//   | [#x3001-#xD7FF] | [#xF900-#xFDCF] | [#xFDF0-#xFFFD]
//
// NameChar ::= NameStartChar | "-" | "." | [0-9]
//   | #xB7 | [#x0300-#x036F] | [#x203F-#x2040]
//
// Note: \u0487 (Combining Cyrillic Millions Sign) was added in Unicode 4.0,
// after XML 1.0 was defined against Unicode 2.0. It falls inside the range
// \u037F-\u1FFF but must be excluded. We split that range into
// \u037F-\u0486 and \u0488-\u1FFF to exclude it explicitly.
// ---------------------------------------------------------------------------

const nameStartChar10 =
  ':A-Za-z_' +
  '\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF' +
  '\u0370-\u037D' +
  '\u037F-\u0486\u0488-\u1FFF' +  // split to exclude \u0487
  '\u200C-\u200D' +
  '\u2070-\u218F' +
  '\u2C00-\u2FEF' +
  '\u3001-\uD7FF' +
  '\uF900-\uFDCF' +
  '\uFDF0-\uFFFD';

const nameChar10 =
  nameStartChar10 +
  '\\-\\.\\d' +
  '\u00B7' +
  '\u0300-\u036F' +
  '\u203F-\u2040';

// ---------------------------------------------------------------------------
// Character class strings — XML 1.1
//
// Differences from XML 1.0:
//
// NameStartChar:
//   1.0 has split ranges: \u00C0-\u00D6, \u00D8-\u00F6, \u00F8-\u02FF
//   1.1 merges them into: \u00C0-\u02FF
//   (\u00D7 x and \u00F7 / are division symbols, excluded in both versions)
//
//   1.0 tops out at \uFFFD (BMP only)
//   1.1 adds \u{10000}-\u{EFFFF} (supplementary planes)
//   These require the /u flag on the RegExp — see buildRegexes below.
//
// NameChar:
//   1.1 adds \u0487 (Combining Cyrillic Millions Sign, added in Unicode 4.0)
// ---------------------------------------------------------------------------

const nameStartChar11 =
  ':A-Za-z_' +
  '\u00C0-\u02FF' +                    // merged — 1.0 had three split ranges here
  '\u0370-\u037D' +
  '\u037F-\u0486\u0488-\u1FFF' +       // split to exclude \u0487 (combining mark, never a NameStartChar)
  '\u200C-\u200D' +
  '\u2070-\u218F' +
  '\u2C00-\u2FEF' +
  '\u3001-\uD7FF' +
  '\uF900-\uFDCF' +
  '\uFDF0-\uFFFD' +
  '\u{10000}-\u{EFFFF}';     // supplementary planes — REQUIRES /u flag on RegExp

const nameChar11 =
  nameStartChar11 +
  '\\-\\.\\d' +
  '\u00B7' +
  '\u0300-\u036F' +
  '\u0487' +                 // Combining Cyrillic Millions Sign — valid in 1.1, not 1.0
  '\u203F-\u2040';

// ---------------------------------------------------------------------------
// Regex builders
//
// XML 1.0 regexes: no flags — BMP only, standard JS regex behaviour.
// XML 1.1 regexes: /u flag — required for \u{10000}-\u{EFFFF} to match actual
//   supplementary code points rather than lone surrogates (which are illegal XML).
// ---------------------------------------------------------------------------

const buildRegexes = (startChar, char, flags = '') => {
  const ncStart = startChar.replace(':', '');
  const ncChar = char.replace(':', '');
  const ncNamePat = `[${ncStart}][${ncChar}]*`;

  return {
    name: new RegExp(`^[${startChar}][${char}]*$`, flags),
    ncName: new RegExp(`^${ncNamePat}$`, flags),
    qName: new RegExp(`^${ncNamePat}(?::${ncNamePat})?$`, flags),
    nmToken: new RegExp(`^[${char}]+$`, flags),
    nmTokens: new RegExp(`^[${char}]+(?:\\s+[${char}]+)*$`, flags),
  };
};

const regexes10 = buildRegexes(nameStartChar10, nameChar10);       // no /u — BMP only
const regexes11 = buildRegexes(nameStartChar11, nameChar11, 'u');  // /u — enables \u{10000}-\u{EFFFF}

// ---------------------------------------------------------------------------
// ASCII-only fast path (opt-in, off by default)
//
// The XML 1.0 vs 1.1 NameStartChar/NameChar productions differ *only* in
// their non-ASCII ranges (merged vs split Latin-1 ranges, \u0487, and
// supplementary planes). Restricted to ASCII, both versions collapse to the
// same character classes, so a single regex pair covers both xmlVersion
// values — no /u flag needed.
//
// Rationale: unicode-aware regexes (the /u flag, required for XML 1.1's
// supplementary-plane range) are measurably slower in V8 than plain
// non-unicode regexes on the same input, even when the input is pure ASCII.
// For the common case — HTML/SVG ids, XML tags — names are ASCII, so callers
// who know this can opt in to skip the unicode-aware matching path entirely.
// This is a real but *conditional* win: mainly for XML 1.1 input (avoids /u),
// or at scale where the larger unicode character classes add engine
// overhead. It also changes behaviour (rejects legitimate non-ASCII XML
// 1.0/1.1 names), so it must never be silently enabled — hence off by
// default.
// ---------------------------------------------------------------------------

const nameStartCharAscii = ':A-Za-z_';
const nameCharAscii = nameStartCharAscii + '\\-\\.\\d';

const regexesAscii = buildRegexes(nameStartCharAscii, nameCharAscii); // no /u — ASCII only

const getRegexes = (xmlVersion = '1.0', asciiOnly = false) => {
  if (asciiOnly) return regexesAscii;
  return xmlVersion === '1.1' ? regexes11 : regexes10;
};

// ---------------------------------------------------------------------------
// Boolean validators
// ---------------------------------------------------------------------------

/**
 * Returns true if the string is a valid XML Name.
 * Colons are allowed anywhere (Name production).
 * Used for: DOCTYPE entity names, notation names, DTD element declarations.
 *
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 *   asciiOnly: skip unicode-aware matching, ASCII names only (default false).
 */
const src_name = (str, { xmlVersion = '1.0', asciiOnly = false } = {}) =>
  getRegexes(xmlVersion, asciiOnly).name.test(str);

/**
 * Returns true if the string is a valid NCName (Non-Colonized Name).
 * Colons are not permitted.
 * Used for: namespace prefixes, local names, SVG id attributes.
 *
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 *   asciiOnly: skip unicode-aware matching, ASCII names only (default false).
 */
const ncName = (str, { xmlVersion = '1.0', asciiOnly = false } = {}) =>
  getRegexes(xmlVersion, asciiOnly).ncName.test(str);

/**
 * Returns true if the string is a valid QName (Qualified Name).
 * Allows exactly one colon as a prefix separator: prefix:localName.
 * Used for: element and attribute names in namespace-aware XML/SVG.
 *
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 *   asciiOnly: skip unicode-aware matching, ASCII names only (default false).
 */
const qName = (str, { xmlVersion = '1.0', asciiOnly = false } = {}) =>
  getRegexes(xmlVersion, asciiOnly).qName.test(str);

/**
 * Returns true if the string is a valid NMToken.
 * Like Name but no restriction on the first character.
 * Used for: DTD NMTOKEN attribute values.
 *
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 *   asciiOnly: skip unicode-aware matching, ASCII names only (default false).
 */
const nmToken = (str, { xmlVersion = '1.0', asciiOnly = false } = {}) =>
  getRegexes(xmlVersion, asciiOnly).nmToken.test(str);

/**
 * Returns true if the string is a valid NMTokens value.
 * A whitespace-separated list of NMToken values.
 * Used for: DTD NMTOKENS attribute values.
 *
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 *   asciiOnly: skip unicode-aware matching, ASCII names only (default false).
 */
const nmTokens = (str, { xmlVersion = '1.0', asciiOnly = false } = {}) =>
  getRegexes(xmlVersion, asciiOnly).nmTokens.test(str);

// ---------------------------------------------------------------------------
// Memoized validator factory
//
// Real documents reuse a small vocabulary of tag/attribute names across many
// siblings (e.g. `id`, `class`, `href` repeated across hundreds of elements).
// The plain boolean validators above re-run the regex on every call
// regardless of repeats. `createValidator` returns a closure with a private
// string -> boolean cache, so repeated names after the first become O(1)
// lookups instead of regex tests.
//
// - opts (xmlVersion, asciiOnly) are fixed at creation time, so the regex is
//   resolved once, not on every call.
// - The cache is private to the returned closure — no shared/global state,
//   no cross-caller pollution.
// - `maxCacheSize` bounds memory: once the cache reaches this many entries,
//   it stops accepting new ones (existing entries keep serving hits; new
//   misses just fall through to the regex, uncached). This avoids unbounded
//   growth against adversarial/high-cardinality input (e.g. validating
//   attacker-supplied names with no repeats) without the cost/complexity of
//   a full LRU, and without the perf cliff of reset-and-refill thrashing.
// - Call `.reset()` on the returned function to clear the cache manually
//   (e.g. between unrelated parse calls).
// ---------------------------------------------------------------------------

const PRODUCTIONS = (/* unused pure expression or super */ null && (['name', 'ncName', 'qName', 'nmToken', 'nmTokens']));

/**
 * Returns a memoized boolean validator function for a single production,
 * with opts fixed at creation time.
 *
 * @param {'name'|'ncName'|'qName'|'nmToken'|'nmTokens'} production
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean, maxCacheSize?: number }} [opts]
 *   maxCacheSize: max number of distinct strings to cache (default 2048).
 *   Once reached, new strings are validated but not cached; existing cached
 *   entries keep being served.
 * @returns {((str: string) => boolean) & { reset: () => void }}
 */
const createValidator = (production, { xmlVersion = '1.0', asciiOnly = false, maxCacheSize = 2048 } = {}) => {
  if (!PRODUCTIONS.includes(production)) {
    throw new TypeError(
      `Unknown production "${production}". Must be one of: ${PRODUCTIONS.join(', ')}`
    );
  }

  const regex = getRegexes(xmlVersion, asciiOnly)[production];
  let cache = new Map();

  const validator = (str) => {
    const cached = cache.get(str);
    if (cached !== undefined) return cached;

    const result = regex.test(str);
    if (cache.size < maxCacheSize) cache.set(str, result);
    return result;
  };

  validator.reset = () => { cache = new Map(); };

  return validator;
};

// ---------------------------------------------------------------------------
// Diagnostic validator
// ---------------------------------------------------------------------------

/**
 * Validates a string against a named production and returns a detailed result.
 *
 * @param {string} str
 * @param {'name'|'ncName'|'qName'|'nmToken'|'nmTokens'} production
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 * @returns {{ valid: boolean, production: string, input: string, reason?: string, position?: number }}
 */
const validate = (str, production, { xmlVersion = '1.0', asciiOnly = false } = {}) => {
  if (!PRODUCTIONS.includes(production)) {
    throw new TypeError(
      `Unknown production "${production}". Must be one of: ${PRODUCTIONS.join(', ')}`
    );
  }

  const validators = { name: src_name, ncName, qName, nmToken, nmTokens };
  const isValid = validators[production](str, { xmlVersion, asciiOnly });

  if (isValid) return { valid: true, production, input: str };

  let reason = 'Does not match the production rules';
  let position;

  // Diagnostic fallback char checks must mirror the same character set the
  // boolean validator above used, or the reported reason/position could
  // contradict the `valid: false` result (e.g. flagging a char as illegal
  // that the unicode-aware check would have accepted).
  const startCharPattern = asciiOnly ? /^[:A-Za-z_]/ : /^[:A-Za-z_\u00C0-\uFFFD]/;
  const namePattern = asciiOnly ? /[\w\-\\.:]/ : /[\w\-\\.:\u00B7\u00C0-\uFFFD]/;

  if (str.length === 0) {
    reason = 'Input is empty';
  } else if (production === 'ncName' && str.includes(':')) {
    position = str.indexOf(':');
    reason = 'Colon is not allowed in NCName';
  } else if (production === 'qName' && str.startsWith(':')) {
    reason = 'QName cannot start with a colon';
    position = 0;
  } else if (production === 'qName' && str.endsWith(':')) {
    reason = 'QName cannot end with a colon';
    position = str.length - 1;
  } else if (production === 'qName' && (str.match(/:/g) || []).length > 1) {
    reason = 'QName can have at most one colon';
    position = str.lastIndexOf(':');
  } else if (
    ['name', 'ncName', 'qName'].includes(production) &&
    !startCharPattern.test(str[0])
  ) {
    reason = `First character "${str[0]}" is not a valid NameStartChar`;
    position = 0;
  } else {
    for (let i = 0; i < str.length; i++) {
      if (!namePattern.test(str[i])) {
        reason = `Character "${str[i]}" at position ${i} is not a valid NameChar`;
        position = i;
        break;
      }
    }
  }

  return { valid: false, production, input: str, reason, position };
};

// ---------------------------------------------------------------------------
// Batch validator
// ---------------------------------------------------------------------------

/**
 * Validates an array of strings against a named production.
 *
 * @param {string[]} strings
 * @param {'name'|'ncName'|'qName'|'nmToken'|'nmTokens'} production
 * @param {{ xmlVersion?: '1.0'|'1.1', asciiOnly?: boolean }} [opts]
 * @returns {Array<{ valid: boolean, production: string, input: string, reason?: string, position?: number }>}
 */
const validateAll = (strings, production, opts = {}) =>
  strings.map(str => validate(str, production, opts));

// ---------------------------------------------------------------------------
// Sanitizer
// ---------------------------------------------------------------------------

/**
 * Transforms an invalid string into the nearest valid XML name for the given production.
 *
 * @param {string} str
 * @param {'name'|'ncName'|'qName'|'nmToken'|'nmTokens'} production
 * @param {{ replacement?: string, asciiOnly?: boolean }} [opts]
 *   asciiOnly: also replace any non-ASCII character, not just XML-illegal
 *   ones (default false).
 * @returns {string}
 */
const sanitize = (str, production = 'name', { replacement = '_', asciiOnly = false } = {}) => {
  if (!str) return replacement;

  let result = str;

  // Strip colons for NCName
  if (production === 'ncName') {
    result = result.replace(/:/g, '');
  }

  // Replace illegal characters
  const allowedCharPattern = asciiOnly ? /[^\w\-\.:]/g : /[^\w\-\.:\u00B7\u00C0-\uFFFD]/g;
  result = result.replace(allowedCharPattern, replacement);

  // Fix invalid start character for Name / NCName / QName
  if (production !== 'nmToken' && production !== 'nmTokens') {
    if (/^[\-\.\d]/.test(result)) {
      result = replacement + result;
    }
  }

  return result || replacement;
};
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/xmlparser/DocTypeReader.js


class DocTypeReader {
    constructor(options, xmlVersion) {
        this.suppressValidationErr = !options;
        this.options = options;
        this.xmlVersion = xmlVersion || 1.0;
    }

    setXmlVersion(xmlVersion = 1.0) {
        this.xmlVersion = xmlVersion;
    }
    readDocType(xmlData, i) {
        const entities = Object.create(null);
        let entityCount = 0;

        if (xmlData[i + 3] === 'O' &&
            xmlData[i + 4] === 'C' &&
            xmlData[i + 5] === 'T' &&
            xmlData[i + 6] === 'Y' &&
            xmlData[i + 7] === 'P' &&
            xmlData[i + 8] === 'E') {
            i = i + 9;
            let angleBracketsCount = 1;
            let hasBody = false, comment = false;
            let quoteChar = null; // tracks an open SYSTEM/PUBLIC literal before the '[' body
            let exp = "";
            for (; i < xmlData.length; i++) {
                // Inside a quoted external-identifier literal — XML allows '<'
                // and '>' as plain data here, so they must not be interpreted
                // as DOCTYPE structure until the matching quote closes.
                if (quoteChar !== null) {
                    if (xmlData[i] === quoteChar) quoteChar = null;
                    exp += xmlData[i];
                    continue;
                }
                if (!hasBody && !comment && (xmlData[i] === '"' || xmlData[i] === "'")) {
                    quoteChar = xmlData[i];
                    exp += xmlData[i];
                    continue;
                }

                if (xmlData[i] === '<' && !comment) { //Determine the tag type
                    if (hasBody && hasSeq(xmlData, "!ENTITY", i)) {
                        i += 7;
                        let entityName, val;
                        [entityName, val, i] = this.readEntityExp(xmlData, i + 1, this.suppressValidationErr);
                        if (val.indexOf("&") === -1) { //Parameter entities are not supported
                            if (this.options.enabled !== false &&
                                this.options.maxEntityCount != null &&
                                entityCount >= this.options.maxEntityCount) {
                                throw new Error(
                                    `Entity count (${entityCount + 1}) exceeds maximum allowed (${this.options.maxEntityCount})`
                                );
                            }
                            //const escaped = entityName.replace(/[.\-+*:]/g, '\\.');
                            //const escaped = entityName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
                            entities[entityName] = val;
                            entityCount++;
                        }
                    }
                    else if (hasBody && hasSeq(xmlData, "!ELEMENT", i)) {
                        i += 8;//Not supported
                        const { index } = this.readElementExp(xmlData, i + 1);
                        i = index;
                    } else if (hasBody && hasSeq(xmlData, "!ATTLIST", i)) {
                        i += 8;//Not supported
                        // const {index} = this.readAttlistExp(xmlData,i+1);
                        // i = index;
                    } else if (hasBody && hasSeq(xmlData, "!NOTATION", i)) {
                        i += 9;//Not supported
                        const { index } = this.readNotationExp(xmlData, i + 1, this.suppressValidationErr);
                        i = index;
                    } else if (hasSeq(xmlData, "!--", i)) comment = true;
                    else throw new Error(`Invalid DOCTYPE`);

                    angleBracketsCount++;
                    exp = "";
                } else if (xmlData[i] === '>') { //Read tag content
                    if (comment) {
                        if (xmlData[i - 1] === "-" && xmlData[i - 2] === "-") {
                            comment = false;
                            angleBracketsCount--;
                        }
                    } else {
                        angleBracketsCount--;
                    }
                    if (angleBracketsCount === 0) {
                        break;
                    }
                } else if (xmlData[i] === '[') {
                    hasBody = true;
                } else {
                    exp += xmlData[i];
                }
            }
            if (quoteChar !== null || angleBracketsCount !== 0) {
                throw new Error(`Unclosed DOCTYPE`);
            }
        } else {
            throw new Error(`Invalid Tag instead of DOCTYPE`);
        }
        return { entities, i };
    }
    readEntityExp(xmlData, i) {
        //External entities are not supported
        //    <!ENTITY ext SYSTEM "http://normal-website.com" >

        //Parameter entities are not supported
        //    <!ENTITY entityname "&anotherElement;">

        //Internal entities are supported
        //    <!ENTITY entityname "replacement text">

        // Skip leading whitespace after <!ENTITY
        i = skipWhitespace(xmlData, i);

        // Read entity name
        const startIndex = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i]) && xmlData[i] !== '"' && xmlData[i] !== "'") {
            i++;
        }
        let entityName = xmlData.substring(startIndex, i);

        validateEntityName(entityName, { xmlVersion: this.xmlVersion });

        // Skip whitespace after entity name
        i = skipWhitespace(xmlData, i);

        // Check for unsupported constructs (external entities or parameter entities)
        if (!this.suppressValidationErr) {
            if (xmlData.substring(i, i + 6).toUpperCase() === "SYSTEM") {
                throw new Error("External entities are not supported");
            } else if (xmlData[i] === "%") {
                throw new Error("Parameter entities are not supported");
            }
        }

        // Read entity value (internal entity)
        let entityValue = "";
        [i, entityValue] = this.readIdentifierVal(xmlData, i, "entity");

        // Validate entity size
        if (this.options.enabled !== false &&
            this.options.maxEntitySize != null &&
            entityValue.length > this.options.maxEntitySize) {
            throw new Error(
                `Entity "${entityName}" size (${entityValue.length}) exceeds maximum allowed size (${this.options.maxEntitySize})`
            );
        }

        i--;
        return [entityName, entityValue, i];
    }

    readNotationExp(xmlData, i) {
        // Skip leading whitespace after <!NOTATION
        i = skipWhitespace(xmlData, i);

        // Read notation name

        const startIndex = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) {
            i++;
        }
        let notationName = xmlData.substring(startIndex, i);

        !this.suppressValidationErr && validateEntityName(notationName, { xmlVersion: this.xmlVersion });

        // Skip whitespace after notation name
        i = skipWhitespace(xmlData, i);

        // Check identifier type (SYSTEM or PUBLIC)
        const identifierType = xmlData.substring(i, i + 6).toUpperCase();
        if (!this.suppressValidationErr && identifierType !== "SYSTEM" && identifierType !== "PUBLIC") {
            throw new Error(`Expected SYSTEM or PUBLIC, found "${identifierType}"`);
        }
        i += identifierType.length;

        // Skip whitespace after identifier type
        i = skipWhitespace(xmlData, i);

        // Read public identifier (if PUBLIC)
        let publicIdentifier = null;
        let systemIdentifier = null;

        if (identifierType === "PUBLIC") {
            [i, publicIdentifier] = this.readIdentifierVal(xmlData, i, "publicIdentifier");

            // Skip whitespace after public identifier
            i = skipWhitespace(xmlData, i);

            // Optionally read system identifier
            if (xmlData[i] === '"' || xmlData[i] === "'") {
                [i, systemIdentifier] = this.readIdentifierVal(xmlData, i, "systemIdentifier");
            }
        } else if (identifierType === "SYSTEM") {
            // Read system identifier (mandatory for SYSTEM)
            [i, systemIdentifier] = this.readIdentifierVal(xmlData, i, "systemIdentifier");

            if (!this.suppressValidationErr && !systemIdentifier) {
                throw new Error("Missing mandatory system identifier for SYSTEM notation");
            }
        }

        return { notationName, publicIdentifier, systemIdentifier, index: --i };
    }

    readIdentifierVal(xmlData, i, type) {
        let identifierVal = "";
        const startChar = xmlData[i];
        if (startChar !== '"' && startChar !== "'") {
            throw new Error(`Expected quoted string, found "${startChar}"`);
        }
        i++;

        const startIndex = i;
        while (i < xmlData.length && xmlData[i] !== startChar) {
            i++;
        }
        identifierVal = xmlData.substring(startIndex, i);

        if (xmlData[i] !== startChar) {
            throw new Error(`Unterminated ${type} value`);
        }
        i++;
        return [i, identifierVal];
    }

    readElementExp(xmlData, i) {
        // <!ELEMENT br EMPTY>
        // <!ELEMENT div ANY>
        // <!ELEMENT title (#PCDATA)>
        // <!ELEMENT book (title, author+)>
        // <!ELEMENT name (content-model)>

        // Skip leading whitespace after <!ELEMENT
        i = skipWhitespace(xmlData, i);

        // Read element name
        const startIndex = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) {
            i++;
        }
        let elementName = xmlData.substring(startIndex, i);

        // Validate element name
        if (!this.suppressValidationErr && !qName(elementName, { xmlVersion: this.xmlVersion })) {
            throw new Error(`Invalid element name: "${elementName}"`);
        }

        // Skip whitespace after element name
        i = skipWhitespace(xmlData, i);
        let contentModel = "";
        // Expect '(' to start content model
        if (xmlData[i] === "E" && hasSeq(xmlData, "MPTY", i)) i += 4;
        else if (xmlData[i] === "A" && hasSeq(xmlData, "NY", i)) i += 2;
        else if (xmlData[i] === "(") {
            i++; // Move past '('

            // Read content model
            const startIndex = i;
            while (i < xmlData.length && xmlData[i] !== ")") {
                i++;
            }
            contentModel = xmlData.substring(startIndex, i);

            if (xmlData[i] !== ")") {
                throw new Error("Unterminated content model");
            }

        } else if (!this.suppressValidationErr) {
            throw new Error(`Invalid Element Expression, found "${xmlData[i]}"`);
        }

        return {
            elementName,
            contentModel: contentModel.trim(),
            index: i
        };
    }

    readAttlistExp(xmlData, i) {
        // Skip leading whitespace after <!ATTLIST
        i = skipWhitespace(xmlData, i);

        // Read element name
        let startIndex = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) {
            i++;
        }
        let elementName = xmlData.substring(startIndex, i);

        // Validate element name
        validateEntityName(elementName, { xmlVersion: this.xmlVersion })

        // Skip whitespace after element name
        i = skipWhitespace(xmlData, i);

        // Read attribute name
        startIndex = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) {
            i++;
        }
        let attributeName = xmlData.substring(startIndex, i);

        // Validate attribute name
        if (!validateEntityName(attributeName, { xmlVersion: this.xmlVersion })) {
            throw new Error(`Invalid attribute name: "${attributeName}"`);
        }

        // Skip whitespace after attribute name
        i = skipWhitespace(xmlData, i);

        // Read attribute type
        let attributeType = "";
        if (xmlData.substring(i, i + 8).toUpperCase() === "NOTATION") {
            attributeType = "NOTATION";
            i += 8; // Move past "NOTATION"

            // Skip whitespace after "NOTATION"
            i = skipWhitespace(xmlData, i);

            // Expect '(' to start the list of notations
            if (xmlData[i] !== "(") {
                throw new Error(`Expected '(', found "${xmlData[i]}"`);
            }
            i++; // Move past '('

            // Read the list of allowed notations
            let allowedNotations = [];
            while (i < xmlData.length && xmlData[i] !== ")") {


                const startIndex = i;
                while (i < xmlData.length && xmlData[i] !== "|" && xmlData[i] !== ")") {
                    i++;
                }
                let notation = xmlData.substring(startIndex, i);

                // Validate notation name
                notation = notation.trim();
                if (!validateEntityName(notation, { xmlVersion: this.xmlVersion })) {
                    throw new Error(`Invalid notation name: "${notation}"`);
                }

                allowedNotations.push(notation);

                // Skip '|' separator or exit loop
                if (xmlData[i] === "|") {
                    i++; // Move past '|'
                    i = skipWhitespace(xmlData, i); // Skip optional whitespace after '|'
                }
            }

            if (xmlData[i] !== ")") {
                throw new Error("Unterminated list of notations");
            }
            i++; // Move past ')'

            // Store the allowed notations as part of the attribute type
            attributeType += " (" + allowedNotations.join("|") + ")";
        } else {
            // Handle simple types (e.g., CDATA, ID, IDREF, etc.)
            const startIndex = i;
            while (i < xmlData.length && !/\s/.test(xmlData[i])) {
                i++;
            }
            attributeType += xmlData.substring(startIndex, i);

            // Validate simple attribute type
            const validTypes = ["CDATA", "ID", "IDREF", "IDREFS", "ENTITY", "ENTITIES", "NMTOKEN", "NMTOKENS"];
            if (!this.suppressValidationErr && !validTypes.includes(attributeType.toUpperCase())) {
                throw new Error(`Invalid attribute type: "${attributeType}"`);
            }
        }

        // Skip whitespace after attribute type
        i = skipWhitespace(xmlData, i);

        // Read default value
        let defaultValue = "";
        if (xmlData.substring(i, i + 8).toUpperCase() === "#REQUIRED") {
            defaultValue = "#REQUIRED";
            i += 8;
        } else if (xmlData.substring(i, i + 7).toUpperCase() === "#IMPLIED") {
            defaultValue = "#IMPLIED";
            i += 7;
        } else {
            [i, defaultValue] = this.readIdentifierVal(xmlData, i, "ATTLIST");
        }

        return {
            elementName,
            attributeName,
            attributeType,
            defaultValue,
            index: i
        }
    }
}



const skipWhitespace = (data, index) => {
    while (index < data.length && /\s/.test(data[index])) {
        index++;
    }
    return index;
};



function hasSeq(data, seq, i) {
    for (let j = 0; j < seq.length; j++) {
        if (seq[j] !== data[i + j + 1]) return false;
    }
    return true;
}

function validateEntityName(name, xmlVersion) {
    if (qName(name, { xmlVersion: xmlVersion }))
        return name;
    else
        throw new Error(`Invalid entity name ${name}`);
}
;// CONCATENATED MODULE: ./node_modules/anynum/digitTable.js
/**
 * Flat lookup table: maps Unicode code point → ASCII digit (0-9).
 * Only decimal digit characters (Unicode category Nd) are included.
 *
 * Strategy: Int32Array of size (maxCodePoint - minCodePoint + 1).
 * Value 0xFF means "not a digit". Value 0-9 is the ASCII digit value.
 * This gives O(1) lookup with no branching, no bisect, no loop.
 *
 * Memory: range is 0x0660 to 0x1FBF0 → ~129,936 entries × 1 byte = ~127 KB.
 * Acceptable for a one-time init; lookup is a single array index.
 */

// All known Unicode Nd (decimal digit) script zero code points.
// Each script has exactly 10 consecutive digits: zero+0 .. zero+9.
const SCRIPT_ZEROS = [
  // Basic Latin (ASCII) — included for completeness / pass-through
  0x0030, // 0-9

  // Arabic scripts
  0x0660, // Arabic-Indic ٠١٢٣٤٥٦٧٨٩
  0x06F0, // Extended Arabic-Indic (Urdu/Persian/Sindhi) ۰۱۲۳

  // Indic scripts
  0x0966, // Devanagari ०१२३४५६७८९
  0x09E6, // Bengali ০১২৩৪৫৬৭৮৯
  0x0A66, // Gurmukhi ੦੧੨੩੪੫੬੭੮੯
  0x0AE6, // Gujarati ૦૧૨૩૪૫૬૭૮૯
  0x0B66, // Odia ୦୧୨୩୪୫୬୭୮୯
  0x0BE6, // Tamil ௦௧௨௩௪௫௬௭௮௯
  0x0C66, // Telugu ౦౧౨౩౪౫౬౭౮౯
  0x0CE6, // Kannada ೦೧೨೩೪೫೬೭೮೯
  0x0D66, // Malayalam ൦൧൨൩൪൫൬൭൮൯
  0x0DE6, // Sinhala Archaic ෦෧෨෩෪෫෬෭෮෯

  // Southeast Asian scripts
  0x0E50, // Thai ๐๑๒๓๔๕๖๗๘๙
  0x0ED0, // Lao ໐໑໒໓໔໕໖໗໘໙
  0x0F20, // Tibetan ༠༡༢༣༤༥༦༧༨༩
  0x1040, // Myanmar ၀၁၂၃၄၅၆၇၈၉
  0x1090, // Myanmar Shan ႐႑႒႓႔႕႖႗႘႙
  0x17E0, // Khmer ០១២៣៤៥៦៧៨៩
  0x1810, // Mongolian ᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙
  0x1946, // Limbu ᥆᥇᥈᥉᥊᥋᥌᥍᥎᥏
  0x19D0, // New Tai Lue ᧐᧑᧒᧓᧔᧕᧖᧗᧘᧙
  0x1A80, // Tai Tham Hora ᪀᪁᪂᪃᪄᪅᪆᪇᪈᪉
  0x1A90, // Tai Tham Tham ᪐᪑᪒᪓᪔᪕᪖᪗᪘᪙
  0x1B50, // Balinese ᭐᭑᭒᭓᭔᭕᭖᭗᭘᭙
  0x1BB0, // Sundanese ᮰᮱᮲᮳᮴᮵᮶᮷᮸᮹
  0x1C40, // Lepcha ᱀᱁᱂᱃᱄᱅᱆᱇᱈᱉
  0x1C50, // Ol Chiki ᱐᱑᱒᱓᱔᱕᱖᱗᱘᱙

  // Fullwidth (CJK context)
  0xFF10, // Fullwidth ０１２３４５６７８９

  // Mathematical digit variants (Unicode math block)
  0x1D7CE, // Mathematical Bold
  0x1D7D8, // Mathematical Double-Struck
  0x1D7E2, // Mathematical Sans-Serif
  0x1D7EC, // Mathematical Sans-Serif Bold
  0x1D7F6, // Mathematical Monospace

  // Other scripts
  0x104A0, // Osmanya 𐒠𐒡𐒢𐒣𐒤𐒥𐒦𐒧𐒨𐒩
  0x10D30, // Hanifi Rohingya 𐴰𐴱𐴲𐴳𐴴𐴵𐴶𐴷𐴸𐴹
  0x11066, // Brahmi 𑁦𑁧𑁨𑁩𑁪𑁫𑁬𑁭𑁮𑁯
  0x110F0, // Sora Sompeng 𑃰𑃱𑃲𑃳𑃴𑃵𑃶𑃷𑃸𑃹
  0x11136, // Chakma 𑄶𑄷𑄸𑄹𑄺𑄻𑄼𑄽𑄾𑄿
  0x111D0, // Sharada 𑇐𑇑𑇒𑇓𑇔𑇕𑇖𑇗𑇘𑇙
  0x112F0, // Khudawadi 𑋰𑋱𑋲𑋳𑋴𑋵𑋶𑋷𑋸𑋹
  0x11450, // Newa 𑑐𑑑𑑒𑑓𑑔𑑕𑑖𑑗𑑘𑑙
  0x114D0, // Tirhuta 𑓐𑓑𑓒𑓓𑓔𑓕𑓖𑓗𑓘𑓙
  0x11650, // Modi 𑙐𑙑𑙒𑙓𑙔𑙕𑙖𑙗𑙘𑙙
  0x116C0, // Takri 𑛀𑛁𑛂𑛃𑛄𑛅𑛆𑛇𑛈𑛉
  0x11730, // Ahom 𑜰𑜱𑜲𑜳𑜴𑜵𑜶𑜷𑜸𑜹
  0x118E0, // Warang Citi 𑣠𑣡𑣢𑣣𑣤𑣥𑣦𑣧𑣨𑣩
  0x11950, // Dives Akuru 𑥐𑥑𑥒𑥓𑥔𑥕𑥖𑥗𑥘𑥙
  0x11BF0, // Khitan Small Script 𑯰𑯱𑯲𑯳𑯴𑯵𑯶𑯷𑯸𑯹
  0x11C50, // Bhaiksuki 𑱐𑱑𑱒𑱓𑱔𑱕𑱖𑱗𑱘𑱙
  0x11D50, // Masaram Gondi 𑵐𑵑𑵒𑵓𑵔𑵕𑵖𑵗𑵘𑵙
  0x11DA0, // Gunjala Gondi 𑶠𑶡𑶢𑶣𑶤𑶥𑶦𑶧𑶨𑶩
  0x11F50, // Kawi 𑽐𑽑𑽒𑽓𑽔𑽕𑽖𑽗𑽘𑽙
  0x16A60, // Mro 𖩠𖩡𖩢𖩣𖩤𖩥𖩦𖩧𖩨𖩩
  0x16AC0, // Tangsa 𖫀𖫁𖫂𖫃𖫄𖫅𖫆𖫇𖫈𖫉
  0x16B50, // Pahawh Hmong 𖭐𖭑𖭒𖭓𖭔𖭕𖭖𖭗𖭘𖭙
  0x1E140, // Nyiakeng Puachue Hmong 𞅀𞅁𞅂𞅃𞅄𞅅𞅆𞅇𞅈𞅉
  0x1E2F0, // Wancho 𞋰𞋱𞋲𞋳𞋴𞋵𞋶𞋷𞋸𞋹
  0x1E4F0, // Nag Mundari 𞓰𞓱𞓲𞓳𞓴𞓵𞓶𞓷𞓸𞓹
  0x1E950, // Adlam 𞥐𞥑𞥒𞥓𞥔𞥕𞥖𞥗𞥘𞥙
  0x1FBF0, // Segmented digit symbols 🯰🯱🯲🯳🯴🯵🯶🯷🯸🯹
];

// Build a sparse Map for scripts above 0xFFFF (surrogate-pair range).
// These can't go into a flat Uint8Array indexed by code point efficiently.
const NOT_DIGIT = 0xFF;
const HIGH_MAP = new Map(); // codePoint → digit value (0-9)

const LOW_MAX = 0xFFFF;
const LOW_MIN = 0x0660; // first non-ASCII digit script

// Flat Uint8Array covering 0x0660 .. 0xFFFF
const TABLE_OFFSET = LOW_MIN;
const TABLE_SIZE = LOW_MAX - LOW_MIN + 1;
const TABLE = new Uint8Array(TABLE_SIZE).fill(NOT_DIGIT);

for (const zero of SCRIPT_ZEROS) {
  for (let d = 0; d < 10; d++) {
    const cp = zero + d;
    if (cp <= LOW_MAX) {
      TABLE[cp - TABLE_OFFSET] = d;
    } else {
      HIGH_MAP.set(cp, d);
    }
  }
}



;// CONCATENATED MODULE: ./node_modules/anynum/anynum.js




const CHAR_0 = 48; // '0'.charCodeAt(0)
const CHAR_9 = 57; // '9'.charCodeAt(0)
const CHAR_MINUS = 45; // '-'.charCodeAt(0)

// Unicode minus/hyphen variants worth normalizing to ASCII '-' in numeric context:
//   U+2212  MINUS SIGN       − (mathematically correct minus)
//   U+FF0D  FULLWIDTH HYPHEN-MINUS  － (Japanese fullwidth context)
//   U+FE63  SMALL HYPHEN-MINUS     ﹣ (small form variant)
//
// NOT normalized (deliberate):
//   U+2013  EN DASH  –  (punctuation, not a numeric sign)
//   U+2014  EM DASH  —  (punctuation)
//   U+2010  HYPHEN   ‐  (typographic hyphen)
//
// Rationale: only characters a human or locale formatter would plausibly use
// as a numeric minus sign are normalized. Dashes used for punctuation are left
// alone to avoid mangling non-numeric strings.
const MINUS_SET = new Set([0x2212, 0xFF0D, 0xFE63]);

/**
 * Normalize all Unicode decimal digit characters in a string to ASCII (0-9),
 * and normalize Unicode minus variants to ASCII '-' (U+002D).
 *
 * Non-digit, non-minus characters are passed through unchanged.
 *
 * Performance design:
 * - Fast path: if the string has no convertible characters, return it unchanged
 *   (zero allocation).
 * - BMP digits (0x0660..0xFFFF excl. surrogates): flat Uint8Array lookup (O(1)).
 * - Supplementary plane digits (> 0xFFFF, encoded as surrogate pairs): Map lookup.
 * - Minus variants: checked inline with a small fixed Set.
 *
 * @param {string} str
 * @returns {string}
 */
function anynum(str) {
  if (typeof str !== 'string') return str;

  const len = str.length;
  if (len === 0) return str;

  // Scan for first character needing conversion.
  // If none found, return original string (zero allocation).
  let firstHit = -1;

  for (let i = 0; i < len; i++) {
    const cc = str.charCodeAt(i);

    // ASCII digit or ASCII minus — already normalized, skip fast
    if ((cc >= CHAR_0 && cc <= CHAR_9) || cc === CHAR_MINUS) continue;

    // Below first unicode digit script — check minus variants only
    if (cc < TABLE_OFFSET) {
      if (MINUS_SET.has(cc)) { firstHit = i; break; }
      continue;
    }

    // Surrogate pairs live in BMP range 0xD800-0xDFFF — check before TABLE
    if (cc >= 0xD800 && cc <= 0xDBFF) {
      if (i + 1 < len) {
        const low = str.charCodeAt(i + 1);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          const cp = 0x10000 + ((cc - 0xD800) << 10) + (low - 0xDC00);
          if (HIGH_MAP.has(cp)) { firstHit = i; break; }
        }
      }
      continue;
    }

    // BMP non-surrogate: flat table lookup; also check minus variants in this range
    if (TABLE[cc - TABLE_OFFSET] !== NOT_DIGIT || MINUS_SET.has(cc)) {
      firstHit = i;
      break;
    }
  }

  // Nothing to replace — return original, zero allocation
  if (firstHit === -1) return str;

  // Build result: copy unchanged prefix, then convert from firstHit onward
  const chars = [];

  if (firstHit > 0) chars.push(str.slice(0, firstHit));

  for (let i = firstHit; i < len; i++) {
    const cc = str.charCodeAt(i);

    // ASCII digit or ASCII minus — pass through
    if ((cc >= CHAR_0 && cc <= CHAR_9) || cc === CHAR_MINUS) {
      chars.push(str[i]);
      continue;
    }

    // Below TABLE_OFFSET — check minus variants, else pass through
    if (cc < TABLE_OFFSET) {
      chars.push(MINUS_SET.has(cc) ? '-' : str[i]);
      continue;
    }

    // Surrogate pairs
    if (cc >= 0xD800 && cc <= 0xDBFF) {
      if (i + 1 < len) {
        const low = str.charCodeAt(i + 1);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          const cp = 0x10000 + ((cc - 0xD800) << 10) + (low - 0xDC00);
          const d = HIGH_MAP.get(cp);
          if (d !== undefined) {
            chars.push(String.fromCharCode(d + 48));
            i++; // consume low surrogate
            continue;
          }
        }
      }
      chars.push(str[i]);
      continue;
    }

    // BMP non-surrogate: flat table lookup + minus variants
    if (MINUS_SET.has(cc)) {
      chars.push('-');
      continue;
    }
    const d = TABLE[cc - TABLE_OFFSET];
    chars.push(d !== NOT_DIGIT ? String.fromCharCode(d + 48) : str[i]);
  }

  return chars.join('');
}


/* harmony default export */ const anynum_anynum = (anynum);
;// CONCATENATED MODULE: ./node_modules/strnum/strnum.js
const hexRegex = /^[-+]?0x[a-fA-F0-9]+$/;
const binRegex = /^0b[01]+$/;
const octRegex = /^0o[0-7]+$/;
const numRegex = /^([\-\+])?(0*)([0-9]*(\.[0-9]*)?)$/;



const consider = {
    hex: true,
    binary: false,
    octal: false,
    leadingZeros: true,
    decimalPoint: "\.",
    eNotation: true,
    //skipLike: /regex/,
    infinity: "original", // "null", "infinity" (Infinity type), "string" ("Infinity" (the string literal))
    unicode: false,
};

function toNumber(str, options = {}) {
    options = Object.assign({}, consider, options);
    if (!str || typeof str !== "string") return str;

    let trimmedStr = str.trim();

    if (trimmedStr.length === 0) return str;
    else if (options.skipLike !== undefined && options.skipLike.test(trimmedStr)) return str;
    else if (trimmedStr === "0") return 0;

    if (options.unicode) {
        trimmedStr = anynum_anynum(trimmedStr);
        if (trimmedStr === "0") return 0; // re-check after normalization
    }
    if (options.hex && hexRegex.test(trimmedStr)) {
        return parse_int(trimmedStr, 16);
    } else if (options.binary && binRegex.test(trimmedStr)) {
        return parse_int(trimmedStr, 2);
    } else if (options.octal && octRegex.test(trimmedStr)) {
        return parse_int(trimmedStr, 8);
    } else if (!isFinite(trimmedStr)) { //Infinity or not a number
        const num = Number(trimmedStr);
        if (Number.isNaN(num)) return str; //not a number: always the original string
        return handleInfinity(str, num, options); //only +/-Infinity reaches here
    } else if (trimmedStr.includes('e') || trimmedStr.includes('E')) { //eNotation
        return resolveEnotation(str, trimmedStr, options);
    } else {
        //separate negative sign, leading zeros, and rest number
        const match = numRegex.exec(trimmedStr);
        // +00.123 => [ , '+', '00', '.123', ..
        if (match) {
            const sign = match[1] || "";
            const leadingZeros = match[2];
            let numTrimmedByZeros = trimZeros(match[3]); //complete num without leading zeros
            const decimalAdjacentToLeadingZeros = sign ? // 0., -00., 000.
                trimmedStr[leadingZeros.length + 1] === "."
                : trimmedStr[leadingZeros.length] === ".";

            //trim ending zeros for floating number
            if (!options.leadingZeros //leading zeros are not allowed
                && (leadingZeros.length > 1
                    || (leadingZeros.length === 1 && !decimalAdjacentToLeadingZeros))) {
                // 00, 00.3, +03.24, 03, 03.24
                return str;
            }
            else {//no leading zeros or leading zeros are allowed
                const num = Number(trimmedStr);
                const parsedStr = String(num);

                if (num === 0) return num;
                if (parsedStr.search(/[eE]/) !== -1) { //given number is long and parsed to eNotation
                    if (options.eNotation) return num;
                    else return str;
                } else if (trimmedStr.indexOf(".") !== -1) { //floating number
                    if (parsedStr === "0") return num; //0.0
                    else if (parsedStr === numTrimmedByZeros) return num; //0.456. 0.79000
                    else if (parsedStr === `${sign}${numTrimmedByZeros}`) return num;
                    else return str;
                }

                let n = leadingZeros ? numTrimmedByZeros : trimmedStr;
                if (leadingZeros) {
                    // -009 => -9
                    return (n === parsedStr) || (sign + n === parsedStr) ? num : str
                } else {
                    // +9
                    return (n === parsedStr) || (n === sign + parsedStr) ? num : str
                }
            }
        } else { //non-numeric string
            return str;
        }
    }
}

const eNotationRegx = /^([-+])?(0*)(\d*(\.\d*)?[eE][-\+]?\d+)$/;
function resolveEnotation(str, trimmedStr, options) {
    if (!options.eNotation) return str;
    const notation = trimmedStr.match(eNotationRegx);
    if (notation) {
        let sign = notation[1] || "";
        const eChar = notation[3].indexOf("e") === -1 ? "E" : "e";
        const leadingZeros = notation[2];
        const eAdjacentToLeadingZeros = sign ? // 0E.
            trimmedStr[leadingZeros.length + 1] === eChar
            : trimmedStr[leadingZeros.length] === eChar;

        if (leadingZeros.length > 1 && eAdjacentToLeadingZeros) return str;
        else if (leadingZeros.length === 1
            && (notation[3].startsWith(`.${eChar}`) || notation[3][0] === eChar)) {
            return Number(trimmedStr);
        } else if (leadingZeros.length > 0) {
            // Has leading zeros — only accept if leadingZeros option allows it
            if (options.leadingZeros && !eAdjacentToLeadingZeros) {
                return Number(trimmedStr); // Number() accepts leading zeros; stripping can leave a mantissa-less ".e0"
            } else return str;
        } else {
            // No leading zeros — always valid e-notation, parse it
            return Number(trimmedStr);
        }
    } else {
        return str;
    }
}

/**
 * 
 * @param {string} numStr without leading zeros
 * @returns 
 */
function trimZeros(numStr) {
    if (numStr && numStr.indexOf(".") !== -1) {//float
        //remove ending zeros without the O(n^2) backtracking that /0+$/ hits
        //when the string doesn't end in 0 but has a long internal zero-run
        let end = numStr.length;
        while (end > 0 && numStr.charCodeAt(end - 1) === 48 /* '0' */) end--;
        numStr = numStr.slice(0, end);
        if (numStr === ".") numStr = "0";
        else if (numStr[0] === ".") numStr = "0" + numStr;
        else if (numStr[numStr.length - 1] === ".") numStr = numStr.substring(0, numStr.length - 1);
        return numStr;
    }
    return numStr;
}

function parse_int(numStr, base) {
    const str = numStr.trim();
    if (base === 2 || base === 8) numStr = str.substring(2);

    if (parseInt) return parseInt(numStr, base);
    else if (Number.parseInt) return Number.parseInt(numStr, base);
    else if (window && window.parseInt) return window.parseInt(numStr, base);
    else throw new Error("parseInt, Number.parseInt, window.parseInt are not supported");
}

/**
 * Handle infinite values based on user option
 * @param {string} str - original input string
 * @param {number} num - parsed number (Infinity or -Infinity)
 * @param {object} options - user options
 * @returns {string|number|null} based on infinity option
 */
function handleInfinity(str, num, options) {
    const isPositive = num === Infinity;

    switch (options.infinity.toLowerCase()) {
        case "null":
            return null;
        case "infinity":
            return num; // Return Infinity or -Infinity
        case "string":
            return isPositive ? "Infinity" : "-Infinity";
        case "original":
        default:
            return str; // Return original string like "1e1000"
    }
}

;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/ignoreAttributes.js
function getIgnoreAttributesFn(ignoreAttributes) {
    if (typeof ignoreAttributes === 'function') {
        return ignoreAttributes
    }
    if (Array.isArray(ignoreAttributes)) {
        return (attrName) => {
            for (const pattern of ignoreAttributes) {
                if (typeof pattern === 'string' && attrName === pattern) {
                    return true
                }
                if (pattern instanceof RegExp && pattern.test(attrName)) {
                    return true
                }
            }
        }
    }
    return () => false
}
;// CONCATENATED MODULE: ./node_modules/path-expression-matcher/src/Matcher.js


/**
 * MatcherView - A lightweight read-only view over a Matcher's internal state.
 *
 * Created once by Matcher and reused across all callbacks. Holds a direct
 * reference to the parent Matcher so it always reflects current parser state
 * with zero copying or freezing overhead.
 *
 * Users receive this via {@link Matcher#readOnly} or directly from parser
 * callbacks. It exposes all query and matching methods but has no mutation
 * methods — misuse is caught at the TypeScript level rather than at runtime.
 *
 * @example
 * const matcher = new Matcher();
 * const view = matcher.readOnly();
 *
 * matcher.push("root", {});
 * view.getCurrentTag(); // "root"
 * view.getDepth();      // 1
 */
class MatcherView {
  /**
   * @param {Matcher} matcher - The parent Matcher instance to read from.
   */
  constructor(matcher) {
    this._matcher = matcher;
  }

  /**
   * Get the path separator used by the parent matcher.
   * @returns {string}
   */
  get separator() {
    return this._matcher.separator;
  }

  /**
   * Get current tag name.
   * @returns {string|undefined}
   */
  getCurrentTag() {
    const path = this._matcher.path;
    return path.length > 0 ? path[path.length - 1].tag : undefined;
  }

  /**
   * Get current namespace.
   * @returns {string|undefined}
   */
  getCurrentNamespace() {
    const path = this._matcher.path;
    return path.length > 0 ? path[path.length - 1].namespace : undefined;
  }

  /**
   * Get current node's attribute value.
   * @param {string} attrName
   * @returns {*}
   */
  getAttrValue(attrName) {
    const path = this._matcher.path;
    if (path.length === 0) return undefined;
    return path[path.length - 1].values?.[attrName];
  }

  /**
   * Check if current node has an attribute.
   * @param {string} attrName
   * @returns {boolean}
   */
  hasAttr(attrName) {
    const path = this._matcher.path;
    if (path.length === 0) return false;
    const current = path[path.length - 1];
    return current.values !== undefined && attrName in current.values;
  }

  /**
   * Get the value of a "kept" attribute from the nearest ancestor (or
   * current node) that declared it via `push(tag, attrs, ns, { keep: [...] })`.
   * @param {string} attrName
   * @returns {*}
   */
  getAnyParentAttr(attrName) {
    return this._matcher.getAnyParentAttr(attrName);
  }

  /**
   * Check whether any ancestor (or the current node) kept the given
   * attribute via `push(tag, attrs, ns, { keep: [...] })`.
   * @param {string} attrName
   * @returns {boolean}
   */
  hasAnyParentAttr(attrName) {
    return this._matcher.hasAnyParentAttr(attrName);
  }

  /**
   * Get current node's sibling position (child index in parent).
   * @returns {number}
   */
  getPosition() {
    const path = this._matcher.path;
    if (path.length === 0) return -1;
    return path[path.length - 1].position ?? 0;
  }

  /**
   * Get current node's repeat counter (occurrence count of this tag name).
   * @returns {number}
   */
  getCounter() {
    const path = this._matcher.path;
    if (path.length === 0) return -1;
    return path[path.length - 1].counter ?? 0;
  }

  /**
   * Get current node's sibling index (alias for getPosition).
   * @returns {number}
   * @deprecated Use getPosition() or getCounter() instead
   */
  getIndex() {
    return this.getPosition();
  }

  /**
   * Get current path depth.
   * @returns {number}
   */
  getDepth() {
    return this._matcher.path.length;
  }

  /**
   * Get path as string.
   * @param {string} [separator] - Optional separator (uses default if not provided)
   * @param {boolean} [includeNamespace=true]
   * @returns {string}
   */
  toString(separator, includeNamespace = true) {
    return this._matcher.toString(separator, includeNamespace);
  }

  /**
   * Get path as array of tag names.
   * @returns {string[]}
   */
  toArray() {
    return this._matcher.path.map(n => n.tag);
  }

  /**
   * Match current path against an Expression.
   * @param {Expression} expression
   * @returns {boolean}
   */
  matches(expression) {
    return this._matcher.matches(expression);
  }

  /**
   * Match any expression in the given set against the current path.
   * @param {ExpressionSet} exprSet
   * @returns {boolean}
   */
  matchesAny(exprSet) {
    return exprSet.matchesAny(this._matcher);
  }
}

/**
 * Matcher - Tracks current path in XML/JSON tree and matches against Expressions.
 *
 * The matcher maintains a stack of nodes representing the current path from root to
 * current tag. It only stores attribute values for the current (top) node to minimize
 * memory usage. Sibling tracking is used to auto-calculate position and counter.
 *
 * Use {@link Matcher#readOnly} to obtain a {@link MatcherView} safe to pass to
 * user callbacks — it always reflects current state with no Proxy overhead.
 *
 * @example
 * const matcher = new Matcher();
 * matcher.push("root", {});
 * matcher.push("users", {});
 * matcher.push("user", { id: "123", type: "admin" });
 *
 * const expr = new Expression("root.users.user");
 * matcher.matches(expr); // true
 */
class Matcher {
  /**
   * Create a new Matcher.
   * @param {Object} [options={}]
   * @param {string} [options.separator='.'] - Default path separator
   */
  constructor(options = {}) {
    this.separator = options.separator || '.';
    this.path = [];
    this.siblingStacks = [];
    // Each path node: { tag, values, position, counter, namespace? }
    // values only present for current (last) node
    // Each siblingStacks entry: Map<tagName, count> tracking occurrences at each level
    this._pathStringCache = null;
    this._view = new MatcherView(this);

    // Kept-attribute stack: only populated when push() is called with options.keep.
    this._keptAttrs = [];
  }

  /**
   * Push a new tag onto the path.
   * @param {string} tagName
   * @param {Object|null} [attrValues=null]
   * @param {string|null} [namespace=null]
   * @param {Object|null} [options=null]
   * @param {string[]} [options.keep] - Names of attributes (from attrValues)
   */
  push(tagName, attrValues = null, namespace = null, options = null) {
    this._pathStringCache = null;

    // Remove values from previous current node (now becoming ancestor)
    if (this.path.length > 0) {
      this.path[this.path.length - 1].values = undefined;
    }

    // Get or create sibling tracking for current level
    const currentLevel = this.path.length;
    let level = this.siblingStacks[currentLevel];
    if (!level) {
      // `counts` tells same-name siblings apart (the "counter" — nth <item>
      // among other <item>s). `total` is every child seen at this level so
      // far, kept as a running number instead of re-added from `counts` on
      // every push — a parent with many differently-named children would
      // otherwise cost more per child the more distinct names it has.
      level = { counts: new Map(), total: 0 };
      this.siblingStacks[currentLevel] = level;
    }

    // Create a unique key for sibling tracking that includes namespace
    const siblingKey = namespace ? `${namespace}:${tagName}` : tagName;

    // Calculate counter (how many times this tag appeared at this level)
    const counter = level.counts.get(siblingKey) || 0;

    // Position = total children at this level seen before this one.
    const position = level.total;

    // Update sibling count for this tag, and the level's running total.
    level.counts.set(siblingKey, counter + 1);
    level.total++;

    // Create new node
    const node = {
      tag: tagName,
      position: position,
      counter: counter
    };

    if (namespace !== null && namespace !== undefined) {
      node.namespace = namespace;
    }

    if (attrValues !== null && attrValues !== undefined) {
      node.values = attrValues;
    }

    this.path.push(node);

    // Depth of the node we just pushed (1-based, matches this.path.length)
    const depth = this.path.length;

    // Copy only the requested attributes into the kept-attrs stack. This is
    // the one part of push() whose cost scales with input (O(keep.length))
    // rather than being O(1) — by design, since the caller is explicitly
    // opting in for specific attribute names. No options/keep => zero added
    // cost beyond the two property reads below.
    const keep = options !== null ? options.keep : null;
    if (keep !== null && keep !== undefined && keep.length > 0 && attrValues) {
      for (let i = 0; i < keep.length; i++) {
        const name = keep[i];
        if (attrValues[name] !== undefined) {
          this._keptAttrs.push({ depth, name, value: attrValues[name] });
        }
      }
    }
  }

  /**
   * Pop the last tag from the path.
   * @returns {Object|undefined} The popped node
   */
  pop() {
    if (this.path.length === 0) return undefined;
    this._pathStringCache = null;

    const node = this.path.pop();

    if (this.siblingStacks.length > this.path.length + 1) {
      this.siblingStacks.length = this.path.length + 1;
    }

    // Drop any kept attributes that belonged to the popped node (or deeper).
    // _keptAttrs is depth-ordered (push only ever appends increasing depths),
    // so this is a backward scan that stops at the first surviving entry —
    // typically O(1) since kept attrs are rare by design.
    const poppedDepth = this.path.length + 1;
    while (
      this._keptAttrs.length > 0 &&
      this._keptAttrs[this._keptAttrs.length - 1].depth >= poppedDepth
    ) {
      this._keptAttrs.pop();
    }

    return node;
  }

  /**
   * Update current node's attribute values.
   * Useful when attributes are parsed after push.
   * @param {Object} attrValues
   */
  updateCurrent(attrValues) {
    if (this.path.length > 0) {
      const current = this.path[this.path.length - 1];
      if (attrValues !== null && attrValues !== undefined) {
        current.values = attrValues;
      }
    }
  }

  /**
   * Get current tag name.
   * @returns {string|undefined}
   */
  getCurrentTag() {
    return this.path.length > 0 ? this.path[this.path.length - 1].tag : undefined;
  }

  /**
   * Get current namespace.
   * @returns {string|undefined}
   */
  getCurrentNamespace() {
    return this.path.length > 0 ? this.path[this.path.length - 1].namespace : undefined;
  }

  /**
   * Get current node's attribute value.
   * @param {string} attrName
   * @returns {*}
   */
  getAttrValue(attrName) {
    if (this.path.length === 0) return undefined;
    return this.path[this.path.length - 1].values?.[attrName];
  }

  /**
   * Check if current node has an attribute.
   * @param {string} attrName
   * @returns {boolean}
   */
  hasAttr(attrName) {
    if (this.path.length === 0) return false;
    const current = this.path[this.path.length - 1];
    return current.values !== undefined && attrName in current.values;
  }

  /**
   * Get the value of a "kept" attribute from the nearest ancestor (or
   * current node) that declared it via `push(tag, attrs, ns, { keep: [...] })`.
   * Unlike getAttrValue(), this works regardless of how deep the path has
   * gone since the attribute was pushed — but only for attribute names that
   * were explicitly marked with `keep` at push time. Cost is proportional to
   * the number of currently-kept attributes (typically 0-3), not path depth.
   * @param {string} attrName
   * @returns {*} the value, or undefined if no ancestor kept this attribute
   */
  getAnyParentAttr(attrName) {
    const kept = this._keptAttrs;
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i].name === attrName) return kept[i].value;
    }
    return undefined;
  }

  /**
   * Check whether any ancestor (or the current node) kept the given
   * attribute via `push(tag, attrs, ns, { keep: [...] })`.
   * @param {string} attrName
   * @returns {boolean}
   */
  hasAnyParentAttr(attrName) {
    const kept = this._keptAttrs;
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i].name === attrName) return true;
    }
    return false;
  }

  /**
   * Get current node's sibling position (child index in parent).
   * @returns {number}
   */
  getPosition() {
    if (this.path.length === 0) return -1;
    return this.path[this.path.length - 1].position ?? 0;
  }

  /**
   * Get current node's repeat counter (occurrence count of this tag name).
   * @returns {number}
   */
  getCounter() {
    if (this.path.length === 0) return -1;
    return this.path[this.path.length - 1].counter ?? 0;
  }

  /**
   * Get current node's sibling index (alias for getPosition).
   * @returns {number}
   * @deprecated Use getPosition() or getCounter() instead
   */
  getIndex() {
    return this.getPosition();
  }

  /**
   * Get current path depth.
   * @returns {number}
   */
  getDepth() {
    return this.path.length;
  }

  /**
   * Get path as string.
   * @param {string} [separator] - Optional separator (uses default if not provided)
   * @param {boolean} [includeNamespace=true]
   * @returns {string}
   */
  toString(separator, includeNamespace = true) {
    const sep = separator || this.separator;
    const isDefault = (sep === this.separator && includeNamespace === true);

    if (isDefault) {
      if (this._pathStringCache !== null) {
        return this._pathStringCache;
      }
      const result = this.path.map(n =>
        (n.namespace) ? `${n.namespace}:${n.tag}` : n.tag
      ).join(sep);
      this._pathStringCache = result;
      return result;
    }

    return this.path.map(n =>
      (includeNamespace && n.namespace) ? `${n.namespace}:${n.tag}` : n.tag
    ).join(sep);
  }

  /**
   * Get path as array of tag names.
   * @returns {string[]}
   */
  toArray() {
    return this.path.map(n => n.tag);
  }

  /**
   * Reset the path to empty.
   */
  reset() {
    this._pathStringCache = null;
    this.path = [];
    this.siblingStacks = [];
    this._keptAttrs = [];
  }

  /**
   * Match current path against an Expression.
   * @param {Expression} expression
   * @returns {boolean}
   */
  matches(expression) {
    const segments = expression.segments;

    if (segments.length === 0) {
      return false;
    }

    if (expression.hasDeepWildcard()) {
      return this._matchWithDeepWildcard(segments);
    }

    return this._matchSimple(segments);
  }

  /**
   * @private
   */
  _matchSimple(segments) {
    if (this.path.length !== segments.length) {
      return false;
    }

    for (let i = 0; i < segments.length; i++) {
      if (!this._matchSegment(segments[i], this.path[i], i === this.path.length - 1)) {
        return false;
      }
    }

    return true;
  }

  /**
   * @private
   */
  _matchWithDeepWildcard(segments) {
    let pathIdx = this.path.length - 1;
    let segIdx = segments.length - 1;

    while (segIdx >= 0 && pathIdx >= 0) {
      const segment = segments[segIdx];

      if (segment.type === 'deep-wildcard') {
        segIdx--;

        if (segIdx < 0) {
          return true;
        }

        const nextSeg = segments[segIdx];
        let found = false;

        for (let i = pathIdx; i >= 0; i--) {
          if (this._matchSegment(nextSeg, this.path[i], i === this.path.length - 1)) {
            pathIdx = i - 1;
            segIdx--;
            found = true;
            break;
          }
        }

        if (!found) {
          return false;
        }
      } else {
        if (!this._matchSegment(segment, this.path[pathIdx], pathIdx === this.path.length - 1)) {
          return false;
        }
        pathIdx--;
        segIdx--;
      }
    }

    return segIdx < 0;
  }

  /**
   * @private
   */
  _matchSegment(segment, node, isCurrentNode) {
    if (segment.tag !== '*' && segment.tag !== node.tag) {
      return false;
    }

    if (segment.namespace !== undefined) {
      if (segment.namespace !== '*' && segment.namespace !== node.namespace) {
        return false;
      }
    }

    if (segment.attrName !== undefined) {
      if (!isCurrentNode) {
        return false;
      }

      if (!node.values || !(segment.attrName in node.values)) {
        return false;
      }

      if (segment.attrValue !== undefined) {
        if (String(node.values[segment.attrName]) !== String(segment.attrValue)) {
          return false;
        }
      }
    }

    if (segment.position !== undefined) {
      if (!isCurrentNode) {
        return false;
      }

      const counter = node.counter ?? 0;

      if (segment.position === 'first' && counter !== 0) {
        return false;
      } else if (segment.position === 'odd' && counter % 2 !== 1) {
        return false;
      } else if (segment.position === 'even' && counter % 2 !== 0) {
        return false;
      } else if (segment.position === 'nth' && counter !== segment.positionValue) {
        return false;
      }
    }

    return true;
  }

  /**
   * Match any expression in the given set against the current path.
   * @param {ExpressionSet} exprSet
   * @returns {boolean}
   */
  matchesAny(exprSet) {
    return exprSet.matchesAny(this);
  }

  /**
   * Create a snapshot of current state.
   * @returns {Object}
   */
  snapshot() {
    return {
      path: this.path.map(node => ({ ...node })),
      siblingStacks: this.siblingStacks.map(level => level ? { counts: new Map(level.counts), total: level.total } : level),
      keptAttrs: this._keptAttrs.map(entry => ({ ...entry }))
    };
  }

  /**
   * Restore state from snapshot.
   * @param {Object} snapshot
   */
  restore(snapshot) {
    this._pathStringCache = null;
    this.path = snapshot.path.map(node => ({ ...node }));
    this.siblingStacks = snapshot.siblingStacks.map(level => level ? { counts: new Map(level.counts), total: level.total } : level);
    this._keptAttrs = (snapshot.keptAttrs || []).map(entry => ({ ...entry }));
  }

  /**
   * Return the read-only {@link MatcherView} for this matcher.
   *
   * The same instance is returned on every call — no allocation occurs.
   * It always reflects the current parser state and is safe to pass to
   * user callbacks without risk of accidental mutation.
   *
   * @returns {MatcherView}
   *
   * @example
   * const view = matcher.readOnly();
   * // pass view to callbacks — it stays in sync automatically
   * view.matches(expr);       // ✓
   * view.getCurrentTag();     // ✓
   * // view.push(...)         // ✗ method does not exist — caught by TypeScript
   */
  readOnly() {
    return this._view;
  }
}

;// CONCATENATED MODULE: ./node_modules/path-expression-matcher/src/Expression.js
/**
 * Expression - Parses and stores a tag pattern expression
 * 
 * Patterns are parsed once and stored in an optimized structure for fast matching.
 * 
 * @example
 * const expr = new Expression("root.users.user");
 * const expr2 = new Expression("..user[id]:first");
 * const expr3 = new Expression("root/users/user", { separator: '/' });
 */
class Expression {
  /**
   * Create a new Expression
   * @param {string} pattern - Pattern string (e.g., "root.users.user", "..user[id]")
   * @param {Object} options - Configuration options
   * @param {string} options.separator - Path separator (default: '.')
   */
  constructor(pattern, options = {}, data) {
    this.pattern = pattern;
    this.separator = options.separator || '.';
    this.segments = this._parse(pattern);
    this.data = data;
    // Cache expensive checks for performance (O(1) instead of O(n))
    this._hasDeepWildcard = this.segments.some(seg => seg.type === 'deep-wildcard');
    this._hasAttributeCondition = this.segments.some(seg => seg.attrName !== undefined);
    this._hasPositionSelector = this.segments.some(seg => seg.position !== undefined);
  }

  /**
   * Parse pattern string into segments
   * @private
   * @param {string} pattern - Pattern to parse
   * @returns {Array} Array of segment objects
   */
  _parse(pattern) {
    const segments = [];

    // Split by separator but handle ".." specially
    let i = 0;
    let currentPart = '';

    while (i < pattern.length) {
      if (pattern[i] === this.separator) {
        // Check if next char is also separator (deep wildcard)
        if (i + 1 < pattern.length && pattern[i + 1] === this.separator) {
          // Flush current part if any
          if (currentPart.trim()) {
            segments.push(this._parseSegment(currentPart.trim()));
            currentPart = '';
          }
          // Add deep wildcard
          segments.push({ type: 'deep-wildcard' });
          i += 2; // Skip both separators
        } else {
          // Regular separator
          if (currentPart.trim()) {
            segments.push(this._parseSegment(currentPart.trim()));
          }
          currentPart = '';
          i++;
        }
      } else {
        currentPart += pattern[i];
        i++;
      }
    }

    // Flush remaining part
    if (currentPart.trim()) {
      segments.push(this._parseSegment(currentPart.trim()));
    }

    return segments;
  }

  /**
   * Parse a single segment
   * @private
   * @param {string} part - Segment string (e.g., "user", "ns::user", "user[id]", "ns::user:first")
   * @returns {Object} Segment object
   */
  _parseSegment(part) {
    const segment = { type: 'tag' };

    // NEW NAMESPACE SYNTAX (v2.0):
    // ============================
    // Namespace uses DOUBLE colon (::)
    // Position uses SINGLE colon (:)
    // 
    // Examples:
    //   "user"              → tag
    //   "user:first"        → tag + position
    //   "user[id]"          → tag + attribute
    //   "user[id]:first"    → tag + attribute + position
    //   "ns::user"          → namespace + tag
    //   "ns::user:first"    → namespace + tag + position
    //   "ns::user[id]"      → namespace + tag + attribute
    //   "ns::user[id]:first" → namespace + tag + attribute + position
    //   "ns::first"         → namespace + tag named "first" (NO ambiguity!)
    //
    // This eliminates all ambiguity:
    //   :: = namespace separator
    //   :  = position selector
    //   [] = attributes

    // Step 1: Extract brackets [attr] or [attr=value]
    let bracketContent = null;
    let withoutBrackets = part;

    const bracketMatch = part.match(/^([^\[]+)(\[[^\]]*\])(.*)$/);
    if (bracketMatch) {
      withoutBrackets = bracketMatch[1] + bracketMatch[3];
      if (bracketMatch[2]) {
        const content = bracketMatch[2].slice(1, -1);
        if (content) {
          bracketContent = content;
        }
      }
    }

    // Step 2: Check for namespace (double colon ::)
    let namespace = undefined;
    let tagAndPosition = withoutBrackets;

    if (withoutBrackets.includes('::')) {
      const nsIndex = withoutBrackets.indexOf('::');
      namespace = withoutBrackets.substring(0, nsIndex).trim();
      tagAndPosition = withoutBrackets.substring(nsIndex + 2).trim(); // Skip ::

      if (!namespace) {
        throw new Error(`Invalid namespace in pattern: ${part}`);
      }
    }

    // Step 3: Parse tag and position (single colon :)
    let tag = undefined;
    let positionMatch = null;

    if (tagAndPosition.includes(':')) {
      const colonIndex = tagAndPosition.lastIndexOf(':'); // Use last colon for position
      const tagPart = tagAndPosition.substring(0, colonIndex).trim();
      const posPart = tagAndPosition.substring(colonIndex + 1).trim();

      // Verify position is a valid keyword
      const isPositionKeyword = ['first', 'last', 'odd', 'even'].includes(posPart) ||
        /^nth\(\d+\)$/.test(posPart);

      if (isPositionKeyword) {
        tag = tagPart;
        positionMatch = posPart;
      } else {
        // Not a valid position keyword, treat whole thing as tag
        tag = tagAndPosition;
      }
    } else {
      tag = tagAndPosition;
    }

    if (!tag) {
      throw new Error(`Invalid segment pattern: ${part}`);
    }

    segment.tag = tag;
    if (namespace) {
      segment.namespace = namespace;
    }

    // Step 4: Parse attributes
    if (bracketContent) {
      if (bracketContent.includes('=')) {
        const eqIndex = bracketContent.indexOf('=');
        segment.attrName = bracketContent.substring(0, eqIndex).trim();
        segment.attrValue = bracketContent.substring(eqIndex + 1).trim();
      } else {
        segment.attrName = bracketContent.trim();
      }
    }

    // Step 5: Parse position selector
    if (positionMatch) {
      const nthMatch = positionMatch.match(/^nth\((\d+)\)$/);
      if (nthMatch) {
        segment.position = 'nth';
        segment.positionValue = parseInt(nthMatch[1], 10);
      } else {
        segment.position = positionMatch;
      }
    }

    return segment;
  }

  /**
   * Get the number of segments
   * @returns {number}
   */
  get length() {
    return this.segments.length;
  }

  /**
   * Check if expression contains deep wildcard
   * @returns {boolean}
   */
  hasDeepWildcard() {
    return this._hasDeepWildcard;
  }

  /**
   * Check if expression has attribute conditions
   * @returns {boolean}
   */
  hasAttributeCondition() {
    return this._hasAttributeCondition;
  }

  /**
   * Check if expression has position selectors
   * @returns {boolean}
   */
  hasPositionSelector() {
    return this._hasPositionSelector;
  }

  /**
   * Get string representation
   * @returns {string}
   */
  toString() {
    return this.pattern;
  }
}
;// CONCATENATED MODULE: ./node_modules/path-expression-matcher/src/ExpressionSet.js
/**
 * ExpressionSet - An indexed collection of Expressions for efficient bulk matching
 *
 * Instead of iterating all expressions on every tag, ExpressionSet pre-indexes
 * them at insertion time by depth and terminal tag name. At match time, only
 * the relevant bucket is evaluated — typically reducing checks from O(E) to O(1)
 * lookup plus O(small bucket) matches.
 *
 * Three buckets are maintained:
 *  - `_byDepthAndTag`  — exact depth + exact tag name  (tightest, used first)
 *  - `_wildcardByDepth` — exact depth + wildcard tag `*` (depth-matched only)
 *  - `_deepWildcards`  — expressions containing `..`  (cannot be depth-indexed)
 *
 * @example
 * import { Expression, ExpressionSet } from 'fast-xml-tagger';
 *
 * // Build once at config time
 * const stopNodes = new ExpressionSet();
 * stopNodes.add(new Expression('root.users.user'));
 * stopNodes.add(new Expression('root.config.setting'));
 * stopNodes.add(new Expression('..script'));
 *
 * // Query on every tag — hot path
 * if (stopNodes.matchesAny(matcher)) { ... }
 */
class ExpressionSet {
  constructor() {
    /** @type {Map<string, import('./Expression.js').default[]>} depth:tag → expressions */
    this._byDepthAndTag = new Map();

    /** @type {Map<number, import('./Expression.js').default[]>} depth → wildcard-tag expressions */
    this._wildcardByDepth = new Map();

    /** @type {import('./Expression.js').default[]} expressions containing deep wildcard (..) */
    this._deepWildcards = [];

    /** @type {Map<string, import('./Expression.js').default[]>} terminalTag → deep wildcard expressions */
    this._deepByTerminalTag = new Map();

    /** @type {Set<string>} pattern strings already added — used for deduplication */
    this._patterns = new Set();

    /** @type {boolean} whether the set is sealed against further additions */
    this._sealed = false;
  }

  /**
   * Add an Expression to the set.
   * Duplicate patterns (same pattern string) are silently ignored.
   *
   * @param {import('./Expression.js').default} expression - A pre-constructed Expression instance
   * @returns {this} for chaining
   * @throws {TypeError} if called after seal()
   *
   * @example
   * set.add(new Expression('root.users.user'));
   * set.add(new Expression('..script'));
   */
  add(expression) {
    if (this._sealed) {
      throw new TypeError(
        'ExpressionSet is sealed. Create a new ExpressionSet to add more expressions.'
      );
    }

    // Deduplicate by pattern string
    if (this._patterns.has(expression.pattern)) return this;
    this._patterns.add(expression.pattern);

    if (expression.hasDeepWildcard()) {
      const lastSeg = expression.segments[expression.segments.length - 1];
      if (lastSeg && lastSeg.type !== 'deep-wildcard' && lastSeg.tag !== '*') {
        const tag = lastSeg.tag;
        if (!this._deepByTerminalTag.has(tag)) this._deepByTerminalTag.set(tag, []);
        this._deepByTerminalTag.get(tag).push(expression);
      } else {
        this._deepWildcards.push(expression);
      }
      return this;
    }

    const depth = expression.length;
    const lastSeg = expression.segments[expression.segments.length - 1];
    const tag = lastSeg?.tag;

    if (!tag || tag === '*') {
      // Can index by depth but not by tag
      if (!this._wildcardByDepth.has(depth)) this._wildcardByDepth.set(depth, []);
      this._wildcardByDepth.get(depth).push(expression);
    } else {
      // Tightest bucket: depth + tag
      const key = `${depth}:${tag}`;
      if (!this._byDepthAndTag.has(key)) this._byDepthAndTag.set(key, []);
      this._byDepthAndTag.get(key).push(expression);
    }

    return this;
  }

  /**
   * Add multiple expressions at once.
   *
   * @param {import('./Expression.js').default[]} expressions - Array of Expression instances
   * @returns {this} for chaining
   *
   * @example
   * set.addAll([
   *   new Expression('root.users.user'),
   *   new Expression('root.config.setting'),
   * ]);
   */
  addAll(expressions) {
    for (const expr of expressions) this.add(expr);
    return this;
  }

  /**
   * Check whether a pattern string is already present in the set.
   *
   * @param {import('./Expression.js').default} expression
   * @returns {boolean}
   */
  has(expression) {
    return this._patterns.has(expression.pattern);
  }

  /**
   * Number of expressions in the set.
   * @type {number}
   */
  get size() {
    return this._patterns.size;
  }

  /**
   * Seal the set against further modifications.
   * Useful to prevent accidental mutations after config is built.
   * Calling add() or addAll() on a sealed set throws a TypeError.
   *
   * @returns {this}
   */
  seal() {
    this._sealed = true;
    return this;
  }

  /**
   * Whether the set has been sealed.
   * @type {boolean}
   */
  get isSealed() {
    return this._sealed;
  }

  /**
   * Test whether the matcher's current path matches any expression in the set.
   *
   * Evaluation order (cheapest → most expensive):
   *  1. Exact depth + tag bucket  — O(1) lookup, typically 0–2 expressions
   *  2. Depth-only wildcard bucket — O(1) lookup, rare
   *  3. Deep-wildcard list         — always checked, but usually small
   *
   * @param {import('./Matcher.js').default} matcher - Matcher instance (or readOnly view)
   * @returns {boolean} true if any expression matches the current path
   *
   * @example
   * if (stopNodes.matchesAny(matcher)) {
   *   // handle stop node
   * }
   */
  matchesAny(matcher) {
    return this.findMatch(matcher) !== null;
  }
  /**
 * Find and return the first Expression that matches the matcher's current path.
 *
 * Uses the same evaluation order as matchesAny (cheapest → most expensive):
 *  1. Exact depth + tag bucket
 *  2. Depth-only wildcard bucket
 *  3. Deep-wildcard list
 *
 * @param {import('./Matcher.js').default} matcher - Matcher instance (or readOnly view)
 * @returns {import('./Expression.js').default | null} the first matching Expression, or null
 *
 * @example
 * const expr = stopNodes.findMatch(matcher);
 * if (expr) {
 *   // access expr.config, expr.pattern, etc.
 * }
 */
  findMatch(matcher) {
    const depth = matcher.getDepth();
    const tag = matcher.getCurrentTag();

    // 1. Tightest bucket — most expressions live here
    const exactKey = `${depth}:${tag}`;
    const exactBucket = this._byDepthAndTag.get(exactKey);
    if (exactBucket) {
      for (let i = 0; i < exactBucket.length; i++) {
        if (matcher.matches(exactBucket[i])) return exactBucket[i];
      }
    }

    // 2. Depth-matched wildcard-tag expressions
    const wildcardBucket = this._wildcardByDepth.get(depth);
    if (wildcardBucket) {
      for (let i = 0; i < wildcardBucket.length; i++) {
        if (matcher.matches(wildcardBucket[i])) return wildcardBucket[i];
      }
    }

    // 3. Deep wildcards — indexed by terminal tag, then unindexed fallback
    const deepBucket = this._deepByTerminalTag.get(tag);
    if (deepBucket) {
      for (let i = 0; i < deepBucket.length; i++) {
        if (matcher.matches(deepBucket[i])) return deepBucket[i];
      }
    }
    for (let i = 0; i < this._deepWildcards.length; i++) {
      if (matcher.matches(this._deepWildcards[i])) return this._deepWildcards[i];
    }

    return null;
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/entities/src/entities.js
// ---------------------------------------------------------------------------
// Complete HTML5 named entity reference
// Organized by logical categories for easy maintenance and selective importing
// ---------------------------------------------------------------------------

/**
 * Basic Latin & Special Characters
 * @type {Record<string, string>}
 */
const BASIC_LATIN = {
  amp: '&',
  AMP: '&',
  lt: '<',
  LT: '<',
  gt: '>',
  GT: '>',
  quot: '"',
  QUOT: '"',
  apos: "'",
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  lsquor: '‚',
  rsquor: '’',
  ldquor: '„',
  bdquo: '„',
  comma: ',',
  period: '.',
  colon: ':',
  semi: ';',
  excl: '!',
  quest: '?',
  num: '#',
  dollar: '$',
  percent: '%',
  ast: '*',
  commat: '@',
  lowbar: '_',
  verbar: '|',
  vert: '|',
  sol: '/',
  bsol: '\\',
  lbrace: '{',
  rbrace: '}',
  lbrack: '[',
  rbrack: ']',
  lpar: '(',
  rpar: ')',
  nbsp: '\u00a0',
  iexcl: '¡',
  cent: '¢',
  pound: '£',
  curren: '¤',
  yen: '¥',
  brvbar: '¦',
  sect: '§',
  uml: '¨',
  copy: '©',
  COPY: '©',
  ordf: 'ª',
  laquo: '«',
  not: '¬',
  shy: '\u00ad',
  reg: '®',
  REG: '®',
  macr: '¯',
  deg: '°',
  plusmn: '±',
  sup2: '²',
  sup3: '³',
  acute: '´',
  micro: 'µ',
  para: '¶',
  middot: '·',
  cedil: '¸',
  sup1: '¹',
  ordm: 'º',
  raquo: '»',
  frac14: '¼',
  frac12: '½',
  half: '½',
  frac34: '¾',
  iquest: '¿',
  times: '×',
  div: '÷',
  divide: '÷',
};

/**
 * Latin Extended & Accented Letters (A-Z)
 * @type {Record<string, string>}
 */
const LATIN_ACCENTS = {
  Agrave: 'À',
  agrave: 'à',
  Aacute: 'Á',
  aacute: 'á',
  Acirc: 'Â',
  acirc: 'â',
  Atilde: 'Ã',
  atilde: 'ã',
  Auml: 'Ä',
  auml: 'ä',
  Aring: 'Å',
  aring: 'å',
  AElig: 'Æ',
  aelig: 'æ',
  Ccedil: 'Ç',
  ccedil: 'ç',
  Egrave: 'È',
  egrave: 'è',
  Eacute: 'É',
  eacute: 'é',
  Ecirc: 'Ê',
  ecirc: 'ê',
  Euml: 'Ë',
  euml: 'ë',
  Igrave: 'Ì',
  igrave: 'ì',
  Iacute: 'Í',
  iacute: 'í',
  Icirc: 'Î',
  icirc: 'î',
  Iuml: 'Ï',
  iuml: 'ï',
  ETH: 'Ð',
  eth: 'ð',
  Ntilde: 'Ñ',
  ntilde: 'ñ',
  Ograve: 'Ò',
  ograve: 'ò',
  Oacute: 'Ó',
  oacute: 'ó',
  Ocirc: 'Ô',
  ocirc: 'ô',
  Otilde: 'Õ',
  otilde: 'õ',
  Ouml: 'Ö',
  ouml: 'ö',
  Oslash: 'Ø',
  oslash: 'ø',
  Ugrave: 'Ù',
  ugrave: 'ù',
  Uacute: 'Ú',
  uacute: 'ú',
  Ucirc: 'Û',
  ucirc: 'û',
  Uuml: 'Ü',
  uuml: 'ü',
  Yacute: 'Ý',
  yacute: 'ý',
  THORN: 'Þ',
  thorn: 'þ',
  szlig: 'ß',
  yuml: 'ÿ',
  Yuml: 'Ÿ',
};

/**
 * Latin Extended (Letters with diacritics)
 * @type {Record<string, string>}
 */
const LATIN_EXTENDED = {
  Amacr: 'Ā',
  amacr: 'ā',
  Abreve: 'Ă',
  abreve: 'ă',
  Aogon: 'Ą',
  aogon: 'ą',
  Cacute: 'Ć',
  cacute: 'ć',
  Ccirc: 'Ĉ',
  ccirc: 'ĉ',
  Cdot: 'Ċ',
  cdot: 'ċ',
  Ccaron: 'Č',
  ccaron: 'č',
  Dcaron: 'Ď',
  dcaron: 'ď',
  Dstrok: 'Đ',
  dstrok: 'đ',
  Emacr: 'Ē',
  emacr: 'ē',
  Ecaron: 'Ě',
  ecaron: 'ě',
  Edot: 'Ė',
  edot: 'ė',
  Eogon: 'Ę',
  eogon: 'ę',
  Gcirc: 'Ĝ',
  gcirc: 'ĝ',
  Gbreve: 'Ğ',
  gbreve: 'ğ',
  Gdot: 'Ġ',
  gdot: 'ġ',
  Gcedil: 'Ģ',
  Hcirc: 'Ĥ',
  hcirc: 'ĥ',
  Hstrok: 'Ħ',
  hstrok: 'ħ',
  Itilde: 'Ĩ',
  itilde: 'ĩ',
  Imacr: 'Ī',
  imacr: 'ī',
  Iogon: 'Į',
  iogon: 'į',
  Idot: 'İ',
  IJlig: 'Ĳ',
  ijlig: 'ĳ',
  Jcirc: 'Ĵ',
  jcirc: 'ĵ',
  Kcedil: 'Ķ',
  kcedil: 'ķ',
  kgreen: 'ĸ',
  Lacute: 'Ĺ',
  lacute: 'ĺ',
  Lcedil: 'Ļ',
  lcedil: 'ļ',
  Lcaron: 'Ľ',
  lcaron: 'ľ',
  Lmidot: 'Ŀ',
  lmidot: 'ŀ',
  Lstrok: 'Ł',
  lstrok: 'ł',
  Nacute: 'Ń',
  nacute: 'ń',
  Ncaron: 'Ň',
  ncaron: 'ň',
  Ncedil: 'Ņ',
  ncedil: 'ņ',
  ENG: 'Ŋ',
  eng: 'ŋ',
  Omacr: 'Ō',
  omacr: 'ō',
  Odblac: 'Ő',
  odblac: 'ő',
  OElig: 'Œ',
  oelig: 'œ',
  Racute: 'Ŕ',
  racute: 'ŕ',
  Rcaron: 'Ř',
  rcaron: 'ř',
  Rcedil: 'Ŗ',
  rcedil: 'ŗ',
  Sacute: 'Ś',
  sacute: 'ś',
  Scirc: 'Ŝ',
  scirc: 'ŝ',
  Scedil: 'Ş',
  scedil: 'ş',
  Scaron: 'Š',
  scaron: 'š',
  Tcedil: 'Ţ',
  tcedil: 'ţ',
  Tcaron: 'Ť',
  tcaron: 'ť',
  Tstrok: 'Ŧ',
  tstrok: 'ŧ',
  Utilde: 'Ũ',
  utilde: 'ũ',
  Umacr: 'Ū',
  umacr: 'ū',
  Ubreve: 'Ŭ',
  ubreve: 'ŭ',
  Uring: 'Ů',
  uring: 'ů',
  Udblac: 'Ű',
  udblac: 'ű',
  Uogon: 'Ų',
  uogon: 'ų',
  Wcirc: 'Ŵ',
  wcirc: 'ŵ',
  Ycirc: 'Ŷ',
  ycirc: 'ŷ',
  Zacute: 'Ź',
  zacute: 'ź',
  Zdot: 'Ż',
  zdot: 'ż',
  Zcaron: 'Ž',
  zcaron: 'ž',
};

/**
 * Greek Letters
 * @type {Record<string, string>}
 */
const GREEK = {
  Alpha: 'Α',
  alpha: 'α',
  Beta: 'Β',
  beta: 'β',
  Gamma: 'Γ',
  gamma: 'γ',
  Delta: 'Δ',
  delta: 'δ',
  Epsilon: 'Ε',
  epsilon: 'ε',
  epsiv: 'ϵ',
  varepsilon: 'ϵ',
  Zeta: 'Ζ',
  zeta: 'ζ',
  Eta: 'Η',
  eta: 'η',
  Theta: 'Θ',
  theta: 'θ',
  thetasym: 'ϑ',
  vartheta: 'ϑ',
  Iota: 'Ι',
  iota: 'ι',
  Kappa: 'Κ',
  kappa: 'κ',
  kappav: 'ϰ',
  varkappa: 'ϰ',
  Lambda: 'Λ',
  lambda: 'λ',
  Mu: 'Μ',
  mu: 'μ',
  Nu: 'Ν',
  nu: 'ν',
  Xi: 'Ξ',
  xi: 'ξ',
  Omicron: 'Ο',
  omicron: 'ο',
  Pi: 'Π',
  pi: 'π',
  piv: 'ϖ',
  varpi: 'ϖ',
  Rho: 'Ρ',
  rho: 'ρ',
  rhov: 'ϱ',
  varrho: 'ϱ',
  Sigma: 'Σ',
  sigma: 'σ',
  sigmaf: 'ς',
  sigmav: 'ς',
  varsigma: 'ς',
  Tau: 'Τ',
  tau: 'τ',
  Upsilon: 'Υ',
  upsilon: 'υ',
  upsi: 'υ',
  Upsi: 'ϒ',
  upsih: 'ϒ',
  Phi: 'Φ',
  phi: 'φ',
  phiv: 'ϕ',
  varphi: 'ϕ',
  Chi: 'Χ',
  chi: 'χ',
  Psi: 'Ψ',
  psi: 'ψ',
  Omega: 'Ω',
  omega: 'ω',
  ohm: 'Ω',
  Gammad: 'Ϝ',
  gammad: 'ϝ',
  digamma: 'ϝ',
};

/**
 * Cyrillic Letters
 * @type {Record<string, string>}
 */
const CYRILLIC = {
  Afr: '𝔄',
  afr: '𝔞',
  Acy: 'А',
  acy: 'а',
  Bcy: 'Б',
  bcy: 'б',
  Vcy: 'В',
  vcy: 'в',
  Gcy: 'Г',
  gcy: 'г',
  Dcy: 'Д',
  dcy: 'д',
  IEcy: 'Е',
  iecy: 'е',
  IOcy: 'Ё',
  iocy: 'ё',
  ZHcy: 'Ж',
  zhcy: 'ж',
  Zcy: 'З',
  zcy: 'з',
  Icy: 'И',
  icy: 'и',
  Jcy: 'Й',
  jcy: 'й',
  Kcy: 'К',
  kcy: 'к',
  Lcy: 'Л',
  lcy: 'л',
  Mcy: 'М',
  mcy: 'м',
  Ncy: 'Н',
  ncy: 'н',
  Ocy: 'О',
  ocy: 'о',
  Pcy: 'П',
  pcy: 'п',
  Rcy: 'Р',
  rcy: 'р',
  Scy: 'С',
  scy: 'с',
  Tcy: 'Т',
  tcy: 'т',
  Ucy: 'У',
  ucy: 'у',
  Fcy: 'Ф',
  fcy: 'ф',
  KHcy: 'Х',
  khcy: 'х',
  TScy: 'Ц',
  tscy: 'ц',
  CHcy: 'Ч',
  chcy: 'ч',
  SHcy: 'Ш',
  shcy: 'ш',
  SHCHcy: 'Щ',
  shchcy: 'щ',
  HARDcy: 'Ъ',
  hardcy: 'ъ',
  Ycy: 'Ы',
  ycy: 'ы',
  SOFTcy: 'Ь',
  softcy: 'ь',
  Ecy: 'Э',
  ecy: 'э',
  YUcy: 'Ю',
  yucy: 'ю',
  YAcy: 'Я',
  yacy: 'я',
  DJcy: 'Ђ',
  djcy: 'ђ',
  GJcy: 'Ѓ',
  gjcy: 'ѓ',
  Jukcy: 'Є',
  jukcy: 'є',
  DScy: 'Ѕ',
  dscy: 'ѕ',
  Iukcy: 'І',
  iukcy: 'і',
  YIcy: 'Ї',
  yicy: 'ї',
  Jsercy: 'Ј',
  jsercy: 'ј',
  LJcy: 'Љ',
  ljcy: 'љ',
  NJcy: 'Њ',
  njcy: 'њ',
  TSHcy: 'Ћ',
  tshcy: 'ћ',
  KJcy: 'Ќ',
  kjcy: 'ќ',
  Ubrcy: 'Ў',
  ubrcy: 'ў',
  DZcy: 'Џ',
  dzcy: 'џ',
};

/**
 * Mathematical Operators & Relations
 * @type {Record<string, string>}
 */
const MATH = {
  plus: '+',
  pm: '±',
  times: '×',
  div: '÷',
  divide: '÷',
  sdot: '⋅',
  star: '☆',
  starf: '★',
  bigstar: '★',
  lowast: '∗',
  ast: '*',
  midast: '*',
  compfn: '∘',
  smallcircle: '∘',
  bullet: '•',
  bull: '•',
  nbsp: '\u00a0',
  hellip: '…',
  mldr: '…',
  prime: '′',
  Prime: '″',
  tprime: '‴',
  bprime: '‵',
  backprime: '‵',
  minus: '−',
  minusd: '∸',
  dotminus: '∸',
  plusdo: '∔',
  dotplus: '∔',
  plusmn: '±',
  minusplus: '∓',
  mnplus: '∓',
  mp: '∓',
  setminus: '∖',
  smallsetminus: '∖',
  Backslash: '∖',
  setmn: '∖',
  ssetmn: '∖',
  lowbar: '_',
  verbar: '|',
  vert: '|',
  VerticalLine: '|',
  colon: ':',
  Colon: '∷',
  Proportion: '∷',
  ratio: '∶',
  equals: '=',
  ne: '≠',
  nequiv: '≢',
  equiv: '≡',
  Congruent: '≡',
  sim: '∼',
  thicksim: '∼',
  thksim: '∼',
  sime: '≃',
  simeq: '≃',
  TildeEqual: '≃',
  asymp: '≈',
  approx: '≈',
  thickapprox: '≈',
  thkap: '≈',
  TildeTilde: '≈',
  ncong: '≇',
  cong: '≅',
  TildeFullEqual: '≅',
  asympeq: '≍',
  CupCap: '≍',
  bump: '≎',
  Bumpeq: '≎',
  HumpDownHump: '≎',
  bumpe: '≏',
  bumpeq: '≏',
  HumpEqual: '≏',
  le: '≤',
  LessEqual: '≤',
  ge: '≥',
  GreaterEqual: '≥',
  lesseqgtr: '⋚',
  lesseqqgtr: '⪋',
  greater: '>',
  less: '<',
};

/**
 * Mathematical Operators (Advanced)
 * @type {Record<string, string>}
 */
const MATH_ADVANCED = {
  alefsym: 'ℵ',
  aleph: 'ℵ',
  beth: 'ℶ',
  gimel: 'ℷ',
  daleth: 'ℸ',
  forall: '∀',
  ForAll: '∀',
  part: '∂',
  PartialD: '∂',
  exist: '∃',
  Exists: '∃',
  nexist: '∄',
  nexists: '∄',
  empty: '∅',
  emptyset: '∅',
  emptyv: '∅',
  varnothing: '∅',
  nabla: '∇',
  Del: '∇',
  isin: '∈',
  isinv: '∈',
  in: '∈',
  Element: '∈',
  notin: '∉',
  notinva: '∉',
  ni: '∋',
  niv: '∋',
  SuchThat: '∋',
  ReverseElement: '∋',
  notni: '∌',
  notniva: '∌',
  prod: '∏',
  Product: '∏',
  coprod: '∐',
  Coproduct: '∐',
  sum: '∑',
  Sum: '∑',
  minus: '−',
  mp: '∓',
  plusdo: '∔',
  dotplus: '∔',
  setminus: '∖',
  lowast: '∗',
  radic: '√',
  Sqrt: '√',
  prop: '∝',
  propto: '∝',
  Proportional: '∝',
  varpropto: '∝',
  infin: '∞',
  infintie: '⧝',
  ang: '∠',
  angle: '∠',
  angmsd: '∡',
  measuredangle: '∡',
  angsph: '∢',
  mid: '∣',
  VerticalBar: '∣',
  nmid: '∤',
  nsmid: '∤',
  npar: '∦',
  parallel: '∥',
  spar: '∥',
  nparallel: '∦',
  nspar: '∦',
  and: '∧',
  wedge: '∧',
  or: '∨',
  vee: '∨',
  cap: '∩',
  cup: '∪',
  int: '∫',
  Integral: '∫',
  conint: '∮',
  ContourIntegral: '∮',
  Conint: '∯',
  DoubleContourIntegral: '∯',
  Cconint: '∰',
  there4: '∴',
  therefore: '∴',
  Therefore: '∴',
  becaus: '∵',
  because: '∵',
  Because: '∵',
  ratio: '∶',
  Proportion: '∷',
  minusd: '∸',
  dotminus: '∸',
  mDDot: '∺',
  homtht: '∻',
  sim: '∼',
  bsimg: '∽',
  backsim: '∽',
  ac: '∾',
  mstpos: '∾',
  acd: '∿',
  VerticalTilde: '≀',
  wr: '≀',
  wreath: '≀',
  nsime: '≄',
  nsimeq: '≄',
  ncong: '≇',
  simne: '≆',
  ncongdot: '⩭̸',
  ngsim: '≵',
  nsim: '≁',
  napprox: '≉',
  nap: '≉',
  ngeq: '≱',
  nge: '≱',
  nleq: '≰',
  nle: '≰',
  ngtr: '≯',
  ngt: '≯',
  nless: '≮',
  nlt: '≮',
  nprec: '⊀',
  npr: '⊀',
  nsucc: '⊁',
  nsc: '⊁',
};

/**
 * Arrows
 * @type {Record<string, string>}
 */
const ARROWS = {
  larr: '←',
  leftarrow: '←',
  LeftArrow: '←',
  uarr: '↑',
  uparrow: '↑',
  UpArrow: '↑',
  rarr: '→',
  rightarrow: '→',
  RightArrow: '→',
  darr: '↓',
  downarrow: '↓',
  DownArrow: '↓',
  harr: '↔',
  leftrightarrow: '↔',
  LeftRightArrow: '↔',
  varr: '↕',
  updownarrow: '↕',
  UpDownArrow: '↕',
  nwarr: '↖',
  nwarrow: '↖',
  UpperLeftArrow: '↖',
  nearr: '↗',
  nearrow: '↗',
  UpperRightArrow: '↗',
  searr: '↘',
  searrow: '↘',
  LowerRightArrow: '↘',
  swarr: '↙',
  swarrow: '↙',
  LowerLeftArrow: '↙',
  lArr: '⇐',
  Leftarrow: '⇐',
  uArr: '⇑',
  Uparrow: '⇑',
  rArr: '⇒',
  Rightarrow: '⇒',
  dArr: '⇓',
  Downarrow: '⇓',
  hArr: '⇔',
  Leftrightarrow: '⇔',
  iff: '⇔',
  vArr: '⇕',
  Updownarrow: '⇕',
  lAarr: '⇚',
  Lleftarrow: '⇚',
  rAarr: '⇛',
  Rrightarrow: '⇛',
  lrarr: '⇆',
  leftrightarrows: '⇆',
  rlarr: '⇄',
  rightleftarrows: '⇄',
  lrhar: '⇋',
  leftrightharpoons: '⇋',
  ReverseEquilibrium: '⇋',
  rlhar: '⇌',
  rightleftharpoons: '⇌',
  Equilibrium: '⇌',
  udarr: '⇅',
  UpArrowDownArrow: '⇅',
  duarr: '⇵',
  DownArrowUpArrow: '⇵',
  llarr: '⇇',
  leftleftarrows: '⇇',
  rrarr: '⇉',
  rightrightarrows: '⇉',
  ddarr: '⇊',
  downdownarrows: '⇊',
  har: '↽',
  lhard: '↽',
  leftharpoondown: '↽',
  lharu: '↼',
  leftharpoonup: '↼',
  rhard: '⇁',
  rightharpoondown: '⇁',
  rharu: '⇀',
  rightharpoonup: '⇀',
  lsh: '↰',
  Lsh: '↰',
  rsh: '↱',
  Rsh: '↱',
  ldsh: '↲',
  rdsh: '↳',
  hookleftarrow: '↩',
  hookrightarrow: '↪',
  mapstoleft: '↤',
  mapstoup: '↥',
  map: '↦',
  mapsto: '↦',
  mapstodown: '↧',
  crarr: '↵',
  nleftarrow: '↚',
  nleftrightarrow: '↮',
  nrightarrow: '↛',
  nrarr: '↛',
  larrtl: '↢',
  rarrtl: '↣',
  leftarrowtail: '↢',
  rightarrowtail: '↣',
  twoheadleftarrow: '↞',
  twoheadrightarrow: '↠',
  Larr: '↞',
  Rarr: '↠',
  larrhk: '↩',
  rarrhk: '↪',
  larrlp: '↫',
  looparrowleft: '↫',
  rarrlp: '↬',
  looparrowright: '↬',
  harrw: '↭',
  leftrightsquigarrow: '↭',
  nrarrw: '↝̸',
  rarrw: '↝',
  rightsquigarrow: '↝',
  larrbfs: '⤟',
  rarrbfs: '⤠',
  nvHarr: '⤄',
  nvlArr: '⤂',
  nvrArr: '⤃',
  larrfs: '⤝',
  rarrfs: '⤞',
  Map: '⤅',
  larrsim: '⥳',
  rarrsim: '⥴',
  harrcir: '⥈',
  Uarrocir: '⥉',
  lurdshar: '⥊',
  ldrdhar: '⥧',
  ldrushar: '⥋',
  rdldhar: '⥩',
  lrhard: '⥭',
  uharr: '↾',
  uharl: '↿',
  dharr: '⇂',
  dharl: '⇃',
  Uarr: '↟',
  Darr: '↡',
  zigrarr: '⇝',
  nwArr: '⇖',
  neArr: '⇗',
  seArr: '⇘',
  swArr: '⇙',
  nharr: '↮',
  nhArr: '⇎',
  nlarr: '↚',
  nlArr: '⇍',
  nrArr: '⇏',
  larrb: '⇤',
  LeftArrowBar: '⇤',
  rarrb: '⇥',
  RightArrowBar: '⇥',
};

/**
 * Geometric Shapes
 * @type {Record<string, string>}
 */
const SHAPES = {
  square: '□',
  Square: '□',
  squ: '□',
  squf: '▪',
  squarf: '▪',
  blacksquar: '▪',
  blacksquare: '▪',
  FilledVerySmallSquare: '▪',
  blk34: '▓',
  blk12: '▒',
  blk14: '░',
  block: '█',
  srect: '▭',
  rect: '▭',
  sdot: '⋅',
  sdotb: '⊡',
  dotsquare: '⊡',
  triangle: '▵',
  tri: '▵',
  trine: '▵',
  utri: '▵',
  triangledown: '▿',
  dtri: '▿',
  tridown: '▿',
  triangleleft: '◃',
  ltri: '◃',
  triangleright: '▹',
  rtri: '▹',
  blacktriangle: '▴',
  utrif: '▴',
  blacktriangledown: '▾',
  dtrif: '▾',
  blacktriangleleft: '◂',
  ltrif: '◂',
  blacktriangleright: '▸',
  rtrif: '▸',
  loz: '◊',
  lozenge: '◊',
  blacklozenge: '⧫',
  lozf: '⧫',
  bigcirc: '◯',
  xcirc: '◯',
  circ: 'ˆ',
  Circle: '○',
  cir: '○',
  o: '○',
  bullet: '•',
  bull: '•',
  hellip: '…',
  mldr: '…',
  nldr: '‥',
  boxh: '─',
  HorizontalLine: '─',
  boxv: '│',
  boxdr: '┌',
  boxdl: '┐',
  boxur: '└',
  boxul: '┘',
  boxvr: '├',
  boxvl: '┤',
  boxhd: '┬',
  boxhu: '┴',
  boxvh: '┼',
  boxH: '═',
  boxV: '║',
  boxdR: '╒',
  boxDr: '╓',
  boxDR: '╔',
  boxDl: '╕',
  boxdL: '╖',
  boxDL: '╗',
  boxuR: '╘',
  boxUr: '╙',
  boxUR: '╚',
  boxUl: '╜',
  boxuL: '╛',
  boxUL: '╝',
  boxvR: '╞',
  boxVr: '╟',
  boxVR: '╠',
  boxVl: '╢',
  boxvL: '╡',
  boxVL: '╣',
  boxHd: '╤',
  boxhD: '╥',
  boxHD: '╦',
  boxHu: '╧',
  boxhU: '╨',
  boxHU: '╩',
  boxvH: '╪',
  boxVh: '╫',
  boxVH: '╬',
};

/**
 * Punctuation & Diacritics
 * @type {Record<string, string>}
 */
const PUNCTUATION = {
  excl: '!',
  iexcl: '¡',
  brvbar: '¦',
  sect: '§',
  uml: '¨',
  copy: '©',
  ordf: 'ª',
  laquo: '«',
  not: '¬',
  shy: '\u00ad',
  reg: '®',
  macr: '¯',
  deg: '°',
  plusmn: '±',
  sup2: '²',
  sup3: '³',
  acute: '´',
  micro: 'µ',
  para: '¶',
  middot: '·',
  cedil: '¸',
  sup1: '¹',
  ordm: 'º',
  raquo: '»',
  frac14: '¼',
  frac12: '½',
  frac34: '¾',
  iquest: '¿',
  nbsp: '\u00a0',
  comma: ',',
  period: '.',
  colon: ':',
  semi: ';',
  vert: '|',
  Verbar: '‖',
  verbar: '|',
  dblac: '˝',
  circ: 'ˆ',
  caron: 'ˇ',
  breve: '˘',
  dot: '˙',
  ring: '˚',
  ogon: '˛',
  tilde: '˜',
  DiacriticalGrave: '`',
  DiacriticalAcute: '´',
  DiacriticalTilde: '˜',
  DiacriticalDot: '˙',
  DiacriticalDoubleAcute: '˝',
  grave: '`',
};

/**
 * Currency Symbols
 * @type {Record<string, string>}
 */
const CURRENCY = {
  cent: '¢',
  pound: '£',
  curren: '¤',
  yen: '¥',
  euro: '€',
  dollar: '$',
  fnof: 'ƒ',
  inr: '₹',
  af: '؋',
  birr: 'ብር',
  peso: '₱',
  rub: '₽',
  won: '₩',
  yuan: '¥',
  cedil: '¸',
};

/**
 * Fractions
 * @type {Record<string, string>}
 */
const FRACTIONS = {
  frac12: '½',
  half: '½',
  frac13: '⅓',
  frac14: '¼',
  frac15: '⅕',
  frac16: '⅙',
  frac18: '⅛',
  frac23: '⅔',
  frac25: '⅖',
  frac34: '¾',
  frac35: '⅗',
  frac38: '⅜',
  frac45: '⅘',
  frac56: '⅚',
  frac58: '⅝',
  frac78: '⅞',
  frasl: '⁄',
};

/**
 * Miscellaneous Symbols
 * @type {Record<string, string>}
 */
const MISC_SYMBOLS = {
  trade: '™',
  TRADE: '™',
  telrec: '⌕',
  target: '⌖',
  ulcorn: '⌜',
  ulcorner: '⌜',
  urcorn: '⌝',
  urcorner: '⌝',
  dlcorn: '⌞',
  llcorner: '⌞',
  drcorn: '⌟',
  lrcorner: '⌟',
  intercal: '⊺',
  intcal: '⊺',
  oplus: '⊕',
  CirclePlus: '⊕',
  ominus: '⊖',
  CircleMinus: '⊖',
  otimes: '⊗',
  CircleTimes: '⊗',
  osol: '⊘',
  odot: '⊙',
  CircleDot: '⊙',
  oast: '⊛',
  circledast: '⊛',
  odash: '⊝',
  circleddash: '⊝',
  ocirc: '⊚',
  circledcirc: '⊚',
  boxplus: '⊞',
  plusb: '⊞',
  boxminus: '⊟',
  minusb: '⊟',
  boxtimes: '⊠',
  timesb: '⊠',
  boxdot: '⊡',
  sdotb: '⊡',
  veebar: '⊻',
  vee: '∨',
  barvee: '⊽',
  and: '∧',
  wedge: '∧',
  Cap: '⋒',
  Cup: '⋓',
  Fork: '⋔',
  pitchfork: '⋔',
  epar: '⋕',
  ltlarr: '⥶',
  nvap: '≍⃒',
  nvsim: '∼⃒',
  nvge: '≥⃒',
  nvle: '≤⃒',
  nvlt: '<⃒',
  nvgt: '>⃒',
  nvltrie: '⊴⃒',
  nvrtrie: '⊵⃒',
  Vdash: '⊩',
  dashv: '⊣',
  vDash: '⊨',
  Vvdash: '⊪',
  nvdash: '⊬',
  nvDash: '⊭',
  nVdash: '⊮',
  nVDash: '⊯',
};

const XML = {
  amp: "&",
  apos: "'",
  gt: ">",
  lt: "<",
  quot: "\""
}
const COMMON_HTML = {
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  mdash: '\u2014',
  ndash: '\u2013',
  hellip: '\u2026',
  laquo: '\u00ab',
  raquo: '\u00bb',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bull: '\u2022',
  para: '\u00b6',
  sect: '\u00a7',
  deg: '\u00b0',
  frac12: '\u00bd',
  frac14: '\u00bc',
  frac34: '\u00be',
}
// ---------------------------------------------------------------------------
// Note: NUMERIC_ENTITIES (&#NNN; / &#xHH;) are handled by the scanner directly
// via String.fromCodePoint() without any map lookup.
// ---------------------------------------------------------------------------
;// CONCATENATED MODULE: ./node_modules/@nodable/entities/src/EntityDecoder.js
// ---------------------------------------------------------------------------
// Built-in named entity map  (name → replacement string)
// No regex, no {regex,val} objects — just flat key/value pairs.
// ---------------------------------------------------------------------------



// ---------------------------------------------------------------------------
// Entity hook action constants
// ---------------------------------------------------------------------------

/**
 * Action constants for `onExternalEntity` and `onInputEntity` hooks.
 *
 * Use these instead of raw strings to avoid typos:
 *
 * @example
 * import EntityDecoder, { ENTITY_ACTION } from './EntityDecoder.js';
 * const dec = new EntityDecoder({
 *   onInputEntity: (name, value) => ENTITY_ACTION.BLOCK,
 * });
 */
const ENTITY_ACTION = Object.freeze({
  /** Resolve and expand the entity normally. */
  ALLOW: 'allow',
  /** Silently skip this entity — it will not be registered. */
  BLOCK: 'block',
  /** Throw an error, aborting entity registration entirely. */
  THROW: 'throw',
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const SPECIAL_CHARS = new Set('!?\\\\/[]$%{}^&*()<>|+');

/**
 * Validate that an entity name contains no dangerous characters.
 * @param {string} name
 * @returns {string} the name, unchanged
 * @throws {Error} on invalid characters
 */
function EntityDecoder_validateEntityName(name) {
  if (name[0] === '#') {
    throw new Error(`[EntityReplacer] Invalid character '#' in entity name: "${name}"`);
  }
  for (const ch of name) {
    if (SPECIAL_CHARS.has(ch)) {
      throw new Error(`[EntityReplacer] Invalid character '${ch}' in entity name: "${name}"`);
    }
  }
  return name;
}

/**
 * Merge one or more entity maps into a flat name→string map.
 * Accepts either:
 *   - plain string values:             { amp: '&' }
 *   - legacy {regex,val} / {regx,val}: { lt: { regex: /.../, val: '<' } }
 *
 * Values containing '&' are skipped (recursive expansion risk).
 *
 * @param {...object} maps
 * @returns {Record<string, string>}
 */
function mergeEntityMaps(...maps) {
  const out = Object.create(null);
  for (const map of maps) {
    if (!map) continue;
    for (const key of Object.keys(map)) {
      const raw = map[key];
      if (typeof raw === 'string') {
        out[key] = raw;
      } else if (raw && typeof raw === 'object' && raw.val !== undefined) {
        // Legacy {regex,val} or {regx,val} — extract the string val only
        const val = raw.val;
        if (typeof val === 'string') {
          out[key] = val;
        }
        // function vals are not supported in the scanner — skip
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// applyLimitsTo helpers
// ---------------------------------------------------------------------------

const LIMIT_TIER_EXTERNAL = 'external'; // input/runtime + persistent external maps
const LIMIT_TIER_BASE = 'base';     // DEFAULT_XML_ENTITIES + namedEntities (system) maps
const LIMIT_TIER_ALL = 'all';      // every entity regardless of tier

/**
 * Resolve `applyLimitsTo` option into a normalised Set of tier strings.
 * Accepted values: 'external' | 'base' | 'all' | string[]
 * Default: 'external' (only untrusted injected entities are counted).
 * @param {string|string[]|undefined} raw
 * @returns {Set<string>}
 */
function parseLimitTiers(raw) {
  if (!raw || raw === LIMIT_TIER_EXTERNAL) return new Set([LIMIT_TIER_EXTERNAL]);
  if (raw === LIMIT_TIER_ALL) return new Set([LIMIT_TIER_ALL]);
  if (raw === LIMIT_TIER_BASE) return new Set([LIMIT_TIER_BASE]);
  if (Array.isArray(raw)) return new Set(raw);
  return new Set([LIMIT_TIER_EXTERNAL]); // safe default for unrecognised values
}

// ---------------------------------------------------------------------------
// NCR (Numeric Character Reference) classification
// ---------------------------------------------------------------------------

// Severity order — higher number = stricter action.
// Used to enforce minimum action levels for specific codepoint ranges.
const NCR_LEVEL = Object.freeze({ allow: 0, leave: 1, remove: 2, throw: 3 });

// XML 1.0 §2.2: allowed chars are #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// Restricted C0: U+0001–U+001F excluding U+0009, U+000A, U+000D
const XML10_ALLOWED_C0 = new Set([0x09, 0x0A, 0x0D]);

/**
 * Parse the `ncr` constructor option into flat, hot-path-friendly fields.
 * @param {object|undefined} ncr
 * @returns {{ xmlVersion: number, onLevel: number, nullLevel: number }}
 */
function parseNCRConfig(ncr) {
  if (!ncr) {
    return { xmlVersion: 1.0, onLevel: NCR_LEVEL.allow, nullLevel: NCR_LEVEL.remove };
  }
  const xmlVersion = ncr.xmlVersion === 1.1 ? 1.1 : 1.0;
  const onLevel = NCR_LEVEL[ncr.onNCR] ?? NCR_LEVEL.allow;
  const nullLevel = NCR_LEVEL[ncr.nullNCR] ?? NCR_LEVEL.remove;
  // 'allow' is not meaningful for null — clamp to at least 'remove'
  const clampedNull = Math.max(nullLevel, NCR_LEVEL.remove);
  return { xmlVersion, onLevel, nullLevel: clampedNull };
}

// ---------------------------------------------------------------------------
// EntityReplacer
// ---------------------------------------------------------------------------

/**
 * Single-pass, zero-regex entity replacer for XML/HTML content.
 *
 * Algorithm: scan the string once for '&', read to ';', resolve via map
 * or direct codepoint conversion, build output chunks, join once at the end.
 *
 * Entity lookup priority (highest → lowest):
 *   1. input / runtime  (DOCTYPE entities for current document)
 *   2. persistent external (survive across documents)
 *   3. base named map   (DEFAULT_XML_ENTITIES + user-supplied namedEntities)
 *
 * Both input and external resolve as the 'external' tier for limit purposes.
 * Base map entities resolve as the 'base' tier.
 *
 * Numeric / hex references (&#NNN; / &#xHH;) are resolved directly via
 * String.fromCodePoint() — no map needed. They count as 'base' tier.
 *
 * @example
 * const replacer = new EntityReplacer({ namedEntities: COMMON_HTML });
 * replacer.setExternalEntities({ brand: 'Acme' });
 *
 * const instance = replacer.reset();
 * instance.addInputEntities({ version: '1.0' });
 * instance.encode('&brand; v&version; &lt;'); // 'Acme v1.0 <'
 */
class EntityDecoder {
  /**
   * @param {object} [options]
   * @param {object|null}  [options.namedEntities]        — extra named entities merged into base map
   * @param {object}  [options.limit]                 — security limits
   * @param {number}       [options.limit.maxTotalExpansions=0]  — 0 = unlimited
   * @param {number}       [options.limit.maxExpandedLength=0]   — 0 = unlimited
   * @param {'external'|'base'|'all'|string[]} [options.limit.applyLimitsTo='external']
   *   Which entity tiers count against the security limits:
   *   - 'external' (default) — only input/runtime + persistent external entities
   *   - 'base'               — only DEFAULT_XML_ENTITIES + namedEntities
   *   - 'all'                — every entity regardless of tier
   *   - string[]             — explicit combination, e.g. ['external', 'base']
   * @param {((resolved: string, original: string) => string)|null} [options.postCheck=null]
   * @param {string[]} [options.remove=[]] — entity names (e.g. ['nbsp', '#13']) to delete (replace with empty string)
   * @param {string[]} [options.leave=[]]  — entity names to keep as literal (unchanged in output)
   * @param {object}   [options.ncr]       — Numeric Character Reference controls
   * @param {1.0|1.1}  [options.ncr.xmlVersion=1.0]
   *   XML version governing which codepoint ranges are restricted:
   *   - 1.0 — C0 controls U+0001–U+001F (except U+0009/000A/000D) are prohibited
   *   - 1.1 — C0 controls are allowed when written as NCRs; C1 (U+007F–U+009F) decoded as-is
   * @param {'allow'|'leave'|'remove'|'throw'} [options.ncr.onNCR='allow']
   *   Base action for numeric references. Severity order: allow < leave < remove < throw.
   *   For codepoint ranges that carry a minimum level (surrogates → remove, XML 1.0 C0 → remove),
   *   the effective action is max(onNCR, rangeMinimum).
   * @param {'remove'|'throw'} [options.ncr.nullNCR='remove']
   *   Action for U+0000 (null). 'allow' and 'leave' are clamped to 'remove' since null is never safe.
   * @param {((name: string, value: string) => 'allow'|'block'|'throw')|null} [options.onExternalEntity=null]
   *   Hook called when an external entity is registered via `setExternalEntities()` or
   *   `addExternalEntity()`. Return `ENTITY_ACTION.ALLOW` to accept the entity,
   *   `ENTITY_ACTION.BLOCK` to silently skip it, or `ENTITY_ACTION.THROW` to abort with an error.
   * @param {((name: string, value: string) => 'allow'|'block'|'throw')|null} [options.onInputEntity=null]
   *   Hook called when an input entity is registered via `addInputEntities()`. Return
   *   `ENTITY_ACTION.ALLOW` to accept, `ENTITY_ACTION.BLOCK` to silently skip, or
   *   `ENTITY_ACTION.THROW` to abort with an error.
   */
  constructor(options = {}) {
    this._limit = options.limit || {};
    this._maxTotalExpansions = this._limit.maxTotalExpansions || 0;
    this._maxExpandedLength = this._limit.maxExpandedLength || 0;
    this._postCheck = typeof options.postCheck === 'function' ? options.postCheck : r => r;
    this._limitTiers = parseLimitTiers(this._limit.applyLimitsTo ?? LIMIT_TIER_EXTERNAL);
    this._numericAllowed = options.numericAllowed ?? true;
    // Base map: DEFAULT_XML_ENTITIES + user-supplied extras. Immutable after construction.
    this._baseMap = mergeEntityMaps(XML, options.namedEntities || null);

    // Persistent external entities — survive across documents.
    // Stored as a separate map so reset() never touches them.
    /** @type {Record<string, string>} */
    this._externalMap = Object.create(null);

    // Input / runtime entities — current document only, wiped on reset().
    /** @type {Record<string, string>} */
    this._inputMap = Object.create(null);

    // Per-document counters
    this._totalExpansions = 0;
    this._expandedLength = 0;

    // --- New: remove / leave sets ---
    /** @type {Set<string>} */
    this._removeSet = new Set(options.remove && Array.isArray(options.remove) ? options.remove : []);
    /** @type {Set<string>} */
    this._leaveSet = new Set(options.leave && Array.isArray(options.leave) ? options.leave : []);

    // --- NCR config (parsed into flat fields for hot-path speed) ---
    const ncrCfg = parseNCRConfig(options.ncr);
    this._ncrXmlVersion = ncrCfg.xmlVersion;
    this._ncrOnLevel = ncrCfg.onLevel;
    this._ncrNullLevel = ncrCfg.nullLevel;

    // --- Registration hooks ---
    /** @type {((name: string, value: string) => 'allow'|'block'|'throw')|null} */
    this._onExternalEntity = typeof options.onExternalEntity === 'function'
      ? options.onExternalEntity
      : null;
    /** @type {((name: string, value: string) => 'allow'|'block'|'throw')|null} */
    this._onInputEntity = typeof options.onInputEntity === 'function'
      ? options.onInputEntity
      : null;
  }

  // -------------------------------------------------------------------------
  // Private: registration hook dispatch
  // -------------------------------------------------------------------------

  /**
   * Invoke a registration hook for a single entity name/value pair.
   * Returns true when the entity should be accepted, false when it should be
   * silently skipped (BLOCK), and throws when the hook returns THROW.
   *
   * @param {((name: string, value: string) => 'allow'|'block'|'throw')|null} hook
   * @param {string} name
   * @param {string} value
   * @param {string} context  — used in error messages ('external' | 'input')
   * @returns {boolean}  true = accept, false = skip
   */
  _applyRegistrationHook(hook, name, value, context) {
    if (!hook) return true; // no hook → always accept
    const action = hook(name, value);
    if (action === ENTITY_ACTION.BLOCK) return false;
    if (action === ENTITY_ACTION.THROW) {
      throw new Error(
        `[EntityDecoder] Registration of ${context} entity "&${name};" was rejected by hook`
      );
    }
    return true; // ALLOW or any unknown return value → accept
  }

  // -------------------------------------------------------------------------
  // Persistent external entity registration
  // -------------------------------------------------------------------------

  /**
   * Replace the full set of persistent external entities.
   * All keys are validated — throws on invalid characters.
   * If `onExternalEntity` is set, it is called once per entry; entries that
   * return `ENTITY_ACTION.BLOCK` are silently omitted, `ENTITY_ACTION.THROW`
   * aborts the whole call.
   * @param {Record<string, string | { regex?: RegExp, val: string }>} map
   */
  setExternalEntities(map) {
    if (map) {
      for (const key of Object.keys(map)) {
        EntityDecoder_validateEntityName(key);
      }
    }
    if (!this._onExternalEntity) {
      this._externalMap = mergeEntityMaps(map);
      return;
    }
    // Hook present — resolve values first, then filter
    const flat = mergeEntityMaps(map);
    const filtered = Object.create(null);
    for (const [name, value] of Object.entries(flat)) {
      if (this._applyRegistrationHook(this._onExternalEntity, name, value, 'external')) {
        filtered[name] = value;
      }
    }
    this._externalMap = filtered;
  }

  /**
   * Add a single persistent external entity.
   * If `onExternalEntity` is set it is called before the entity is stored;
   * `ENTITY_ACTION.BLOCK` silently skips storage, `ENTITY_ACTION.THROW` raises.
   * @param {string} key
   * @param {string} value
   */
  addExternalEntity(key, value) {
    EntityDecoder_validateEntityName(key);
    if (typeof value === 'string' && value.indexOf('&') === -1) {
      if (this._applyRegistrationHook(this._onExternalEntity, key, value, 'external')) {
        this._externalMap[key] = value;
      }
    }
  }

  // -------------------------------------------------------------------------
  // Input / runtime entity registration (per document)
  // -------------------------------------------------------------------------

  /**
   * Inject DOCTYPE entities for the current document.
   * Also resets per-document expansion counters.
   * If `onInputEntity` is set it is called once per entry; entries returning
   * `ENTITY_ACTION.BLOCK` are silently omitted, `ENTITY_ACTION.THROW` aborts.
   * @param {Record<string, string | { regx?: RegExp, regex?: RegExp, val: string }>} map
   */
  addInputEntities(map) {
    this._totalExpansions = 0;
    this._expandedLength = 0;
    if (!this._onInputEntity) {
      this._inputMap = mergeEntityMaps(map);
      return;
    }
    const flat = mergeEntityMaps(map);
    const filtered = Object.create(null);
    for (const [name, value] of Object.entries(flat)) {
      if (this._applyRegistrationHook(this._onInputEntity, name, value, 'input')) {
        filtered[name] = value;
      }
    }
    this._inputMap = filtered;
  }

  // -------------------------------------------------------------------------
  // Per-document reset
  // -------------------------------------------------------------------------

  /**
   * Wipe input/runtime entities and reset counters.
   * Call this before processing each new document.
   * @returns {this}
   */
  reset() {
    this._inputMap = Object.create(null);
    this._totalExpansions = 0;
    this._expandedLength = 0;
    return this;
  }

  // -------------------------------------------------------------------------
  // XML version (can be set after construction, e.g. once parser reads <?xml?>)
  // -------------------------------------------------------------------------

  /**
   * Update the XML version used for NCR classification.
   * Call this as soon as the document's `<?xml version="...">` declaration is parsed.
   * @param {1.0|1.1|number} version
   */
  setXmlVersion(version) {
    this._ncrXmlVersion = version === 1.1 ? 1.1 : 1.0;
  }

  // -------------------------------------------------------------------------
  // Primary API
  // -------------------------------------------------------------------------

  /**
   * Replace all entity references in `str` in a single pass.
   *
   * @param {string} str
   * @returns {string}
   */
  decode(str) {
    if (typeof str !== 'string' || str.length === 0) return str;
    //TODO: check if needed
    if (str.indexOf('&') === -1) return str; // fast path — no entities at all

    const original = str;
    const chunks = [];
    const len = str.length;
    let last = 0; // start of next unprocessed literal chunk
    let i = 0;

    const limitExpansions = this._maxTotalExpansions > 0;
    const limitLength = this._maxExpandedLength > 0;
    const checkLimits = limitExpansions || limitLength;

    while (i < len) {
      // Scan forward to next '&'
      if (str.charCodeAt(i) !== 38 /* '&' */) { i++; continue; }

      // --- Found '&' at position i ---

      // Scan forward to ';'
      let j = i + 1;
      while (j < len && str.charCodeAt(j) !== 59 /* ';' */ && (j - i) <= 32) j++;

      if (j >= len || str.charCodeAt(j) !== 59) {
        // No closing ';' within window — treat '&' as literal
        i++;
        continue;
      }

      // Raw token between '&' and ';' (exclusive)
      const token = str.slice(i + 1, j);
      if (token.length === 0) { i++; continue; }

      let replacement;
      let tier; // which limit tier this entity belongs to

      if (this._removeSet.has(token)) {
        // Remove entity: replace with empty string
        replacement = '';
        // If entity was unknown (replacement undefined), we still need a tier for limits.
        // Treat as external tier because it's user-directed removal of an unknown reference.
        if (tier === undefined) {
          tier = LIMIT_TIER_EXTERNAL;
        }
      } else if (this._leaveSet.has(token)) {
        // Do not replace — keep original &token; as literal
        i++;
        continue;
      } else if (token.charCodeAt(0) === 35 /* '#' */) {
        // ---- Numeric / NCR reference ----
        // NCR classification always runs first — prohibited codepoints must be
        // caught regardless of numericAllowed.
        const ncrResult = this._resolveNCR(token);
        if (ncrResult === undefined) {
          // 'leave' action — keep original &token; as-is
          i++;
          continue;
        }
        replacement = ncrResult; // '' for remove, char string for allow
        tier = LIMIT_TIER_BASE;
      } else {
        // ---- Named reference ----
        const resolved = this._resolveName(token);
        replacement = resolved?.value;
        tier = resolved?.tier;
      }

      if (replacement === undefined) {
        // Unknown entity — leave as-is, advance past '&' only
        i++;
        continue;
      }

      // Flush literal chunk before this entity
      if (i > last) chunks.push(str.slice(last, i));
      chunks.push(replacement);
      last = j + 1; // skip past ';'
      i = last;

      // Apply expansion limits only if this tier is being tracked
      if (checkLimits && this._tierCounts(tier)) {
        if (limitExpansions) {
          this._totalExpansions++;
          if (this._totalExpansions > this._maxTotalExpansions) {
            throw new Error(
              `[EntityReplacer] Entity expansion count limit exceeded: ` +
              `${this._totalExpansions} > ${this._maxTotalExpansions}`
            );
          }
        }
        if (limitLength) {
          // delta: replacement.length minus the raw &token; length (token.length + 2 for '&' and ';')
          const delta = replacement.length - (token.length + 2);
          if (delta > 0) {
            this._expandedLength += delta;
            if (this._expandedLength > this._maxExpandedLength) {
              throw new Error(
                `[EntityReplacer] Expanded content length limit exceeded: ` +
                `${this._expandedLength} > ${this._maxExpandedLength}`
              );
            }
          }
        }
      }
    }

    // Flush trailing literal
    if (last < len) chunks.push(str.slice(last));

    // If nothing was replaced, chunks is empty — return original
    const result = chunks.length === 0 ? str : chunks.join('');

    return this._postCheck(result, original);
  }

  // -------------------------------------------------------------------------
  // Private: limit tier check
  // -------------------------------------------------------------------------

  /**
   * Returns true if a resolved entity of the given tier should count
   * against the expansion/length limits.
   * @param {string} tier  — LIMIT_TIER_EXTERNAL | LIMIT_TIER_BASE
   * @returns {boolean}
   */
  _tierCounts(tier) {
    if (this._limitTiers.has(LIMIT_TIER_ALL)) return true;
    return this._limitTiers.has(tier);
  }

  // -------------------------------------------------------------------------
  // Private: entity resolution
  // -------------------------------------------------------------------------

  /**
   * Resolve a named entity token (without & and ;).
   * Priority: inputMap > externalMap > baseMap
   * Returns the resolved value tagged with its limit tier.
   *
   * @param {string} name
   * @returns {{ value: string, tier: string }|undefined}
   */
  _resolveName(name) {
    // input and external both count as 'external' tier for limit purposes —
    // they are injected at runtime and are the untrusted surface.
    if (name in this._inputMap) return { value: this._inputMap[name], tier: LIMIT_TIER_EXTERNAL };
    if (name in this._externalMap) return { value: this._externalMap[name], tier: LIMIT_TIER_EXTERNAL };
    if (name in this._baseMap) return { value: this._baseMap[name], tier: LIMIT_TIER_BASE };
    return undefined;
  }

  /**
   * Classify a codepoint and return the minimum action level that must be applied.
   * Returns -1 when no minimum is imposed (normal allow path).
   *
   * Ranges checked (in priority order):
   *   1. U+0000            — null, governed by nullNCR (always ≥ remove)
   *   2. U+D800–U+DFFF     — surrogates, always prohibited (min: remove)
   *   3. U+0001–U+001F \ {0x09,0x0A,0x0D}  — XML 1.0 restricted C0 (min: remove)
   *      (skipped in XML 1.1 — C0 controls are allowed when written as NCRs)
   *
   * @param {number} cp  — codepoint
   * @returns {number}   — minimum NCR_LEVEL value, or -1 for no restriction
   */
  _classifyNCR(cp) {
    // 1. Null
    if (cp === 0) return this._ncrNullLevel;

    // 2. Surrogates — always prohibited, minimum 'remove'
    if (cp >= 0xD800 && cp <= 0xDFFF) return NCR_LEVEL.remove;

    // 3. XML 1.0 restricted C0 controls
    if (this._ncrXmlVersion === 1.0) {
      if (cp >= 0x01 && cp <= 0x1F && !XML10_ALLOWED_C0.has(cp)) return NCR_LEVEL.remove;
    }

    return -1; // no restriction
  }

  /**
   * Execute a resolved NCR action.
   *
   * @param {number} action   — NCR_LEVEL value
   * @param {string} token    — raw token (e.g. '#38') for error messages
   * @param {number} cp       — codepoint, used only for error messages
   * @returns {string|undefined}
   *   - decoded character string  → 'allow'
   *   - ''                        → 'remove'
   *   - undefined                 → 'leave' (caller must skip past '&' only)
   *   - throws Error              → 'throw'
   */
  _applyNCRAction(action, token, cp) {
    switch (action) {
      case NCR_LEVEL.allow: return String.fromCodePoint(cp);
      case NCR_LEVEL.remove: return '';
      case NCR_LEVEL.leave: return undefined; // signal: keep literal
      case NCR_LEVEL.throw:
        throw new Error(
          `[EntityDecoder] Prohibited numeric character reference ` +
          `&${token}; (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`
        );
      default: return String.fromCodePoint(cp);
    }
  }

  /**
   * Full NCR resolution pipeline for a numeric token.
   *
   * Steps:
   *   1. Parse the codepoint (decimal or hex).
   *   2. Validate the raw codepoint range (NaN, <0, >0x10FFFF).
   *   3. If numericAllowed is false and no minimum restriction applies → leave as-is.
   *   4. Classify the codepoint to find the minimum required action level.
   *   5. Resolve effective action = max(onNCR, minimum).
   *   6. Apply and return.
   *
   * @param {string} token  — e.g. '#38', '#x26', '#X26'
   * @returns {string|undefined}
   *   - string (incl. '')  — replacement ('' = remove)
   *   - undefined          — leave original &token; as-is
   */
  _resolveNCR(token) {
    // Step 1: parse codepoint
    const second = token.charCodeAt(1);
    let cp;
    if (second === 120 /* x */ || second === 88 /* X */) {
      cp = parseInt(token.slice(2), 16);
    } else {
      cp = parseInt(token.slice(1), 10);
    }

    // Step 2: out-of-range → leave as-is unconditionally
    if (Number.isNaN(cp) || cp < 0 || cp > 0x10FFFF) return undefined;

    // Step 3: classify to get minimum action level
    const minimum = this._classifyNCR(cp);

    // Step 4: if numericAllowed is false and no hard minimum → leave
    if (!this._numericAllowed && minimum < NCR_LEVEL.remove) return undefined;

    // Step 5: effective action = max(configured onNCR, range minimum)
    const effective = minimum === -1
      ? this._ncrOnLevel
      : Math.max(this._ncrOnLevel, minimum);

    // Step 6: apply
    return this._applyNCRAction(effective, token, cp);
  }
}
;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/sql.js
/**
 * SQL context patterns — high-precision rules only.
 *
 * These rules have very low false-positive risk and are safe to apply to
 * general user text (names, descriptions, search queries, etc.).
 * All patterns are ReDoS-safe — unlike the `sql-injection` npm package
 * which has an active CVE on its own detection regexes.
 *
 * For exhaustive coverage including noisier heuristics (comment sequences,
 * hex literals, stacked queries with semicolons), use 'SQL-STRICT' instead.
 * Apply 'SQL-STRICT' only to strings that are specifically SQL fragments,
 * not to general free-text fields.
 */

const SQL_PATTERNS = [
  {
    id: 'sql-block-comment-open',
    description: 'SQL block comment open: /* ... */ — unusual in legitimate user text',
    pattern: /\/\*/,
  },
  {
    id: 'sql-union-select',
    description: 'UNION SELECT — most common SQL injection aggregation attack',
    pattern: /\bUNION\s{1,20}(?:ALL\s{1,20})?SELECT\b/i,
  },
  {
    id: 'sql-drop-table',
    description: 'DROP TABLE — destructive DDL injection',
    pattern: /\bDROP\s{1,20}TABLE\b/i,
  },
  {
    id: 'sql-drop-database',
    description: 'DROP DATABASE — destructive DDL injection',
    pattern: /\bDROP\s{1,20}DATABASE\b/i,
  },
  {
    id: 'sql-insert-into',
    description: 'INSERT INTO — data injection',
    pattern: /\bINSERT\s{1,20}INTO\b/i,
  },
  {
    id: 'sql-delete-from',
    description: 'DELETE FROM — data deletion injection',
    pattern: /\bDELETE\s{1,20}FROM\b/i,
  },
  {
    id: 'sql-update-set',
    description: 'UPDATE ... SET — data modification injection',
    // Allows arbitrary content between UPDATE and SET (table name, alias, etc.)
    pattern: /\bUPDATE\b[\s\S]{1,60}\bSET\b/i,
  },
  {
    id: 'sql-exec-xp',
    description: 'EXEC xp_ — MSSQL extended stored procedure execution',
    pattern: /\bEXEC(?:UTE)?\s{1,20}xp_/i,
  },
  {
    id: 'sql-tautology-string',
    description: "Classic string tautology: ' OR '1'='1 or \" OR \"1\"=\"1\"",
    // Last quote is optional — injection may truncate it: ' OR '1'='1--
    pattern: /'\s{0,10}OR\s{0,10}'[^']{0,20}'\s*=\s*'[^']{0,20}/i,
  },
  {
    id: 'sql-tautology-numeric',
    description: 'Numeric tautology: OR 1=1',
    pattern: /\bOR\s{1,10}1\s*=\s*1\b/i,
  },
  {
    id: 'sql-always-true-zero',
    description: 'Numeric tautology: OR 0=0',
    pattern: /\bOR\s{1,10}0\s*=\s*0\b/i,
  },
  {
    id: 'sql-sleep-benchmark',
    description: 'Time-based blind injection: SLEEP() or BENCHMARK()',
    pattern: /\b(?:SLEEP|BENCHMARK)\s*\(/i,
  },
  {
    id: 'sql-waitfor-delay',
    description: 'MSSQL time-based blind injection: WAITFOR DELAY',
    pattern: /\bWAITFOR\s{1,20}DELAY\b/i,
  },
  {
    id: 'sql-char-function',
    description: 'CHAR() function — used to obfuscate injected strings',
    pattern: /\bCHAR\s*\(\s*\d{1,3}/i,
  },
  {
    id: 'sql-information-schema',
    description: 'INFORMATION_SCHEMA — reconnaissance query for table/column enumeration',
    pattern: /\bINFORMATION_SCHEMA\b/i,
  },
];

/* harmony default export */ const sql = (SQL_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/sql-strict.js
/**
 * SQL-STRICT context patterns.
 *
 * Extends the base 'SQL' context with three additional rules that are
 * effective at detecting real injections but carry a higher false-positive
 * risk on general free-text input.
 *
 * Use 'SQL-STRICT' when:
 *   - The string is specifically a SQL fragment or database identifier
 *   - You control the input domain (e.g. a dedicated SQL search field)
 *   - You can tolerate occasional false positives in exchange for broader coverage
 *
 * Use 'SQL' (not STRICT) when:
 *   - The field is general user text (names, descriptions, comments)
 *   - False positives would block legitimate content (e.g. "see note -- above")
 *
 * Rules moved here from 'SQL' due to false-positive risk:
 *
 *   sql-line-comment   — "--" fires on "see note -- above", "value--", CSS var(--primary)
 *   sql-stacked-query  — "; SELECT" fires on legitimate prose with semicolons + SQL words
 *   sql-hex-encoding   — "0xDEAD" fires on hex values in technical docs and log output
 */



const SQL_STRICT_EXTRA = [
  {
    id: 'sql-line-comment',
    description: 'SQL line comment: -- followed by whitespace or end of string',
    pattern: /--(?:\s|$)/,
  },
  {
    id: 'sql-stacked-query',
    description: 'Stacked queries: semicolon immediately followed by a SQL keyword',
    pattern: /;\s{0,10}(?:SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|EXEC)\b/i,
  },
  {
    id: 'sql-hex-encoding',
    description: 'Hex-encoded string injection: 0x41414141 style (MySQL)',
    pattern: /\b0x[0-9a-f]{4,}/i,
  },
];

// SQL-STRICT = all base SQL rules + the three noisy extras
const SQL_STRICT_PATTERNS = [...sql, ...SQL_STRICT_EXTRA];

/* harmony default export */ const sql_strict = (SQL_STRICT_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/util/decode-entities.js
/**
 * Decode the HTML character references that matter for markup-context
 * detection.
 *
 * Browsers decode character references in attribute values before they
 * interpret a URL, so `javascript&#58;alert(1)` in an href is the
 * `javascript:` scheme. The HTML/XML/SVG rules match literal characters, so
 * without this step such payloads slip through.
 *
 * Deliberately NOT a full entity decoder. It decodes only:
 *   - decimal refs  &#58;  &#058;  &#00000058;  &#58   (any leading zeros,
 *                   trailing ; optional — browsers accept both)
 *   - hex refs      &#x3a; &#X3A; &#x0000003a; &#x3a   (same)
 *   - named refs    &colon;  &Tab;  &NewLine;
 *       Named refs are CASE-SENSITIVE and REQUIRE the trailing ';', exactly
 *       like a browser (so `&COLON;` and `&colon` are not decoded).
 *       &Tab; / &NewLine; matter because the URL parser strips tab/newline,
 *       so `java&Tab;script:` is still a javascript: URL.
 *
 * It does NOT decode &amp; (single pass only), so double-encoded text such as
 * "&amp;lt;script&amp;gt;" stays literal — a browser renders that as text.
 *
 * All quantifiers are bounded; no ReDoS risk.
 *
 * @param {string} input
 * @returns {string}
 */
const NAMED = Object.freeze({
  colon: ':',
  Tab: '\t',
  NewLine: '\n',
});

const ENTITY_RE =
  /&(?:#[xX]0*([0-9a-fA-F]{1,6});?|#0*([0-9]{1,7});?|([a-zA-Z][a-zA-Z0-9]{1,15});)/g;

function decodeEntities(input) {
  if (input.indexOf('&') === -1) return input;

  return input.replace(ENTITY_RE, (match, hex, dec, name) => {
    if (name !== undefined) {
      return Object.prototype.hasOwnProperty.call(NAMED, name) ? NAMED[name] : match;
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec, 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff) return match;
    return String.fromCodePoint(cp);
  });
}

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/html.js
/**
 * HTML context patterns.
 *
 * Detects XSS vectors that are dangerous when a string ends up rendered as HTML.
 * All patterns use bounded quantifiers to ensure linear-time matching (ReDoS-safe).
 *
 * Each entry is { pattern: RegExp, id: string, description: string }
 * so callers can inspect which rule fired if they need to.
 */

const HTML_PATTERNS = [
  {
    id: 'html-script-open',
    description: '<script opening tag',
    pattern: /<script[\s>/]/i,
  },
  {
    id: 'html-script-close',
    description: '</script closing tag',
    pattern: /<\/script[\s>]/i,
  },
  {
    id: 'html-javascript-protocol',
    description: 'javascript: URI scheme (with optional whitespace/encoding)',
    // Handles j&#x61;vascript:, j\u0061vascript:, and whitespace variants
    pattern: /j[\t\n\r ]*a[\t\n\r ]*v[\t\n\r ]*a[\t\n\r ]*s[\t\n\r ]*c[\t\n\r ]*r[\t\n\r ]*i[\t\n\r ]*p[\t\n\r ]*t[\t\n\r ]*:/i,
  },
  {
    id: 'html-vbscript-protocol',
    description: 'vbscript: URI scheme',
    pattern: /vbscript[\t\n\r ]*:/i,
  },
  {
    id: 'html-data-html',
    description: 'data:text/html URI — can execute scripts in browsers',
    pattern: /data[\t\n\r ]*:[\t\n\r ]*text\/html/i,
  },
  {
    id: 'html-data-xhtml',
    description: 'data:application/xhtml+xml URI',
    pattern: /data[\t\n\r ]*:[\t\n\r ]*application\/xhtml/i,
  },
  {
    id: 'html-data-svg',
    description: 'data:image/svg+xml URI — can execute scripts',
    pattern: /data[\t\n\r ]*:[\t\n\r ]*image\/svg\+xml/i,
  },
  {
    id: 'html-inline-event-handler',
    description: 'Inline event handler attributes: onclick=, onerror=, onload=, etc.',
    // \bon ensures we match a word boundary so "phonetic=" is not caught
    pattern: /\bon\w{1,30}\s*=/i,
  },
  {
    id: 'html-entity-obfuscated-script',
    description: 'HTML-entity-encoded <script (e.g. &#x3C;script or &lt;script)',
    // Entities include optional trailing semicolon: &#x3C; or &#x3C (both valid in HTML5)
    pattern: /(?:&#x0*3[Cc];?|&#0*60;?|&lt;)\s*script/i,
  },
  {
    id: 'html-entity-obfuscated-javascript',
    description: 'HTML-entity-encoded javascript: (partial — catches common &#106; or &#x6a; for "j")',
    pattern: /(?:&#x0*6[Aa];?|&#0*106;?)\s*(?:&#x0*61;?|a)[\s\S]{0,80}script\s*:/i,
  },
  {
    id: 'html-style-expression',
    description: 'CSS expression() — IE-era code execution in style attributes',
    pattern: /style[\s\S]{0,20}expression\s*\(/i,
  },
  {
    id: 'html-object-embed',
    description: '<object or <embed tags that can load active content',
    pattern: /<(?:object|embed)[\s>/]/i,
  },
  {
    id: 'html-base-tag',
    description: '<base href= — can hijack all relative URLs on a page',
    pattern: /<base[\s>]/i,
  },
  {
    id: 'html-meta-refresh',
    description: '<meta http-equiv="refresh" — can redirect users',
    pattern: /<meta[\s\S]{0,40}http-equiv[\s\S]{0,20}refresh/i,
  },
  {
    id: 'html-srcdoc',
    description: 'srcdoc= attribute on iframes — embeds HTML that can run scripts',
    pattern: /srcdoc\s*=/i,
  },
  {
    id: 'html-iframe',
    description: '<iframe tag',
    pattern: /<iframe[\s>/]/i,
  },
  {
    id: 'html-form',
    description: '<form tag — can be used for phishing / credential harvesting injection',
    pattern: /<form[\s>/]/i,
  },
];

/* harmony default export */ const html = (HTML_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/xml.js
/**
 * XML context patterns.
 *
 * Detects injection vectors that are specifically dangerous when a string
 * is inserted into an XML document (not HTML rendering context).
 *
 * Key distinction from HTML: these patterns target parser-level attacks —
 * things that can confuse or subvert an XML parser, trigger external entity
 * resolution, or inject DTD content. HTML rendering concerns (XSS) belong
 * in the HTML context.
 */

const XML_PATTERNS = [
  {
    id: 'xml-cdata-injection',
    description: 'CDATA section injection: <![CDATA[ breaks out of text node context',
    pattern: /<!\[CDATA\[/i,
  },
  {
    id: 'xml-cdata-close',
    description: 'CDATA close sequence: ]]> can terminate an enclosing CDATA section',
    pattern: /\]\]>/,
  },
  {
    id: 'xml-processing-instruction',
    description: 'XML processing instruction: <?xml-stylesheet or <?php etc.',
    pattern: /<\?(?:xml[\- ]|php|asp)/i,
  },
  {
    id: 'xml-doctype-injection',
    description: 'DOCTYPE declaration embedded in content — can define entities',
    // Match <!DOCTYPE followed by end-of-string, whitespace, or [ (internal subset)
    pattern: /<!DOCTYPE(?:[\s[]|$)/i,
  },
  {
    id: 'xml-entity-system',
    description: 'SYSTEM keyword — used in external entity declarations (XXE)',
    pattern: /\bSYSTEM\s+["']/i,
  },
  {
    id: 'xml-entity-public',
    description: 'PUBLIC keyword — used in external entity declarations (XXE)',
    pattern: /\bPUBLIC\s+["']/i,
  },
  {
    id: 'xml-entity-declaration',
    description: '<!ENTITY declaration — defines entities, potential XXE or entity expansion',
    pattern: /<!ENTITY[\s%]/i,
  },
  {
    id: 'xml-billion-laughs',
    description: 'Entity reference chaining / billion laughs: repeated &eX; style references',
    // Heuristic: 3+ consecutive entity refs suggests expansion attack
    pattern: /(?:&\w{1,20};){3,}/,
  },
  {
    id: 'xml-namespace-confusion',
    description: 'xmlns: attribute injection — can redefine namespaces to confuse parsers',
    // pattern: /\bxmlns\s*(?::\w{1,40})?\s*=/i,
    pattern: /\bxmlns(?::\w{1,40})?\s*=/i,
  },
  {
    id: 'xml-comment-injection',
    description: '<!-- comment injection — can hide content from some parsers',
    pattern: /<!--/,
  },
  {
    id: 'xml-comment-close',
    description: '--> closes an enclosing XML comment',
    pattern: /-->/,
  },
  {
    id: 'xml-pi-close',
    description: '?> closes an enclosing processing instruction',
    pattern: /\?>/,
  },
];

/* harmony default export */ const xml = (XML_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/svg.js
/**
 * SVG context patterns.
 *
 * SVG is XML-based but renders in browsers, giving it a unique attack surface
 * that combines XML parser behaviour with browser rendering and JavaScript execution.
 *
 * Many of these vectors bypass HTML sanitizers that don't understand SVG semantics
 * (DOMPurify has documented bypass vulnerabilities specifically in SVG/XML context).
 */

const SVG_PATTERNS = [
  {
    id: 'svg-script-element',
    description: '<script element inside SVG executes JavaScript',
    pattern: /<script[\s>/]/i,
  },
  {
    id: 'svg-xlink-href-javascript',
    description: 'xlink:href with javascript: — classic SVG XSS via <a> or <use>',
    pattern: /xlink\s*:\s*href\s*=\s*["']?\s*javascript\s*:/i,
  },
  {
    id: 'svg-href-javascript',
    description: 'href= with javascript: in SVG context (<a>, <animate>, etc.)',
    pattern: /href\s*=\s*["']?\s*javascript\s*:/i,
  },
  {
    id: 'svg-foreignobject',
    description: '<foreignObject embeds HTML inside SVG — can execute scripts',
    pattern: /<foreignObject[\s>/]/i,
  },
  {
    id: 'svg-use-external',
    description: '<use xlink:href or href pointing to external resource (non-fragment URL)',
    // Match <use with href= where the value starts with a non-# character (external URL)
    // [\"'][^#] catches quoted values not starting with #; [^\"'#\s>] catches unquoted
    pattern: /<use[\s\S]{0,60}(?:xlink\s*:\s*)?href\s*=\s*(?:["'][^#]|[^"'#\s>])/i,
  },
  {
    id: 'svg-animate-href',
    description: '<animate attributeName="href" — can dynamically change href to javascript:',
    pattern: /<animate[\s\S]{0,80}attributeName\s*=\s*["'][\s]*href["']/i,
  },
  {
    id: 'svg-animate-xlinkhref',
    description: '<animate attributeName="xlink:href"',
    pattern: /<animate[\s\S]{0,80}attributeName\s*=\s*["'][\s]*xlink\s*:\s*href["']/i,
  },
  {
    id: 'svg-set-javascript',
    description: '<set to="javascript:..." — sets an attribute to a javascript: URI',
    pattern: /<set[\s\S]{0,80}to\s*=\s*["']?\s*javascript\s*:/i,
  },
  {
    id: 'svg-event-handler',
    description: 'SVG-specific event handler attributes: onload=, onerror=, onactivate=, etc.',
    pattern: /\bon(?:load|error|activate|begin|end|repeat|focus|blur|click|mouse\w{1,20}|key\w{1,20})\s*=/i,
  },
  {
    id: 'svg-handler-generic',
    description: 'Generic on* handler catch-all for SVG attributes',
    pattern: /\bon\w{1,30}\s*=/i,
  },
  {
    id: 'svg-filter-feimage',
    description: '<feImage href= — filter primitive that can load external resources',
    pattern: /<feImage[\s\S]{0,80}(?:xlink\s*:\s*)?href\s*=/i,
  },
  {
    id: 'svg-image-external',
    description: '<image xlink:href with http/https or javascript protocol',
    pattern: /<image[\s\S]{0,80}(?:xlink\s*:\s*)?href\s*=\s*["']?\s*(?:https?|javascript)\s*:/i,
  },
  {
    id: 'svg-style-javascript',
    description: 'style= attribute containing javascript: (e.g. background:url(javascript:...))',
    pattern: /style\s*=[\s\S]{0,60}javascript\s*:/i,
  },
];

/* harmony default export */ const svg = (SVG_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/shell.js
/**
 * SHELL context patterns.
 *
 * Detects shell injection vectors and path traversal patterns.
 * Designed for use when a string will be passed to a shell command,
 * used as a file path, or interpolated into OS-level operations.
 */

const SHELL_PATTERNS = [
  {
    id: 'shell-path-traversal-unix',
    description: 'Unix path traversal: ../  — climbing the directory tree',
    pattern: /\.\.\//,
  },
  {
    id: 'shell-path-traversal-windows',
    description: 'Windows path traversal: ..\\ — climbing the directory tree',
    pattern: /\.\.\\/,
  },
  {
    id: 'shell-path-traversal-encoded',
    description: 'URL-encoded path traversal: %2e%2e or %2f variants',
    pattern: /%2e%2e|%2f\.\.|\.\.%2f/i,
  },
  {
    id: 'shell-null-byte',
    description: 'Null byte injection: \\x00 or %00 — truncates strings in C-backed functions',
    pattern: /\x00|%00/,
  },
  {
    id: 'shell-semicolon',
    description: 'Semicolon command separator: cmd1; cmd2',
    pattern: /;/,
  },
  {
    id: 'shell-pipe',
    description: 'Pipe operator: cmd1 | cmd2',
    pattern: /\|/,
  },
  {
    id: 'shell-and-operator',
    description: 'AND operator: cmd1 && cmd2',
    pattern: /&&/,
  },
  {
    id: 'shell-or-operator',
    description: 'OR operator: cmd1 || cmd2',
    pattern: /\|\|/,
  },
  {
    id: 'shell-backtick',
    description: 'Backtick command substitution: `cmd`',
    pattern: /`/,
  },
  {
    id: 'shell-dollar-paren',
    description: 'Dollar-paren command substitution: $(cmd)',
    pattern: /\$\(/,
  },
  {
    id: 'shell-dollar-brace',
    description: 'Dollar-brace variable expansion: ${var} — can be abused for injection',
    pattern: /\$\{/,
  },
  {
    id: 'shell-redirect-out',
    description: 'Output redirection: cmd > file or cmd >> file',
    pattern: />{1,2}/,
  },
  {
    id: 'shell-redirect-in',
    description: 'Input redirection: cmd < file',
    pattern: /</,
  },
  {
    id: 'shell-newline-injection',
    description: 'Newline injection: \\n or \\r — can inject new shell commands',
    pattern: /[\n\r]/,
  },
  {
    id: 'shell-glob-star',
    description: 'Glob expansion: * or ? — can expand to unintended files',
    // Only flag when combined with path separators to reduce false positives
    pattern: /[/\\][*?]/,
  },
  {
    id: 'shell-absolute-root',
    description: 'Absolute root path injection: string starting with / or \\ (Windows UNC)',
    pattern: /^(?:\/|\\\\)/,
  },
  {
    id: 'shell-windows-drive',
    description: 'Windows drive letter path injection: C:\\ or D:/',
    pattern: /^[a-zA-Z]:[/\\]/,
  },
  {
    id: 'shell-curl-wget',
    description: 'curl/wget with URL or flags — can exfiltrate data or download payloads',
    // Require a URL scheme (http/https/ftp) or a flag (-) to reduce false positives
    // "curl is a tool" won't match; "curl http://..." or "curl -s ..." will
    pattern: /\b(?:curl|wget)\s+(?:https?:\/\/|ftp:\/\/|-)/i,
  },
];

/* harmony default export */ const shell = (SHELL_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/redos.js
/**
 * REDOS context patterns.
 *
 * Detects strings that, if used as regular expressions, could cause
 * catastrophic backtracking (ReDoS — Regular Expression Denial of Service).
 *
 * These patterns detect the structural forms that lead to exponential or
 * polynomial backtracking in NFA-based regex engines (V8, PCRE, Java, etc.).
 *
 * Use this context when user-supplied strings will be compiled into RegExp objects.
 */

const REDOS_PATTERNS = [
  {
    id: 'redos-nested-quantifier-plus',
    description: 'Nested + quantifier inside a group with outer quantifier: (a+)+, (.+b)*, etc.',
    // Matches any group containing a + quantifier, with an outer * or + — catches (a+)+, (.+b)*, etc.
    pattern: /\([^)]*\+[^)]*\)[+*]/,
  },
  {
    id: 'redos-nested-quantifier-star',
    description: 'Nested * quantifier: (a*)* or (a*)+ — catastrophic backtracking',
    pattern: /\([^)]*\*[^)]*\)[*+]/,
  },
  {
    id: 'redos-nested-groups',
    description: 'Doubly nested quantified groups: ((a+)+) — guaranteed catastrophic',
    pattern: /\(\([^)]{0,40}\)[+*]\)[+*]/,
  },
  {
    id: 'redos-alternation-overlap',
    description: 'Overlapping alternation under quantifier: (a|a)+ — ambiguous NFA paths',
    // Detect repeated identical alternatives under a quantifier
    pattern: /\(([^|()]{1,20})\|(?:\1)(?:\|[^|()]{1,20}){0,5}\)[+*?]{1,2}/,
  },
  {
    id: 'redos-star-plus-concat',
    description: '(x*x)+ pattern — triggers super-linear backtracking',
    pattern: /\([^)]{0,10}\*[^)]{0,10}\)[+*]/,
  },
  {
    id: 'redos-dot-star-greedy',
    description: '(.*){n,} or (.+){n,} — repeated greedy dot quantifiers',
    pattern: /\(\.[*+]\)\{?\d/,
  },
  {
    id: 'redos-large-repetition',
    description: 'Very large fixed or range repetition count {1000,} or {1000,n} — denial of service via backtracking',
    // Matches { followed by 4+ digits (≥1000), then optional ,digits }
    pattern: /\{\d{4,}(?:,\d*)?\}/,
  },
  {
    id: 'redos-catastrophic-alternation',
    description: 'Long alternation with many similar branches — polynomial backtracking risk',
    // Heuristic: 10+ pipe-separated alternatives in a single group
    pattern: /\([^)]{0,200}(?:\|[^|)]{0,50}){9,}\)/,
  },
];

/* harmony default export */ const redos = (REDOS_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/nosql.js
/**
 * NOSQL context patterns.
 *
 * Detects injection vectors specific to NoSQL databases (primarily MongoDB)
 * and JavaScript-evaluated queries.
 *
 * Attack categories:
 *   1. MongoDB query operator injection: $where, $ne, $gt, $regex, $or, $and, etc.
 *      These operators, when injected into a JSON query object, can bypass
 *      authentication or exfiltrate data without knowing passwords.
 *
 *   2. JavaScript execution: $where clauses execute arbitrary JS server-side.
 *
 *   3. Prototype pollution: __proto__, constructor.prototype — can corrupt
 *      the prototype chain of all objects in the Node.js process.
 *
 * Pattern note: MongoDB operators appear as JSON keys. In JSON, keys are
 * quoted: {"$where": ...} so the pattern must allow an optional closing
 * quote between the operator name and the colon: /\$where["'\s]*:/
 */

// Shared suffix: optional closing quote/whitespace before the colon
// Handles: $op: (bare), "$op": (JSON), '$op': (single-quoted)
const SEP = /["'\s]*:/;
const sep = '["\'\\s]*:';

const NOSQL_PATTERNS = [
  // ─── MongoDB $ operator injection ────────────────────────────────────────
  {
    id: 'nosql-where-operator',
    description: '$where — executes arbitrary JavaScript server-side in MongoDB',
    pattern: new RegExp(`\\$where${sep}`, 'i'),
  },
  {
    id: 'nosql-ne-operator',
    description: '$ne — "not equal" operator used to bypass equality checks',
    pattern: new RegExp(`\\$ne${sep}`, 'i'),
  },
  {
    id: 'nosql-gt-operator',
    description: '$gt — "greater than" used to bypass password/value checks',
    pattern: new RegExp(`\\$gte?${sep}`, 'i'),
  },
  {
    id: 'nosql-lt-operator',
    description: '$lt / $lte — "less than" bypass variants',
    pattern: new RegExp(`\\$lte?${sep}`, 'i'),
  },
  {
    id: 'nosql-regex-operator',
    description: '$regex — can be used to extract data character by character (blind injection)',
    pattern: new RegExp(`\\$regex${sep}`, 'i'),
  },
  {
    id: 'nosql-or-operator',
    description: '$or — logical OR; used to create always-true conditions',
    pattern: new RegExp(`\\$or${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-and-operator',
    description: '$and — logical AND operator injection',
    pattern: new RegExp(`\\$and${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-nor-operator',
    description: '$nor — logical NOR operator injection',
    pattern: new RegExp(`\\$nor${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-exists-operator',
    description: '$exists — can enumerate fields to determine schema',
    pattern: new RegExp(`\\$exists${sep}`, 'i'),
  },
  {
    id: 'nosql-in-operator',
    description: '$in — matches any value in a list; can enumerate values',
    pattern: new RegExp(`\\$in${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-expr-operator',
    description: '$expr — allows aggregation expressions in queries (MongoDB 3.6+)',
    pattern: new RegExp(`\\$expr${sep}`, 'i'),
  },
  {
    id: 'nosql-function-operator',
    description: '$function — executes arbitrary JavaScript in MongoDB 4.4+',
    pattern: new RegExp(`\\$function${sep}`, 'i'),
  },
  {
    id: 'nosql-accumulator-operator',
    description: '$accumulator — custom aggregation with arbitrary JS execution',
    pattern: new RegExp(`\\$accumulator${sep}`, 'i'),
  },
  // ─── Prototype pollution ─────────────────────────────────────────────────
  {
    id: 'nosql-proto-pollution',
    description: '__proto__ — prototype pollution via object key injection',
    pattern: /__proto__/,
  },
  {
    id: 'nosql-constructor-prototype',
    description: 'constructor.prototype — alternative prototype pollution vector (dot notation or JSON key)',
    // Matches dot-notation (obj.constructor.prototype) and JSON key adjacency
    // ("constructor": {"prototype": ...})
    pattern: /constructor[\s"':.,{\[]*prototype/i,
  },
  {
    id: 'nosql-proto-bracket',
    description: '["__proto__"] — bracket-notation prototype pollution',
    pattern: /\[["']__proto__["']\]/,
  },
];

/* harmony default export */ const nosql = (NOSQL_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/contexts/log.js
/**
 * LOG context patterns.
 *
 * Detects injection vectors that are dangerous when a string is written
 * to a log file, passed to a logging framework, or interpolated into
 * a log message that will be parsed or displayed.
 *
 * Attack categories:
 *   1. CRLF injection — injects fake log lines by embedding newlines
 *   2. Log4Shell (CVE-2021-44228) — ${jndi:...} triggers JNDI lookup in Log4j
 *   3. SSTI in log templates — {{...}}, #{...} trigger template evaluation
 *      if the log message is passed through a template engine
 *   4. Null byte injection — truncates log entries in some implementations
 *   5. ANSI escape injection — manipulates terminal output when logs are
 *      tailed in a terminal (colour codes, cursor movement, etc.)
 *
 * Note: Newline characters (\n, \r) will produce false positives for
 * multi-line legitimate values. Use this context only for single-line
 * log field values (usernames, IDs, request parameters, etc.).
 */

const LOG_PATTERNS = [
  // ─── CRLF / newline injection ─────────────────────────────────────────────
  {
    id: 'log-crlf-injection',
    description: 'CRLF injection: literal \\r or \\n embeds fake log lines',
    pattern: /[\r\n]/,
  },
  {
    id: 'log-url-encoded-crlf',
    description: 'URL-encoded CRLF: %0d, %0a, %0D, %0A — decoded by some log parsers',
    pattern: /%0[dDaA]/,
  },
  {
    id: 'log-unicode-newline',
    description: 'Unicode newline variants: U+2028 (line separator), U+2029 (paragraph separator)',
    pattern: /[\u2028\u2029]/,
  },

  // ─── Log4Shell / JNDI injection (CVE-2021-44228) ─────────────────────────
  {
    id: 'log-log4shell-jndi',
    description: 'Log4Shell: ${jndi:...} triggers remote code execution in Apache Log4j',
    pattern: /\$\{jndi\s*:/i,
  },
  {
    id: 'log-log4shell-obfuscated',
    description: 'Obfuscated Log4Shell: ${::-j}... lookup-bypass prefix used to evade WAF detection',
    // ${::- is the Log4j lookup-bypass escape sequence; presence alone is suspicious
    pattern: /\$\{::-/,
  },
  {
    id: 'log-log4j-lookup',
    description: 'Log4j lookup syntax: ${env:...}, ${sys:...}, ${ctx:...} — data exfiltration',
    pattern: /\$\{(?:env|sys|ctx|main|map|sd|web|docker|k8s|spring)\s*:/i,
  },

  // ─── Server-Side Template Injection (SSTI) in log messages ───────────────
  {
    id: 'log-ssti-double-brace',
    description: 'SSTI double-brace: {{expression}} — Jinja2, Twig, Handlebars, etc.',
    pattern: /\{\{[\s\S]{0,80}\}\}/,
  },
  {
    id: 'log-ssti-hash-brace',
    description: 'SSTI hash-brace: #{expression} — Thymeleaf, Velocity, Ruby ERB',
    pattern: /#\{[\s\S]{0,80}\}/,
  },
  {
    id: 'log-ssti-dollar-brace',
    description: 'SSTI/EL injection: ${expression with operators or method calls} — JSP EL, Freemarker, SpEL',
    // Require that the ${...} content looks like an expression, not a plain variable name.
    // Flags if the content contains: . ( * + operators, or known SSTI keywords.
    // This avoids flagging ${PATH}, ${HOME} etc. (plain shell variables).
    pattern: /\$\{[^}]*(?:\.|\(|\*|\+|\bclass\b|\bruntime\b|\bprocess\b|\bexec\b)[^}]{0,80}\}/i,
  },
  {
    id: 'log-ssti-percent-tag',
    description: 'SSTI ERB/ASP tag: <%= expression %> — Ruby ERB, ASP',
    pattern: /<%=[\s\S]{0,80}%>/,
  },

  // ─── Null byte ────────────────────────────────────────────────────────────
  {
    id: 'log-null-byte',
    description: 'Null byte: \\x00 or %00 — can truncate log entries in C-backed loggers',
    pattern: /\x00|%00/,
  },

  // ─── ANSI escape injection ────────────────────────────────────────────────
  {
    id: 'log-ansi-escape',
    description: 'ANSI escape sequence: ESC[ — can manipulate terminal output when logs are tailed',
    pattern: /\x1b\[/,
  },
];

/* harmony default export */ const log = (LOG_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/is-unsafe/src/index.js
/**
 * is-unsafe v2
 *
 * Zero-dependency, DOM-free, pure predicate for detecting unsafe strings
 * across HTML, XML, SVG, SQL, SQL-STRICT, SHELL, REDOS, NOSQL, and LOG contexts.
 *
 * v2 change: contexts are imported as named pattern arrays rather than resolved
 * via a string-keyed registry. This makes each context independently
 * tree-shakeable — bundlers can drop any context you never import.
 *
 * @module is-unsafe
 */

// ─── Context pattern arrays (named exports) ────────────────────────────────
// Import only the ones you need. Each is independently tree-shakeable.










// SQL-STRICT needs a quoted identifier because of the hyphen



// Markup contexts are also matched against an entity-decoded copy of the input,
// because browsers decode HTML character references before interpreting a URL
// scheme (e.g. javascript&#58;… is a javascript: URL).


// ─── VALID_CONTEXTS convenience re-export ─────────────────────────────────
// Importing this pulls in ALL contexts. Use it only when you need all of them
// (e.g. for validation UI, tooling, or exhaustive audits).
// If you only need a subset, import the named contexts directly instead.










// ─── Attach labels to named contexts ──────────────────────────────────────
// Each built-in PatternList carries its canonical name so matchList can read
// list.label directly — no registry lookup needed at match time.
// Custom PatternLists default to 'CUSTOM' unless the caller sets list.label.

html.label       = 'HTML';
xml.label        = 'XML';
svg.label        = 'SVG';

// Markup contexts: also test an entity-decoded copy (see util/decode-entities.js).
// Non-markup contexts (SQL, SHELL, LOG, …) are matched byte-for-byte as supplied.
html.decodeEntities = true;
xml.decodeEntities  = true;
svg.decodeEntities  = true;
sql.label        = 'SQL';
sql_strict.label = 'SQL-STRICT';
shell.label      = 'SHELL';
redos.label      = 'REDOS';
nosql.label      = 'NOSQL';
log.label        = 'LOG';

const VALID_CONTEXTS = Object.freeze({
  HTML: html,
  XML: xml,
  SVG: svg,
  SQL: sql,
  'SQL-STRICT': sql_strict,
  SHELL: shell,
  REDOS: redos,
  NOSQL: nosql,
  LOG: log,
});

// ─── Types ────────────────────────────────────────────────────────────────

/**
 * @typedef {{ id: string, description: string, pattern: RegExp }} Rule
 */

/**
 * @typedef {Rule[]} PatternList
 */

/**
 * @typedef {Object} MatchResult
 * @property {string} context     - Label identifying which context matched ('HTML', 'CUSTOM', etc.)
 * @property {string} id          - Rule identifier
 * @property {string} description - Human-readable description of what was matched
 * @property {RegExp} pattern     - The pattern that matched
 */

// ─── Internal helpers ──────────────────────────────────────────────────────

/**
 * @param {unknown} value
 */
function assertString(value) {
  if (typeof value !== 'string') {
    throw new TypeError(
      `is-unsafe: first argument must be a string, got ${typeof value}`
    );
  }
}

/**
 * @param {unknown} context
 */
function assertContext(context) {
  if (context instanceof RegExp) return;

  if (Array.isArray(context)) {
    if (context.length === 0) {
      throw new TypeError('is-unsafe: context must not be an empty array');
    }
    // Detect array-of-arrays vs flat pattern list
    if (Array.isArray(context[0])) {
      // Array of PatternLists
      for (const list of context) {
        if (!Array.isArray(list) || list.length === 0) {
          throw new TypeError(
            'is-unsafe: each context in the array must be a non-empty pattern array (PatternList)'
          );
        }
      }
    }
    // else: flat PatternList — trust it, no deep validation needed
    return;
  }

  throw new TypeError(
    `is-unsafe: second argument must be a PatternList (e.g. HTML), ` +
    `an array of PatternLists (e.g. [HTML, XML]), or a RegExp. Got: ${typeof context}`
  );
}

/**
 * Normalise any valid context arg into an array of PatternLists.
 *
 * @param {Rule[]|Rule[][]|RegExp} context
 * @returns {{ lists: Rule[][]|null, regex: RegExp|null }}
 */
function normalise(context) {
  if (context instanceof RegExp) return { lists: null, regex: context };
  // Distinguish PatternList (array of rule objects) from array of PatternLists
  if (Array.isArray(context[0])) return { lists: context, regex: null };
  return { lists: [context], regex: null };
}

/**
 * For markup contexts, return an entity-decoded copy of `value` to test
 * alongside the raw input, or null when there is nothing extra to test.
 *
 * @param {string} value
 * @param {Rule[]} list
 * @returns {string|null}
 */
function decodedCopy(value, list) {
  if (!list.decodeEntities) return null;
  const decoded = decodeEntities(value);
  return decoded === value ? null : decoded;
}

/**
 * Test value against a single PatternList. Returns the first MatchResult or null.
 *
 * @param {string} value
 * @param {Rule[]} list
 * @returns {MatchResult|null}
 */
function matchList(value, list) {
  const label = list.label ?? 'CUSTOM';
  const decoded = decodedCopy(value, list);
  for (const rule of list) {
    if (rule.pattern.test(value) || (decoded !== null && rule.pattern.test(decoded))) {
      return { context: label, id: rule.id, description: rule.description, pattern: rule.pattern };
    }
  }
  return null;
}

// ─── Public API ───────────────────────────────────────────────────────────

/**
 * Returns `true` if `value` is unsafe in the given context(s), `false` otherwise.
 *
 * @param {string} value - The string to test
 * @param {PatternList | PatternList[] | RegExp} context
 *   - A PatternList imported from is-unsafe (e.g. `HTML`, `XML`)
 *   - An array of PatternLists — returns true if unsafe in **any** of them
 *   - A custom RegExp — returns true if the pattern matches
 * @returns {boolean}
 *
 * @example
 * import { isUnsafe, HTML, SQL } from 'is-unsafe';
 *
 * isUnsafe('<script>alert(1)</script>', HTML)       // true
 * isUnsafe('hello world', HTML)                     // false
 * isUnsafe('value', [HTML, SQL])                    // false
 * isUnsafe('value', /my-pattern/i)                  // false
 */
function isUnsafe(value, context) {
  assertString(value);
  assertContext(context);

  const { lists, regex } = normalise(context);

  if (regex) return regex.test(value);

  for (const list of lists) {
    if (matchList(value, list) !== null) return true;
  }
  return false;
}

/**
 * Like `isUnsafe`, but returns the first `MatchResult` describing **why**
 * the value was flagged, or `null` if it is safe.
 *
 * @param {string} value
 * @param {PatternList | PatternList[] | RegExp} context
 * @returns {MatchResult|null}
 *
 * @example
 * import { whyUnsafe, HTML } from 'is-unsafe';
 *
 * whyUnsafe('<script>alert(1)</script>', HTML)
 * // { context: 'HTML', id: 'html-script-open', description: '...', pattern: /.../ }
 */
function whyUnsafe(value, context) {
  assertString(value);
  assertContext(context);

  const { lists, regex } = normalise(context);

  if (regex) {
    return regex.test(value)
      ? { context: 'CUSTOM', id: 'custom-regex', description: 'Matched caller-supplied pattern', pattern: regex }
      : null;
  }

  for (const list of lists) {
    const result = matchList(value, list);
    if (result !== null) return result;
  }
  return null;
}

/**
 * Returns **all** matching rules across the given context(s), or an empty
 * array if the value is safe. Useful for comprehensive auditing.
 *
 * @param {string} value
 * @param {PatternList | PatternList[] | RegExp} context
 * @returns {MatchResult[]}
 */
function allUnsafe(value, context) {
  assertString(value);
  assertContext(context);

  const { lists, regex } = normalise(context);
  const results = [];

  if (regex) {
    if (regex.test(value)) {
      results.push({ context: 'CUSTOM', id: 'custom-regex', description: 'Matched caller-supplied pattern', pattern: regex });
    }
    return results;
  }

  for (const list of lists) {
    const label = list.label ?? 'CUSTOM';
    const decoded = decodedCopy(value, list);
    for (const rule of list) {
      if (rule.pattern.test(value) || (decoded !== null && rule.pattern.test(decoded))) {
        results.push({ context: label, id: rule.id, description: rule.description, pattern: rule.pattern });
      }
    }
  }

  return results;
}


/* harmony default export */ const src = ((/* unused pure expression or super */ null && (isUnsafe)));

;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/xmlparser/OrderedObjParser.js

///@ts-check












// const regx =
//   '<((!\\[CDATA\\[([\\s\\S]*?)(]]>))|((NAME:)?(NAME))([^>]*)>|((\\/)(NAME)\\s*>))([^<]*)'
//   .replace(/NAME/g, util.nameRegexp);

//const tagsRegx = new RegExp("<(\\/?[\\w:\\-\._]+)([^>]*)>(\\s*"+cdataRegx+")*([^<]+)?","g");
//const tagsRegx = new RegExp("<(\\/?)((\\w*:)?([\\w:\\-\._]+))([^>]*)>([^<]*)("+cdataRegx+"([^<]*))*([^<]+)?","g");

// Helper functions for attribute and namespace handling

/**
 * Extract raw attributes (without prefix) from prefixed attribute map
 * @param {object} prefixedAttrs - Attributes with prefix from buildAttributesMap
 * @param {object} options - Parser options containing attributeNamePrefix
 * @returns {object} Raw attributes for matcher
 */
function extractRawAttributes(prefixedAttrs, options) {
  if (!prefixedAttrs) return {};

  // Handle attributesGroupName option
  const attrs = options.attributesGroupName
    ? prefixedAttrs[options.attributesGroupName]
    : prefixedAttrs;

  if (!attrs) return {};

  const rawAttrs = {};
  for (const key in attrs) {
    // Remove the attribute prefix to get raw name
    if (key.startsWith(options.attributeNamePrefix)) {
      const rawName = key.substring(options.attributeNamePrefix.length);
      rawAttrs[rawName] = attrs[key];
    } else {
      // Attribute without prefix (shouldn't normally happen, but be safe)
      rawAttrs[key] = attrs[key];
    }
  }
  return rawAttrs;
}

/**
 * Extract namespace from raw tag name
 * @param {string} rawTagName - Tag name possibly with namespace (e.g., "soap:Envelope")
 * @returns {string|undefined} Namespace or undefined
 */
function extractNamespace(rawTagName) {
  if (!rawTagName || typeof rawTagName !== 'string') return undefined;

  const colonIndex = rawTagName.indexOf(':');
  if (colonIndex !== -1 && colonIndex > 0) {
    const ns = rawTagName.substring(0, colonIndex);
    // Don't treat xmlns as a namespace
    if (ns !== 'xmlns') {
      return ns;
    }
  }
  return undefined;
}

class OrderedObjParser {
  constructor(options, externalEntities) {
    this.options = options;
    this.currentNode = null;
    this.tagsNodeStack = [];
    this.parseXml = parseXml;
    this.parseTextData = parseTextData;
    this.resolveNameSpace = resolveNameSpace;
    this.buildAttributesMap = buildAttributesMap;
    this.isItStopNode = isItStopNode;
    this.replaceEntitiesValue = replaceEntitiesValue;
    this.readStopNodeData = readStopNodeData;
    this.saveTextToParentTag = saveTextToParentTag;
    this.addChild = addChild;
    this.ignoreAttributesFn = getIgnoreAttributesFn(this.options.ignoreAttributes)
    this.entityExpansionCount = 0;
    this.currentExpandedLength = 0;
    this.doctypefound = false;
    let namedEntities = { ...XML };
    if (this.options.entityDecoder) {
      this.entityDecoder = this.options.entityDecoder
    } else {
      if (typeof this.options.htmlEntities === "object") namedEntities = this.options.htmlEntities;
      else if (this.options.htmlEntities === true) namedEntities = { ...COMMON_HTML, ...CURRENCY };
      this.entityDecoder = new EntityDecoder({
        namedEntities: { ...namedEntities, ...externalEntities },
        numericAllowed: this.options.htmlEntities,
        limit: {
          maxTotalExpansions: this.options.processEntities.maxTotalExpansions,
          maxExpandedLength: this.options.processEntities.maxExpandedLength,
          applyLimitsTo: this.options.processEntities.appliesTo,
        },
        // onExternalEntity: (name, value) => isUnsafe(value) ? 'block' : 'allow',
        onInputEntity: (name, value) =>
          //TODO: VALID_CONTEXTS.HTML should be set only if this.options.htmlEntities
          isUnsafe(value, [html, xml]) ? ENTITY_ACTION.BLOCK : ENTITY_ACTION.ALLOW,

        //postCheck: resolved => resolved
      });
    }

    // Initialize path matcher for path-expression-matcher
    this.matcher = new Matcher();
    this.readonlyMatcher = this.matcher.readOnly();

    // Flag to track if current node is a stop node (optimization)
    this.isCurrentNodeStopNode = false;

    // Pre-compile stopNodes expressions
    this.stopNodeExpressionsSet = new ExpressionSet();
    const stopNodesOpts = this.options.stopNodes;
    if (stopNodesOpts && stopNodesOpts.length > 0) {
      for (let i = 0; i < stopNodesOpts.length; i++) {
        const stopNodeExp = stopNodesOpts[i];
        if (typeof stopNodeExp === 'string') {
          // Convert string to Expression object
          this.stopNodeExpressionsSet.add(new Expression(stopNodeExp));
        } else if (stopNodeExp instanceof Expression) {
          // Already an Expression object
          this.stopNodeExpressionsSet.add(stopNodeExp);
        }
      }
      this.stopNodeExpressionsSet.seal();
    }
  }

}


/**
 * @param {string} val
 * @param {string} tagName
 * @param {string|Matcher} jPath - jPath string or Matcher instance based on options.jPath
 * @param {boolean} dontTrim
 * @param {boolean} hasAttributes
 * @param {boolean} isLeafNode
 * @param {boolean} escapeEntities
 */
function parseTextData(val, tagName, jPath, dontTrim, hasAttributes, isLeafNode, escapeEntities) {
  const options = this.options;
  if (val !== undefined) {
    if (options.trimValues && !dontTrim) {
      val = val.trim();
    }
    if (val.length > 0) {
      if (!escapeEntities) val = this.replaceEntitiesValue(val, tagName, jPath);

      // Pass jPath string or matcher based on options.jPath setting
      const jPathOrMatcher = options.jPath ? jPath.toString() : jPath;
      const newval = options.tagValueProcessor(tagName, val, jPathOrMatcher, hasAttributes, isLeafNode);
      if (newval === null || newval === undefined) {
        //don't parse
        return val;
      } else if (typeof newval !== typeof val || newval !== val) {
        //overwrite
        return newval;
      } else if (options.trimValues) {
        return parseValue(val, options.parseTagValue, options.numberParseOptions);
      } else {
        const trimmedVal = val.trim();
        if (trimmedVal === val) {
          return parseValue(val, options.parseTagValue, options.numberParseOptions);
        } else {
          return val;
        }
      }
    }
  }
}

function resolveNameSpace(tagname) {
  if (this.options.removeNSPrefix) {
    const tags = tagname.split(':');
    const prefix = tagname.charAt(0) === '/' ? '/' : '';
    if (tags[0] === 'xmlns') {
      return '';
    }
    if (tags.length === 2) {
      tagname = prefix + tags[1];
    }
  }
  return tagname;
}

//TODO: change regex to capture NS
//const attrsRegx = new RegExp("([\\w\\-\\.\\:]+)\\s*=\\s*(['\"])((.|\n)*?)\\2","gm");
// The value is matched with a negated class per quote type rather than a lazy `[\s\S]*?` up to a
// backreference, which is much slower on long values (SVG paths, data URIs)
const attrsRegx = /([^\s=]+)\s*(=\s*(?:"([^"]*)"|'([^']*)'))?/gm;

// value inside double quotes, or inside single quotes, or undefined when there is no value
function attrValue(match) {
  return match[3] !== undefined ? match[3] : match[4];
}

function buildAttributesMap(attrStr, jPath, tagName, force = false) {
  const options = this.options;
  if (force === true || (options.ignoreAttributes !== true && typeof attrStr === 'string')) {
    // attrStr = attrStr.replace(/\r?\n/g, ' ');
    //attrStr = attrStr || attrStr.trim();

    const matches = getAllMatches(attrStr, attrsRegx);
    const len = matches.length; //don't make it inline
    const attrs = {};

    // Pre-process values once: trim + entity replacement
    // Reused in both matcher update and second pass
    const processedVals = new Array(len);
    let hasRawAttrs = false;
    const rawAttrsForMatcher = {};

    for (let i = 0; i < len; i++) {
      const attrName = this.resolveNameSpace(matches[i][1]);
      const oldVal = attrValue(matches[i]);

      if (attrName.length && oldVal !== undefined) {
        let val = oldVal;
        if (options.trimValues) val = val.trim();
        val = this.replaceEntitiesValue(val, tagName, this.readonlyMatcher);
        processedVals[i] = val;

        rawAttrsForMatcher[attrName] = val;
        hasRawAttrs = true;
      }
    }

    // Update matcher ONCE before second pass, if applicable
    if (hasRawAttrs && typeof jPath === 'object' && jPath.updateCurrent) {
      jPath.updateCurrent(rawAttrsForMatcher);
    }

    // Hoist toString() once — path doesn't change during attribute processing
    const jPathStr = options.jPath ? jPath.toString() : this.readonlyMatcher;

    // Second pass: apply processors, build final attrs
    let hasAttrs = false;
    for (let i = 0; i < len; i++) {
      const attrName = this.resolveNameSpace(matches[i][1]);

      if (this.ignoreAttributesFn(attrName, jPathStr)) continue;

      let aName = options.attributeNamePrefix + attrName;

      if (attrName.length) {
        if (options.transformAttributeName) {
          aName = options.transformAttributeName(aName);
        }
        aName = sanitizeName(aName, options);

        if (attrValue(matches[i]) !== undefined) {
          // Reuse already-processed value — no double entity replacement
          const oldVal = processedVals[i];

          const newVal = options.attributeValueProcessor(attrName, oldVal, jPathStr);
          if (newVal === null || newVal === undefined) {
            attrs[aName] = oldVal;
          } else if (typeof newVal !== typeof oldVal || newVal !== oldVal) {
            attrs[aName] = newVal;
          } else {
            attrs[aName] = parseValue(oldVal, options.parseAttributeValue, options.numberParseOptions);
          }
          hasAttrs = true;
        } else if (options.allowBooleanAttributes) {
          attrs[aName] = true;
          hasAttrs = true;
        }
      }
    }

    if (!hasAttrs) return;

    if (options.attributesGroupName && !options.preserveOrder) {
      const attrCollection = {};
      attrCollection[options.attributesGroupName] = attrs;
      return attrCollection;
    }
    return attrs;
  }
}
const parseXml = function (xmlData) {
  const options = this.options;
  const crlfPositions = options.captureMetaData ? [] : undefined;
  xmlData = xmlData.replace(/\r\n?/g, options.captureMetaData ? (newline, index) => {
    if (newline.length === 2) {
      // Store the position after earlier CRLF pairs have been normalized.
      crlfPositions.push(index - crlfPositions.length);
    }
    return "\n";
  } : "\n");
  const xmlObj = new XmlNode('!xml');
  let currentNode = xmlObj;
  let textData = "";

  // Reset matcher for new document
  this.matcher.reset();
  this.entityDecoder.reset();

  // Reset entity expansion counters for this document
  this.entityExpansionCount = 0;
  this.currentExpandedLength = 0;
  this.doctypefound = false;
  const docTypeReader = new DocTypeReader(options.processEntities);
  const xmlLen = xmlData.length;
  for (let i = 0; i < xmlLen; i++) {//for each char in XML data
    const ch = xmlData[i];
    if (ch === '<') {
      // const nextIndex = i+1;
      // const _2ndChar = xmlData[nextIndex];
      const c1 = xmlData.charCodeAt(i + 1);
      if (c1 === 47) {//Closing Tag '/'
        const closeIndex = findClosingIndex(xmlData, ">", i, "Closing Tag is not closed.")
        let tagName = xmlData.substring(i + 2, closeIndex).trim();

        if (options.removeNSPrefix) {
          const colonIndex = tagName.indexOf(":");
          if (colonIndex !== -1) {
            tagName = tagName.substr(colonIndex + 1);
          }
        }

        tagName = transformTagName(options.transformTagName, tagName, "", options).tagName;

        if (currentNode) {
          textData = this.saveTextToParentTag(textData, currentNode, this.readonlyMatcher);
        }

        //check if last tag of nested tag was unpaired tag
        const lastTagName = this.matcher.getCurrentTag();
        if (tagName && options.unpairedTagsSet.has(tagName)) {
          throw new Error(`Unpaired tag can not be used as closing tag: </${tagName}>`);
        }
        if (lastTagName && options.unpairedTagsSet.has(lastTagName)) {
          // Pop the unpaired tag
          this.matcher.pop();
          this.tagsNodeStack.pop();
        }
        // Pop the closing tag
        this.matcher.pop();
        this.isCurrentNodeStopNode = false; // Reset flag when closing tag

        //a closing tag with no matching opening tag leaves the stack empty
        currentNode = this.tagsNodeStack.pop() || xmlObj;//avoid recursion, set the parent tag scope

        if (options.captureMetaData && currentNode) {
          currentNode.addEndIndex(getOriginalIndex(closeIndex + 1, crlfPositions));
        }
        textData = "";
        i = closeIndex;
      } else if (c1 === 63) { //'?'

        let tagData = readTagExp(xmlData, i, false, "?>");
        if (!tagData) throw new Error("Pi Tag is not closed.");

        textData = this.saveTextToParentTag(textData, currentNode, this.readonlyMatcher);
        const attsMap = this.buildAttributesMap(tagData.tagExp, this.matcher, tagData.tagName, true);
        if (attsMap) {
          const ver = attsMap[this.options.attributeNamePrefix + "version"];
          this.entityDecoder.setXmlVersion(Number(ver) || 1.0);
          docTypeReader.setXmlVersion(Number(ver) || 1.0);
        }
        if ((options.ignoreDeclaration && tagData.tagName === "?xml") || options.ignorePiTags) {
          //do nothing
        } else {

          const childNode = new XmlNode(tagData.tagName);
          childNode.add(options.textNodeName, "");

          if (tagData.tagName !== tagData.tagExp && tagData.attrExpPresent && options.ignoreAttributes !== true) {
            childNode[":@"] = attsMap
          }
          const startIndex = options.captureMetaData ? getOriginalIndex(i, crlfPositions) : i;
          this.addChild(currentNode, childNode, this.readonlyMatcher, startIndex);

          if (options.captureMetaData) {
            // closeIndex points at '?' of the closing '?>'
            currentNode.addEndIndex(getOriginalIndex(tagData.closeIndex + 2, crlfPositions));
          }
        }


        i = tagData.closeIndex + 1;
      } else if (c1 === 33
        && xmlData.charCodeAt(i + 2) === 45
        && xmlData.charCodeAt(i + 3) === 45) { //'!--'
        const endIndex = findClosingIndex(xmlData, "-->", i + 4, "Comment is not closed.")
        if (options.commentPropName) {
          const comment = xmlData.substring(i + 4, endIndex - 2);

          textData = this.saveTextToParentTag(textData, currentNode, this.readonlyMatcher);

          currentNode.add(options.commentPropName, [{ [options.textNodeName]: comment }]);
        }
        i = endIndex;
      } else if (c1 === 33
        && xmlData.charCodeAt(i + 2) === 68) { //'!D'
        if (this.doctypefound) throw new Error("Multiple DOCTYPE declarations found.");
        this.doctypefound = true;
        const result = docTypeReader.readDocType(xmlData, i);
        this.entityDecoder.addInputEntities(result.entities);
        i = result.i;
      } else if (c1 === 33
        && xmlData.charCodeAt(i + 2) === 91) { // '!['
        const closeIndex = findClosingIndex(xmlData, "]]>", i, "CDATA is not closed.") - 2;
        const tagExp = xmlData.substring(i + 9, closeIndex);

        textData = this.saveTextToParentTag(textData, currentNode, this.readonlyMatcher);

        let val = this.parseTextData(tagExp, currentNode.tagname, this.readonlyMatcher, true, false, true, true);
        if (val == undefined) val = "";

        //cdata should be set even if it is 0 length string
        if (options.cdataPropName) {
          currentNode.add(options.cdataPropName, [{ [options.textNodeName]: tagExp }]);
        } else {
          currentNode.add(options.textNodeName, val);
        }

        i = closeIndex + 2;
      } else {//Opening tag
        let result = readTagExp(xmlData, i, options.removeNSPrefix);

        // Safety check: readTagExp can return undefined
        if (!result) {
          // Log context for debugging
          const context = xmlData.substring(Math.max(0, i - 50), Math.min(xmlLen, i + 50));
          throw new Error(`readTagExp returned undefined at position ${i}. Context: "${context}"`);
        }

        let tagName = result.tagName;
        const rawTagName = result.rawTagName;
        let tagExp = result.tagExp;
        let attrExpPresent = result.attrExpPresent;
        let closeIndex = result.closeIndex;

        ({ tagName, tagExp } = transformTagName(options.transformTagName, tagName, tagExp, options));

        if (options.strictReservedNames &&
          (tagName === options.commentPropName
            || tagName === options.cdataPropName
            || tagName === options.textNodeName
            || tagName === options.attributesGroupName
          )) {
          throw new Error(`Invalid tag name: ${tagName}`);
        }

        //save text as child node
        if (currentNode && textData) {
          if (currentNode.tagname !== '!xml') {
            //when nested tag is found
            textData = this.saveTextToParentTag(textData, currentNode, this.readonlyMatcher, false);
          }
        }

        //check if last tag was unpaired tag
        const lastTag = currentNode;
        if (lastTag && options.unpairedTagsSet.has(lastTag.tagname)) {
          currentNode = this.tagsNodeStack.pop();
          this.matcher.pop();
        }

        // Clean up self-closing syntax BEFORE processing attributes
        // This is where tagExp gets the trailing / removed
        let isSelfClosing = false;
        if (tagExp.length > 0 && tagExp.lastIndexOf("/") === tagExp.length - 1) {
          isSelfClosing = true;
          if (tagName[tagName.length - 1] === "/") {
            tagName = tagName.substr(0, tagName.length - 1);
            tagExp = tagName;
          } else {
            tagExp = tagExp.substr(0, tagExp.length - 1);
          }

          // Re-check attrExpPresent after cleaning
          attrExpPresent = (tagName !== tagExp);
        }

        // Now process attributes with CLEAN tagExp (no trailing /)
        let prefixedAttrs = null;
        let rawAttrs = {};
        let namespace = undefined;

        // Extract namespace from rawTagName
        namespace = extractNamespace(rawTagName);

        // Push tag to matcher FIRST (with empty attrs for now) so callbacks see correct path
        if (tagName !== xmlObj.tagname) {
          this.matcher.push(tagName, {}, namespace);
        }

        // Now build attributes - callbacks will see correct matcher state
        if (tagName !== tagExp && attrExpPresent) {
          // Build attributes (returns prefixed attributes for the tree)
          // Note: buildAttributesMap now internally updates the matcher with raw attributes
          prefixedAttrs = this.buildAttributesMap(tagExp, this.matcher, tagName);

          if (prefixedAttrs) {
            // Extract raw attributes (without prefix) for our use
            //TODO: seems a performance overhead
            rawAttrs = extractRawAttributes(prefixedAttrs, options);
          }
        }

        // Now check if this is a stop node (after attributes are set)
        if (tagName !== xmlObj.tagname) {
          this.isCurrentNodeStopNode = this.isItStopNode();
        }

        const startIndex = options.captureMetaData ? getOriginalIndex(i, crlfPositions) : i;
        if (this.isCurrentNodeStopNode) {
          let tagContent = "";

          // For self-closing tags, content is empty
          if (isSelfClosing) {
            i = result.closeIndex;
          }
          //unpaired tag
          else if (options.unpairedTagsSet.has(tagName)) {
            i = result.closeIndex;
          }
          //normal tag
          else {
            //read until closing tag is found
            const result = this.readStopNodeData(xmlData, rawTagName, closeIndex + 1);
            if (!result) throw new Error(`Unexpected end of ${rawTagName}`);
            i = result.i;
            tagContent = result.tagContent;
          }

          const childNode = new XmlNode(tagName);

          if (prefixedAttrs) {
            childNode[":@"] = prefixedAttrs;
          }

          // For stop nodes, store raw content as-is without any processing
          childNode.add(options.textNodeName, tagContent);

          this.matcher.pop(); // Pop the stop node tag
          this.isCurrentNodeStopNode = false; // Reset flag

          this.addChild(currentNode, childNode, this.readonlyMatcher, startIndex);

          if (options.captureMetaData) {
            currentNode.addEndIndex(getOriginalIndex(i + 1, crlfPositions));
          }
        } else {
          //selfClosing tag
          if (isSelfClosing) {
            ({ tagName, tagExp } = transformTagName(options.transformTagName, tagName, tagExp, options));

            const childNode = new XmlNode(tagName);
            if (prefixedAttrs) {
              childNode[":@"] = prefixedAttrs;
            }
            this.addChild(currentNode, childNode, this.readonlyMatcher, startIndex);

            if (options.captureMetaData) {
              currentNode.addEndIndex(getOriginalIndex(closeIndex + 1, crlfPositions));
            }
            this.matcher.pop(); // Pop self-closing tag
            this.isCurrentNodeStopNode = false; // Reset flag
          }
          else if (options.unpairedTagsSet.has(tagName)) {//unpaired tag
            const childNode = new XmlNode(tagName);
            if (prefixedAttrs) {
              childNode[":@"] = prefixedAttrs;
            }
            this.addChild(currentNode, childNode, this.readonlyMatcher, startIndex);

            if (options.captureMetaData) {
              currentNode.addEndIndex(getOriginalIndex(result.closeIndex + 1, crlfPositions));
            }
            this.matcher.pop(); // Pop unpaired tag
            this.isCurrentNodeStopNode = false; // Reset flag
            i = result.closeIndex;
            // Continue to next iteration without changing currentNode
            continue;
          }
          //opening tag
          else {
            const childNode = new XmlNode(tagName);
            if (this.tagsNodeStack.length > options.maxNestedTags) {
              throw new Error("Maximum nested tags exceeded");
            }
            this.tagsNodeStack.push(currentNode);

            if (prefixedAttrs) {
              childNode[":@"] = prefixedAttrs;
            }
            this.addChild(currentNode, childNode, this.readonlyMatcher, startIndex);
            currentNode = childNode;
          }
          textData = "";
          i = closeIndex;
        }
      }
    } else {
      textData += xmlData[i];
    }
  }
  return xmlObj.child;
}

function getOriginalIndex(index, crlfPositions) {
  let low = 0;
  let high = crlfPositions.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (crlfPositions[middle] < index) low = middle + 1;
    else high = middle;
  }
  return index + low;
}

function addChild(currentNode, childNode, matcher, startIndex) {
  // unset startIndex if not requested
  if (!this.options.captureMetaData) startIndex = undefined;

  // Pass jPath string or matcher based on options.jPath setting
  const jPathOrMatcher = this.options.jPath ? matcher.toString() : matcher;
  const result = this.options.updateTag(childNode.tagname, jPathOrMatcher, childNode[":@"])
  if (result === false) {
    //do nothing
  } else if (typeof result === "string") {
    childNode.tagname = result
    currentNode.addChild(childNode, startIndex);
  } else {
    currentNode.addChild(childNode, startIndex);
  }
}

/**
 * @param {object} val - Entity object with regex and val properties
 * @param {string} tagName - Tag name
 * @param {string|Matcher} jPath - jPath string or Matcher instance based on options.jPath
 */
function replaceEntitiesValue(val, tagName, jPath) {
  const entityConfig = this.options.processEntities;

  if (!entityConfig || !entityConfig.enabled) {
    return val;
  }

  // Check if tag is allowed to contain entities
  if (entityConfig.allowedTags) {
    const jPathOrMatcher = this.options.jPath ? jPath.toString() : jPath;
    const allowed = Array.isArray(entityConfig.allowedTags)
      ? entityConfig.allowedTags.includes(tagName)
      : entityConfig.allowedTags(tagName, jPathOrMatcher);

    if (!allowed) {
      return val;
    }
  }

  // Apply custom tag filter if provided
  if (entityConfig.tagFilter) {
    const jPathOrMatcher = this.options.jPath ? jPath.toString() : jPath;
    if (!entityConfig.tagFilter(tagName, jPathOrMatcher)) {
      return val; // Skip based on custom filter
    }
  }

  return this.entityDecoder.decode(val);
}


function saveTextToParentTag(textData, parentNode, matcher, isLeafNode) {
  if (textData) { //store previously collected data as textNode
    if (isLeafNode === undefined) isLeafNode = parentNode.child.length === 0

    textData = this.parseTextData(textData,
      parentNode.tagname,
      matcher,
      false,
      parentNode[":@"] ? Object.keys(parentNode[":@"]).length !== 0 : false,
      isLeafNode);

    if (textData !== undefined && textData !== "")
      parentNode.add(this.options.textNodeName, textData);
    textData = "";
  }
  return textData;
}

/**
 * @param {Array<Expression>} stopNodeExpressions - Array of compiled Expression objects
 * @param {Matcher} matcher - Current path matcher
 */
function isItStopNode() {
  if (this.stopNodeExpressionsSet.size === 0) return false;

  return this.matcher.matchesAny(this.stopNodeExpressionsSet);
}

/**
 * Returns the tag Expression and where it is ending handling single-double quotes situation
 * @param {string} xmlData 
 * @param {number} i starting index
 * @returns 
 */
function tagExpWithClosingIndex(xmlData, i, closingChar = ">") {
  //TODO: ignore boolean attributes in tag expression
  //TODO: if ignore attributes, dont read full attribute expression but the end. But read for xml declaration
  const len = xmlData.length;
  const closeCode0 = closingChar.charCodeAt(0);
  const closeCode1 = closingChar.length > 1 ? closingChar.charCodeAt(1) : -1;

  let result = '';
  let segmentStart = i;

  for (let index = i; index < len; index++) {
    const code = xmlData.charCodeAt(index);

    if (code === 34 || code === 39) { // " or '
      // Skip the quoted value in one step: nothing inside it can close the tag
      index = xmlData.indexOf(xmlData[index], index + 1);
      if (index === -1) return;
    } else if (code === closeCode0) {
      if (closeCode1 !== -1) {
        if (xmlData.charCodeAt(index + 1) === closeCode1) {
          result += xmlData.substring(segmentStart, index);
          return { data: result, index };
        }
      } else {
        result += xmlData.substring(segmentStart, index);
        return { data: result, index };
      }
    } else if (code === 9) { // \t - only replace with space outside attribute values
      // Flush accumulated segment, add space, start new segment
      result += xmlData.substring(segmentStart, index) + ' ';
      segmentStart = index + 1;
    }
  }
}

function findClosingIndex(xmlData, str, i, errMsg) {
  const closingIndex = xmlData.indexOf(str, i);
  if (closingIndex === -1) {
    throw new Error(errMsg)
  } else {
    return closingIndex + str.length - 1;
  }
}

function findClosingChar(xmlData, char, i, errMsg) {
  const closingIndex = xmlData.indexOf(char, i);
  if (closingIndex === -1) throw new Error(errMsg);
  return closingIndex; // no offset needed
}

function readTagExp(xmlData, i, removeNSPrefix, closingChar = ">") {
  const result = tagExpWithClosingIndex(xmlData, i + 1, closingChar);
  if (!result) return;
  let tagExp = result.data;
  const closeIndex = result.index;
  const separatorIndex = tagExp.search(/\s/);
  let tagName = tagExp;
  let attrExpPresent = true;
  if (separatorIndex !== -1) {//separate tag name and attributes expression
    tagName = tagExp.substring(0, separatorIndex);
    tagExp = tagExp.substring(separatorIndex + 1).trimStart();
  }

  const rawTagName = tagName;
  if (removeNSPrefix) {
    const colonIndex = tagName.indexOf(":");
    if (colonIndex !== -1) {
      tagName = tagName.substr(colonIndex + 1);
      attrExpPresent = tagName !== result.data.substr(colonIndex + 1);
    }
  }

  return {
    tagName: tagName,
    tagExp: tagExp,
    closeIndex: closeIndex,
    attrExpPresent: attrExpPresent,
    rawTagName: rawTagName,
  }
}
/**
 * find paired tag for a stop node
 * @param {string} xmlData 
 * @param {string} tagName 
 * @param {number} i 
 */
function readStopNodeData(xmlData, tagName, i) {
  const startIndex = i;
  // Starting at 1 since we already have an open tag
  let openTagCount = 1;
  let lenient = false; // set once a quote-aware tag scan fails
  let nextGt = -1; // cached index of the next '>'

  const xmllen = xmlData.length;
  for (; i < xmllen; i++) {
    if (xmlData[i] === "<") {
      const c1 = xmlData.charCodeAt(i + 1);
      if (c1 === 47) {//close tag '/'
        const closeIndex = findClosingChar(xmlData, ">", i, `${tagName} is not closed`);
        let closeTagName = xmlData.substring(i + 2, closeIndex).trim();
        if (closeTagName === tagName) {
          openTagCount--;
          if (openTagCount === 0) {
            return {
              tagContent: xmlData.substring(startIndex, i),
              i: closeIndex
            }
          }
        }
        i = closeIndex;
      } else if (c1 === 63) { //?
        const closeIndex = findClosingIndex(xmlData, "?>", i + 1, "StopNode is not closed.")
        i = closeIndex;
      } else if (c1 === 33
        && xmlData.charCodeAt(i + 2) === 45
        && xmlData.charCodeAt(i + 3) === 45) { // '!--'
        const closeIndex = findClosingIndex(xmlData, "-->", i + 3, "StopNode is not closed.")
        i = closeIndex;
      } else if (c1 === 33
        && xmlData.charCodeAt(i + 2) === 91) { // '!['
        const closeIndex = findClosingIndex(xmlData, "]]>", i, "StopNode is not closed.") - 2;
        i = closeIndex;
      } else {
        const tagData = lenient ? undefined : readTagExp(xmlData, i, false);

        if (tagData) {
          const openTagName = tagData.tagName;
          if (openTagName === tagName && tagData.tagExp[tagData.tagExp.length - 1] !== "/") {
            openTagCount++;
          }
          i = tagData.closeIndex;
        } else {
          // no closing '>'. use lenient approach to find '<' instead of readTagExp, to avoid repeated rescans.
          lenient = true;
          if (nextGt < i) {
            nextGt = xmlData.indexOf(">", i);
            if (nextGt === -1) return; // no '>' left, so no closing tag can follow
          }
          const nextLt = xmlData.indexOf("<", i + 1);
          if (nextLt === -1 || nextLt > nextGt) { // looks like a real tag
            const exp = xmlData.substring(i + 1, nextGt);
            const sep = exp.search(/\s/);
            const name = sep === -1 ? exp : exp.substring(0, sep);
            if (name === tagName && exp[exp.length - 1] !== "/") openTagCount++;
            i = nextGt;
          } // else: treat this '<' as plain text
        }
      }
    }
  }//end for loop
}

function parseValue(val, shouldParse, options) {
  if (shouldParse && typeof val === 'string') {
    //console.log(options)
    const newval = val.trim();
    if (newval === 'true') return true;
    else if (newval === 'false') return false;
    else return toNumber(val, options);
  } else {
    if (isExist(val)) {
      return val;
    } else {
      return '';
    }
  }
}

function fromCodePoint(str, base, prefix) {
  const codePoint = Number.parseInt(str, base);

  if (codePoint >= 0 && codePoint <= 0x10FFFF) {
    return String.fromCodePoint(codePoint);
  } else {
    return prefix + str + ";";
  }
}

function transformTagName(fn, tagName, tagExp, options) {
  if (fn) {
    const newTagName = fn(tagName);
    if (tagExp === tagName) {
      tagExp = newTagName
    }
    tagName = newTagName;
  }
  tagName = sanitizeName(tagName, options);
  return { tagName, tagExp };
}



function sanitizeName(name, options) {
  if (criticalProperties.includes(name)) {
    throw new Error(`[SECURITY] Invalid name: "${name}" is a reserved JavaScript keyword that could cause prototype pollution`);
  } else if (DANGEROUS_PROPERTY_NAMES.includes(name)) {
    return options.onDangerousProperty(name);
  }
  return name;
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/xmlparser/node2json.js





const node2json_METADATA_SYMBOL = XmlNode.getMetaDataSymbol();

/**
 * Helper function to strip attribute prefix from attribute map
 * @param {object} attrs - Attributes with prefix (e.g., {"@_class": "code"})
 * @param {string} prefix - Attribute prefix to remove (e.g., "@_")
 * @returns {object} Attributes without prefix (e.g., {"class": "code"})
 */
function stripAttributePrefix(attrs, prefix) {
  if (!attrs || typeof attrs !== 'object') return {};
  if (!prefix) return attrs;

  const rawAttrs = {};
  for (const key in attrs) {
    if (key.startsWith(prefix)) {
      const rawName = key.substring(prefix.length);
      rawAttrs[rawName] = attrs[key];
    } else {
      // Attribute without prefix (shouldn't normally happen, but be safe)
      rawAttrs[key] = attrs[key];
    }
  }
  return rawAttrs;
}

/**
 * 
 * @param {array} node 
 * @param {any} options 
 * @param {Matcher} matcher - Path matcher instance
 * @returns 
 */
function prettify(node, options, matcher, readonlyMatcher) {
  return compress(node, options, matcher, readonlyMatcher);
}

/**
 * @param {array} arr 
 * @param {object} options 
 * @param {Matcher} matcher - Path matcher instance
 * @returns object
 */
function compress(arr, options, matcher, readonlyMatcher) {
  let text;
  const compressedObj = {}; //This is intended to be a plain object
  for (let i = 0; i < arr.length; i++) {
    const tagObj = arr[i];
    const property = propName(tagObj);

    // Push current property to matcher WITH RAW ATTRIBUTES (no prefix)
    if (property !== undefined && property !== options.textNodeName) {
      const rawAttrs = stripAttributePrefix(
        tagObj[":@"] || {},
        options.attributeNamePrefix
      );
      matcher.push(property, rawAttrs);
    }

    if (property === options.textNodeName) {
      if (text === undefined) text = tagObj[property];
      else text += "" + tagObj[property];
    } else if (property === undefined) {
      continue;
    } else if (tagObj[property]) {

      let val = compress(tagObj[property], options, matcher, readonlyMatcher);
      const isLeaf = isLeafTag(val, options);

      if (Object.keys(val).length === 0 && options.alwaysCreateTextNode) {
        val[options.textNodeName] = "";
      }

      if (tagObj[":@"]) {
        assignAttributes(val, tagObj[":@"], readonlyMatcher, options);
      } else if (Object.keys(val).length === 1 && val[options.textNodeName] !== undefined && !options.alwaysCreateTextNode) {
        val = val[options.textNodeName];
      } else if (Object.keys(val).length === 0) {
        if (options.alwaysCreateTextNode) val[options.textNodeName] = "";
        else val = "";
      }

      if (tagObj[node2json_METADATA_SYMBOL] !== undefined && typeof val === "object" && val !== null) {
        val[node2json_METADATA_SYMBOL] = tagObj[node2json_METADATA_SYMBOL]; // copy over metadata
      }


      if (compressedObj[property] !== undefined && Object.prototype.hasOwnProperty.call(compressedObj, property)) {
        if (!Array.isArray(compressedObj[property])) {
          compressedObj[property] = [compressedObj[property]];
        }
        compressedObj[property].push(val);
      } else {
        //TODO: if a node is not an array, then check if it should be an array
        //also determine if it is a leaf node

        // Pass jPath string or readonlyMatcher based on options.jPath setting
        const jPathOrMatcher = options.jPath ? readonlyMatcher.toString() : readonlyMatcher;
        if (options.isArray(property, jPathOrMatcher, isLeaf)) {
          compressedObj[property] = [val];
        } else {
          compressedObj[property] = val;
        }
      }

      // Pop property from matcher after processing
      if (property !== undefined && property !== options.textNodeName) {
        matcher.pop();
      }
    }

  }
  // if(text && text.length > 0) compressedObj[options.textNodeName] = text;
  if (typeof text === "string") {
    if (text.length > 0) compressedObj[options.textNodeName] = text;
  } else if (text !== undefined) compressedObj[options.textNodeName] = text;


  return compressedObj;
}

function propName(obj) {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key !== ":@") return key;
  }
}

function assignAttributes(obj, attrMap, readonlyMatcher, options) {
  if (attrMap) {
    const keys = Object.keys(attrMap);
    const len = keys.length; //don't make it inline
    for (let i = 0; i < len; i++) {
      const atrrName = keys[i];  // This is the PREFIXED name (e.g., "@_class")

      // Strip prefix for matcher path (for isArray callback)
      const rawAttrName = atrrName.startsWith(options.attributeNamePrefix)
        ? atrrName.substring(options.attributeNamePrefix.length)
        : atrrName;

      // For attributes, we need to create a temporary path
      // Pass jPath string or matcher based on options.jPath setting
      const jPathOrMatcher = options.jPath
        ? readonlyMatcher.toString() + "." + rawAttrName
        : readonlyMatcher;

      if (options.isArray(atrrName, jPathOrMatcher, true, true)) {
        obj[atrrName] = [attrMap[atrrName]];
      } else {
        obj[atrrName] = attrMap[atrrName];
      }
    }
  }
}

function isLeafTag(obj, options) {
  const { textNodeName } = options;
  const propCount = Object.keys(obj).length;

  if (propCount === 0) {
    return true;
  }

  if (
    propCount === 1 &&
    (obj[textNodeName] || typeof obj[textNodeName] === "boolean" || obj[textNodeName] === 0)
  ) {
    return true;
  }

  return false;
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/validator.js




const validator_defaultOptions = {
  allowBooleanAttributes: false, //A tag can have attributes without any value
  unpairedTags: []
};

//const tagsPattern = new RegExp("<\\/?([\\w:\\-_\.]+)\\s*\/?>","g");
function validator_validate(xmlData, options) {
  options = Object.assign({}, validator_defaultOptions, options);

  //xmlData = xmlData.replace(/(\r\n|\n|\r)/gm,"");//make it single line
  //xmlData = xmlData.replace(/(^\s*<\?xml.*?\?>)/g,"");//Remove XML starting tag
  //xmlData = xmlData.replace(/(<!DOCTYPE[\s\w\"\.\/\-\:]+(\[.*\])*\s*>)/g,"");//Remove DOCTYPE
  const tags = [];
  let tagFound = false;

  //indicates that the root tag has been closed (aka. depth 0 has been reached)
  let reachedRoot = false;

  if (xmlData[0] === '\ufeff') {
    // check for byte order mark (BOM)
    xmlData = xmlData.substr(1);
  }

  for (let i = 0; i < xmlData.length; i++) {

    if (xmlData[i] === '<' && xmlData[i + 1] === '?') {
      i += 2;
      i = readPI(xmlData, i);
      if (i.err) return i;
    } else if (xmlData[i] === '<') {
      //starting of tag
      //read until you reach to '>' avoiding any '>' in attribute value
      let tagStartPos = i;
      i++;

      if (xmlData[i] === '!') {
        i = readCommentAndCDATA(xmlData, i);
        continue;
      } else {
        let closingTag = false;
        if (xmlData[i] === '/') {
          //closing tag
          closingTag = true;
          i++;
        }
        //read tagname
        let tagName = '';
        for (; i < xmlData.length &&
          xmlData[i] !== '>' &&
          xmlData[i] !== ' ' &&
          xmlData[i] !== '\t' &&
          xmlData[i] !== '\n' &&
          xmlData[i] !== '\r'; i++
        ) {
          tagName += xmlData[i];
        }
        tagName = tagName.trim();
        //console.log(tagName);

        if (tagName[tagName.length - 1] === '/') {
          //self closing tag without attributes
          tagName = tagName.substring(0, tagName.length - 1);
          //continue;
          i--;
        }
        if (!validateTagName(tagName)) {
          let msg;
          if (tagName.trim().length === 0) {
            msg = "Invalid space after '<'.";
          } else {
            msg = "Tag '" + tagName + "' is an invalid name.";
          }
          return getErrorObject('InvalidTag', msg, getLineNumberForPosition(xmlData, i));
        }

        const result = readAttributeStr(xmlData, i);
        if (result === false) {
          return getErrorObject('InvalidAttr', "Attributes for '" + tagName + "' have open quote.", getLineNumberForPosition(xmlData, i));
        }
        let attrStr = result.value;
        i = result.index;

        if (attrStr[attrStr.length - 1] === '/') {
          //self closing tag
          const attrStrStart = i - attrStr.length;
          attrStr = attrStr.substring(0, attrStr.length - 1);
          const isValid = validateAttributeString(attrStr, options);
          if (isValid === true) {
            tagFound = true;
            //continue; //text may presents after self closing tag
          } else {
            //the result from the nested function returns the position of the error within the attribute
            //in order to get the 'true' error line, we need to calculate the position where the attribute begins (i - attrStr.length) and then add the position within the attribute
            //this gives us the absolute index in the entire xml, which we can use to find the line at last
            return getErrorObject(isValid.err.code, isValid.err.msg, getLineNumberForPosition(xmlData, attrStrStart + isValid.err.line));
          }
        } else if (closingTag) {
          if (!result.tagClosed) {
            return getErrorObject('InvalidTag', "Closing tag '" + tagName + "' doesn't have proper closing.", getLineNumberForPosition(xmlData, i));
          } else if (attrStr.trim().length > 0) {
            return getErrorObject('InvalidTag', "Closing tag '" + tagName + "' can't have attributes or invalid starting.", getLineNumberForPosition(xmlData, tagStartPos));
          } else if (tags.length === 0) {
            return getErrorObject('InvalidTag', "Closing tag '" + tagName + "' has not been opened.", getLineNumberForPosition(xmlData, tagStartPos));
          } else {
            const otg = tags.pop();
            if (tagName !== otg.tagName) {
              let openPos = getLineNumberForPosition(xmlData, otg.tagStartPos);
              return getErrorObject('InvalidTag',
                "Expected closing tag '" + otg.tagName + "' (opened in line " + openPos.line + ", col " + openPos.col + ") instead of closing tag '" + tagName + "'.",
                getLineNumberForPosition(xmlData, tagStartPos));
            }

            //when there are no more tags, we reached the root level.
            if (tags.length == 0) {
              reachedRoot = true;
            }
          }
        } else {
          const isValid = validateAttributeString(attrStr, options);
          if (isValid !== true) {
            //the result from the nested function returns the position of the error within the attribute
            //in order to get the 'true' error line, we need to calculate the position where the attribute begins (i - attrStr.length) and then add the position within the attribute
            //this gives us the absolute index in the entire xml, which we can use to find the line at last
            return getErrorObject(isValid.err.code, isValid.err.msg, getLineNumberForPosition(xmlData, i - attrStr.length + isValid.err.line));
          }

          //if the root level has been reached before ...
          if (reachedRoot === true) {
            return getErrorObject('InvalidXml', 'Multiple possible root nodes found.', getLineNumberForPosition(xmlData, i));
          } else if (options.unpairedTags.indexOf(tagName) !== -1) {
            //don't push into stack
          } else {
            tags.push({ tagName, tagStartPos });
          }
          tagFound = true;
        }

        //skip tag text value
        //It may include comments and CDATA value
        for (i++; i < xmlData.length; i++) {
          if (xmlData[i] === '<') {
            if (xmlData[i + 1] === '!') {
              //comment or CADATA
              i++;
              i = readCommentAndCDATA(xmlData, i);
              continue;
            } else if (xmlData[i + 1] === '?') {
              i = readPI(xmlData, ++i);
              if (i.err) return i;
            } else {
              break;
            }
          } else if (xmlData[i] === '&') {
            const afterAmp = validateAmpersand(xmlData, i);
            if (afterAmp == -1)
              return getErrorObject('InvalidChar', "char '&' is not expected.", getLineNumberForPosition(xmlData, i));
            i = afterAmp;
          } else {
            if (reachedRoot === true && !isWhiteSpace(xmlData[i])) {
              return getErrorObject('InvalidXml', "Extra text at the end", getLineNumberForPosition(xmlData, i));
            }
          }
        } //end of reading tag text value
        if (xmlData[i] === '<') {
          i--;
        }
      }
    } else {
      if (isWhiteSpace(xmlData[i])) {
        continue;
      }
      return getErrorObject('InvalidChar', "char '" + xmlData[i] + "' is not expected.", getLineNumberForPosition(xmlData, i));
    }
  }

  if (!tagFound) {
    return getErrorObject('InvalidXml', 'Start tag expected.', 1);
  } else if (tags.length == 1) {
    return getErrorObject('InvalidTag', "Unclosed tag '" + tags[0].tagName + "'.", getLineNumberForPosition(xmlData, tags[0].tagStartPos));
  } else if (tags.length > 0) {
    return getErrorObject('InvalidXml', "Invalid '" +
      JSON.stringify(tags.map(t => t.tagName), null, 4).replace(/\r?\n/g, '') +
      "' found.", { line: 1, col: 1 });
  }

  return true;
};

function isWhiteSpace(char) {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}
/**
 * Read Processing insstructions and skip
 * @param {*} xmlData
 * @param {*} i
 */
function readPI(xmlData, i) {
  const start = i;
  for (; i < xmlData.length; i++) {
    if (xmlData[i] == '?' || xmlData[i] == ' ') {
      //tagname
      const tagname = xmlData.substr(start, i - start);
      if (i > 5 && tagname === 'xml') {
        return getErrorObject('InvalidXml', 'XML declaration allowed only at the start of the document.', getLineNumberForPosition(xmlData, i));
      } else if (xmlData[i] == '?' && xmlData[i + 1] == '>') {
        //check if valid attribut string
        i++;
        break;
      } else {
        continue;
      }
    }
  }
  return i;
}

function readCommentAndCDATA(xmlData, i) {
  if (xmlData.length > i + 5 && xmlData[i + 1] === '-' && xmlData[i + 2] === '-') {
    //comment
    for (i += 3; i < xmlData.length; i++) {
      if (xmlData[i] === '-' && xmlData[i + 1] === '-' && xmlData[i + 2] === '>') {
        i += 2;
        break;
      }
    }
  } else if (
    xmlData.length > i + 8 &&
    xmlData[i + 1] === 'D' &&
    xmlData[i + 2] === 'O' &&
    xmlData[i + 3] === 'C' &&
    xmlData[i + 4] === 'T' &&
    xmlData[i + 5] === 'Y' &&
    xmlData[i + 6] === 'P' &&
    xmlData[i + 7] === 'E'
  ) {
    let angleBracketsCount = 1;
    for (i += 8; i < xmlData.length; i++) {
      if (xmlData[i] === '<') {
        angleBracketsCount++;
      } else if (xmlData[i] === '>') {
        angleBracketsCount--;
        if (angleBracketsCount === 0) {
          break;
        }
      }
    }
  } else if (
    xmlData.length > i + 9 &&
    xmlData[i + 1] === '[' &&
    xmlData[i + 2] === 'C' &&
    xmlData[i + 3] === 'D' &&
    xmlData[i + 4] === 'A' &&
    xmlData[i + 5] === 'T' &&
    xmlData[i + 6] === 'A' &&
    xmlData[i + 7] === '['
  ) {
    for (i += 8; i < xmlData.length; i++) {
      if (xmlData[i] === ']' && xmlData[i + 1] === ']' && xmlData[i + 2] === '>') {
        i += 2;
        break;
      }
    }
  }

  return i;
}

const doubleQuote = '"';
const singleQuote = "'";

/**
 * Keep reading xmlData until '<' is found outside the attribute value.
 * @param {string} xmlData
 * @param {number} i
 */
function readAttributeStr(xmlData, i) {
  let attrStr = '';
  let startChar = '';
  let tagClosed = false;
  for (; i < xmlData.length; i++) {
    if (xmlData[i] === doubleQuote || xmlData[i] === singleQuote) {
      if (startChar === '') {
        startChar = xmlData[i];
      } else if (startChar !== xmlData[i]) {
        //if vaue is enclosed with double quote then single quotes are allowed inside the value and vice versa
      } else {
        startChar = '';
      }
    } else if (xmlData[i] === '>') {
      if (startChar === '') {
        tagClosed = true;
        break;
      }
    }
    attrStr += xmlData[i];
  }
  if (startChar !== '') {
    return false;
  }

  return {
    value: attrStr,
    index: i,
    tagClosed: tagClosed
  };
}

/**
 * Walk `attrStr` once, left to right, splitting it into attribute tokens.
 *
 * This replaces a regex that used to do the same job
 * (`(\s*)([^\s=]+)(\s*=)?(\s*(['"])(([\s\S])*?)\5)?`). That regex led with an
 * optional whitespace group followed by a required "non-whitespace" group.
 * On a long run of whitespace that never resolves into an attribute name
 * (e.g. a tag with thousands of trailing spaces before `>`), the engine
 * backtracks the whitespace group one character at a time before giving up
 * and moving to the next starting position — one full backtrack per
 * position, which is quadratic in the length of the run.
 *
 * The scan is forward-only: the cursor never moves backwards, so each
 * character is visited a constant number of times and the cost is linear
 * in the length of the string.
 *
 * Each returned token mirrors the shape the old regex match array had, so
 * the validation logic below (which reads token[1]..token[6]) didn't need
 * to change:
 *   token.startIndex - where this token begins in attrStr
 *   token[1]          - leading whitespace before the name
 *   token[2]          - the attribute name
 *   token[3]          - whitespace + '=' if present, else undefined
 *   token[4]          - marker (any defined value) if a quoted value was found
 *   token[5]          - the quote character used ('"' or "'")
 *   token[6]          - the value's text, without the surrounding quotes
 *
 * A malformed leading character (e.g. a stray '=' with no name before it)
 * is simply skipped over, one character at a time — the same outcome the
 * old regex produced by failing to match at that position and retrying at
 * the next one.
 */
function scanAttributeTokens(attrStr) {
  const tokens = [];
  const len = attrStr.length;
  let i = 0;

  while (i < len) {
    const tokenStart = i;

    // Leading whitespace before the name.
    while (i < len && isWhiteSpace(attrStr[i])) i++;
    if (i >= len) break; // trailing whitespace only — nothing left to read

    if (attrStr[i] === '=') {
      // No name before this '=' — not a valid attribute start. Move past
      i++;
      continue;
    }

    const leadingWs = attrStr.slice(tokenStart, i);

    // Attribute name — everything up to the next whitespace or '='.
    const nameStart = i;
    while (i < len && !isWhiteSpace(attrStr[i]) && attrStr[i] !== '=') i++;
    const name = attrStr.slice(nameStart, i);

    // Optional whitespace + '='.
    let equalsGroup; // whitespace + '=' text, or undefined if absent
    let j = i;
    while (j < len && isWhiteSpace(attrStr[j])) j++;
    if (j < len && attrStr[j] === '=') {
      equalsGroup = attrStr.slice(i, j + 1);
      i = j + 1;
    }

    // Optional whitespace + quoted value.
    let quoteChar;
    let value;
    let k = i;
    while (k < len && isWhiteSpace(attrStr[k])) k++;
    if (k < len && (attrStr[k] === '"' || attrStr[k] === "'")) {
      const valueStart = k + 1;
      const closeIdx = attrStr.indexOf(attrStr[k], valueStart);
      if (closeIdx !== -1) {
        quoteChar = attrStr[k];
        value = attrStr.slice(valueStart, closeIdx);
        i = closeIdx + 1;
      }
      // No closing quote found anywhere in the rest of the string — leave
      // quoteChar/value undefined, same as the old regex's group failing
      // to match a backreference-less run.
    }

    const token = { startIndex: tokenStart };
    token[1] = leadingWs;
    token[2] = name;
    token[3] = equalsGroup;
    token[4] = quoteChar !== undefined ? true : undefined;
    token[5] = quoteChar;
    token[6] = value;
    tokens.push(token);
  }

  return tokens;
}

//attr, ="sd", a="amit's", a="sd"b="saf", ab  cd=""

function validateAttributeString(attrStr, options) {
  //console.log("start:"+attrStr+":end");

  //if(attrStr.trim().length === 0) return true; //empty string

  const matches = scanAttributeTokens(attrStr);
  const attrNames = {};

  for (let i = 0; i < matches.length; i++) {
    if (matches[i][1].length === 0) {
      //nospace before attribute name: a="sd"b="saf"
      return getErrorObject('InvalidAttr', "Attribute '" + matches[i][2] + "' has no space in starting.", getPositionFromMatch(matches[i]))
    } else if (matches[i][3] !== undefined && matches[i][4] === undefined) {
      return getErrorObject('InvalidAttr', "Attribute '" + matches[i][2] + "' is without value.", getPositionFromMatch(matches[i]));
    } else if (matches[i][3] === undefined && !options.allowBooleanAttributes) {
      //independent attribute: ab
      return getErrorObject('InvalidAttr', "boolean attribute '" + matches[i][2] + "' is not allowed.", getPositionFromMatch(matches[i]));
    }
    /* else if(matches[i][6] === undefined){//attribute without value: ab=
                    return { err: { code:"InvalidAttr",msg:"attribute " + matches[i][2] + " has no value assigned."}};
                } */
    const attrName = matches[i][2];
    if (!validateAttrName(attrName)) {
      return getErrorObject('InvalidAttr', "Attribute '" + attrName + "' is an invalid name.", getPositionFromMatch(matches[i]));
    }
    if (!Object.prototype.hasOwnProperty.call(attrNames, attrName)) {
      //check for duplicate attribute.
      attrNames[attrName] = 1;
    } else {
      return getErrorObject('InvalidAttr', "Attribute '" + attrName + "' is repeated.", getPositionFromMatch(matches[i]));
    }
  }

  return true;
}

function validateNumberAmpersand(xmlData, i) {
  let re = /\d/;
  if (xmlData[i] === 'x') {
    i++;
    re = /[\da-fA-F]/;
  }
  for (; i < xmlData.length; i++) {
    if (xmlData[i] === ';')
      return i;
    if (!xmlData[i].match(re))
      break;
  }
  return -1;
}

function validateAmpersand(xmlData, i) {
  // https://www.w3.org/TR/xml/#dt-charref
  i++;
  if (xmlData[i] === ';')
    return -1;
  if (xmlData[i] === '#') {
    i++;
    return validateNumberAmpersand(xmlData, i);
  }
  let count = 0;
  for (; i < xmlData.length; i++, count++) {
    if (xmlData[i].match(/\w/) && count < 20)
      continue;
    if (xmlData[i] === ';')
      break;
    return -1;
  }
  return i;
}

function getErrorObject(code, message, lineNumber) {
  return {
    err: {
      code: code,
      msg: message,
      line: lineNumber.line || lineNumber,
      col: lineNumber.col,
    },
  };
}

function validateAttrName(attrName) {
  return isName(attrName);
}

// const startsWithXML = /^xml/i;

function validateTagName(tagname) {
  return isName(tagname) /* && !tagname.match(startsWithXML) */;
}

//this function returns the line number for the character at the given index
function getLineNumberForPosition(xmlData, index) {
  const lines = xmlData.substring(0, index).split(/\r?\n/);
  return {
    line: lines.length,

    // column number is last line's length + 1, because column numbering starts at 1:
    col: lines[lines.length - 1].length + 1
  };
}

//this function returns the position of the first character of match within attrStr
function getPositionFromMatch(match) {
  return match.startIndex + match[1].length;
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/xmlparser/XMLParser.js
/* global Uint8Array */






class XMLParser {

    constructor(options) {
        this.externalEntities = {};
        this.options = buildOptions(options);

    }
    /**
     * Parse XML dats to JS object 
     * @param {string|Uint8Array} xmlData 
     * @param {boolean|Object} validationOption 
     */
    parse(xmlData, validationOption) {
        if (typeof xmlData !== "string" && xmlData.toString) {
            if (xmlData instanceof Uint8Array &&
                !(typeof Buffer !== "undefined" && Buffer.isBuffer(xmlData))) {
                xmlData = new TextDecoder("utf-8", { ignoreBOM: true }).decode(xmlData);
            } else {
                xmlData = xmlData.toString();
            }
        } else if (typeof xmlData !== "string") {
            throw new Error("XML data is accepted in String or Bytes[] form.")
        }

        if (validationOption) {
            if (validationOption === true) validationOption = {}; //validate with default options

            const result = validator_validate(xmlData, validationOption);
            if (result !== true) {
                throw Error(`${result.err.msg}:${result.err.line}:${result.err.col}`)
            }
        }
        const orderedObjParser = new OrderedObjParser(this.options, this.externalEntities);
        // orderedObjParser.entityDecoder.setExternalEntities(this.externalEntities);
        const orderedResult = orderedObjParser.parseXml(xmlData);
        if (this.options.preserveOrder || orderedResult === undefined) return orderedResult;
        else return prettify(orderedResult, this.options, orderedObjParser.matcher, orderedObjParser.readonlyMatcher);
    }

    /**
     * Add Entity which is not by default supported by this library
     * @param {string} key 
     * @param {string} value 
     */
    addEntity(key, value) {
        if (value.indexOf("&") !== -1) {
            throw new Error("Entity value can't have '&'")
        } else if (key.indexOf("&") !== -1 || key.indexOf(";") !== -1) {
            throw new Error("An entity must be set without '&' and ';'. Eg. use '#xD' for '&#xD;'")
        } else if (value === "&") {
            throw new Error("An entity with value '&' is not permitted");
        } else {
            this.externalEntities[key] = value;
        }
    }

    /**
     * Returns a Symbol that can be used to access the metadata
     * property on a node.
     * 
     * If Symbol is not available in the environment, an ordinary property is used
     * and the name of the property is here returned.
     * 
     * The XMLMetaData property is only present when `captureMetaData`
     * is true in the options.
     */
    static getMetaDataSymbol() {
        return XmlNode.getMetaDataSymbol();
    }
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-parser/src/fxp.js






const XMLValidator = {
  validate: validator_validate
}

;// CONCATENATED MODULE: ./src/protocol/xml-document.ts
// The one XML reader for every file the action and the emulator read: application and service
// manifests, application parameter files, publish profiles. It decodes what XML itself defines
// (the five predefined entities and character references, `&#65;` / `&#x41;`) and refuses what
// these files never need and what makes XML dangerous or ambiguous: a document type declaration
// (DTD, and with it every entity declaration) and a reference to an entity it cannot expand.
// fast-xml-parser is used with its own entity handling off: it leaves character references as
// text and expands internal DTD entities, which the cluster's reader would not do the same way.

/** An XML file that is not well-formed, or uses what this reader refuses; the message names the file. */
class XmlDocumentError extends Error {
    name = 'XmlDocumentError';
}
const PREDEFINED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&([^;&\s<>"']*);?/g;
/** XML 1.0's `Char`: what a character reference may stand for. */
function isXmlChar(code) {
    return (code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff));
}
/**
 * Decodes the references in one text or attribute value, in a single pass (so `&amp;#65;` stays
 * `&#65;`). Anything else after `&` is refused: an undeclared entity, a malformed reference.
 */
function decodeXmlReferences(value, what) {
    if (!value.includes('&'))
        return value;
    return value.replace(REFERENCE, (whole, name) => {
        if (!whole.endsWith(';') || name === '') {
            throw new XmlDocumentError(`${what} is not well-formed XML: '&' must start a reference such as '&amp;' (near '${whole.slice(0, 20)}'); write '&amp;' for a literal ampersand.`);
        }
        const predefined = PREDEFINED[name];
        if (predefined !== undefined)
            return predefined;
        const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
        if (!numeric) {
            throw new XmlDocumentError(`${what} uses the entity reference '&${name};', which XML does not define and which this step does not expand: write the character itself or a character reference such as '&#233;'.`);
        }
        const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
        if (!Number.isSafeInteger(code) || !isXmlChar(code)) {
            throw new XmlDocumentError(`${what} has the character reference '&${name};', which is not a character XML allows: remove it.`);
        }
        return String.fromCodePoint(code);
    });
}
/**
 * Walks the document as the parser will (comments, processing instructions, CDATA sections,
 * tags with quoted attributes) and refuses a DTD, which no Service Fabric file has. CDATA
 * sections are rewritten as the same text escaped, so that their content is never decoded.
 */
function withoutCdataRefusingDtd(xml, what) {
    let out = '';
    let i = 0;
    for (;;) {
        const lt = xml.indexOf('<', i);
        if (lt < 0)
            return out + xml.slice(i);
        out += xml.slice(i, lt);
        const skipTo = (end) => {
            const at = xml.indexOf(end, lt);
            return at < 0 ? xml.length : at + end.length;
        };
        if (xml.startsWith('<!--', lt)) {
            i = skipTo('-->');
            out += xml.slice(lt, i);
        }
        else if (xml.startsWith('<?', lt)) {
            i = skipTo('?>');
            out += xml.slice(lt, i);
        }
        else if (xml.startsWith('<![CDATA[', lt)) {
            const end = xml.indexOf(']]>', lt);
            const text = xml.slice(lt + 9, end < 0 ? xml.length : end);
            out += text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
            i = end < 0 ? xml.length : end + 3;
        }
        else if (xml.startsWith('<!', lt)) {
            throw new XmlDocumentError(`${what} has a document type declaration (${xml.slice(lt, lt + 9)}…): Service Fabric files have none, and this step reads no DTD or entity declaration, so remove it.`);
        }
        else {
            // A tag: skip to its '>' outside quoted attribute values.
            let j = lt + 1;
            let quote;
            for (; j < xml.length; j++) {
                const c = xml[j];
                if (quote) {
                    if (c === quote)
                        quote = undefined;
                }
                else if (c === '"' || c === "'")
                    quote = c;
                else if (c === '>')
                    break;
            }
            i = Math.min(j + 1, xml.length);
            out += xml.slice(lt, i);
        }
    }
}
const parsers = new Map();
function parserFor(options, what) {
    const arrays = options.arrays ?? new Set();
    const key = `${options.trim === true}|${[...arrays].sort().join(',')}`;
    let parser = parsers.get(key);
    if (!parser) {
        parser = new XMLParser({
            ignoreAttributes: false,
            attributeNamePrefix: '@',
            removeNSPrefix: true,
            parseAttributeValue: false,
            parseTagValue: false,
            trimValues: options.trim === true,
            processEntities: false,
            htmlEntities: false,
            isArray: name => arrays.has(name),
            tagValueProcessor: (_name, value) => decodeXmlReferences(value, what.current),
            // XML's attribute-value normalization: a literal tab or line break is a space (one written
            // as a character reference, `&#10;`, stays what it is).
            attributeValueProcessor: (_name, value) => decodeXmlReferences(value.replace(/\r\n?|[\t\n]/g, ' '), what.current)
        });
        parsers.set(key, parser);
    }
    return parser;
}
// The processors above name the file being read; parsing is synchronous, so one slot is enough.
const reading = { current: 'the XML file' };
/**
 * Parses an XML document into plain objects (attributes as `@Name`, namespace prefixes removed),
 * decoding references; `what` names the file in every message.
 */
function readXmlDocument(xml, what, options = {}) {
    // XML's end-of-line handling: CR LF and a lone CR are read as LF.
    const plain = withoutCdataRefusingDtd(xml.replace(/\r\n?/g, '\n'), what);
    const valid = XMLValidator.validate(xml);
    if (valid !== true)
        throw new XmlDocumentError(`${what} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
    reading.current = what;
    try {
        return parserFor(options, reading).parse(plain);
    }
    catch (err) {
        if (err instanceof XmlDocumentError)
            throw err;
        throw new XmlDocumentError(`${what} cannot be read as XML: ${err.message}.`);
    }
}

;// CONCATENATED MODULE: ./src/protocol/manifests.ts
// Reads Service Fabric application and service manifests (namespace
// http://schemas.microsoft.com/2011/01/fabric) into plain objects. Shared by the action (package
// identity, parameters, validation, diff packages) and the emulator (provision). Only what a
// deployment needs is read; everything else in the XML is left alone.

/** A manifest that is not well-formed XML or lacks what the cluster requires. */
class ManifestError extends Error {
    name = 'ManifestError';
}
const ARRAY_ELEMENTS = new Set([
    'Parameter',
    'ServiceManifestImport',
    'CodePackage',
    'ConfigPackage',
    'DataPackage',
    'StatefulServiceType',
    'StatelessServiceType'
]);
// Attribute values are read untrimmed so that a name or version with surrounding whitespace can be
// refused (the package layout rules); only the canonical form trims, to ignore formatting.
function manifests_parseXml(xml, what, trim = false) {
    try {
        return readXmlDocument(xml, what, { arrays: ARRAY_ELEMENTS, trim });
    }
    catch (err) {
        if (err instanceof XmlDocumentError)
            throw new ManifestError(err.message);
        throw err;
    }
}
function manifests_element(node) {
    return typeof node === 'object' && node !== null ? node : undefined;
}
function manifests_elements(node) {
    if (node === undefined)
        return [];
    return (Array.isArray(node) ? node : [node]).map(n => manifests_element(n) ?? {});
}
function attribute(node, name) {
    const value = node?.[`@${name}`];
    return typeof value === 'string' ? value : undefined;
}
function requiredAttribute(node, name, what) {
    const value = attribute(node, name);
    if (value === undefined || value === '')
        throw new ManifestError(`${what} has no ${name} attribute.`);
    return value;
}
/** Parses `ApplicationManifest.xml`; `what` names the file in messages. */
function parseApplicationManifest(xml, what = 'ApplicationManifest.xml') {
    const root = manifests_element(manifests_parseXml(xml, what).ApplicationManifest);
    if (!root)
        throw new ManifestError(`${what} has no <ApplicationManifest> root element.`);
    const parameters = manifests_elements(manifests_element(root.Parameters)?.Parameter).map(p => ({
        name: requiredAttribute(p, 'Name', `A <Parameter> in ${what}`),
        defaultValue: attribute(p, 'DefaultValue') ?? ''
    }));
    const serviceManifestImports = manifests_elements(root.ServiceManifestImport).map(i => {
        const ref = manifests_element(i.ServiceManifestRef);
        if (!ref)
            throw new ManifestError(`A <ServiceManifestImport> in ${what} has no <ServiceManifestRef>.`);
        return {
            name: requiredAttribute(ref, 'ServiceManifestName', `A <ServiceManifestRef> in ${what}`),
            version: requiredAttribute(ref, 'ServiceManifestVersion', `A <ServiceManifestRef> in ${what}`)
        };
    });
    return {
        typeName: requiredAttribute(root, 'ApplicationTypeName', what),
        typeVersion: requiredAttribute(root, 'ApplicationTypeVersion', what),
        parameters,
        serviceManifestImports
    };
}
/** Parses a `ServiceManifest.xml`; `what` names the file in messages. */
function parseServiceManifest(xml, what = 'ServiceManifest.xml') {
    const root = manifests_element(manifests_parseXml(xml, what).ServiceManifest);
    if (!root)
        throw new ManifestError(`${what} has no <ServiceManifest> root element.`);
    const parts = [];
    for (const kind of ['CodePackage', 'ConfigPackage', 'DataPackage']) {
        for (const p of manifests_elements(root[kind])) {
            const entryPoint = manifests_element(p.EntryPoint);
            parts.push({
                kind,
                name: requiredAttribute(p, 'Name', `A <${kind}> in ${what}`),
                version: requiredAttribute(p, 'Version', `A <${kind}> in ${what}`),
                isContainer: kind === 'CodePackage' && entryPoint?.ContainerHost !== undefined
            });
        }
    }
    const declared = manifests_element(root.ServiceTypes);
    const serviceTypes = [
        ...manifests_elements(declared?.StatefulServiceType).map(t => ({
            kind: 'Stateful',
            name: requiredAttribute(t, 'ServiceTypeName', `A <StatefulServiceType> in ${what}`),
            hasPersistedState: attribute(t, 'HasPersistedState')?.toLowerCase() === 'true'
        })),
        ...manifests_elements(declared?.StatelessServiceType).map(t => ({
            kind: 'Stateless',
            name: requiredAttribute(t, 'ServiceTypeName', `A <StatelessServiceType> in ${what}`),
            hasPersistedState: false
        }))
    ];
    return {
        name: requiredAttribute(root, 'Name', what),
        version: requiredAttribute(root, 'Version', what),
        parts,
        serviceTypes
    };
}
/**
 * A canonical form of an XML document for "is this the same manifest?": parsed and serialised
 * again, so that whitespace, attribute quoting and formatting do not count, while every element,
 * attribute and value does.
 */
function canonicalXml(xml, what = 'the manifest') {
    const doc = manifests_parseXml(xml, what, true);
    return JSON.stringify(sortKeys(doc));
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (typeof value === 'object' && value !== null) {
        const out = {};
        for (const key of Object.keys(value).sort()) {
            // Namespace declarations and the XML declaration are formatting, not content.
            if (key === '?xml' || key.startsWith('@xmlns'))
                continue;
            out[key] = sortKeys(value[key]);
        }
        return out;
    }
    return value;
}

;// CONCATENATED MODULE: ./src/protocol/package-layout.ts
// The image builder's layout rules for an application package (cluster management reference,
// "Validation the image builder does"), as pure functions over an abstract view of the package:
// the emulator runs them over the Image Store at provision, the action over a local folder before
// the first request. No file system, no HTTP here.



const APPLICATION_MANIFEST_FILE = 'ApplicationManifest.xml';
const SERVICE_MANIFEST_FILE = 'ServiceManifest.xml';
/** Why a name or version cannot be a folder name of the package, or undefined when it can. */
function unsafeNameReason(value) {
    if (value.trim() !== value)
        return 'has surrounding whitespace';
    if (/[\\/]/.test(value))
        return 'contains a path separator';
    if (value.includes('..'))
        return "contains '..'";
    return undefined;
}
function validatePackageLayout(view, options = {}) {
    return new LayoutCheck(view, options).run();
}
/** One validation run: the problems found and what the manifests refer to. */
class LayoutCheck {
    view;
    options;
    layout = { serviceManifests: new Map(), problems: [], presentParts: [], reusedParts: [], unreferencedFiles: [] };
    /** Files a manifest refers to, and folders whose whole content it does. */
    referencedFiles = new Set([APPLICATION_MANIFEST_FILE]);
    referencedFolders = [];
    constructor(view, options) {
        this.view = view;
        this.options = options;
    }
    run() {
        this.requireMark('');
        const app = this.readApplicationManifest();
        if (app) {
            this.layout.applicationManifest = app;
            this.checkTypeName('ApplicationTypeName', app.typeName);
            this.checkTypeName('ApplicationTypeVersion', app.typeVersion);
            const seen = new Set();
            for (const ref of app.serviceManifestImports) {
                const safe = this.checkName(APPLICATION_MANIFEST_FILE, 'ServiceManifestName', ref.name) &&
                    this.checkName(APPLICATION_MANIFEST_FILE, 'ServiceManifestVersion', ref.version);
                if (seen.has(ref.name.toLowerCase())) {
                    this.problem(APPLICATION_MANIFEST_FILE, `ServiceManifestImport '${ref.name}' appears more than once in ${APPLICATION_MANIFEST_FILE}.`, 'Import each service manifest once.');
                    continue;
                }
                seen.add(ref.name.toLowerCase());
                if (safe)
                    this.checkService(ref);
            }
        }
        this.listUnreferenced();
        return this.layout;
    }
    problem(file, message, fix, kind = 'invalid-layout') {
        this.layout.problems.push({ kind, file, message, fix });
    }
    checkName(file, what, value) {
        const reason = unsafeNameReason(value);
        if (reason)
            this.problem(file, `${what} '${value}' ${reason}.`, `Rename it in ${file} without path separators, '..' or surrounding spaces.`);
        return reason === undefined;
    }
    /** The type's name and version also travel in the management routes: see applicationTypeNameProblem. */
    checkTypeName(what, value) {
        if (!this.checkName(APPLICATION_MANIFEST_FILE, what, value))
            return;
        const reason = applicationTypeNameProblem(value);
        if (reason)
            this.problem(APPLICATION_MANIFEST_FILE, `${what} '${value}' ${reason}.`, `Rename it in ${APPLICATION_MANIFEST_FILE} with letters, digits, '.', '_' or '-'.`);
    }
    requireMark(folder) {
        const mark = folder === '' ? MARK_FILE_NAME : `${folder}/${MARK_FILE_NAME}`;
        if (this.options.requireMarkFiles && this.view.kind(mark) !== 'file') {
            this.problem(mark, `The folder '${folder === '' ? '.' : folder}' has no ${MARK_FILE_NAME} mark file: it is not complete.`, 'Upload the package again; its mark files are written last.', 'missing-mark-file');
        }
    }
    readText(file) {
        return this.view.kind(file) === 'file' ? this.view.readText(file) : undefined;
    }
    readApplicationManifest() {
        const xml = this.readText(APPLICATION_MANIFEST_FILE);
        if (xml === undefined) {
            this.problem(APPLICATION_MANIFEST_FILE, `${APPLICATION_MANIFEST_FILE} is missing at the root of the package.`, 'Point at the folder that holds ApplicationManifest.xml (the package root).');
            return undefined;
        }
        try {
            return parseApplicationManifest(xml, APPLICATION_MANIFEST_FILE);
        }
        catch (err) {
            if (!(err instanceof ManifestError))
                throw err;
            this.problem(APPLICATION_MANIFEST_FILE, err.message, 'Fix the XML of ApplicationManifest.xml.');
            return undefined;
        }
    }
    checkService(ref) {
        const folder = ref.name;
        const file = `${folder}/${SERVICE_MANIFEST_FILE}`;
        const serviceRef = { kind: 'ServiceManifest', serviceManifestName: ref.name, name: ref.name, version: ref.version };
        const xml = this.readText(file);
        const folderExists = this.view.kind(folder) !== undefined;
        if (xml === undefined) {
            if (!folderExists && this.options.clusterHolds?.(serviceRef)) {
                this.layout.reusedParts.push(serviceRef);
                return;
            }
            this.problem(file, `The BuildLayout of the application is invalid. ${SERVICE_MANIFEST_FILE} is missing for service manifest '${ref.name}' version '${ref.version}'.`, folderExists
                ? `Add ${file}.`
                : `Add the folder '${folder}' with its ${SERVICE_MANIFEST_FILE}, or leave it out only when the cluster already holds '${ref.name}' version '${ref.version}' for this application type.`);
            return;
        }
        this.requireMark(folder);
        this.referencedFiles.add(file);
        let manifest;
        try {
            manifest = parseServiceManifest(xml, file);
        }
        catch (err) {
            if (!(err instanceof ManifestError))
                throw err;
            this.problem(file, err.message, `Fix the XML of ${file}.`);
            return;
        }
        if (manifest.name !== ref.name || manifest.version !== ref.version) {
            this.problem(file, `ServiceManifestRef has ServiceManifestName='${ref.name}' ServiceManifestVersion='${ref.version}'. This does not match the Name='${manifest.name}' and Version='${manifest.version}' in ${file}.`, `Make the ServiceManifestRef in ${APPLICATION_MANIFEST_FILE} and the Name and Version in ${file} agree.`);
            return;
        }
        this.layout.serviceManifests.set(manifest.name, { manifest, xml });
        this.layout.presentParts.push({ ...serviceRef, path: folder, zipped: false });
        const partNames = new Set();
        for (const part of manifest.parts) {
            if (!this.checkName(file, `${part.kind} Name`, part.name) || !this.checkName(file, `${part.kind} Version`, part.version))
                continue;
            if (partNames.has(part.name.toLowerCase())) {
                this.problem(file, `${file} declares the package name '${part.name}' more than once.`, 'Give each Code/Config/Data package its own name.');
                continue;
            }
            partNames.add(part.name.toLowerCase());
            this.checkPart(manifest.name, part);
        }
    }
    checkPart(serviceManifestName, part) {
        const partRef = { kind: part.kind, serviceManifestName, name: part.name, version: part.version };
        const dir = `${serviceManifestName}/${part.name}`;
        const zip = `${dir}.zip`;
        const asFolder = this.view.kind(dir) === 'folder';
        const asZip = this.view.kind(zip) === 'file';
        if (asFolder && asZip) {
            this.problem(dir, `${part.kind} '${part.name}' of service manifest '${serviceManifestName}' is both a folder and ${part.name}.zip.`, `Keep either the folder '${dir}' or '${zip}', not both.`);
        }
        else if (asFolder) {
            this.requireMark(dir);
            this.referencedFolders.push(dir);
            this.layout.presentParts.push({ ...partRef, path: dir, zipped: false });
        }
        else if (asZip) {
            this.referencedFiles.add(zip);
            this.layout.presentParts.push({ ...partRef, path: zip, zipped: true });
        }
        else if (part.isContainer) {
            // A container code package runs an image: it has nothing in the package.
        }
        else if (this.options.clusterHolds?.(partRef)) {
            this.layout.reusedParts.push(partRef);
        }
        else {
            this.problem(dir, `The BuildLayout of the application is invalid. ${part.name} is missing for service ${serviceManifestName} (${part.kind} version '${part.version}').`, `Add the folder '${dir}' or '${zip}', or leave it out only when the cluster already holds ${part.kind} '${part.name}' version '${part.version}' of '${serviceManifestName}' for this application type.`);
        }
    }
    listUnreferenced() {
        if (!this.view.listFiles)
            return;
        for (const f of this.view.listFiles()) {
            if (f.split('/').pop() === MARK_FILE_NAME || this.referencedFiles.has(f))
                continue;
            if (this.referencedFolders.some(dir => f.startsWith(`${dir}/`)))
                continue;
            this.layout.unreferencedFiles.push(f);
        }
        this.layout.unreferencedFiles.sort();
    }
}
/** One line per problem: "<file>: <message> <fix>", for logs and error messages. */
function describeProblem(p) {
    return `${p.file}: ${p.message} ${p.fix}`;
}
/**
 * A view over a list of the package's files (relative, `/`-separated; folders are their
 * ancestors, plus `extraFolders` for empty ones) and a text reader.
 */
function packageViewOf(files, readText, extraFolders = []) {
    const fileSet = new Set(files);
    const folders = new Set(extraFolders);
    for (const f of fileSet) {
        const segments = f.split('/');
        for (let i = 1; i < segments.length; i++)
            folders.add(segments.slice(0, i).join('/'));
    }
    return {
        kind: rel => (fileSet.has(rel) ? 'file' : folders.has(rel) ? 'folder' : undefined),
        readText: rel => (fileSet.has(rel) ? readText(rel) : undefined),
        listFiles: () => [...fileSet]
    };
}

;// CONCATENATED MODULE: ./emulator/management/application-types.ts
// The application types the emulated cluster holds: each provisioned (or provisioning, or failed)
// version with its manifests and the checksums of its parts, and the provision itself (the image
// builder's work, run over the package in the Image Store).





function partKey(p) {
    return `${p.kind}|${p.serviceManifestName}|${p.name}|${p.version}`;
}
class ApplicationTypeRegistry {
    now;
    /** By exact type name, then version. */
    types = new Map();
    constructor(now) {
        this.now = now;
    }
    status(v) {
        if (v.building === true || this.now() < v.readyAt)
            return 'Provisioning';
        return v.failure === undefined ? 'Available' : 'Failed';
    }
    find(name, version) {
        return this.types.get(name)?.get(version);
    }
    /** The version only once provisioning is over and succeeded. */
    findAvailable(name, version) {
        const v = this.find(name, version);
        return v && this.status(v) === 'Available' ? v : undefined;
    }
    /** The same version under a name that differs only in case counts as the same type [rt]. */
    findIgnoringCase(name, version) {
        for (const [typeName, versions] of this.types) {
            if (typeName.toLowerCase() === name.toLowerCase() && versions.has(version))
                return versions.get(version);
        }
        return undefined;
    }
    versionsOf(name) {
        return [...(this.types.get(name)?.values() ?? [])].sort((a, b) => compareVersions(a.version, b.version));
    }
    all() {
        return [...this.types.keys()].sort().flatMap(name => this.versionsOf(name));
    }
    add(v) {
        let versions = this.types.get(v.typeName);
        if (!versions)
            this.types.set(v.typeName, (versions = new Map()));
        versions.set(v.version, v);
    }
    remove(name, version) {
        const versions = this.types.get(name);
        versions?.delete(version);
        if (versions?.size === 0)
            this.types.delete(name);
    }
    /** Versions whose parts the cluster keeps: provisioned ones, and ones whose provision will succeed. */
    holdingVersions(typeName) {
        return this.versionsOf(typeName).filter(v => v.failure === undefined);
    }
    heldChecksum(typeName, key) {
        for (const v of this.holdingVersions(typeName)) {
            const sum = v.partChecksums.get(key);
            if (sum !== undefined)
                return sum;
        }
        return undefined;
    }
    heldServiceManifest(typeName, name, version) {
        for (const v of this.holdingVersions(typeName)) {
            const sm = v.serviceManifests.get(name);
            if (sm && sm.manifest.version === version)
                return sm;
        }
        return undefined;
    }
    info(v, excludeParameters) {
        const status = this.status(v);
        return {
            Name: v.typeName,
            Version: v.version,
            DefaultParameterList: excludeParameters ? [] : v.manifest.parameters.map(p => ({ Key: p.name, Value: p.defaultValue })),
            Status: status,
            StatusDetails: status === 'Failed' ? (v.failure ?? '') : '',
            ApplicationTypeDefinitionKind: 'ServiceFabricApplicationPackage'
        };
    }
}
/** Orders versions like `1.2.10` after `1.2.9`; other text compares as text. */
function compareVersions(a, b) {
    return a.localeCompare(b, 'en', { numeric: true });
}
function packageRootOf(pkg) {
    return pkg && { marked: pkg.view.kind('_.dir') === 'file', manifestXml: pkg.view.readText(APPLICATION_MANIFEST_FILE) };
}
/**
 * Reads the package's identity. Errors here are answered at once, also to an asynchronous
 * provision: [undoc] without a readable manifest the cluster has no type to report a failure on.
 */
function readPackageIdentity(root, buildPath) {
    if (!root?.marked) {
        // [undoc] The status of this answer; the code is the one the store reference names.
        throw new FabricHttpError(400, ErrorCode.DirectoryNotFound, `The application package folder '${buildPath}' does not exist or has no _.dir mark file: upload it completely first.`);
    }
    const xml = root.manifestXml;
    if (xml === undefined) {
        throw validationError(`The BuildLayout of the application in '${buildPath}' is invalid. ${APPLICATION_MANIFEST_FILE} is missing.`);
    }
    try {
        return { xml, manifest: parseApplicationManifest(xml, `${buildPath}/${APPLICATION_MANIFEST_FILE}`) };
    }
    catch (err) {
        if (err instanceof ManifestError)
            throw validationError(err.message);
        throw err;
    }
}
function validationError(message) {
    return new FabricHttpError(400, ManagementErrorCode.ImageBuilderValidationError, message);
}
/**
 * The image builder's work: validates the package against the layout rules and against what the
 * type already holds (diff packages, unchanged checksums), and builds the version. A failure is
 * returned as the FabricHttpError a synchronous provision answers.
 */
async function buildVersion(registry, pkg, buildPath, identity, 
/** An `.sfpkg` has no mark files: only an Image Store upload needs them. */
requireMarkFiles = true, 
/** Stops the build between parts when the emulator shuts down. */
signal) {
    const typeName = identity.manifest.typeName;
    const clusterHolds = (p) => p.kind === 'ServiceManifest'
        ? registry.heldServiceManifest(typeName, p.name, p.version) !== undefined
        : registry.heldChecksum(typeName, partKey(p)) !== undefined;
    const layout = validatePackageLayout(pkg.view, { requireMarkFiles, clusterHolds });
    if (layout.problems.length > 0) {
        const message = layout.problems.map(p => `${buildPath}/${describeProblem(p)}`).join(' ');
        const marks = layout.problems.every(p => p.kind === 'missing-mark-file');
        return { error: marks ? new FabricHttpError(400, ErrorCode.DirectoryNotFound, message) : validationError(message) };
    }
    const serviceManifests = new Map(layout.serviceManifests);
    const partChecksums = new Map();
    const changed = []; // parts refused after reading their bytes
    for (const part of layout.presentParts) {
        if (part.kind === 'ServiceManifest') {
            const held = registry.heldServiceManifest(typeName, part.name, part.version);
            const mine = layout.serviceManifests.get(part.name);
            if (held && canonicalXml(held.xml) !== canonicalXml(mine.xml)) {
                changed.push(`The content in ServiceManifest Name:${part.name} and Version:${part.version} has changed, but the version number is the same.`);
            }
            continue;
        }
        signal?.throwIfAborted();
        const { checksum: sum, zipProblem } = await pkg.inspectPart(part.path, part.zipped);
        if (zipProblem !== undefined) {
            changed.push(`The ${part.kind} ${part.name} of service manifest '${part.serviceManifestName}' (${buildPath}/${part.path}) is not a valid zip archive: ${zipProblem}.`);
            continue;
        }
        const held = registry.heldChecksum(typeName, partKey(part));
        if (held !== undefined && held !== sum) {
            changed.push(`The content in ${part.kind} Name:${part.name} and Version:${part.version} in Service Manifest '${part.serviceManifestName}' has changed, but the version number is the same.` +
                (part.zipped ? ' (A package switched between a folder and a zip needs a new version.)' : ''));
        }
        partChecksums.set(partKey(part), sum);
    }
    if (changed.length > 0)
        return { error: validationError(changed.join(' ')) };
    for (const reused of layout.reusedParts) {
        if (reused.kind === 'ServiceManifest') {
            // The whole service package is the cluster's: its manifest and every part of it.
            const held = registry.heldServiceManifest(typeName, reused.name, reused.version);
            serviceManifests.set(reused.name, held);
            for (const p of held.manifest.parts) {
                const key = partKey({ ...p, serviceManifestName: reused.name });
                const sum = registry.heldChecksum(typeName, key);
                if (sum !== undefined)
                    partChecksums.set(key, sum);
            }
        }
        else {
            partChecksums.set(partKey(reused), registry.heldChecksum(typeName, partKey(reused)));
        }
    }
    return {
        version: { typeName, version: identity.manifest.typeVersion, manifestXml: identity.xml, manifest: identity.manifest, serviceManifests, partChecksums }
    };
}
/** `GetServiceTypes` of a provisioned version: each service type of each imported service manifest. */
function serviceTypeInfos(v) {
    return v.manifest.serviceManifestImports.flatMap(ref => {
        const sm = v.serviceManifests.get(ref.name)?.manifest;
        return (sm?.serviceTypes ?? []).map(t => ({
            ServiceTypeDescription: {
                Kind: t.kind,
                ServiceTypeName: t.name,
                IsStateful: t.kind === 'Stateful',
                ...(t.kind === 'Stateful' ? { HasPersistedState: t.hasPersistedState } : {}),
                UseImplicitHost: false,
                PlacementConstraints: ''
            },
            ServiceManifestName: ref.name,
            ServiceManifestVersion: ref.version,
            IsServiceGroup: false
        }));
    });
}

;// CONCATENATED MODULE: ./emulator/management/upgrades.ts


const NO_TIME = '0001-01-01T00:00:00.000Z';
class RollingUpgrade {
    plan;
    domains;
    domainMs;
    phase = 'forward';
    states;
    /** Index of the domain being upgraded (forward) or of the position in rollbackOrder (back). */
    current = 0;
    domainSince;
    next;
    rollbackOrder = [];
    finishedAt;
    failure;
    startedAt;
    constructor(plan, domains, domainMs, now) {
        this.plan = plan;
        this.domains = domains;
        this.domainMs = domainMs;
        this.states = domains.map((_, i) => (i === 0 ? 'InProgress' : 'Pending'));
        this.startedAt = now;
        this.domainSince = now;
    }
    /** Rolling forward, waiting, or rolling back: the application is Upgrading. */
    isActive(now) {
        this.advance(now);
        return this.phase === 'forward' || this.phase === 'forward-pending' || this.phase === 'back';
    }
    isRollingBack(now) {
        this.advance(now);
        return this.phase === 'back' || this.phase === 'back-done';
    }
    hasFailedHealthCheck(now) {
        this.advance(now);
        return this.failure?.reason === 'HealthCheck';
    }
    /** The version and parameters the application has now: the target, unless it rolls or rolled back. */
    effective(now) {
        return this.isRollingBack(now)
            ? { version: this.plan.fromVersion, parameters: this.plan.fromParameters }
            : { version: this.plan.targetVersion, parameters: this.plan.parameters };
    }
    state(now) {
        this.advance(now);
        const states = {
            forward: 'RollingForwardInProgress',
            'forward-pending': 'RollingForwardPending',
            'forward-done': 'RollingForwardCompleted',
            back: 'RollingBackInProgress',
            'back-done': 'RollingBackCompleted'
        };
        return states[this.phase];
    }
    advance(now) {
        for (;;) {
            if (this.phase !== 'forward' && this.phase !== 'back')
                return;
            const end = this.domainSince + this.domainMs;
            if (now < end)
                return;
            if (this.phase === 'back') {
                this.states[itemAt(this.rollbackOrder, this.current)] = 'Completed';
                this.current++;
                if (this.current < this.rollbackOrder.length) {
                    this.states[itemAt(this.rollbackOrder, this.current)] = 'InProgress';
                    this.domainSince = end;
                }
                else {
                    this.phase = 'back-done';
                    this.finishedAt = end;
                }
                continue;
            }
            this.states[this.current] = 'Completed';
            const hasNext = this.current + 1 < this.domains.length;
            // The unhealthy version fails the health check after each domain from the second one on
            // (the first, with a single domain).
            if (this.plan.unhealthyTarget && this.plan.mode === 'Monitored' && this.current >= Math.min(1, this.domains.length - 1)) {
                this.failure = this.healthCheckFailure(end, itemAt(this.domains, this.current));
                if (this.plan.failureAction === 'Rollback') {
                    this.startRollback(end);
                }
                else {
                    this.pause(end, hasNext ? this.current + 1 : undefined);
                }
                continue;
            }
            if (!hasNext) {
                this.phase = 'forward-done';
                this.finishedAt = end;
            }
            else if (this.plan.mode === 'UnmonitoredManual') {
                this.pause(end, this.current + 1);
            }
            else {
                this.current++;
                this.states[this.current] = 'InProgress';
                this.domainSince = end;
            }
        }
    }
    pause(at, next) {
        this.phase = 'forward-pending';
        this.next = next;
        this.domainSince = at;
    }
    /** Undoes the domains already touched, last one first [undoc: the order]; the others stay Completed. */
    startRollback(at) {
        this.rollbackOrder = this.states.flatMap((s, i) => (s === 'Pending' ? [] : [i])).reverse();
        this.states.forEach((_, i) => (this.states[i] = this.rollbackOrder.includes(i) ? 'Pending' : 'Completed'));
        this.phase = 'back';
        this.current = 0;
        this.next = undefined;
        this.domainSince = at;
        if (this.rollbackOrder.length === 0) {
            this.phase = 'back-done';
            this.finishedAt = at;
        }
        else {
            this.states[itemAt(this.rollbackOrder, 0)] = 'InProgress';
        }
    }
    /** `$/MoveToNextUpgradeDomain`: resumes a waiting upgrade into the named domain. */
    moveToNext(domain, now) {
        this.advance(now);
        if (this.phase !== 'forward-pending') {
            throw FabricHttpError.invalidArg(`the upgrade of ${this.plan.applicationName} is not waiting for MoveToNextUpgradeDomain (${this.state(now)}).`);
        }
        if (this.next === undefined || this.domains[this.next] !== domain) {
            const expected = this.next === undefined ? 'none: roll the upgrade back' : `'${this.domains[this.next]}'`;
            throw FabricHttpError.invalidArg(`UpgradeDomain '${domain}' is not the next upgrade domain; the next one is ${expected}.`);
        }
        this.phase = 'forward';
        this.current = this.next;
        this.next = undefined;
        this.states[this.current] = 'InProgress';
        this.domainSince = now;
    }
    /** When the upgrade reached RollingForwardCompleted or RollingBackCompleted (undefined before). */
    endedAt(now) {
        this.advance(now);
        return this.finishedAt;
    }
    /** Whether a new upgrade request interrupted this one (it rolls back, then the new goal starts). */
    get interrupted() {
        return this.failure?.reason === 'Interrupted';
    }
    /**
     * A new upgrade request while this one rolls forward: the cluster rolls this one back and keeps
     * the request as the goal state, started when the rollback completes [rt]. [undoc] What
     * GetUpgradeProgress shows meanwhile: this upgrade (its target) rolling back, FailureReason
     * Interrupted, and the new target in UpgradeStatusDetails.
     */
    interrupt(now, goalVersion) {
        this.advance(now);
        const domain = this.phase === 'forward' ? itemAt(this.domains, this.current) : '';
        this.failure = {
            at: now,
            reason: 'Interrupted',
            domain,
            evaluations: [],
            details: `Interrupted by a request to upgrade ${this.plan.applicationName} to ${goalVersion}; that upgrade starts once this one is rolled back.`
        };
        this.startRollback(now);
    }
    /** Renames the goal in the details when another request replaces it during the rollback [undoc]. */
    retarget(goalVersion) {
        if (this.failure?.reason === 'Interrupted') {
            this.failure.details = `Interrupted by a request to upgrade ${this.plan.applicationName} to ${goalVersion}; that upgrade starts once this one is rolled back.`;
        }
    }
    /** `$/RollbackUpgrade`. */
    rollback(now) {
        this.advance(now);
        if (this.phase !== 'forward' && this.phase !== 'forward-pending') {
            throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${this.plan.applicationName} is not rolling forward (${this.state(now)}): there is nothing to roll back.`);
        }
        this.startRollback(now);
    }
    healthCheckFailure(at, domain) {
        const app = this.plan.applicationName;
        const event = {
            HealthEvaluation: {
                Kind: 'Event',
                AggregatedHealthState: 'Error',
                Description: `Error event: SourceId='System.Hosting', Property='CodePackageActivation:Code:EntryPoint'. The code package of ${this.plan.typeName} ${this.plan.targetVersion} keeps exiting.`,
                ConsiderWarningAsError: false
            }
        };
        const deployed = {
            HealthEvaluation: {
                Kind: 'DeployedApplication',
                AggregatedHealthState: 'Error',
                Description: `Unhealthy deployed application: ApplicationName='${app}', NodeName='_Node_${domain}', AggregatedHealthState='Error'.`,
                ApplicationName: app,
                NodeName: `_Node_${domain}`,
                UnhealthyEvaluations: [event]
            }
        };
        const evaluations = [
            {
                HealthEvaluation: {
                    Kind: 'DeployedApplications',
                    AggregatedHealthState: 'Error',
                    Description: `100% (1/1) deployed applications in upgrade domain '${domain}' are unhealthy. The evaluation tolerates 0% unhealthy deployed applications.`,
                    MaxPercentUnhealthyDeployedApplications: 0,
                    TotalCount: '1',
                    UnhealthyEvaluations: [deployed]
                }
            }
        ];
        return { at, reason: 'HealthCheck', domain, evaluations, details: `The health check of upgrade domain ${domain} failed: ${app} is in Error.` };
    }
    progress(now) {
        this.advance(now);
        const inDomain = this.phase === 'forward' || this.phase === 'back';
        const currentDomain = this.phase === 'forward'
            ? itemAt(this.domains, this.current)
            : this.phase === 'back'
                ? itemAt(this.domains, itemAt(this.rollbackOrder, this.current))
                : '';
        const next = this.phase === 'forward-pending'
            ? this.next === undefined
                ? ''
                : itemAt(this.domains, this.next)
            : this.phase === 'forward' && this.current + 1 < this.domains.length
                ? itemAt(this.domains, this.current + 1)
                : '';
        const end = this.finishedAt ?? now;
        return {
            Name: this.plan.applicationName,
            TypeName: this.plan.typeName,
            TargetApplicationTypeVersion: this.plan.targetVersion,
            UpgradeDomains: this.domains.map((Name, i) => ({ Name, State: itemAt(this.states, i) })),
            UpgradeState: this.state(now),
            NextUpgradeDomain: next,
            RollingUpgradeMode: this.plan.mode,
            UpgradeDescription: this.plan.description,
            UpgradeDurationInMilliseconds: isoDuration(end - this.startedAt),
            UpgradeDomainDurationInMilliseconds: isoDuration(inDomain ? now - this.domainSince : 0),
            UnhealthyEvaluations: this.failure?.evaluations ?? [],
            CurrentUpgradeDomainProgress: { DomainName: currentDomain, NodeUpgradeProgressList: [] },
            StartTimestampUtc: new Date(this.startedAt).toISOString(),
            FailureTimestampUtc: this.failure ? new Date(this.failure.at).toISOString() : NO_TIME,
            FailureReason: this.failure?.reason ?? 'None',
            UpgradeDomainProgressAtFailure: { DomainName: this.failure?.domain ?? '', NodeUpgradeProgressList: [] },
            UpgradeStatusDetails: this.failure?.details ?? ''
        };
    }
}
/** [undoc] The progress of an application never upgraded: its own version, no domains, state Invalid. */
function neverUpgradedProgress(app) {
    const none = { DomainName: '', NodeUpgradeProgressList: [] };
    return {
        Name: app.name,
        TypeName: app.typeName,
        TargetApplicationTypeVersion: app.version,
        UpgradeDomains: [],
        UpgradeState: 'Invalid',
        NextUpgradeDomain: '',
        RollingUpgradeMode: 'UnmonitoredAuto',
        UpgradeDescription: { Name: app.name, TargetApplicationTypeVersion: app.version, Parameters: app.parameters },
        UpgradeDurationInMilliseconds: 'PT0H0M0S',
        UpgradeDomainDurationInMilliseconds: 'PT0H0M0S',
        UnhealthyEvaluations: [],
        CurrentUpgradeDomainProgress: none,
        StartTimestampUtc: NO_TIME,
        FailureTimestampUtc: NO_TIME,
        FailureReason: 'None',
        UpgradeDomainProgressAtFailure: none,
        UpgradeStatusDetails: ''
    };
}
/** `list[i]`, which the upgrade's bookkeeping guarantees is there (one state per domain, indices in range). */
function itemAt(list, i) {
    const item = list[i];
    if (item === undefined)
        throw new Error(`internal: no item ${i} in a list of ${list.length}`);
    return item;
}
/** `PT0H1M2.5S`, the form the runtime writes durations in. */
function isoDuration(ms) {
    const total = Math.max(0, ms) / 1000;
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = Math.round((total % 60) * 1000) / 1000;
    return `PT${hours}H${minutes}M${seconds}S`;
}
/** Durations are strings: ISO 8601 first, else milliseconds [spec]. */
function isDuration(text) {
    return typeof text === 'string' && (/^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(text) || /^\d+$/.test(text));
}

;// CONCATENATED MODULE: ./emulator/management/applications.ts





class ApplicationRegistry {
    now;
    unhealthyVersions;
    apps = new Map();
    constructor(now, unhealthyVersions) {
        this.now = now;
        this.unhealthyVersions = unhealthyVersions;
    }
    /** The application, listed or not yet (see `listed`). */
    get(id) {
        const app = this.apps.get(id);
        if (app)
            this.settle(app);
        return app;
    }
    all() {
        return [...this.apps.values()].sort((a, b) => compareCodeUnits(a.name, b.name)).map(a => this.settle(a));
    }
    /** Whether a read lists it yet (`createHiddenSeconds` after its create). */
    listed(app) {
        return this.now() >= app.listedAt;
    }
    add(name, typeName, version, parameters, timing = { hiddenMs: 0, creatingMs: 0 }) {
        const now = this.now();
        const app = {
            name,
            id: applicationIdOf(name),
            typeName,
            baseVersion: version,
            baseParameters: parameters,
            listedAt: now + timing.hiddenMs,
            readyAt: now + timing.hiddenMs + timing.creatingMs
        };
        this.apps.set(app.id, app);
        return app;
    }
    /** Starts the goal state once the interrupted upgrade has rolled back, at the moment it did. */
    settle(app) {
        const ended = app.goal && app.upgrade ? app.upgrade.endedAt(this.now()) : undefined;
        if (ended === undefined || !app.goal || !app.upgrade)
            return app;
        const from = app.upgrade.effective(ended);
        const goal = app.goal;
        app.goal = undefined;
        // [undoc] A goal equal to what the rollback returned to starts nothing.
        if (goal.targetVersion === from.version && sameParameters(goal.parameters, from.parameters))
            return app;
        app.baseVersion = from.version;
        app.baseParameters = from.parameters;
        app.upgrade = goal.start(ended);
        return app;
    }
    remove(id) {
        this.apps.delete(id);
    }
    /** The version and parameters the application has now (the target while an upgrade rolls forward). */
    current(app) {
        return app.upgrade ? app.upgrade.effective(this.now()) : { version: app.baseVersion, parameters: app.baseParameters };
    }
    /** The upgrade progress as GetUpgradeProgress answers it: the held one while the progress lags, else the latest. */
    progress(app) {
        const lagging = app.laggingProgress;
        if (lagging && lagging.reads > 0) {
            lagging.reads--;
            return lagging.progress;
        }
        app.laggingProgress = undefined;
        if (app.upgrade)
            return app.upgrade.progress(this.now());
        return neverUpgradedProgress({ name: app.name, typeName: app.typeName, version: app.baseVersion, parameters: app.baseParameters });
    }
    /**
     * Before an upgrade request changes the upgrade: the next `reads` progress reads answer the
     * progress as it is now. [undoc] How long a real cluster's progress lags behind an accepted request
     * is not documented; a number of reads, not seconds, makes the lag the same on a loaded machine.
     */
    holdProgress(app, reads) {
        if (reads > 0)
            app.laggingProgress = { progress: this.progress(app), reads };
    }
    isUpgrading(app) {
        return app.upgrade?.isActive(this.now()) === true || app.goal !== undefined;
    }
    /** Whether an application runs this version, or an upgrade goes to or from it. */
    uses(typeName, version) {
        return this.all().find(app => app.typeName === typeName &&
            (this.current(app).version === version ||
                (this.isUpgrading(app) && (app.upgrade.plan.targetVersion === version || app.upgrade.plan.fromVersion === version))));
    }
    healthState(app) {
        const now = this.now();
        if (app.upgrade?.isActive(now))
            return app.upgrade.hasFailedHealthCheck(now) && !app.upgrade.isRollingBack(now) ? 'Error' : 'Ok';
        return this.unhealthyVersions.has(this.current(app).version) ? 'Error' : 'Ok';
    }
    info(app) {
        const current = this.current(app);
        return {
            Id: app.id,
            Name: app.name,
            TypeName: app.typeName,
            TypeVersion: current.version,
            Status: this.now() < app.readyAt ? 'Creating' : this.isUpgrading(app) || app.goal ? 'Upgrading' : 'Ready',
            // [undoc] Only the parameters the application was given, not the manifest's defaults.
            Parameters: current.parameters,
            HealthState: this.healthState(app),
            ApplicationDefinitionKind: 'ServiceFabricApplicationDescription'
        };
    }
    health(app) {
        const state = this.healthState(app);
        const now = this.now();
        const evaluations = state === 'Error' && app.upgrade?.hasFailedHealthCheck(now) ? app.upgrade.progress(now).UnhealthyEvaluations : [];
        return {
            Name: app.name,
            AggregatedHealthState: state,
            HealthEvents: [],
            UnhealthyEvaluations: evaluations,
            ServiceHealthStates: [],
            DeployedApplicationHealthStates: []
        };
    }
}
/**
 * A parameter list as a create or an upgrade sends it: well-formed, no duplicates, and every name
 * declared in the manifest's `<Parameters>` (compared case-insensitively [undoc]).
 * [undoc] An undeclared parameter is refused by the image builder when it builds the application
 * instance, so it answers 400 FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR rather than E_INVALIDARG.
 */
function checkParameters(list, manifest, field) {
    if (list === undefined || list === null)
        return [];
    if (!Array.isArray(list))
        throw FabricHttpError.invalidArg(`${field} must be a list of {"Key","Value"} objects.`);
    const seen = new Set();
    const out = [];
    for (const p of list) {
        const { Key, Value } = (p ?? {});
        if (typeof Key !== 'string' || Key === '' || typeof Value !== 'string') {
            throw FabricHttpError.invalidArg(`${field} must be a list of {"Key","Value"} objects with string values.`);
        }
        if (seen.has(Key.toLowerCase()))
            throw FabricHttpError.invalidArg(`${field} names the parameter '${Key}' twice.`);
        seen.add(Key.toLowerCase());
        if (!manifest.parameters.some(d => d.name.toLowerCase() === Key.toLowerCase())) {
            throw validationError(`The application parameter '${Key}' is not declared in the <Parameters> of the application manifest of ${manifest.typeName} ${manifest.typeVersion}.`);
        }
        out.push({ Key, Value });
    }
    return out;
}
/** Same parameters whatever the order. */
function sameParameters(a, b) {
    const key = (l) => JSON.stringify([...l].map(p => [p.Key.toLowerCase(), p.Value]).sort());
    return key(a) === key(b);
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./emulator/management/zip-check.ts
// What the image builder notices about a `<Name>.zip` package before extracting it: that it is a
// zip archive (its end of central directory, zip64 included) whose entries are relative paths.
// Entry data is not inflated: the emulator keeps packages as uploaded.
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
/** Why the bytes are not a usable zip archive, or undefined when they are. */
function zipProblem(bytes) {
    const eocd = findEndOfCentralDirectory(bytes);
    if (eocd < 0)
        return 'no end of central directory record';
    let entries = bytes.readUInt16LE(eocd + 10);
    let size = bytes.readUInt32LE(eocd + 12);
    let offset = bytes.readUInt32LE(eocd + 16);
    if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
        const locator = eocd - 20;
        if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR)
            return 'a zip64 archive without its zip64 locator';
        const at = Number(bytes.readBigUInt64LE(locator + 8));
        if (at + 56 > bytes.length || bytes.readUInt32LE(at) !== ZIP64_EOCD)
            return 'a broken zip64 end of central directory';
        entries = Number(bytes.readBigUInt64LE(at + 32));
        size = Number(bytes.readBigUInt64LE(at + 40));
        offset = Number(bytes.readBigUInt64LE(at + 48));
    }
    if (offset + size > bytes.length)
        return 'the central directory lies beyond the end of the file (truncated?)';
    let p = offset;
    for (let i = 0; i < entries; i++) {
        if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL_ENTRY)
            return `central directory entry ${i + 1} of ${entries} is damaged`;
        const nameLength = bytes.readUInt16LE(p + 28);
        const extraLength = bytes.readUInt16LE(p + 30);
        const commentLength = bytes.readUInt16LE(p + 32);
        const name = bytes.toString('utf8', p + 46, p + 46 + nameLength);
        if (name.startsWith('/') || name.includes('\\') || /^[a-z]:/i.test(name) || name.split('/').includes('..')) {
            return `the entry '${name}' is not a relative path with '/' separators`;
        }
        p += 46 + nameLength + extraLength + commentLength;
    }
    return undefined;
}
function findEndOfCentralDirectory(bytes) {
    const lowest = Math.max(0, bytes.length - 22 - 0xffff);
    for (let p = bytes.length - 22; p >= lowest; p--) {
        if (bytes.readUInt32LE(p) === EOCD)
            return p;
    }
    return -1;
}

;// CONCATENATED MODULE: ./emulator/management/package-reader.ts
// Reads an application package from the Image Store for the image builder: a view for the layout
// rules, and the checksums the cluster keeps of each part (cluster management reference,
// "Compressed packages": the zip's bytes, or a folder's sorted file names and contents).






/** Undefined when the folder does not exist in the store. */
async function readStoredPackage(store, storePath) {
    const st = await store.stat(storePath);
    if (!st?.isDirectory())
        return undefined;
    return readPackageFolder(store.diskPath(storePath));
}
/**
 * Only the package folder's root, as the cluster reads it before accepting an asynchronous provision:
 * its mark file and ApplicationManifest.xml (undefined when the folder does not exist in the store).
 */
async function readStoredPackageRoot(store, storePath) {
    const st = await store.stat(storePath);
    if (!st?.isDirectory())
        return undefined;
    const root = store.diskPath(storePath);
    const entries = await external_node_fs_namespaceObject.promises.readdir(root, { withFileTypes: true });
    const isFile = (name) => entries.some(e => e.name === name && e.isFile());
    const manifestXml = isFile(APPLICATION_MANIFEST_FILE) ? await external_node_fs_namespaceObject.promises.readFile(external_node_path_namespaceObject.join(root, APPLICATION_MANIFEST_FILE), 'utf8') : undefined;
    return { marked: isFile(MARK_FILE_NAME), manifestXml };
}
/** A package in a folder on disk (the store's, or an unpacked `.sfpkg`). */
async function readPackageFolder(root) {
    const files = [];
    const folders = [];
    for (const e of await external_node_fs_namespaceObject.promises.readdir(root, { recursive: true, withFileTypes: true })) {
        const rel = external_node_path_namespaceObject.relative(root, external_node_path_namespaceObject.join(e.parentPath, e.name)).split(external_node_path_namespaceObject.sep).join('/');
        if (e.isFile())
            files.push(rel);
        else if (e.isDirectory())
            folders.push(rel);
    }
    // Only manifests are read as text: the application manifest and each service folder's manifest.
    const texts = new Map();
    for (const rel of files) {
        const segments = rel.split('/');
        const isManifest = rel === APPLICATION_MANIFEST_FILE || (segments.length === 2 && segments[1] === SERVICE_MANIFEST_FILE);
        if (isManifest)
            texts.set(rel, await external_node_fs_namespaceObject.promises.readFile(external_node_path_namespaceObject.join(root, ...segments), 'utf8'));
    }
    return {
        view: packageViewOf(files, rel => texts.get(rel), folders),
        inspectPart: async (rel, zipped) => {
            const disk = external_node_path_namespaceObject.join(root, ...rel.split('/'));
            if (!zipped)
                return { checksum: await folderChecksum(disk) };
            const bytes = await external_node_fs_namespaceObject.promises.readFile(disk);
            return { checksum: (0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex'), zipProblem: zipProblem(bytes) };
        }
    };
}
/** Mark files are left out: they say the folder is complete, not what it holds. */
async function folderChecksum(dir) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    const files = [];
    for (const e of await external_node_fs_namespaceObject.promises.readdir(dir, { recursive: true, withFileTypes: true })) {
        if (e.isFile() && e.name !== MARK_FILE_NAME)
            files.push(external_node_path_namespaceObject.relative(dir, external_node_path_namespaceObject.join(e.parentPath, e.name)).split(external_node_path_namespaceObject.sep).join('/'));
    }
    files.sort();
    for (const rel of files) {
        const bytes = await external_node_fs_namespaceObject.promises.readFile(external_node_path_namespaceObject.join(dir, ...rel.split('/')));
        hash.update(`${rel}\0${bytes.length}\0`);
        hash.update(bytes);
    }
    return hash.digest('hex');
}

;// CONCATENATED MODULE: ./emulator/management/external-store.ts
// The ExternalStore provision kind (cluster management reference, "Provision from an external
// store"): the cluster downloads an `.sfpkg` from the URL it is given, unpacks it and hands it to the
// same image builder as an Image Store package. The description is checked when the request comes;
// the download is made by the build (after the 202 of an asynchronous provision, before the answer
// of a synchronous one); the package is unpacked into a temporary folder, deleted after the build.













/** [undoc] The largest `.sfpkg` the emulator downloads (it holds it in memory to unpack it). */
const MAX_SFPKG_BYTES = 512 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;
/**
 * Checks the ExternalStore description (answered at once with 400 E_INVALIDARG): the fields, an
 * http or https URI whose file name ends in `.sfpkg`. Nothing is downloaded yet.
 */
function readExternalDescription(body) {
    const model = 'ExternalStoreProvisionApplicationTypeDescription';
    const field = (name) => {
        const v = body[name];
        if (typeof v !== 'string' || v === '')
            throw FabricHttpError.invalidArg(`${model}.${name} is required (a string).`);
        return v;
    };
    const uri = field('ApplicationPackageDownloadUri');
    const typeName = field('ApplicationTypeName');
    const typeVersion = field('ApplicationTypeVersion');
    let url;
    try {
        url = new URL(uri);
    }
    catch {
        throw FabricHttpError.invalidArg(`${model}.ApplicationPackageDownloadUri is not a URI.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw FabricHttpError.invalidArg(`ApplicationPackageDownloadUri must be http or https, not ${url.protocol}.`);
    if (!decodeURIComponent(url.pathname).toLowerCase().endsWith('.sfpkg')) {
        throw FabricHttpError.invalidArg(`ApplicationPackageDownloadUri '${url.origin}${url.pathname}' does not name a file ending in .sfpkg.`);
    }
    return { url, buildPath: `${url.origin}${url.pathname}`, typeName, typeVersion };
}
/**
 * Downloads and unpacks the `.sfpkg`, and reads its manifest. Every failure here (download, archive,
 * name or version) is the image builder's: [undoc] a synchronous provision answers it with 400, an
 * asynchronous one lists the version Failed with it.
 */
async function fetchExternalPackage(description, ca, signal) {
    const { url, buildPath, typeName, typeVersion } = description;
    const bytes = await download(url, buildPath, ca, signal);
    const problem = zipProblem(bytes);
    if (problem !== undefined)
        throw validationError(`The application package '${buildPath}' is not a valid .sfpkg: ${problem}.`);
    const root = await (0,external_node_fs_promises_namespaceObject.mkdtemp)(external_node_path_namespaceObject.join((0,external_node_os_namespaceObject.tmpdir)(), 'sfu-emulator-sfpkg-'));
    const dispose = () => (0,external_node_fs_promises_namespaceObject.rm)(root, { recursive: true, force: true });
    try {
        await unzipInto(bytes, root, buildPath);
        const pkg = await readPackageFolder(root);
        const xml = pkg.view.readText(APPLICATION_MANIFEST_FILE);
        if (xml === undefined)
            throw validationError(`The BuildLayout of the application in '${buildPath}' is invalid. ${APPLICATION_MANIFEST_FILE} is missing.`);
        let manifest;
        try {
            manifest = parseApplicationManifest(xml, `${buildPath}/${APPLICATION_MANIFEST_FILE}`);
        }
        catch (err) {
            if (err instanceof ManifestError)
                throw validationError(err.message);
            throw err;
        }
        if (manifest.typeName !== typeName || manifest.typeVersion !== typeVersion) {
            throw validationError(`The application type ${typeName} ${typeVersion} of the provision does not match ${manifest.typeName} ${manifest.typeVersion} in the ApplicationManifest.xml of '${buildPath}'.`);
        }
        return { pkg, identity: { xml, manifest }, buildPath, dispose };
    }
    catch (err) {
        await dispose();
        throw err;
    }
}
/** GET without redirects, a timeout and a size bound; `ca` is trusted besides Node's CAs (for a local https Azurite). */
function download(url, shown, ca, signal) {
    const failed = (why) => validationError(`Could not download the application package '${shown}': ${why}.`);
    return new Promise((resolve, reject) => {
        const options = url.protocol === 'https:' && ca !== undefined ? { ca: [...external_node_tls_namespaceObject.rootCertificates, ca] } : {};
        const req = (url.protocol === 'https:' ? external_node_https_namespaceObject : external_node_http_namespaceObject).get(url, { ...options, timeout: DOWNLOAD_TIMEOUT_MS, signal }, res => {
            if (res.statusCode !== 200) {
                res.resume();
                reject(failed(`the server answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
                return;
            }
            const chunks = [];
            let total = 0;
            res.on('data', (chunk) => {
                total += chunk.length;
                if (total > MAX_SFPKG_BYTES) {
                    req.destroy();
                    reject(failed(`it is larger than the emulator's ${MAX_SFPKG_BYTES} bytes`));
                    return;
                }
                chunks.push(chunk);
            });
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.on('error', err => reject(failed(err.message)));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`)));
        req.on('error', err => reject(failed(err.message)));
    });
}
const LOCAL_HEADER = 0x04034b50;
const external_store_CENTRAL_ENTRY = 0x02014b50;
/** Unpacks an archive `zipProblem` accepted (so its entries are relative `/` paths): stored or deflated entries, zip64 included, CRC-32 checked. */
async function unzipInto(bytes, root, shown) {
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    let entries = bytes.readUInt16LE(eocd + 10);
    let offset = bytes.readUInt32LE(eocd + 16);
    if (entries === 0xffff || offset === 0xffffffff) {
        const at = Number(bytes.readBigUInt64LE(eocd - 20 + 8));
        entries = Number(bytes.readBigUInt64LE(at + 32));
        offset = Number(bytes.readBigUInt64LE(at + 48));
    }
    const bad = (why) => validationError(`The application package '${shown}' is not a valid .sfpkg: ${why}.`);
    let p = offset;
    for (let i = 0; i < entries; i++) {
        if (bytes.readUInt32LE(p) !== external_store_CENTRAL_ENTRY)
            throw bad(`central directory entry ${i + 1} is damaged`);
        const method = bytes.readUInt16LE(p + 10);
        const crc = bytes.readUInt32LE(p + 16);
        let compressedSize = bytes.readUInt32LE(p + 20);
        let size = bytes.readUInt32LE(p + 24);
        const nameLength = bytes.readUInt16LE(p + 28);
        const extraLength = bytes.readUInt16LE(p + 30);
        const commentLength = bytes.readUInt16LE(p + 32);
        let localOffset = bytes.readUInt32LE(p + 42);
        const name = bytes.toString('utf8', p + 46, p + 46 + nameLength);
        // zip64 extended information: the fields whose classic value is all ones, in this order.
        for (let e = p + 46 + nameLength; e < p + 46 + nameLength + extraLength;) {
            const id = bytes.readUInt16LE(e);
            const len = bytes.readUInt16LE(e + 2);
            if (id === 0x0001) {
                let q = e + 4;
                if (size === 0xffffffff) {
                    size = Number(bytes.readBigUInt64LE(q));
                    q += 8;
                }
                if (compressedSize === 0xffffffff) {
                    compressedSize = Number(bytes.readBigUInt64LE(q));
                    q += 8;
                }
                if (localOffset === 0xffffffff)
                    localOffset = Number(bytes.readBigUInt64LE(q));
            }
            e += 4 + len;
        }
        p += 46 + nameLength + extraLength + commentLength;
        const target = external_node_path_namespaceObject.join(root, ...name.split('/').filter(s => s !== ''));
        if (name.endsWith('/')) {
            await (0,external_node_fs_promises_namespaceObject.mkdir)(target, { recursive: true });
            continue;
        }
        if (bytes.readUInt32LE(localOffset) !== LOCAL_HEADER)
            throw bad(`the local header of '${name}' is damaged`);
        const dataAt = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
        const data = bytes.subarray(dataAt, dataAt + compressedSize);
        let content;
        if (method === 0)
            content = data;
        else if (method === 8) {
            try {
                content = external_node_zlib_namespaceObject.inflateRawSync(data);
            }
            catch {
                throw bad(`'${name}' does not inflate`);
            }
        }
        else
            throw bad(`'${name}' uses compression method ${method} (only stored and deflate are read)`);
        if (content.length !== size || external_node_zlib_namespaceObject.crc32(content) !== crc)
            throw bad(`'${name}' does not match its size or CRC-32`);
        await (0,external_node_fs_promises_namespaceObject.mkdir)(external_node_path_namespaceObject.dirname(target), { recursive: true });
        await (0,external_node_fs_promises_namespaceObject.writeFile)(target, content);
    }
}

;// CONCATENATED MODULE: ./emulator/management/request-fields.ts
// Reading a management request: its JSON body and the fields and query parameters it must have,
// each missing one refused with 400 E_INVALIDARG naming it.

function jsonBody(request, model) {
    let parsed;
    try {
        parsed = JSON.parse(request.body.toString('utf8'));
    }
    catch {
        throw FabricHttpError.invalidArg(`the body is not a ${model} (JSON object)`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw FabricHttpError.invalidArg(`the body is not a ${model} (JSON object)`);
    return parsed;
}
function requiredString(body, field, model) {
    const value = body[field];
    if (typeof value !== 'string' || value === '')
        throw FabricHttpError.invalidArg(`${model}.${field} is required (a string).`);
    return value;
}
function requiredQuery(query, name) {
    const value = query.get(name);
    if (!value)
        throw FabricHttpError.invalidArg(`the query parameter ${name} is required`);
    return value;
}

;// CONCATENATED MODULE: ./emulator/management/upgrade-request.ts


const MODES = ['UnmonitoredAuto', 'UnmonitoredManual', 'Monitored'];
const MONITORING_DURATIONS = [
    'HealthCheckWaitDurationInMilliseconds',
    'HealthCheckStableDurationInMilliseconds',
    'HealthCheckRetryTimeoutInMilliseconds',
    'UpgradeTimeoutInMilliseconds',
    'UpgradeDomainTimeoutInMilliseconds'
];
/** The runtime's defaults for what an upgrade request leaves out. */
const MONITORING_DEFAULTS = {
    HealthCheckWaitDurationInMilliseconds: '0',
    HealthCheckStableDurationInMilliseconds: 'PT0H2M0S',
    HealthCheckRetryTimeoutInMilliseconds: 'PT0H10M0S',
    UpgradeTimeoutInMilliseconds: 'P10675199DT02H48M05.4775807S',
    UpgradeDomainTimeoutInMilliseconds: 'P10675199DT02H48M05.4775807S'
};
const REPLICA_SET_CHECK_DEFAULT = '42949672925';
/** Checks the kind, mode, failure action and durations of an ApplicationUpgradeDescription body. */
function readUpgradeRequest(body) {
    if (body.UpgradeKind !== undefined && body.UpgradeKind !== 'Rolling')
        throw FabricHttpError.invalidArg(`UpgradeKind '${display(body.UpgradeKind)}' is not Rolling.`);
    // The mode defaults to UnmonitoredAuto when absent [spec].
    const mode = (body.RollingUpgradeMode ?? 'UnmonitoredAuto');
    if (!MODES.includes(mode))
        throw FabricHttpError.invalidArg(`RollingUpgradeMode '${String(mode)}' is not one of ${MODES.join(', ')}.`);
    const monitoring = (body.MonitoringPolicy ?? {});
    if (typeof monitoring !== 'object' || Array.isArray(monitoring))
        throw FabricHttpError.invalidArg('MonitoringPolicy must be an object.');
    const failureAction = (monitoring.FailureAction ?? 'Invalid');
    if (mode === 'Monitored' && failureAction !== 'Rollback' && failureAction !== 'Manual') {
        // [rt] A monitored upgrade must say what to do when a health check fails.
        throw FabricHttpError.invalidArg('A Monitored upgrade needs MonitoringPolicy.FailureAction Rollback or Manual.');
    }
    for (const field of MONITORING_DURATIONS) {
        if (monitoring[field] !== undefined && !isDuration(monitoring[field])) {
            throw FabricHttpError.invalidArg(`MonitoringPolicy.${field} '${display(monitoring[field])}' is not an ISO 8601 duration or a number of milliseconds.`);
        }
    }
    return {
        mode,
        failureAction,
        describe: (name, target, parameters) => ({
            Name: name,
            TargetApplicationTypeVersion: target,
            Parameters: parameters,
            UpgradeKind: 'Rolling',
            RollingUpgradeMode: mode,
            UpgradeReplicaSetCheckTimeoutInSeconds: display(body.UpgradeReplicaSetCheckTimeoutInSeconds ?? REPLICA_SET_CHECK_DEFAULT),
            ForceRestart: body.ForceRestart === true,
            MonitoringPolicy: {
                FailureAction: failureAction,
                ...Object.fromEntries(MONITORING_DURATIONS.map(f => [f, monitoring[f] ?? MONITORING_DEFAULTS[f]]))
            },
            ApplicationHealthPolicy: {
                ConsiderWarningAsError: false,
                MaxPercentUnhealthyDeployedApplications: 0,
                ...(body.ApplicationHealthPolicy ?? {})
            }
        })
    };
}
/** A JSON value of a request body as text for a message or a string field. */
function display(value) {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

;// CONCATENATED MODULE: ./emulator/management/provisioner.ts









const V62 = [6, 2];
const CLEANUP_POLICIES = ['Invalid', 'Default', 'Automatic', 'Manual'];
class Provisioner {
    store;
    types;
    options;
    /** Type versions a synchronous provision is building right now. */
    building = new Set();
    /** Builds of one type run one after the other (by lower-case type name), so a diff package sees the versions before it. */
    queues = new Map();
    running = new Set();
    shutdown = new AbortController();
    closing;
    constructor(store, types, options) {
        this.store = store;
        this.types = types;
        this.options = options;
        this.closing = new Promise(resolve => this.shutdown.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    async provision(request) {
        const model = 'ProvisionApplicationTypeDescription';
        const body = jsonBody(request, model);
        let isAsync = false;
        let cleanup = 'Default';
        if (compareApiVersions(parseApiVersion(request.query.get('api-version')), V62) >= 0) {
            // The gateway's polymorphic reader needs the discriminator first [spec][rt].
            if (!/^\s*\{\s*"Kind"\s*:/.test(request.body.toString('utf8'))) {
                throw FabricHttpError.invalidArg('From api-version 6.2 the provision body must start with its "Kind" property, e.g. {"Kind":"ImageStorePath",...}.');
            }
            if (body.Kind !== 'ImageStorePath' && body.Kind !== 'ExternalStore')
                throw FabricHttpError.invalidArg(`Kind '${String(body.Kind)}' is not ImageStorePath or ExternalStore.`);
            if (body.Async !== undefined && typeof body.Async !== 'boolean')
                throw FabricHttpError.invalidArg(`${model}.Async must be true or false.`);
            isAsync = body.Async === true;
            const policy = body.ApplicationPackageCleanupPolicy ?? 'Default';
            if (!CLEANUP_POLICIES.includes(policy)) {
                throw FabricHttpError.invalidArg(`ApplicationPackageCleanupPolicy '${display(policy)}' is not one of ${CLEANUP_POLICIES.join(', ')}.`);
            }
            cleanup = policy;
        }
        // Up to api-version 6.1 the body is the older ApplicationTypeImageStorePath: synchronous, the
        // cluster's cleanup setting [rt]; extra properties are ignored as the gateway's reader does.
        if (body.Kind === 'ExternalStore')
            return this.provisionExternal(readExternalDescription(body), isAsync);
        const buildPath = requiredString(body, 'ApplicationTypeBuildPath', model);
        const storePath = normalizeStorePath(buildPath);
        this.store.diskPath(storePath); // refuses `.` and `..`
        // Default follows runtime 7.2 and later: the package is deleted after a successful provision.
        const keep = cleanup === 'Manual';
        if (!isAsync) {
            const pkg = await readStoredPackage(this.store, storePath);
            const identity = readPackageIdentity(packageRootOf(pkg), buildPath);
            return this.provisionNow({ pkg: pkg, identity, buildPath, storePath }, keep);
        }
        // [undoc] Before the 202 the cluster reads only the package's root: the folder, its mark file and
        // ApplicationManifest.xml (to know the type and version it lists). Those errors are answered at
        // once; everything else (service manifests, parts, checksums) is the image builder's, afterwards.
        const identity = readPackageIdentity(await readStoredPackageRoot(this.store, storePath), buildPath);
        return this.accept(identity, async (signal) => {
            const pkg = await readStoredPackage(this.store, storePath);
            readPackageIdentity(packageRootOf(pkg), buildPath); // the folder may have gone since the 202
            return this.build({ pkg: pkg, identity, buildPath, storePath }, keep, signal);
        });
    }
    /** Resolves when no asynchronous build runs. */
    async idle() {
        while (this.running.size > 0)
            await Promise.all(this.running);
    }
    /** Stops the builds under way (each ends `Failed`) and waits for them, temporary files removed. */
    async close() {
        this.shutdown.abort();
        await this.idle();
    }
    async provisionExternal(description, isAsync) {
        // ExternalStore: the cluster downloads an .sfpkg (external-store.ts); nothing is read from the Image Store.
        const fromSfpkg = async (signal, run) => {
            const external = await fetchExternalPackage(description, this.options.externalStoreCa, signal);
            try {
                return await run(external);
            }
            finally {
                await external.dispose();
            }
        };
        if (!isAsync)
            return fromSfpkg(this.shutdown.signal, input => this.provisionNow(input, true));
        // [undoc] Until the .sfpkg is downloaded the version is listed with no default parameters.
        const { typeName, typeVersion } = description;
        const pending = { xml: '', manifest: { typeName, typeVersion, parameters: [], serviceManifestImports: [] } };
        return this.accept(pending, signal => fromSfpkg(signal, input => this.build(input, true, signal)));
    }
    /**
     * The rules for a version the cluster already knows: 409 when it is Available (also under a name
     * that differs only in case) or a synchronous provision builds it; the same answer again while it
     * provisions; a failed one is retried.
     */
    admit(typeName, typeVersion, isAsync) {
        const existing = this.types.find(typeName, typeVersion) ?? this.types.findIgnoringCase(typeName, typeVersion);
        if (existing) {
            const status = this.types.status(existing);
            if (status === 'Available') {
                throw new FabricHttpError(409, ManagementErrorCode.ApplicationTypeAlreadyExists, `Application type ${existing.typeName} version ${typeVersion} is already provisioned.`);
            }
            // Re-posting while it still provisions only extends its timeout [rt].
            if (status === 'Provisioning')
                return { status: isAsync ? 202 : 200 };
            this.types.remove(existing.typeName, existing.version); // a failed provision is retried [rt]
        }
        if (this.building.has(buildingKey(typeName, typeVersion))) {
            // [undoc] Two provisions of one version at the same moment: the second is refused.
            throw new FabricHttpError(409, ManagementErrorCode.ApplicationTypeProvisionInProgress, `Application type ${typeName} version ${typeVersion} is being provisioned.`);
        }
        return undefined;
    }
    async provisionNow(input, keep) {
        const { typeName, typeVersion } = input.identity.manifest;
        const early = this.admit(typeName, typeVersion, false);
        if (early)
            return early;
        const key = buildingKey(typeName, typeVersion);
        this.building.add(key);
        let built;
        try {
            built = await this.inTurn(typeName, () => this.build(input, keep, this.shutdown.signal));
        }
        finally {
            this.building.delete(key);
        }
        // [undoc] A failed synchronous provision leaves nothing listed.
        if ('error' in built)
            throw built.error;
        const now = this.options.now();
        this.types.add({ ...built.version, acceptedAt: now, readyAt: now });
        return { status: 200 };
    }
    /** Lists the version `Provisioning` and answers 202; `work` builds it in the background. */
    accept(identity, work) {
        const { typeName, typeVersion } = identity.manifest;
        const early = this.admit(typeName, typeVersion, true);
        if (early)
            return early;
        const acceptedAt = this.options.now();
        const record = {
            typeName,
            version: typeVersion,
            manifestXml: identity.xml,
            manifest: identity.manifest,
            serviceManifests: new Map(),
            partChecksums: new Map(),
            acceptedAt,
            readyAt: acceptedAt + this.options.provisionMs,
            building: true
        };
        this.types.add(record);
        const signal = this.shutdown.signal;
        const task = this.inTurn(typeName, async () => {
            const hold = this.options.imageBuilderHold;
            if (hold)
                await Promise.race([hold(typeName, typeVersion), this.closing]);
            signal.throwIfAborted();
            return work(signal);
        })
            .then(outcome => this.finish(record, 'error' in outcome ? outcome.error.message : outcome.version), (err) => this.finish(record, signal.aborted ? 'The emulator shut down before the build ended.' : err instanceof Error ? err.message : String(err)))
            .then(() => {
            this.running.delete(task);
        });
        this.running.add(task);
        return { status: 202 };
    }
    /** The image builder's work; a successful build deletes an Image Store package unless `keep`. */
    async build(input, keep, signal) {
        const built = await buildVersion(this.types, input.pkg, input.buildPath, input.identity, input.storePath !== undefined, signal);
        // The cluster has copied what it needs, so the package goes as soon as the build ends.
        if (!('error' in built) && !keep && input.storePath !== undefined)
            await this.store.delete(input.storePath);
        return built;
    }
    /** Ends a background build: the built version, or the image builder's message. */
    finish(record, outcome) {
        if (this.types.find(record.typeName, record.version) !== record)
            return;
        if (typeof outcome === 'string') {
            record.failure = outcome;
        }
        else {
            const { manifestXml, manifest, serviceManifests, partChecksums } = outcome;
            Object.assign(record, { manifestXml, manifest, serviceManifests, partChecksums });
        }
        record.building = false;
    }
    /** Runs `work` after the builds of the same type queued before it. */
    inTurn(typeName, work) {
        const key = typeName.toLowerCase();
        const result = (this.queues.get(key) ?? Promise.resolve()).then(work);
        const settled = result
            .then(() => undefined, () => undefined)
            .then(() => {
            if (this.queues.get(key) === settled)
                this.queues.delete(key);
        });
        this.queues.set(key, settled);
        return result;
    }
}
function buildingKey(typeName, typeVersion) {
    return `${typeName.toLowerCase()}\n${typeVersion}`;
}

;// CONCATENATED MODULE: ./emulator/management/cluster-manager.ts








class ClusterManager {
    types;
    applications;
    domains;
    domainMs;
    createTiming;
    progressLagReads;
    unhealthy;
    now;
    provisioner;
    constructor(store, options = {}) {
        this.now = options.clock ?? Date.now;
        const count = options.upgradeDomains ?? 3;
        // [undoc] Upgrade domain names: the local development cluster's style.
        this.domains = Array.from({ length: count }, (_, i) => `UD${i}`);
        this.domainMs = (options.upgradeDomainSeconds ?? 1) * 1000;
        this.createTiming = { hiddenMs: (options.createHiddenSeconds ?? 0) * 1000, creatingMs: (options.createSeconds ?? 0) * 1000 };
        this.progressLagReads = options.upgradeProgressLagReads ?? 0;
        this.unhealthy = new Set(options.unhealthyVersions ?? []);
        this.types = new ApplicationTypeRegistry(this.now);
        this.applications = new ApplicationRegistry(this.now, this.unhealthy);
        this.provisioner = new Provisioner(store, this.types, {
            now: this.now,
            provisionMs: (options.provisionSeconds ?? 0.5) * 1000,
            externalStoreCa: options.externalStoreCa,
            imageBuilderHold: options.imageBuilderHold
        });
    }
    application(id) {
        const app = this.applications.get(id);
        if (!app || !this.applications.listed(app))
            throw new FabricHttpError(404, ManagementErrorCode.ApplicationNotFound, `Application 'fabric:/${id.split('~').join('/')}' does not exist.`);
        return app;
    }
    // ---- application types ---------------------------------------------------------------------
    /** `POST /ApplicationTypes/$/Provision` (provisioner.ts). */
    provision(request) {
        return this.provisioner.provision(request);
    }
    /** Resolves when no asynchronous provision is being built. */
    buildsSettled() {
        return this.provisioner.idle();
    }
    /** Stops the provisions being built (they end Failed) and waits for them. */
    close() {
        return this.provisioner.close();
    }
    listTypes(request, name) {
        const version = request.query.get('ApplicationTypeVersion');
        const exclude = request.query.get('ExcludeApplicationParameters')?.toLowerCase() === 'true';
        const versions = (name === undefined ? this.types.all() : this.types.versionsOf(name)).filter(v => !version || v.version === version);
        const json = { ContinuationToken: '', Items: versions.map(v => this.types.info(v, exclude)) };
        return { status: 200, json };
    }
    availableVersion(name, query) {
        const version = requiredQuery(query, 'ApplicationTypeVersion');
        const v = this.types.findAvailable(name, version);
        if (!v) {
            throw new FabricHttpError(404, ManagementErrorCode.ApplicationTypeNotFound, `Application type ${name} version ${version} is not provisioned (or not yet Available).`);
        }
        return v;
    }
    applicationManifest(request, name) {
        return { status: 200, json: { Manifest: this.availableVersion(name, request.query).manifestXml } };
    }
    serviceManifest(request, name) {
        const v = this.availableVersion(name, request.query);
        const serviceName = requiredQuery(request.query, 'ServiceManifestName');
        const sm = v.serviceManifests.get(serviceName);
        if (!sm) {
            // [undoc] The code of this 404.
            throw new FabricHttpError(404, ManagementErrorCode.ServiceManifestNotFound, `Application type ${name} version ${v.version} has no service manifest '${serviceName}'.`);
        }
        return { status: 200, json: { Manifest: sm.xml } };
    }
    serviceTypes(request, name) {
        const v = this.availableVersion(name, request.query);
        const json = serviceTypeInfos(v);
        return { status: 200, json };
    }
    unprovision(request, name) {
        const model = 'UnprovisionApplicationTypeDescriptionInfo';
        const body = jsonBody(request, model);
        const version = requiredString(body, 'ApplicationTypeVersion', model);
        const v = this.types.find(name, version);
        if (!v)
            throw new FabricHttpError(404, ManagementErrorCode.ApplicationTypeNotFound, `Application type ${name} version ${version} is not provisioned.`);
        if (this.types.status(v) === 'Provisioning') {
            // [undoc] Unprovisioning a version that still provisions.
            throw new FabricHttpError(409, ManagementErrorCode.ApplicationTypeProvisionInProgress, `Application type ${name} version ${version} is still provisioning.`);
        }
        const user = this.applications.uses(name, version);
        if (user) {
            throw new FabricHttpError(409, ManagementErrorCode.ApplicationTypeInUse, `Application type ${name} version ${version} is in use by ${user.name}.`);
        }
        this.types.remove(name, version);
        return { status: body.Async === true ? 202 : 200 };
    }
    // ---- applications --------------------------------------------------------------------------
    listApplications() {
        const listed = this.applications.all().filter(a => this.applications.listed(a));
        const json = { ContinuationToken: '', Items: listed.map(a => this.applications.info(a)) };
        return { status: 200, json };
    }
    getApplication(id) {
        const app = this.applications.get(id);
        // A missing application answers 204, not 404 [spec]; so does one created but not listed yet [undoc].
        return app && this.applications.listed(app) ? { status: 200, json: this.applications.info(app) } : { status: 204 };
    }
    createApplication(request) {
        const model = 'ApplicationDescription';
        const body = jsonBody(request, model);
        const name = requiredString(body, 'Name', model);
        const typeName = requiredString(body, 'TypeName', model);
        const typeVersion = requiredString(body, 'TypeVersion', model);
        const problem = applicationNameProblem(name);
        if (problem)
            throw new FabricHttpError(400, ManagementErrorCode.InvalidNameUri, `'${name}' is not a valid application name: ${problem}.`);
        const v = this.types.findAvailable(typeName, typeVersion);
        if (!v) {
            throw new FabricHttpError(404, ManagementErrorCode.ApplicationTypeNotFound, `Application type ${typeName} version ${typeVersion} is not provisioned (or not yet Available).`);
        }
        const parameters = checkParameters(body.ParameterList, v.manifest, `${model}.ParameterList`);
        const existing = this.applications.all().find(a => a.name === name);
        if (existing)
            throw new FabricHttpError(409, ManagementErrorCode.ApplicationAlreadyExists, `Application ${name} already exists.`);
        this.applications.add(name, typeName, typeVersion, parameters, this.createTiming);
        return { status: 201 };
    }
    deleteApplication(id) {
        this.application(id);
        this.applications.remove(id);
        return { status: 200 };
    }
    upgrade(request, id) {
        const model = 'ApplicationUpgradeDescription';
        const app = this.application(id);
        const body = jsonBody(request, model);
        const name = requiredString(body, 'Name', model);
        if (name !== app.name)
            throw FabricHttpError.invalidArg(`${model}.Name '${name}' is not the application of the route (${app.name}).`);
        const target = requiredString(body, 'TargetApplicationTypeVersion', model);
        const asked = readUpgradeRequest(body);
        const v = this.types.findAvailable(app.typeName, target);
        if (!v) {
            throw new FabricHttpError(404, ManagementErrorCode.ApplicationTypeNotFound, `Application type ${app.typeName} version ${target} is not provisioned (or not yet Available).`);
        }
        const parameters = checkParameters(body.Parameters, v.manifest, `${model}.Parameters`);
        const now = this.now();
        const current = this.applications.current(app);
        const start = (from, at) => new RollingUpgrade({
            applicationName: app.name,
            typeName: app.typeName,
            fromVersion: from.version,
            fromParameters: from.parameters,
            targetVersion: target,
            parameters,
            mode: asked.mode,
            failureAction: asked.failureAction,
            description: asked.describe(app.name, target, parameters),
            unhealthyTarget: this.unhealthy.has(target)
        }, this.domains, this.domainMs, at);
        if (app.upgrade?.isActive(now)) {
            const rolling = app.upgrade;
            const from = { version: rolling.plan.fromVersion, parameters: rolling.plan.fromParameters };
            if (rolling.isRollingBack(now)) {
                // [undoc] During the rollback of an interrupted upgrade, a newer request replaces the goal
                // (the same one again changes nothing); a rollback after a failure must complete first.
                if (!rolling.interrupted || !app.goal) {
                    throw new FabricHttpError(409, ManagementErrorCode.ApplicationUpgradeInProgress, `${app.name} is rolling back an upgrade: wait until it completes.`);
                }
                if (app.goal.targetVersion !== target || !sameParameters(app.goal.parameters, parameters)) {
                    app.goal = { targetVersion: target, parameters, start: at => start(from, at) };
                    rolling.retarget(target);
                }
                return { status: 200 };
            }
            // [undoc] The same request again while it rolls forward changes nothing.
            if (rolling.plan.targetVersion === target && sameParameters(rolling.plan.parameters, parameters))
                return { status: 200 };
            // A new request interrupts the running upgrade: the cluster rolls it back and keeps the new
            // request as the goal state, started when the rollback completes [rt].
            this.applications.holdProgress(app, this.progressLagReads);
            rolling.interrupt(now, target);
            app.goal = { targetVersion: target, parameters, start: at => start(from, at) };
            return { status: 200 };
        }
        if (current.version === target && sameParameters(current.parameters, parameters)) {
            throw new FabricHttpError(409, ManagementErrorCode.ApplicationAlreadyInTargetVersion, `${app.name} already runs ${app.typeName} ${target} with these parameters.`);
        }
        this.applications.holdProgress(app, this.progressLagReads);
        app.baseVersion = current.version;
        app.baseParameters = current.parameters;
        app.upgrade = start(current, now);
        return { status: 200 };
    }
    upgradeProgress(id) {
        return { status: 200, json: this.applications.progress(this.application(id)) };
    }
    rollback(id) {
        const app = this.application(id);
        if (!app.upgrade)
            throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${app.name} has no upgrade to roll back.`);
        app.upgrade.rollback(this.now());
        return { status: 200 };
    }
    moveToNext(request, id) {
        const app = this.application(id);
        const domain = requiredString(jsonBody(request, 'ResumeApplicationUpgradeDescription'), 'UpgradeDomain', 'ResumeApplicationUpgradeDescription');
        if (!app.upgrade)
            throw new FabricHttpError(400, ManagementErrorCode.ApplicationNotUpgrading, `${app.name} is not upgrading.`);
        app.upgrade.moveToNext(domain, this.now());
        return { status: 200 };
    }
    getHealth(id) {
        return { status: 200, json: this.applications.health(this.application(id)) };
    }
}

;// CONCATENATED MODULE: ./emulator/management/routes.ts

const MANAGEMENT_FAMILY = 'management';
/** `/ApplicationTypes[/{name}][/$/{action}]` and `/Applications[/{id}][/$/{action}]`, decoded; undefined for any other path. */
function parseManagementPath(pathname) {
    let decoded;
    try {
        decoded = pathname
            .split('/')
            .filter(s => s !== '')
            .map(s => decodeURIComponent(s));
    }
    catch {
        return undefined;
    }
    const family = decoded[0]?.toLowerCase();
    if (family !== 'applicationtypes' && family !== 'applications')
        return undefined;
    const dollar = decoded.indexOf('$');
    const resources = decoded.slice(1, dollar < 0 ? undefined : dollar);
    const action = dollar < 0
        ? ''
        : decoded
            .slice(dollar + 1)
            .join('/')
            .toLowerCase();
    return { family, resources, action };
}
function managementRoutes(manager, journal) {
    const op = (name, method, family, withResource, action, run) => toRoute({ name, method, family, withResource, action, run }, journal);
    return [
        op('provision', 'POST', 'applicationtypes', false, 'Provision', req => manager.provision(req)),
        op('list-application-types', 'GET', 'applicationtypes', false, '', req => manager.listTypes(req, undefined)),
        op('get-application-type', 'GET', 'applicationtypes', true, '', (req, name) => manager.listTypes(req, name)),
        op('get-application-manifest', 'GET', 'applicationtypes', true, 'GetApplicationManifest', (req, name) => manager.applicationManifest(req, name)),
        op('get-service-manifest', 'GET', 'applicationtypes', true, 'GetServiceManifest', (req, name) => manager.serviceManifest(req, name)),
        op('get-service-types', 'GET', 'applicationtypes', true, 'GetServiceTypes', (req, name) => manager.serviceTypes(req, name)),
        op('unprovision', 'POST', 'applicationtypes', true, 'Unprovision', (req, name) => manager.unprovision(req, name)),
        op('list-applications', 'GET', 'applications', false, '', () => manager.listApplications()),
        op('get-application', 'GET', 'applications', true, '', (_req, id) => manager.getApplication(id)),
        op('create-application', 'POST', 'applications', false, 'Create', req => manager.createApplication(req)),
        op('delete-application', 'POST', 'applications', true, 'Delete', (_req, id) => manager.deleteApplication(id)),
        op('upgrade-application', 'POST', 'applications', true, 'Upgrade', (req, id) => manager.upgrade(req, id)),
        op('get-upgrade-progress', 'GET', 'applications', true, 'GetUpgradeProgress', (_req, id) => manager.upgradeProgress(id)),
        op('rollback-upgrade', 'POST', 'applications', true, 'RollbackUpgrade', (_req, id) => manager.rollback(id)),
        op('move-to-next-upgrade-domain', 'POST', 'applications', true, 'MoveToNextUpgradeDomain', (req, id) => manager.moveToNext(req, id)),
        op('get-application-health', 'GET', 'applications', true, 'GetHealth', (_req, id) => manager.getHealth(id))
    ];
}
function toRoute(spec, journal) {
    const action = spec.action.toLowerCase();
    return {
        name: spec.name,
        method: spec.method,
        family: MANAGEMENT_FAMILY,
        minApiVersion: '6.0',
        match: p => {
            const parsed = parseManagementPath(p.pathname);
            return parsed !== undefined && parsed.family === spec.family && parsed.action === action && parsed.resources.length === (spec.withResource ? 1 : 0);
        },
        handle: async (ctx) => {
            const resource = parseManagementPath(ctx.pathname)?.resources[0] ?? '';
            const body = spec.method === 'POST' ? await ctx.readBody() : Buffer.alloc(0);
            const request = { method: spec.method, pathname: ctx.pathname, query: ctx.query, body };
            let answer;
            try {
                answer = await spec.run(request, resource);
            }
            catch (err) {
                if (spec.method === 'POST' && err instanceof FabricHttpError)
                    journal.management(spec.name, { ...detailOf(resource, body), status: err.status, code: err.code });
                throw err;
            }
            // The work is done here, before the answer: a lost-answer fault drops only the answer.
            if (spec.method === 'POST')
                journal.management(spec.name, { ...detailOf(resource, body), status: answer.status });
            await ctx.replyJson(answer.status, answer.json);
        }
    };
}
const JOURNALED_FIELDS = [
    'ApplicationTypeBuildPath',
    'Async',
    'ApplicationPackageCleanupPolicy',
    'ApplicationTypeVersion',
    'Name',
    'TypeName',
    'TypeVersion',
    'TargetApplicationTypeVersion',
    'RollingUpgradeMode',
    'UpgradeDomain'
];
/** The identifying fields of a request body, for the journal (parameters are left out). */
function detailOf(resource, body) {
    const out = { resource: resource === '' ? undefined : resource };
    let parsed;
    try {
        parsed = JSON.parse(body.toString('utf8'));
    }
    catch {
        return out;
    }
    if (typeof parsed !== 'object' || parsed === null)
        return out;
    for (const field of JOURNALED_FIELDS) {
        const value = parsed[field];
        if (typeof value === 'string' || typeof value === 'boolean')
            out[field] = value;
    }
    const failureAction = parsed.MonitoringPolicy?.FailureAction;
    if (typeof failureAction === 'string')
        out.FailureAction = failureAction;
    return out;
}

;// CONCATENATED MODULE: ./emulator/options.ts
/** Whether the emulated cluster compares paths case-insensitively (see EmulatorOptions.caseInsensitive). */
function isCaseInsensitive(options) {
    return options.caseInsensitive ?? (options.pathSeparator ?? '\\') === '\\';
}

;// CONCATENATED MODULE: ./emulator/replies.ts


const JSON_TYPE = 'application/json; charset=utf-8';
class Replies {
    latencyMs;
    /** Answers to drop: the work is done, then the connection closes without an answer. */
    answersToDrop = new WeakSet();
    constructor(latencyMs = 0) {
        this.latencyMs = latencyMs;
    }
    /** Marks an answer as lost (the lost-answer fault): the request is still carried out. */
    drop(res) {
        this.answersToDrop.add(res);
    }
    /** Waits the configured latency (before any answer, `100 Continue` included). */
    async delay() {
        if (this.latencyMs)
            await (0,promises_namespaceObject.setTimeout)(this.latencyMs);
    }
    async send(res, status, body = '', contentType = JSON_TYPE) {
        await this.delay();
        if (res.destroyed || res.headersSent)
            return;
        if (this.answersToDrop.has(res)) {
            // The work is done; the answer is lost with the connection.
            res.socket?.destroy();
            return;
        }
        const headers = { 'Content-Length': Buffer.byteLength(body) };
        if (body !== '')
            headers['Content-Type'] = contentType;
        res.writeHead(status, headers);
        res.end(body);
    }
    json(res, status, value) {
        return this.send(res, status, value === undefined ? '' : JSON.stringify(value));
    }
    async error(res, err) {
        if (!(err instanceof FabricHttpError))
            console.error(`emulator: internal error: ${String(err)}`);
        const e = FabricHttpError.from(err);
        const body = e.emptyBody ? '' : JSON.stringify({ Error: { Code: e.code, Message: e.message } });
        // An answer sent before an announced body was read leaves that body (or, after a refused
        // 100-continue, nothing) on the socket: close the connection afterwards.
        const req = res.req;
        const announcesBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        if (announcesBody && !req.complete)
            res.shouldKeepAlive = false;
        await this.send(res, e.status, body);
    }
}

;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./emulator/request-body.ts
// File and chunk bodies, read as the runtime reads them: to their end whatever the headers say.
// `Content-Length` only sizes the runtime's read buffer, so a body sent with
// `Transfer-Encoding: chunked` and no length (what sfctl sends, even for empty files) is accepted;
// the journal notes it.



/** The declared Content-Length, or undefined (noted in the journal) when the body comes without one. */
function declaredLength(ctx, journal) {
    const header = ctx.req.headers['content-length'];
    if (header !== undefined)
        return Number(header);
    const encoding = ctx.req.headers['transfer-encoding'];
    journal.note('body-without-content-length', ctx.storePath, `${ctx.req.method} without Content-Length${encoding === undefined ? '' : ` (Transfer-Encoding: ${encoding})`}`);
    return undefined;
}
/**
 * Writes the body to `file` (from `start`, into an existing file when `start` is given) and returns
 * how many bytes came. `limit` stops a body longer than it before a byte beyond it is written:
 * `tooLong()` makes the error thrown then.
 */
async function receiveBodyInto(ctx, file, options = {}) {
    await ctx.askForBody();
    const counter = new ByteCounter(options.limit, options.tooLong);
    const target = options.start === undefined ? (0,external_node_fs_namespaceObject.createWriteStream)(file) : (0,external_node_fs_namespaceObject.createWriteStream)(file, { flags: 'r+', start: options.start });
    await (0,external_node_stream_promises_namespaceObject.pipeline)(ctx.req, counter, target);
    return counter.bytes;
}
class ByteCounter extends external_node_stream_namespaceObject.Transform {
    limit;
    tooLong;
    bytes = 0;
    constructor(limit, tooLong) {
        super();
        this.limit = limit;
        this.tooLong = tooLong;
    }
    _transform(chunk, _encoding, callback) {
        this.bytes += chunk.length;
        if (this.limit !== undefined && this.bytes > this.limit) {
            callback(this.tooLong?.() ?? new Error(`the body is longer than ${this.limit} bytes`));
            return;
        }
        callback(null, chunk);
    }
}

;// CONCATENATED MODULE: ./emulator/routes/image-store-deps.ts
/** A store path as the cluster shows it in `StoreRelativePath`. */
function shownPath(deps, storePath) {
    return storePath.split('/').join(deps.separator);
}
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

;// CONCATENATED MODULE: ./emulator/routes/content.ts
// Content routes: list, upload a file, delete, copy within the store, folder size, store info.







const EPOCH_DATA_LOSS = String(BigInt(Date.now()) * 10000n);
const EPOCH_CONFIGURATION = '25769803776';
const MAX_SINGLE_PUT = 2 ** 32; // the gateway reads Content-Length as a 32-bit value
function contentRoutes(deps) {
    const list = (ctx) => listContent(deps, ctx);
    const size = (ctx) => folderSize(deps, ctx);
    return [
        imageStoreRoute({ name: 'list-root', method: 'GET', withPath: false, minApiVersion: '6.0', handle: list }),
        imageStoreRoute({ name: 'list', method: 'GET', withPath: true, minApiVersion: '6.0', handle: list }),
        imageStoreRoute({ name: 'upload-file', method: 'PUT', withPath: true, minApiVersion: '6.0', handle: ctx => uploadFile(deps, ctx) }),
        imageStoreRoute({ name: 'delete', method: 'DELETE', withPath: true, minApiVersion: '6.0', handle: ctx => deleteContent(deps, ctx) }),
        imageStoreRoute({ name: 'copy', method: 'POST', withPath: false, action: 'Copy', minApiVersion: '6.0', handle: ctx => copy(deps, ctx) }),
        imageStoreRoute({ name: 'folder-size', method: 'GET', withPath: true, action: 'FolderSize', minApiVersion: '6.5', handle: size }),
        imageStoreRoute({ name: 'root-folder-size', method: 'GET', withPath: false, action: 'FolderSize', minApiVersion: '6.5', handle: size }),
        imageStoreRoute({ name: 'info', method: 'GET', withPath: false, action: 'Info', minApiVersion: '6.5', handle: ctx => info(deps, ctx) })
    ];
}
function toFileInfo(deps, f) {
    return {
        FileSize: String(f.size),
        StoreRelativePath: shownPath(deps, f.path),
        ModifiedDate: f.modified.toISOString(),
        FileVersion: {
            VersionNumber: String(f.version),
            EpochDataLossNumber: EPOCH_DATA_LOSS,
            EpochConfigurationNumber: EPOCH_CONFIGURATION
        }
    };
}
async function listContent(deps, ctx) {
    const st = await deps.store.stat(ctx.storePath);
    if (ctx.storePath !== '' && !st)
        throw FabricHttpError.fileNotFound('not found', true);
    if (st?.isFile()) {
        const info = await deps.store.fileInfo(ctx.storePath);
        const content = { StoreFiles: info ? [toFileInfo(deps, info)] : [] };
        return ctx.replyJson(200, content);
    }
    const listing = (await deps.store.listFolder(ctx.storePath)) ?? { files: [], folders: [] };
    const all = [
        ...listing.folders.map(f => ({ name: baseName(f.path), folder: f })),
        ...listing.files.map(f => ({ name: baseName(f.path), file: f }))
    ].sort((a, b) => compareCodeUnits(a.name, b.name));
    if (all.length === 0)
        return ctx.reply(204);
    // Paging: the token names the last entry returned, so a listing that changes between pages
    // neither repeats nor skips what stayed.
    const after = ctx.query.get('ContinuationToken');
    const afterName = after ? Buffer.from(after, 'base64url').toString('utf8') : undefined;
    const start = afterName === undefined ? 0 : all.findIndex(e => e.name > afterName);
    const page = start < 0 ? [] : all.slice(start, start + deps.listPageSize);
    const content = {
        StoreFiles: page.flatMap(e => (e.file ? [toFileInfo(deps, e.file)] : [])),
        StoreFolders: page.flatMap(e => (e.folder ? [{ StoreRelativePath: shownPath(deps, e.folder.path), FileCount: String(e.folder.fileCount) }] : []))
    };
    const last = page[page.length - 1];
    if (last && start + deps.listPageSize < all.length) {
        content.ContinuationToken = Buffer.from(last.name, 'utf8').toString('base64url');
    }
    return ctx.replyJson(200, content);
}
async function uploadFile(deps, ctx) {
    const length = declaredLength(ctx, deps.journal);
    if (length !== undefined && length >= MAX_SINGLE_PUT) {
        throw FabricHttpError.messageTooLarge('a single PUT must be smaller than 4 GiB: use an upload session');
    }
    const staged = deps.store.newStagingFile('put');
    let bytes;
    let dropped = false;
    deps.writeOrder.putStarted(ctx.storePath);
    try {
        bytes = await receiveBodyInto(ctx, staged);
        dropped = deps.dropper.drops(ctx.storePath);
        // Injected fault: answered, not kept; the old file (if any) stays as it was.
        if (dropped)
            await external_node_fs_namespaceObject.promises.rm(staged, { force: true });
        else
            await deps.store.install(staged, ctx.storePath);
    }
    catch (err) {
        await external_node_fs_namespaceObject.promises.rm(staged, { force: true });
        throw err;
    }
    finally {
        deps.writeOrder.putEnded(ctx.storePath);
    }
    if (dropped) {
        deps.journal.fault('dropped-write', 'upload-file', ctx.storePath);
        return ctx.reply(200);
    }
    deps.journal.record({ op: 'upload-file', path: ctx.storePath, bytes });
    await deps.writeOrder.check(ctx.storePath);
    return ctx.reply(200);
}
/** The reserved roots themselves (not what lies beneath them), compared as the store compares paths. */
function refuseReservedRoot(deps, storePath) {
    if (storePathSegments(storePath).length === 1 && RESERVED_ROOTS.some(root => deps.store.samePath(root, storePath))) {
        throw FabricHttpError.reservedDirectory(storePath);
    }
}
async function deleteContent(deps, ctx) {
    refuseReservedRoot(deps, ctx.storePath);
    await deps.store.delete(ctx.storePath);
    deps.journal.record({ op: 'delete', path: ctx.storePath });
    return ctx.reply(200);
}
async function copy(deps, ctx) {
    let description;
    try {
        description = JSON.parse((await ctx.readBody()).toString('utf8'));
    }
    catch {
        throw FabricHttpError.invalidArg('the body is not an ImageStoreCopyDescription');
    }
    if (typeof description?.RemoteSource !== 'string' || typeof description.RemoteDestination !== 'string') {
        throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination are required');
    }
    const source = deps.store.canonical(normalizeStorePath(description.RemoteSource));
    const destination = deps.store.canonical(normalizeStorePath(description.RemoteDestination));
    if (source === '' || destination === '')
        throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not be empty');
    refuseReservedRoot(deps, destination);
    // [undoc] Copying a folder into itself or beneath itself. Compared as the store compares paths.
    const paths = deps.store.comparer;
    if (paths.isSameOrBeneath(destination, source) || paths.isSameOrBeneath(source, destination)) {
        throw FabricHttpError.invalidArg('RemoteSource and RemoteDestination must not contain each other');
    }
    // [undoc] CheckMarkFile: the 6.4 runtime requires the source's mark file for folders whatever
    // the flag says; so does the emulator.
    await deps.store.copy(source, destination, Array.isArray(description.SkipFiles) ? description.SkipFiles : []);
    deps.journal.record({ op: 'copy', path: destination });
    return ctx.reply(200);
}
async function folderSize(deps, ctx) {
    if (ctx.storePath !== '' && !(await deps.store.stat(ctx.storePath))) {
        // [undoc] The size of a missing folder.
        throw FabricHttpError.fileNotFound(`'${ctx.storePath}' does not exist`);
    }
    const { bytes } = await deps.store.walk(ctx.storePath);
    const body = { StoreRelativePath: shownPath(deps, ctx.storePath), FolderSize: String(bytes) };
    return ctx.replyJson(200, body);
}
async function info(deps, ctx) {
    const disk = await external_node_fs_namespaceObject.promises.statfs(deps.store.contentDir);
    const content = await deps.store.walk('');
    const staged = deps.sessions.all();
    const usage = (bytes, files) => ({ UsedSpace: String(bytes), FileCount: String(files) });
    const body = {
        DiskInfo: { Capacity: String(disk.blocks * disk.bsize), AvailableSpace: String(disk.bavail * disk.bsize) },
        UsedByMetadata: usage(content.bytes, content.fileCount),
        UsedByStaging: usage(staged.reduce((n, s) => n + s.length, 0), staged.length),
        UsedByCopy: usage(0, 0),
        UsedByRegister: usage(0, 0)
    };
    return ctx.replyJson(200, body);
}

;// CONCATENATED MODULE: ./emulator/routes/gateway.ts

/** Routes answered before the client certificate and the bearer token are checked. */
function anonymousRoutes(deps) {
    const routes = [
        {
            name: 'root',
            method: 'GET',
            match: p => p.segments.length === 0,
            handle: ctx => ctx.reply(200, 'Service Fabric Image Store emulator\n', 'text/plain; charset=utf-8')
        },
        {
            name: 'aad-metadata',
            method: 'GET',
            minApiVersion: '1.0',
            match: p => p.segments.length === 2 && p.segments[0] === '$' && p.segments[1]?.toLowerCase() === 'getaadmetadata',
            handle: ctx => {
                const body = deps.aad ? deps.aad.metadata(deps.baseUrl(ctx)) : { type: '' };
                return ctx.replyJson(200, body);
            }
        }
    ];
    const aad = deps.aad;
    if (aad) {
        routes.push({
            name: 'aad-authority',
            method: '*',
            match: p => aad.ownsPath(p.pathname),
            handle: async (ctx) => {
                if (ctx.req.method === 'GET' && ctx.pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
                    return ctx.replyJson(200, aad.openIdConfiguration(deps.baseUrl(ctx)));
                }
                if (ctx.req.method === 'POST' && ctx.pathname.endsWith('/oauth2/v2.0/token')) {
                    const [status, body] = aad.token(new URLSearchParams((await ctx.readBody()).toString('utf8')));
                    return ctx.replyJson(status, body);
                }
                return ctx.replyJson(404, { error: 'not_found' });
            }
        });
    }
    return routes;
}
/** `GET /__emulator/journal` (not counted among the requests). */
async function sendJournal(deps, ctx) {
    const j = deps.journal;
    await ctx.replyJson(200, {
        entries: j.entries,
        mistakes: j.mistakes,
        notes: j.notes,
        requests: j.requests,
        bodiesAfterContinue: j.bodiesAfterContinue,
        connections: j.connections,
        faults: j.faults,
        managementCalls: j.managementCalls,
        openSessions: deps.sessions.all().map(s => deps.sessions.describe(s, '/'))
    });
}

;// CONCATENATED MODULE: ./src/protocol/byte-ranges.ts
// Inclusive byte ranges, as upload sessions describe them (`ExpectedRanges`, `Content-Range`).
function rangeLength(r) {
    return r.end - r.start + 1;
}
/** Sorts and merges overlapping or adjacent ranges. */
function mergeRanges(ranges) {
    const sorted = [...ranges].sort((a, b) => a.start - b.start);
    const merged = [];
    for (const r of sorted) {
        const last = merged[merged.length - 1];
        if (last && r.start <= last.end + 1) {
            last.end = Math.max(last.end, r.end);
        }
        else {
            merged.push({ ...r });
        }
    }
    return merged;
}
/** The parts of [0, length) not covered by `covered`. */
function missingRanges(covered, length) {
    const missing = [];
    let next = 0;
    for (const r of mergeRanges(covered)) {
        if (r.start > next)
            missing.push({ start: next, end: r.start - 1 });
        next = Math.max(next, r.end + 1);
    }
    if (next < length)
        missing.push({ start: next, end: length - 1 });
    return missing;
}
function overlaps(a, b) {
    return a.start <= b.end && b.start <= a.end;
}
/** True when `r` lies entirely inside one of `ranges`. */
function liesWithinOne(ranges, r) {
    return ranges.some(x => x.start <= r.start && r.end <= x.end);
}
/** Cuts ranges into pieces of at most `chunkSize` bytes, in order. */
function splitIntoChunks(ranges, chunkSize) {
    const chunks = [];
    for (const r of ranges) {
        for (let start = r.start; start <= r.end; start += chunkSize) {
            chunks.push({ start, end: Math.min(r.end, start + chunkSize - 1) });
        }
    }
    return chunks;
}
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;
/** Parses `bytes a-b/n` exactly (the `bytes=` form is refused, as the gateway does). */
function parseContentRange(header) {
    const m = header === undefined ? null : CONTENT_RANGE.exec(header);
    if (!m)
        return undefined;
    const [start, end, length] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (![start, end, length].every(Number.isSafeInteger) || start > end || end >= length) {
        return undefined;
    }
    return { range: { start, end }, length };
}
function formatContentRange(r, length) {
    return `bytes ${r.start}-${r.end}/${length}`;
}

;// CONCATENATED MODULE: ./emulator/routes/upload-sessions.ts
// Upload-session routes: upload a chunk, commit, cancel, and the session by id or by path.
// The storage of sessions is ../upload-sessions.ts; this is the protocol on top of it.





function uploadSessionRoutes(deps) {
    const route = (name, method, withPath, action, handle) => imageStoreRoute({ name, method, withPath, action, minApiVersion: '6.0', sessionRoute: true, handle });
    return [
        route('upload-chunk', 'PUT', true, 'UploadChunk', ctx => uploadChunk(deps, ctx)),
        route('commit', 'POST', false, 'CommitUploadSession', ctx => commit(deps, ctx)),
        route('delete-session', 'DELETE', false, 'DeleteUploadSession', ctx => deleteSession(deps, ctx)),
        route('session-by-id', 'GET', false, 'GetUploadSession', ctx => sessionById(deps, ctx)),
        route('session-by-path', 'GET', true, 'GetUploadSession', ctx => sessionByPath(deps, ctx))
    ];
}
function sessionIdOf(ctx) {
    const id = ctx.query.get('session-id') ?? '';
    if (!GUID.test(id))
        throw FabricHttpError.invalidUploadSessionId(id);
    return id;
}
async function uploadChunk(deps, ctx) {
    // The checks run in the runtime's order (protocol reference §4).
    const parsed = parseContentRange(ctx.req.headers['content-range']);
    if (!parsed) {
        // [undoc] A missing Content-Range fails the same parse as a malformed one.
        throw FabricHttpError.rangeNotSatisfiable(`Content-Range '${ctx.req.headers['content-range'] ?? ''}' is not 'bytes a-b/n'`);
    }
    const id = sessionIdOf(ctx);
    const expected = rangeLength(parsed.range);
    const rangeText = `${parsed.range.start}-${parsed.range.end}`;
    const mismatch = (got) => {
        deps.journal.mistake('chunk-length-mismatch', ctx.storePath, `${got} but Content-Range ${rangeText}`);
        return FabricHttpError.invalidArg('the body does not match Content-Range');
    };
    const length = declaredLength(ctx, deps.journal);
    if (length !== undefined && length !== expected)
        throw mismatch(`Content-Length ${length}`);
    let session = deps.sessions.get(id);
    if (!session) {
        session = deps.sessions.create(id, ctx.storePath, parsed.length);
    }
    else if (!deps.sessions.comparer.same(session.path, ctx.storePath)) {
        throw FabricHttpError.uploadSessionIdConflict(`session ${id} belongs to another path`);
    }
    else if (session.length !== parsed.length) {
        throw FabricHttpError.invalidArg(`session ${id} is for a file of ${session.length} bytes`);
    }
    if (!deps.sessions.canAccept(session, parsed.range)) {
        throw FabricHttpError.rangeNotSatisfiable('the chunk is not inside one expected range');
    }
    deps.sessions.reserve(session, parsed.range);
    let accepted = false;
    try {
        await session.ready;
        // A body without Content-Length is read to its end, but never written beyond its range.
        const bytes = await receiveBodyInto(ctx, session.stagingFile, {
            start: parsed.range.start,
            limit: expected,
            tooLong: () => mismatch(`a body of more than ${expected} bytes`)
        });
        if (bytes !== expected)
            throw mismatch(`a body of ${bytes} bytes`);
        accepted = deps.sessions.get(id) === session;
    }
    finally {
        deps.sessions.release(session, parsed.range, accepted);
    }
    if (!accepted) {
        // [undoc] A session lost while its chunk arrived (a primary move, or a delete): the runtime's
        // answer is not documented; a failover surfaces as a transient NOT_PRIMARY.
        throw FabricHttpError.notPrimary(`session ${id} was lost while the chunk arrived`);
    }
    deps.journal.record({
        op: 'upload-chunk',
        path: session.path,
        bytes: expected,
        range: `${rangeText}/${parsed.length}`,
        sessionId: id
    });
    await deps.writeOrder.check(session.path, { markFileCheck: false });
    return ctx.reply(200);
}
async function commit(deps, ctx) {
    const id = sessionIdOf(ctx);
    const session = deps.sessions.get(id);
    if (!session)
        throw FabricHttpError.invalidArg(`no upload session ${id}`);
    if (!deps.sessions.isComplete(session))
        throw FabricHttpError.invalidArg(`session ${id} still expects bytes`);
    if (deps.dropper.drops(session.path)) {
        // Injected fault: answered, not kept; the session is gone and the old file (if any) stays as it was.
        await deps.sessions.remove(id);
        deps.journal.fault('dropped-write', 'commit', session.path);
        return ctx.reply(200);
    }
    await deps.store.install(session.stagingFile, session.path);
    await deps.sessions.remove(id);
    const stored = deps.store.canonical(session.path);
    deps.journal.record({ op: 'commit', path: stored, bytes: session.length, sessionId: id });
    await deps.writeOrder.check(stored);
    return ctx.reply(200);
}
async function deleteSession(deps, ctx) {
    const id = sessionIdOf(ctx);
    if (!(await deps.sessions.remove(id))) {
        // [undoc] The code of this 404 is not documented; clients treat it as done.
        throw FabricHttpError.fileNotFound(`no upload session ${id}`);
    }
    deps.journal.record({ op: 'delete-session', path: '', sessionId: id });
    return ctx.reply(200);
}
async function sessionById(deps, ctx) {
    const session = deps.sessions.get(sessionIdOf(ctx));
    if (!session)
        return ctx.reply(204);
    return ctx.replyJson(200, { UploadSessions: [deps.sessions.describe(session, deps.separator)] });
}
async function sessionByPath(deps, ctx) {
    const found = deps.sessions.byPath(ctx.storePath);
    if (found.length === 0)
        return ctx.reply(204);
    return ctx.replyJson(200, { UploadSessions: found.map(s => deps.sessions.describe(s, deps.separator)) });
}

;// CONCATENATED MODULE: ./emulator/upload-sessions.ts
// Upload sessions, as the primary replica keeps them: in memory (a restart or failover loses
// them), with their bytes staged on disk so that a large upload never sits in memory.




class UploadSessions {
    stagingDir;
    timeoutMs;
    comparer;
    sessions = new Map();
    sweeper;
    /** Sessions created so far: numbers each one's staged file. */
    created = 0;
    constructor(stagingDir, timeoutMs, 
    /** How the cluster compares paths (sessions by path, a chunk's path against its session's). */
    comparer = new PathComparer(false)) {
        this.stagingDir = stagingDir;
        this.timeoutMs = timeoutMs;
        this.comparer = comparer;
    }
    startSweeper() {
        // The runtime sweeps every 5 minutes; lookups also drop expired sessions, so that a short
        // configured timeout takes effect exactly.
        const every = Math.min(5 * 60_000, Math.max(1000, this.timeoutMs));
        this.sweeper = setInterval(() => {
            this.sweep().catch((err) => console.error(`emulator: sweeping upload sessions failed: ${String(err)}`));
        }, every);
        this.sweeper.unref();
    }
    stop() {
        if (this.sweeper)
            clearInterval(this.sweeper);
    }
    async sweep() {
        for (const s of [...this.sessions.values()]) {
            if (this.isExpired(s))
                await this.remove(s.id);
        }
    }
    isExpired(s) {
        return s.inFlight.length === 0 && Date.now() - s.modified.getTime() > this.timeoutMs;
    }
    get(id) {
        const s = this.sessions.get(id);
        if (s && this.isExpired(s)) {
            this.sessions.delete(id);
            // Best effort: a staged file left behind is removed at the next start.
            external_node_fs_namespaceObject.promises.rm(s.stagingFile, { force: true }).catch(() => undefined);
            return undefined;
        }
        return s;
    }
    byPath(storePath) {
        return [...this.sessions.keys()].map(id => this.get(id)).filter((s) => s !== undefined && this.comparer.same(s.path, storePath));
    }
    all() {
        return [...this.sessions.keys()].map(id => this.get(id)).filter((s) => s !== undefined);
    }
    /**
     * Registers a session at once, so that chunks arriving together for a new id share one session;
     * its staged file is made in the background (`ready`).
     */
    create(id, storePath, length) {
        // A name of its own per session, not per id: a session lost to a failover may still be
        // removing its staged file while a new session with the same id creates one.
        const stagingFile = external_node_path_namespaceObject.join(this.stagingDir, `session-${id}-${++this.created}`);
        const s = {
            id,
            path: storePath,
            length,
            stagingFile,
            received: [],
            inFlight: [],
            modified: new Date(),
            ready: (async () => {
                const handle = await external_node_fs_namespaceObject.promises.open(stagingFile, 'w');
                try {
                    await handle.truncate(length);
                }
                finally {
                    await handle.close();
                }
            })()
        };
        s.ready.catch(() => this.sessions.delete(id));
        this.sessions.set(id, s);
        return s;
    }
    expectedRanges(s) {
        return missingRanges(s.received, s.length);
    }
    /** A chunk is taken only if it lies inside one expected range and no chunk in flight overlaps it. */
    canAccept(s, r) {
        return liesWithinOne(this.expectedRanges(s), r) && !s.inFlight.some(f => overlaps(f, r));
    }
    reserve(s, r) {
        s.inFlight.push(r);
    }
    release(s, r, accepted) {
        s.inFlight = s.inFlight.filter(f => f !== r);
        if (accepted) {
            s.received = mergeRanges([...s.received, r]);
            s.modified = new Date();
        }
    }
    isComplete(s) {
        return s.inFlight.length === 0 && this.expectedRanges(s).length === 0;
    }
    /** Forgets a session; its staged bytes are deleted unless they were moved into the store. */
    async remove(id) {
        const s = this.sessions.get(id);
        if (!s)
            return false;
        this.sessions.delete(id);
        await external_node_fs_namespaceObject.promises.rm(s.stagingFile, { force: true });
        return true;
    }
    /** Drops every session, as a primary replica move does. */
    async loseAll() {
        for (const id of [...this.sessions.keys()])
            await this.remove(id);
    }
    describe(s, separator) {
        return {
            StoreRelativePath: s.path.split('/').join(separator),
            SessionId: s.id,
            ModifiedDate: s.modified.toISOString(),
            FileSize: String(s.length),
            ExpectedRanges: this.expectedRanges(s).map(r => ({
                StartPosition: String(r.start),
                EndPosition: String(r.end)
            }))
        };
    }
}

;// CONCATENATED MODULE: ./emulator/write-order.ts
// The protocol mistakes about mark files, checked after every write when the journal is on: a
// write beneath a folder whose mark file already exists tells the cluster a folder was complete
// when it was not; so does a mark file written while anything beneath its folder is still open or
// a sub-folder has no mark file yet. Paths compare as the store compares them (case-insensitively
// on a Windows cluster).


class WriteOrderCheck {
    store;
    sessions;
    journal;
    /** Plain PUT bodies still arriving, by path key. */
    putsInFlight = new Map();
    constructor(store, sessions, journal) {
        this.store = store;
        this.sessions = sessions;
        this.journal = journal;
    }
    putStarted(storePath) {
        const key = this.store.comparer.key(storePath);
        const entry = this.putsInFlight.get(key) ?? { path: storePath, count: 0 };
        entry.count++;
        this.putsInFlight.set(key, entry);
    }
    putEnded(storePath) {
        const key = this.store.comparer.key(storePath);
        const entry = this.putsInFlight.get(key);
        if (!entry)
            return;
        if (--entry.count === 0)
            this.putsInFlight.delete(key);
    }
    async check(storePath, { markFileCheck = true } = {}) {
        if (!this.journal.enabled)
            return;
        const paths = this.store.comparer;
        const isMark = this.store.isMarkFile(storePath);
        const folder = parentStorePath(storePath);
        for (let ancestor = isMark ? parentStorePath(folder) : folder;; ancestor = parentStorePath(ancestor)) {
            if (ancestor !== '' && this.store.hasMarkFile(ancestor)) {
                this.journal.mistake('write-beneath-mark-file', storePath, `'${ancestor}/${MARK_FILE_NAME}' was written before '${storePath}'`);
            }
            if (ancestor === '')
                break;
        }
        if (!isMark || !markFileCheck || folder === '')
            return;
        const problems = [];
        for (const s of this.sessions.all()) {
            if (paths.isSameOrBeneath(s.path, folder))
                problems.push(`upload session for '${s.path}' still open`);
        }
        for (const { path } of this.putsInFlight.values()) {
            if (!paths.same(path, storePath) && paths.isSameOrBeneath(path, folder))
                problems.push(`upload of '${path}' still in progress`);
        }
        for (const sub of await this.store.subFolders(folder)) {
            if (!this.store.hasMarkFile(sub))
                problems.push(`sub-folder '${sub}' has no mark file`);
        }
        for (const detail of problems)
            this.journal.mistake('mark-file-before-complete', storePath, detail);
    }
}

;// CONCATENATED MODULE: ./emulator/server.ts
// The emulator's life: builds the store, its sessions, the journal and the routes, then serves
// them over HTTP or HTTPS (with an optional client CA) until closed. The request pipeline is
// gateway.ts; the routes are routes/*.ts.




















class ImageStoreEmulator {
    options;
    store;
    sessions;
    journal;
    /** The cluster manager (application types, applications, upgrades): emulator/management/. */
    management;
    /** The routes behind the client certificate and token checks: `router.add(…)` / `router.mount(…)` plug in more. */
    router = new Router();
    server;
    /** Accepts connections through the link model when a bandwidth is set (--bandwidth). */
    linked;
    maxApiVersion;
    constructor(options) {
        this.options = options;
        const maxApiVersion = parseApiVersion(options.maxApiVersion ?? '9.1');
        if (!maxApiVersion)
            throw new Error(`invalid max api version '${options.maxApiVersion}'`);
        this.maxApiVersion = maxApiVersion;
        this.store = new ContentStore(options.root, { caseInsensitive: isCaseInsensitive(options) });
        this.sessions = new UploadSessions(this.store.stagingDir, (options.sessionTimeoutSeconds ?? 1800) * 1000, this.store.comparer);
        this.journal = new Journal(options.journal === true);
        const aad = options.aad ? new AadAuthority(options.aad) : undefined;
        const deps = {
            store: this.store,
            sessions: this.sessions,
            journal: this.journal,
            writeOrder: new WriteOrderCheck(this.store, this.sessions, this.journal),
            dropper: new WriteDropper(options.faults ?? {}, (a, b) => this.store.samePath(a, b)),
            separator: options.pathSeparator ?? '\\',
            listPageSize: options.listPageSize ?? 1000
        };
        this.router.addAll(contentRoutes(deps)).addAll(uploadSessionRoutes(deps));
        this.management = new ClusterManager(this.store, options.management);
        this.router.addAll(managementRoutes(this.management, this.journal));
        const gatewayDeps = {
            journal: this.journal,
            sessions: this.sessions,
            aad,
            baseUrl: (ctx) => `${options.tls ? 'https' : 'http'}://${ctx.req.headers.host ?? '127.0.0.1'}`
        };
        const gateway = new Gateway({
            // ARM is another service than the cluster's gateway: no client certificate, its own tokens.
            anonymous: new Router()
                .addAll(anonymousRoutes(gatewayDeps))
                .addAll(options.arm && aad ? armRoutes({ serverCertificate: options.tls?.cert, ...options.arm }, aad, this.management) : []),
            router: this.router,
            store: this.store,
            sessions: this.sessions,
            journal: this.journal,
            replies: new Replies(options.latencyMs ?? 0),
            faults: new FaultInjector(options.faults ?? {}),
            aad,
            maxApiVersion: this.maxApiVersion,
            uploadSessions: options.uploadSessions !== false,
            requiresClientCertificate: options.tls?.clientCa !== undefined,
            sendJournal: ctx => sendJournal(gatewayDeps, ctx)
        });
        // gateway.handle answers every error itself; a failure to answer at all is only logged.
        const serve = (req, res, expectsContinue) => {
            gateway.handle(req, res, expectsContinue).catch((err) => {
                console.error(`emulator: could not answer ${req.method} ${req.url}: ${String(err)}`);
                res.destroy();
            });
        };
        const handler = (req, res) => serve(req, res, false);
        this.server = options.tls
            ? external_node_https_namespaceObject.createServer({
                cert: options.tls.cert,
                key: options.tls.key,
                ca: options.tls.clientCa,
                // The certificate is asked for in the handshake and judged per request, so that a
                // refused one gets a 403 with an empty body, as a cluster answers.
                requestCert: options.tls.clientCa !== undefined,
                rejectUnauthorized: false
            }, handler)
            : external_node_http_namespaceObject.createServer(handler);
        // Validate headers before asking for the body, as a gateway does.
        this.server.on('checkContinue', (req, res) => serve(req, res, true));
        this.server.keepAliveTimeout = 65_000;
        this.server.on('connection', () => this.journal.connections++);
        const link = new Link(options.link ?? {});
        this.linked = link.limited ? new LinkedListener(this.server, link) : undefined;
    }
    async listen() {
        await this.store.init();
        this.sessions.startSweeper();
        const host = this.options.host ?? '127.0.0.1';
        const port = this.linked
            ? (await this.linked.listen(this.options.port ?? 0, host)).port
            : await new Promise((resolve, reject) => {
                this.server.once('error', reject);
                this.server.listen(this.options.port ?? 0, host, () => resolve(this.server.address().port));
            });
        const shownHost = host.includes(':') ? `[${host}]` : host;
        return { url: `${this.options.tls ? 'https' : 'http'}://${shownHost}:${port}`, port };
    }
    async close() {
        this.sessions.stop();
        this.server.closeAllConnections();
        await this.linked?.close();
        await new Promise(resolve => this.server.close(() => resolve()));
        await this.management.close();
    }
}
/** Starts an emulator in this process (tests, the demo, the benchmark). */
async function startEmulator(options) {
    const emulator = new ImageStoreEmulator(options);
    const { url, port } = await emulator.listen();
    return { url, port, root: options.root, emulator, close: () => emulator.close() };
}

;// CONCATENATED MODULE: ./emulator/cli.ts
// `npm run emulator -- --port 19080 --root ./.imagestore`: the Image Store emulator in the foreground.


async function main() {
    let options;
    try {
        options = parseEmulatorArgs(process.argv.slice(2));
    }
    catch (err) {
        console.error(`${err.message}\n\n${USAGE}`);
        process.exit(2);
    }
    if (options === 'help') {
        console.log(USAGE);
        return;
    }
    const running = await startEmulator(options);
    console.log(`Image Store emulator listening on ${running.url} (port ${running.port}, root ${options.root})`);
    const stop = () => {
        running.close().then(() => process.exit(0), (err) => {
            console.error(`emulator: could not close cleanly: ${err.message}`);
            process.exit(1);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}
main().catch(err => {
    console.error(`emulator: ${err.message}`);
    process.exit(1);
});

