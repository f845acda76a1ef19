// File and chunk bodies, read as the runtime reads them: to their end whatever the headers say.
// `Content-Length` only sizes the runtime's read buffer, so a body sent with
// `Transfer-Encoding: chunked` and no length (what sfctl sends, even for empty files) is accepted;
// the journal notes it.
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Journal } from './journal.js';
import type { RouteContext } from './router.js';

/** The declared Content-Length, or undefined (noted in the journal) when the body comes without one. */
export function declaredLength(ctx: RouteContext, journal: Journal): number | undefined {
  const header = ctx.req.headers['content-length'];
  if (header !== undefined) return Number(header);
  const encoding = ctx.req.headers['transfer-encoding'];
  journal.note(
    'body-without-content-length',
    ctx.storePath,
    `${ctx.req.method} without Content-Length${encoding === undefined ? '' : ` (Transfer-Encoding: ${encoding})`}`
  );
  return undefined;
}

/**
 * Writes the body to `file` (from `start`, into an existing file when `start` is given) and returns
 * how many bytes came. `limit` stops a body longer than it before a byte beyond it is written:
 * `tooLong()` makes the error thrown then.
 */
export async function receiveBodyInto(
  ctx: RouteContext,
  file: string,
  options: { start?: number; limit?: number; tooLong?: () => Error } = {}
): Promise<number> {
  await ctx.askForBody();
  const counter = new ByteCounter(options.limit, options.tooLong);
  const target = options.start === undefined ? createWriteStream(file) : createWriteStream(file, { flags: 'r+', start: options.start });
  await pipeline(ctx.req, counter, target);
  return counter.bytes;
}

class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly limit: number | undefined,
    private readonly tooLong: (() => Error) | undefined
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.limit !== undefined && this.bytes > this.limit) {
      callback(this.tooLong?.() ?? new Error(`the body is longer than ${this.limit} bytes`));
      return;
    }
    callback(null, chunk);
  }
}
