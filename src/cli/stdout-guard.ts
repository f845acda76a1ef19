// stdout carries the JSON result (and, under Azure Pipelines, logging commands) and nothing else.
// A library that prints there (@actions/glob writes `::debug::` lines through @actions/core for
// `include` patterns other than `**`) would break the JSON a script reads: from here on, whatever
// is written to process.stdout goes to stderr instead, and workflow commands (`::name::…`) are
// dropped unless `--verbose`. The CLI writes its own stdout through the function returned.

export function guardStdout(options: { verbose: () => boolean; stderr: (text: string) => void }): (text: string) => void {
  const stdout = process.stdout;
  const originalWrite = stdout.write.bind(stdout);
  const write = (text: string): boolean => originalWrite(text);
  const redirected = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const kept = text
      .split(/(?<=\n)/)
      .filter(line => options.verbose() || !/^::[a-z-]+( [^:]*)?::/i.test(line))
      .join('');
    if (kept !== '') options.stderr(kept);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  stdout.write = redirected;
  return text => {
    write(text);
  };
}
