// The timeline of the job summary: the step's phases and the upgrade domains as a Mermaid Gantt chart
// (GitHub renders ```mermaid blocks in job summaries), from the times the step measured itself.
import { mermaidText } from './summary-escape.js';

export interface TimedSpan {
  name: string;
  /** ms since epoch. */
  startedAt: number;
  /** ms since epoch; missing when the span had not ended when the step stopped. */
  endedAt?: number;
  /** The span the step failed in. */
  failed?: boolean;
}

export interface TimelineSection {
  name: string;
  spans: TimedSpan[];
}

/**
 * The Mermaid block, or '' when nothing was timed. A span still open at `endedAt` (the step's end)
 * is drawn up to then. Mermaid's Gantt needs an end after the start: a span shorter than a
 * millisecond is drawn one millisecond long.
 */
export function renderTimeline(sections: TimelineSection[], endedAt: number): string {
  const shown = sections.map(s => ({ ...s, spans: s.spans.filter(span => Number.isFinite(span.startedAt)) })).filter(s => s.spans.length > 0);
  if (shown.length === 0) return '';
  const first = Math.min(...shown.flatMap(s => s.spans.map(span => span.startedAt)));
  const last = Math.max(endedAt, ...shown.flatMap(s => s.spans.map(span => span.endedAt ?? span.startedAt)));
  const axisFormat = last - first >= 3_600_000 ? '%H:%M' : '%M:%S';
  const lines = ['```mermaid', 'gantt', '  dateFormat x', `  axisFormat ${axisFormat}`];
  let id = 0;
  for (const section of shown) {
    lines.push(`  section ${mermaidText(section.name)}`);
    for (const span of section.spans) {
      const end = Math.max(span.endedAt ?? endedAt, span.startedAt + 1);
      const tags = span.failed ? 'crit, ' : span.endedAt === undefined ? 'active, ' : '';
      id += 1;
      lines.push(`  ${mermaidText(span.name)} :${tags}t${id}, ${Math.round(span.startedAt)}, ${Math.round(end)}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}
