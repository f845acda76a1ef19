// The emulator's life: builds the store, its sessions, the journal and the routes, then serves
// them over HTTP or HTTPS (with an optional client CA) until closed. The request pipeline is
// gateway.ts; the routes are routes/*.ts.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AadAuthority } from './aad.js';
import { armRoutes } from './arm/arm-surface.js';
import { type ApiVersion, parseApiVersion } from './api-version.js';
import { ContentStore } from './content-store.js';
import { FaultInjector, WriteDropper } from './faults.js';
import { Gateway } from './gateway.js';
import { Journal } from './journal.js';
import { Link, LinkedListener } from './link-model.js';
import { ClusterManager } from './management/cluster-manager.js';
import { managementRoutes } from './management/routes.js';
import { type EmulatorOptions, isCaseInsensitive } from './options.js';
import { Replies } from './replies.js';
import { Router } from './router.js';
import { contentRoutes } from './routes/content.js';
import { anonymousRoutes, sendJournal } from './routes/gateway.js';
import type { ImageStoreDeps } from './routes/image-store-deps.js';
import { uploadSessionRoutes } from './routes/upload-sessions.js';
import { UploadSessions } from './upload-sessions.js';
import { WriteOrderCheck } from './write-order.js';

export type { EmulatorOptions } from './options.js';

export class ImageStoreEmulator {
  readonly store: ContentStore;
  readonly sessions: UploadSessions;
  readonly journal: Journal;
  /** The cluster manager (application types, applications, upgrades): emulator/management/. */
  readonly management: ClusterManager;
  /** The routes behind the client certificate and token checks: `router.add(…)` / `router.mount(…)` plug in more. */
  readonly router = new Router();
  private readonly server: http.Server;
  /** Accepts connections through the link model when a bandwidth is set (--bandwidth). */
  private readonly linked: LinkedListener | undefined;
  private readonly maxApiVersion: ApiVersion;

  constructor(readonly options: EmulatorOptions) {
    const maxApiVersion = parseApiVersion(options.maxApiVersion ?? '9.1');
    if (!maxApiVersion) throw new Error(`invalid max api version '${options.maxApiVersion}'`);
    this.maxApiVersion = maxApiVersion;
    this.store = new ContentStore(options.root, { caseInsensitive: isCaseInsensitive(options) });
    this.sessions = new UploadSessions(this.store.stagingDir, (options.sessionTimeoutSeconds ?? 1800) * 1000, this.store.comparer);
    this.journal = new Journal(options.journal === true);
    const aad = options.aad ? new AadAuthority(options.aad) : undefined;
    const deps: ImageStoreDeps = {
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
      baseUrl: (ctx: { req: http.IncomingMessage }) => `${options.tls ? 'https' : 'http'}://${ctx.req.headers.host ?? '127.0.0.1'}`
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
    const serve = (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean) => {
      gateway.handle(req, res, expectsContinue).catch((err: unknown) => {
        console.error(`emulator: could not answer ${req.method} ${req.url}: ${String(err)}`);
        res.destroy();
      });
    };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => serve(req, res, false);
    this.server = options.tls
      ? https.createServer(
          {
            cert: options.tls.cert,
            key: options.tls.key,
            ca: options.tls.clientCa,
            // The certificate is asked for in the handshake and judged per request, so that a
            // refused one gets a 403 with an empty body, as a cluster answers.
            requestCert: options.tls.clientCa !== undefined,
            rejectUnauthorized: false
          },
          handler
        )
      : http.createServer(handler);
    // Validate headers before asking for the body, as a gateway does.
    this.server.on('checkContinue', (req, res) => serve(req, res, true));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', () => this.journal.connections++);
    const link = new Link(options.link ?? {});
    this.linked = link.limited ? new LinkedListener(this.server, link) : undefined;
  }

  async listen(): Promise<{ url: string; port: number }> {
    await this.store.init();
    this.sessions.startSweeper();
    const host = this.options.host ?? '127.0.0.1';
    const port = this.linked
      ? (await this.linked.listen(this.options.port ?? 0, host)).port
      : await new Promise<number>((resolve, reject) => {
          this.server.once('error', reject);
          this.server.listen(this.options.port ?? 0, host, () => resolve((this.server.address() as AddressInfo).port));
        });
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { url: `${this.options.tls ? 'https' : 'http'}://${shownHost}:${port}`, port };
  }

  async close(): Promise<void> {
    this.sessions.stop();
    this.server.closeAllConnections();
    await this.linked?.close();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
    await this.management.close();
  }
}

export interface RunningEmulator {
  url: string;
  port: number;
  root: string;
  emulator: ImageStoreEmulator;
  close(): Promise<void>;
}

/** Starts an emulator in this process (tests, the demo, the benchmark). */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = new ImageStoreEmulator(options);
  const { url, port } = await emulator.listen();
  return { url, port, root: options.root, emulator, close: () => emulator.close() };
}
