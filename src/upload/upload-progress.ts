// Counters of an upload in progress, and the periodic progress line.
import { formatBytes } from '../util/format-bytes.js';

export class UploadProgress {
  filesDone = 0;
  bytesDone = 0;
  /** Files whose upload waits for them to be written (zips of a compressed copy): the total bytes are not known yet. */
  filesBeingWritten = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly totalFiles: number,
    /** Grows while files still being written (zips of a compressed copy) get their size. */
    public totalBytes: number
  ) {}

  get elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  line(): string {
    const pct = this.totalBytes === 0 ? 100 : Math.floor((this.bytesDone / this.totalBytes) * 100);
    const rate = this.elapsedSeconds > 0 ? this.bytesDone / this.elapsedSeconds : 0;
    const bytes =
      this.filesBeingWritten > 0
        ? `${formatBytes(this.bytesDone)} so far (${this.filesBeingWritten} zip(s) still being written)`
        : `${formatBytes(this.bytesDone)} of ${formatBytes(this.totalBytes)} (${pct}%)`;
    return `uploaded ${this.filesDone}/${this.totalFiles} files, ${bytes}, ${formatBytes(Math.round(rate))}/s`;
  }

  /** Logs a progress line every `intervalMs` until stopped. */
  start(log: (line: string) => void, intervalMs = 5000): void {
    this.timer = setInterval(() => log(this.line()), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
