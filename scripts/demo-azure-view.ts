// What a user sees of the action's log in the GitHub UI: workflow commands applied as the runner
// applies them (secrets registered with `::add-mask::` become `***`, `::error::` shows as `Error:`,
// debug lines are hidden), so the demo shows the masking instead of the raw stream.

/** Workflow commands escape `%`, CR and LF in their data (@actions/core's escapeData). */
function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export class RunnerView {
  readonly secrets: string[] = [];

  /** The text the runner shows for one line the action printed, or undefined when it shows none. */
  show(line: string): string | undefined {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!command) return this.mask(line);
    const [, name, data = ''] = command;
    const text = unescapeData(data);
    switch (name) {
      case 'add-mask':
        // Longest first, so that a secret containing another is masked whole.
        if (text !== '') this.secrets.push(text);
        this.secrets.sort((a, b) => b.length - a.length);
        return undefined;
      case 'group':
        return this.mask(`▶ ${text}`);
      case 'error':
        return this.mask(`Error: ${text}`);
      case 'warning':
        return this.mask(`Warning: ${text}`);
      case 'notice':
        return this.mask(`Notice: ${text}`);
      default:
        return undefined;
    }
  }

  mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  /** The registered secret that is a SAS query (it carries `sig=`), if any. */
  sasQuery(): URLSearchParams | undefined {
    const query = this.secrets.find(s => /(^|&)sig=/.test(s) && s.includes('sp='));
    return query === undefined ? undefined : new URLSearchParams(query);
  }
}
