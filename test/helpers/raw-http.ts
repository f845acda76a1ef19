// Plain HTTP requests for the conformance suite: deliberately not the action's own client.
import assert from 'node:assert/strict';
import * as http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** Whether the server sent `100 Continue` before the final answer. */
  continued: boolean;
}

export interface RawRequestOptions {
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Send `Expect: 100-continue` and the body only after the interim answer. */
  expectContinue?: boolean;
  /** Stream the body without Content-Length (chunked transfer encoding). */
  chunked?: boolean;
}

export function rawRequest(method: string, url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string | number> = { ...options.headers };
  if (body && !options.chunked) headers['Content-Length'] = body.length;
  // Set explicitly, so that an empty body goes chunked too (as sfctl sends empty files).
  if (options.chunked) headers['Transfer-Encoding'] = 'chunked';
  if (options.expectContinue) headers['Expect'] = '100-continue';
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request(url, { method, headers, agent: false }, res => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const all = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8'), continued });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.expectContinue) {
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.flushHeaders();
    } else if (options.chunked && body) {
      if (body.length > 0) req.write(body);
      req.end();
    } else {
      req.end(body);
    }
  });
}

export function json<T = unknown>(r: RawResponse): T {
  return JSON.parse(r.text) as T;
}

/** The Fabric error code of an answer, or undefined for an empty body. */
export function errorCode(r: RawResponse): string | undefined {
  if (r.body.length === 0) return undefined;
  return json<{ Error: { Code: string } }>(r).Error.Code;
}

/** The value, asserted present (a list entry or an optional field the test expects). */
export function must<T>(value: T | undefined, what = 'the value'): T {
  assert.ok(value !== undefined, `${what} is missing`);
  return value;
}
