// An HTTP proxy in front of the emulator that holds the requests a test names until every one of
// them has arrived: GatedTransport's gate for code that builds its own connection (runRelease).
// Requests sent one after the other cannot meet the gate: the first waits `capMs`, then goes on so
// that the code under test still finishes, and `met` stays false.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestRule } from './gated-transport.js';

export interface GatingProxy {
  url: string;
  /** Every named request arrived while the others were still held. */
  readonly met: boolean;
  close(): Promise<void>;
}

export async function startGatingProxy(target: string, rules: RequestRule[], capMs = 5000): Promise<GatingProxy> {
  const matched = rules.map(() => false);
  const held: (() => void)[] = [];
  let capped = false;
  let met = false;
  const gate = async (request: { method: string; path: string }) => {
    const i = rules.map(rule => rule(request)).findIndex((named, n) => named && !matched[n]);
    if (i < 0) return;
    matched[i] = true;
    if (matched.every(Boolean)) {
      met = !capped;
      for (const release of held.splice(0)) release();
      return;
    }
    const released = new Promise<void>(resolve => held.push(resolve));
    if ((await Promise.race([released.then(() => 'released'), sleep(capMs, 'capped')])) === 'capped') capped = true;
  };
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    void gate({ method: req.method ?? 'GET', path: decodeURIComponent(url.pathname) }).then(
      () => {
        const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', () => res.destroy());
        req.pipe(forward);
      },
      () => res.destroy()
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get met() {
      return met;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
