// One span in a few lines of text, for the timeline's tooltip and its screen-reader list.
import { formatDuration } from '../redFormat.ts';
import type { AnalysisMarks } from './marks.ts';
import { SKEW_AFTER, SKEW_BEFORE, STATUS_ERROR, type TraceModel } from './model.ts';

export function skewText(model: TraceModel, i: number): string {
  const where = [model.skew[i] & SKEW_BEFORE ? 'starts before' : '', model.skew[i] & SKEW_AFTER ? 'ends after' : ''].filter(Boolean).join(' and ');
  return `Clock skew: ${where} its parent (by up to ${formatDuration(model.skewNs[i])}), drawn as sent`;
}

export function spanSummary(model: TraceModel, i: number, marks: AnalysisMarks | undefined, collapsed: Uint8Array): string {
  const lines = [
    `${model.service[i]}: ${model.name[i]}`,
    `${formatDuration(model.end[i] - model.start[i])}, starts at ${formatDuration(model.start[i])}`,
  ];
  if (model.statusCode[i] === STATUS_ERROR) {
    const message = model.statusMessage(i);
    lines.push(message ? `Error: ${message}` : 'Error');
  }
  if (marks?.errorOrigin[i]) lines.push('Error origin: the error starts here');
  if (marks && marks.criticalNs[i] > 0) lines.push(`On the critical path for ${formatDuration(marks.criticalNs[i])}`);
  if (model.skew[i]) lines.push(skewText(model, i));
  if (collapsed[i]) lines.push(`Collapsed: ${model.subtreeSize[i] - 1} spans hidden`);
  return lines.join('\n');
}
