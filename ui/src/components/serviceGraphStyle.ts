// What the service map draws, as cytoscape elements and a stylesheet: services as discs in
// their serviceColor, databases as barrels and other uninstrumented peers as diamonds
// (hollow, so they read apart from services whatever their hue); calls as arrows from
// caller to callee, as wide as their rate, red when some failed, labelled with rate,
// p95 and error share. Colours come from the theme (canvas does not see CSS).
import type { ElementDefinition, StylesheetJson } from 'cytoscape';
import type { ServiceGraph } from '../api.ts';
import { serviceColor } from '../theme.ts';
import { formatDuration, formatPercent, formatRate } from './redFormat.ts';
import type { ThemeColors } from './useThemeColors.ts';

export type GraphEdge = ServiceGraph['edges'][number];

/** Edge ids: caller and callee joined by a character no name holds. */
export function edgeId(edge: Pick<GraphEdge, 'caller' | 'callee'>): string {
  return `${edge.caller}\u0000${edge.callee}`;
}

export function edgeLabel(edge: GraphEdge, windowSeconds: number): string {
  const parts = [formatRate(edge.calls / windowSeconds), `p95 ${formatDuration(edge.p95Ns)}`];
  if (edge.errors > 0) parts.push(`${formatPercent(edge.errors / edge.calls)} errors`);
  return parts.join(' · ');
}

export function graphElements(graph: ServiceGraph, windowSeconds: number): ElementDefinition[] {
  const maxRate = Math.max(...graph.edges.map((edge) => edge.calls / windowSeconds), Number.MIN_VALUE);
  return [
    ...graph.nodes.map((node) => ({
      group: 'nodes' as const,
      data: { id: node.name, label: node.name, kind: node.kind, color: serviceColor(node.name) },
    })),
    ...graph.edges.map((edge) => ({
      group: 'edges' as const,
      data: {
        id: edgeId(edge),
        source: edge.caller,
        target: edge.callee,
        label: edgeLabel(edge, windowSeconds),
        // 1.5 px for the quietest call up to 8 px for the busiest; square root so small rates still show
        width: 1.5 + 6.5 * Math.sqrt(edge.calls / windowSeconds / maxRate),
        failing: edge.errors > 0 ? 1 : 0,
      },
    })),
  ];
}

export function graphStyle(colors: ThemeColors): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        color: colors.fg,
        'font-size': 12,
        'font-family': 'system-ui, -apple-system, "Segoe UI", sans-serif',
        'text-valign': 'bottom',
        'text-margin-y': 5,
        'text-background-color': colors.bg,
        'text-background-opacity': 0.8,
        'text-background-padding': '2px',
        'text-background-shape': 'roundrectangle',
        width: 30,
        height: 30,
        'border-width': 2,
        'border-color': colors.bg,
      },
    },
    { selector: 'node[kind = "service"]', style: { shape: 'ellipse', 'background-color': 'data(color)' } },
    {
      selector: 'node[kind = "database"]',
      style: { shape: 'barrel', width: 28, height: 32, 'background-color': colors.bgAlt, 'border-color': colors.fgMuted, 'border-width': 2 },
    },
    {
      selector: 'node[kind = "peer"]',
      style: { shape: 'diamond', width: 34, height: 34, 'background-color': colors.bgAlt, 'border-color': colors.fgMuted, 'border-width': 2, 'border-style': 'dashed' },
    },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'curve-style': 'bezier',
        'line-color': colors.fgMuted,
        'line-opacity': 0.75,
        'target-arrow-shape': 'triangle',
        'target-arrow-color': colors.fgMuted,
        'arrow-scale': 0.9,
        label: 'data(label)',
        'text-rotation': 'autorotate',
        'font-size': 11,
        color: colors.fgMuted,
        'text-background-color': colors.bg,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
      },
    },
    { selector: 'edge[failing = 1]', style: { 'line-color': colors.error, 'target-arrow-color': colors.error, color: colors.error } },
    { selector: 'node:selected', style: { 'border-color': colors.accent, 'border-width': 3 } },
    { selector: 'edge:selected', style: { 'line-opacity': 1, 'line-color': colors.accent, 'target-arrow-color': colors.accent } },
  ];
}
