// The core's reporter on a terminal or a CI log: progress on stderr (a line that rewrites itself on
// a TTY, plain lines otherwise), every secret masked in all the CLI prints, and under Azure
// Pipelines the logging commands for secrets, warnings, errors and output variables. Those go to
// stderr too: the agent reads commands from both streams, stdout then carries nothing but the JSON
// (so `> result.json` or `| jq` never gets a secret or a command), and a secret's `setsecret` line
// is in the same stream as, and so always before, any line that could carry the secret.
import type { Reporter } from '../util/reporter.js';
import { logIssueCommand, setOutputCommand, setSecretCommand } from './azure-pipelines.js';

export interface CliStreams {
  /** The CLI's own stdout (the JSON result); nothing else writes there. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: the progress line rewrites itself. */
  stderrIsTTY: boolean;
}

export class CliReporter implements Reporter {
  private readonly secrets: string[] = [];
  /** A progress line shown on the TTY and not ended yet. */
  private progressShown = false;

  constructor(
    private readonly streams: CliStreams,
    private readonly options: { azurePipelines: boolean; verbose: boolean }
  ) {}

  /** Every secret given so far replaced by `***` (the longest first, so none leaves a part). */
  mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  info(line: string): void {
    this.line(line);
  }

  progress(line: string): void {
    if (!this.streams.stderrIsTTY) return this.line(line);
    this.streams.stderr(`\r\x1b[K${this.mask(line).split('\n')[0]}`);
    this.progressShown = true;
  }

  warning(line: string): void {
    this.line(this.options.azurePipelines ? logIssueCommand('warning', line) : `warning: ${line}`);
  }

  error(line: string): void {
    this.line(this.options.azurePipelines ? logIssueCommand('error', line) : `error: ${line}`);
  }

  debug(line: string): void {
    if (this.options.verbose) this.line(`debug: ${line}`);
  }

  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.line(`── ${name}`);
    return fn();
  }

  setSecret(value: string): void {
    if (value === '' || this.secrets.includes(value)) return;
    this.secrets.push(value);
    this.secrets.sort((a, b) => b.length - a.length);
    if (this.options.azurePipelines) {
      this.endProgress();
      this.streams.stderr(setSecretCommand(value) + '\n');
    }
  }

  /** Writes to the CLI's stdout, masked: the JSON result. */
  result(text: string): void {
    this.endProgress();
    this.streams.stdout(this.mask(text));
  }

  /** Under Azure Pipelines, an output variable of the step; elsewhere nothing (the JSON has it). */
  setOutput(name: string, value: string): void {
    if (this.options.azurePipelines) this.line(setOutputCommand(name, value));
  }

  /** A line on stderr, masked, after any progress line. */
  line(text: string): void {
    this.endProgress();
    this.streams.stderr(this.mask(text) + '\n');
  }

  private endProgress(): void {
    if (!this.progressShown) return;
    this.progressShown = false;
    this.streams.stderr('\n');
  }
}
