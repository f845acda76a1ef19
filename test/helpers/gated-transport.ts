// A transport that holds the requests a test names until every one of them has been sent: how a
// test shows that requests go side by side without measuring time. Code that sends them one after
// the other cannot meet the gate: the first one waits `capMs` (then goes on, so that the code under
// test still finishes) and `met` stays false.
import { setTimeout as sleep } from 'node:timers/promises';
import { type HttpRequest, type HttpResponse, HttpTransport } from '../../src/cluster/transport.js';

/** Which request a rule names: a method and a URL path (query left out). */
export type RequestRule = (request: { method: string; path: string }) => boolean;

export class GatedTransport extends HttpTransport {
  private readonly matched: boolean[];
  private readonly held: (() => void)[] = [];
  private capped = false;
  /** Every named request was sent while the others were still held. */
  met = false;

  constructor(
    private readonly rules: RequestRule[],
    private readonly capMs = 5000
  ) {
    super({ userAgent: 'sfu-unit-tests', maxSockets: 8 });
    this.matched = rules.map(() => false);
  }

  override async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const seen = { method: request.method, path: decodeURIComponent(url.pathname) };
    // Every rule sees every request (nth() counts them), the first unmatched one that names it holds it.
    const names = this.rules.map(rule => rule(seen));
    const i = names.findIndex((named, n) => named && !this.matched[n]);
    if (i >= 0) {
      this.matched[i] = true;
      if (this.matched.every(Boolean)) {
        this.met = !this.capped;
        for (const release of this.held.splice(0)) release();
      } else {
        const released = new Promise<void>(resolve => this.held.push(resolve));
        const outcome = await Promise.race([released.then(() => 'released'), sleep(this.capMs, 'capped')]);
        if (outcome === 'capped') this.capped = true;
      }
    }
    return super.send(request);
  }
}

/** The nth request (1-based) that `rule` names, counted from when the gate was made. */
export function nth(n: number, rule: RequestRule): RequestRule {
  let seen = 0;
  return request => rule(request) && ++seen === n;
}
