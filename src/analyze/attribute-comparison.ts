// Attribute comparison, as Honeycomb's BubbleUp: which attribute=value pairs set a
// selection of spans (slow ones, failing ones) apart from the rest of their population.
// Each pair is scored by how much more often it occurs in the selection than in the
// baseline, as a difference of proportions: 0.9 - 0.1 = 0.8 for `region=eu` in 90% of
// the slow spans and 10% of the others.
import type { AttributeFrequencies } from '../store/span-store.ts';

export interface AttributeDifference {
  scope: 'span' | 'resource';
  key: string;
  value: string;
  /** Share of selected spans with the pair, 0..1. */
  selectedShare: number;
  /** Share of baseline spans with the pair, 0..1. */
  baselineShare: number;
  /** selectedShare - baselineShare: positive when the pair marks the selection. */
  score: number;
}

/** The pairs, highest score first (ties by scope, key, value). */
export function compareAttributes(frequencies: AttributeFrequencies): AttributeDifference[] {
  const share = (count: number, total: number) => (total > 0 ? count / total : 0);
  return frequencies.values
    .map(({ scope, key, value, selected, baseline }) => {
      const selectedShare = share(selected, frequencies.selectedSpans);
      const baselineShare = share(baseline, frequencies.baselineSpans);
      return { scope, key, value, selectedShare, baselineShare, score: selectedShare - baselineShare };
    })
    .sort((a, b) => b.score - a.score || a.scope.localeCompare(b.scope) || a.key.localeCompare(b.key) || a.value.localeCompare(b.value));
}
