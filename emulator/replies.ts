// Writing answers: the configured latency, lost answers (a fault), and error bodies as the
// gateway writes them (a FabricError, or nothing at all).
import type * as http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FabricHttpError } from './fabric-http-error.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export class Replies {
  /** Answers to drop: the work is done, then the connection closes without an answer. */
  private readonly answersToDrop = new WeakSet<http.ServerResponse>();

  constructor(private readonly latencyMs = 0) {}

  /** Marks an answer as lost (the lost-answer fault): the request is still carried out. */
  drop(res: http.ServerResponse): void {
    this.answersToDrop.add(res);
  }

  /** Waits the configured latency (before any answer, `100 Continue` included). */
  async delay(): Promise<void> {
    if (this.latencyMs) await sleep(this.latencyMs);
  }

  async send(res: http.ServerResponse, status: number, body = '', contentType = JSON_TYPE): Promise<void> {
    await this.delay();
    if (res.destroyed || res.headersSent) return;
    if (this.answersToDrop.has(res)) {
      // The work is done; the answer is lost with the connection.
      res.socket?.destroy();
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': Buffer.byteLength(body) };
    if (body !== '') headers['Content-Type'] = contentType;
    res.writeHead(status, headers);
    res.end(body);
  }

  json(res: http.ServerResponse, status: number, value: unknown): Promise<void> {
    return this.send(res, status, value === undefined ? '' : JSON.stringify(value));
  }

  async error(res: http.ServerResponse, err: unknown): Promise<void> {
    if (!(err instanceof FabricHttpError)) console.error(`emulator: internal error: ${String(err)}`);
    const e = FabricHttpError.from(err);
    const body = e.emptyBody ? '' : JSON.stringify({ Error: { Code: e.code, Message: e.message } });
    // An answer sent before an announced body was read leaves that body (or, after a refused
    // 100-continue, nothing) on the socket: close the connection afterwards.
    const req = res.req;
    const announcesBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (announcesBody && !req.complete) res.shouldKeepAlive = false;
    await this.send(res, e.status, body);
  }
}
