// A request body read from its source into a pooled buffer and written to the request: one buffer
// per body, read again once the socket has taken its bytes (the socket's own send buffer keeps the
// link busy meanwhile), given back to the pool at the end. A run allocates its read buffers once
// (concurrency × 512 KiB) instead of a new one per read.
import type { ClientRequest } from 'node:http';
import type { BufferPool } from './buffer-pool.js';

/** The bytes of one attempt of a request body, read in order. */
export interface BodyReader {
  /** Fills `into` from its start with the next bytes; fewer only at the end, 0 after it. */
  read(into: Buffer): Promise<number>;
  close(): Promise<void>;
}

/** A request body that can be read again for every attempt (a spent stream cannot). */
export interface BodySource {
  length: number;
  open(): Promise<BodyReader>;
  /** The local file, for messages. */
  name?: string;
}

/** The local file gave other bytes than announced: it changed during the upload. Not retried. */
export class LocalFileChangedError extends Error {
  override name = 'LocalFileChangedError';
}

/**
 * Streams `body` into `req` and ends it; a body that gives fewer bytes than its length, or cannot be
 * read, destroys the request with a LocalFileChangedError (the server would otherwise wait for the
 * rest). Stops when the request closes. Never throws.
 */
export function writeBody(req: ClientRequest, body: BodySource, pool: BufferPool): void {
  void pump(req, body, pool).catch((err: Error) => req.destroy(new LocalFileChangedError(`reading '${body.name ?? 'a local file'}' failed: ${err.message}`)));
}

async function pump(req: ClientRequest, body: BodySource, pool: BufferPool): Promise<void> {
  let closed = false;
  let onClosed = () => undefined as void;
  const closing = new Promise<false>(resolve => (onClosed = () => resolve(false)));
  const markClosed = () => {
    closed = true;
    onClosed();
  };
  req.once('close', markClosed);
  let buffer: Buffer | undefined;
  /** False while the socket may still refer to the buffer: then it never goes back to the pool. */
  let released = true;
  let reader: BodyReader | undefined;
  try {
    reader = await body.open();
    buffer = pool.take();
    let sent = 0;
    if (body.length === 0) req.end();
    while (sent < body.length && !closed) {
      const n = await reader.read(buffer.subarray(0, Math.min(buffer.length, body.length - sent)));
      if (n === 0 || closed) break;
      sent += n;
      released = await write(req, buffer.subarray(0, n), sent === body.length, closing);
      if (!released) return;
    }
    if (closed || sent === body.length) return;
    req.destroy(
      new LocalFileChangedError(
        `'${body.name ?? 'a local file'}' gave ${sent} bytes where ${body.length} were expected: it changed during the upload. Build the package completely before this step.`
      )
    );
  } finally {
    req.off('close', markClosed);
    // A buffer whose write did not complete is left to the collector, never to another request.
    if (buffer && released) pool.give(buffer);
    await reader?.close().catch(() => undefined);
  }
}

/**
 * Writes `data` (and ends the request with the last piece, as one write); true once the socket has
 * finished with it, false on a failed write or a closed request.
 */
function write(req: ClientRequest, data: Buffer, last: boolean, closing: Promise<false>): Promise<boolean> {
  const written = new Promise<boolean>(resolve => (last ? req.end(data, () => resolve(true)) : req.write(data, err => resolve(!err))));
  return Promise.race([written, closing]);
}
