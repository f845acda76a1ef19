// Fixed-size buffers handed out and taken back, so that a request body is read into memory that
// was allocated once, not into a new ArrayBuffer per read. A new buffer per read left the
// collector tens of MiB of garbage to find during a large upload, and malloc kept much of it
// afterwards (BENCHMARKS.md, "Where the memory went").

export class BufferPool {
  private readonly free: Buffer[] = [];
  private allocatedCount = 0;

  constructor(
    /** The size of every buffer. */
    readonly bufferBytes: number,
    /** Buffers kept for reuse at most; a buffer given back beyond that is left to the collector. */
    private readonly maxKept: number
  ) {}

  /** A buffer of `bufferBytes` with whatever bytes it held before: fill it before sending any of it. */
  take(): Buffer {
    const reused = this.free.pop();
    if (reused) return reused;
    this.allocatedCount++;
    return Buffer.allocUnsafeSlow(this.bufferBytes);
  }

  /** Gives a buffer back once nothing refers to it any more (its write has completed). */
  give(buffer: Buffer): void {
    if (buffer.length !== this.bufferBytes || this.free.length >= this.maxKept || this.free.includes(buffer)) return;
    this.free.push(buffer);
  }

  /** Buffers allocated since the pool was made. */
  get allocated(): number {
    return this.allocatedCount;
  }

  /** Buffers waiting to be reused. */
  get kept(): number {
    return this.free.length;
  }
}
