// Text from the cluster or the user (error messages, names, paths) goes into the job summary only
// through these functions, so that it cannot break or inject Markdown or HTML there.

/**
 * Text for the inside of an HTML element of the summary. The summary is written as HTML blocks, whose
 * content GitHub does not read as Markdown as long as no blank line ends the block: so `<`, `>` and `&` become
 * entities (the summary puts no text in attributes), and every line break (which could make a blank line) becomes a space.
 * Backticks, pipes, asterisks and the like are then inert.
 */
export function escapeHtml(text: string): string {
  return (
    text
      .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
      // Other control characters carry nothing worth showing.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
  );
}

/**
 * A name for a Mermaid Gantt chart. Mermaid reads `:` as the end of a task's name (so a colon is shown
 * as the look-alike `∶`), `#`, `%%` and `;` as comment and statement marks, a line that starts with a
 * keyword as that statement, and a fenced block ends at three backticks: anything outside a safe set
 * becomes `_`, a leading keyword gets a `_` before it, and the name is kept short.
 */
export function mermaidText(text: string, max = 60): string {
  let safe = text
    .replace(/\s+/g, ' ')
    .replace(/:/g, '∶')
    .replace(/[^\p{L}\p{N} ._\-/()+=,@'?!*[\]{}~$∶]/gu, '_')
    .trim();
  if (MERMAID_KEYWORD.test(safe)) safe = `_${safe}`;
  return (safe.length > max ? `${safe.slice(0, max - 1)}…` : safe) || '_';
}

const MERMAID_KEYWORD =
  /^(section|title|dateformat|axisformat|tickinterval|excludes|includes|todaymarker|inclusiveenddates|topaxis|weekday|weekend|click|acctitle|accdescr|gantt)\b/i;
