// The link between a client and the emulated cluster: one shared rate for the bytes the emulator
// receives (the client's upload) and one for the bytes it sends (the client's download), each over
// all connections at once, as a runner's single link to a distant cluster imposes. Every byte of a
// connection crosses it (headers, bodies, TLS records). Round trips stay the gateway's
// `latencyMs`; the link adds no loss, no congestion control, no TCP slow start and no queue limit.
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LinkOptions {
  /** Bits per second of what the emulator receives (requests and bodies); undefined: unlimited. */
  receiveBitsPerSecond?: number;
  /** Bits per second of what the emulator sends (answers); undefined: unlimited. */
  sendBitsPerSecond?: number;
}

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
export class SharedRate {
  private freeAt = 0;

  constructor(readonly bitsPerSecond: number) {}

  /** Resolves once `bytes` have crossed the link, after every byte offered before them. */
  async pass(bytes: number): Promise<void> {
    const now = performance.now();
    const start = Math.max(now - BURST_MS, this.freeAt);
    this.freeAt = start + (bytes * 8 * 1000) / this.bitsPerSecond;
    // Waits under a millisecond are carried by freeAt into the next piece instead of a timer each.
    const wait = this.freeAt - now;
    if (wait >= 1) await sleep(wait);
  }
}

/** The two directions of one link, shared by every connection accepted through it. */
export class Link {
  readonly receive: SharedRate | undefined;
  readonly send: SharedRate | undefined;

  constructor(options: LinkOptions) {
    this.receive = options.receiveBitsPerSecond ? new SharedRate(options.receiveBitsPerSecond) : undefined;
    this.send = options.sendBitsPerSecond ? new SharedRate(options.sendBitsPerSecond) : undefined;
  }

  get limited(): boolean {
    return this.receive !== undefined || this.send !== undefined;
  }
}

async function passInPieces(rate: SharedRate | undefined, chunk: Buffer, each: (piece: Buffer) => Promise<void> | void): Promise<void> {
  if (!rate) return each(chunk);
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
class LinkedSocket extends Duplex {
  private readMore: (() => void) | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly link: Link
  ) {
    super({ allowHalfOpen: true });
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', err => this.destroy(err));
    socket.on('close', () => this.destroy());
    this.pump().catch((err: unknown) => this.destroy(err as Error));
  }

  /** Moves what the socket receives into this stream at the link's pace, as fast as the server reads it. */
  private async pump(): Promise<void> {
    for await (const chunk of this.socket) {
      await passInPieces(this.link.receive, chunk as Buffer, async piece => {
        if (this.destroyed) return;
        if (!this.push(piece)) await new Promise<void>(resolve => (this.readMore = resolve));
      });
      if (this.destroyed) return;
    }
    this.push(null);
  }

  override _read(): void {
    const more = this.readMore;
    this.readMore = undefined;
    more?.();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    passInPieces(this.link.send, chunk, async piece => {
      if (this.socket.destroyed) throw new Error('the connection is closed');
      if (!this.socket.write(piece)) await new Promise<void>(resolve => this.socket.once('drain', resolve));
    }).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    this.readMore?.();
    callback(err);
  }

  setTimeout(ms: number, onTimeout?: () => void): this {
    this.socket.setTimeout(ms);
    if (onTimeout) this.once('timeout', onTimeout);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  address(): ReturnType<net.Socket['address']> {
    return this.socket.address();
  }
}

/**
 * A listener that accepts connections for `server` and hands each one to it through the link
 * (`server` itself does not listen). HTTP and HTTPS servers take any stream as a connection.
 */
export class LinkedListener {
  private readonly front: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(server: net.Server, link: Link) {
    this.front = net.createServer({ allowHalfOpen: true }, socket => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      server.emit('connection', new LinkedSocket(socket, link));
    });
  }

  listen(port: number, host: string): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(port, host, () => resolve(this.front.address() as net.AddressInfo));
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise(resolve => this.front.close(() => resolve()));
  }
}

/** `100Mbit`, `1Gbit`, `2.5Gbit/s`, `800kbit`, `64000bit` (SI prefixes: 1 Mbit = 10^6 bits) → bits per second. */
export function parseBandwidth(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)bit(?:\/s|ps)?$/i.exec(text.trim());
  const bits = m ? Number(m[1]) * ({ '': 1, k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase()] ?? 1) : NaN;
  if (!m || !(bits >= 1000) || bits > 1e12) {
    throw new Error(`${name} must be a rate such as 100Mbit or 1Gbit (at least 1kbit, at most 1000Gbit), not '${text}'`);
  }
  return bits;
}
