// Scores of a ranking against ground truth, as the RCAEval benchmark defines them:
// AC@k, the share of the true root causes found in the top k (over min(k, number of
// causes)), and Avg@5, the mean of AC@1..AC@5. Averaged per fault type and split.
import type { Scenario } from './scenarios.ts';

export interface Scored {
  scenario: Scenario;
  method: string;
  /** AC@1..AC@5 of this scenario. */
  ac: number[];
}

export function scoreRanking(scenario: Scenario, method: string, ranking: string[]): Scored {
  const ac = [1, 2, 3, 4, 5].map((k) => {
    const top = new Set(ranking.slice(0, k));
    const found = scenario.truth.filter((service) => top.has(service)).length;
    return found / Math.min(k, scenario.truth.length);
  });
  return { scenario, method, ac };
}

const mean = (values: number[]) => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
const f2 = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));

/** Markdown tables: per method, per fault type and split, AC@1, AC@3, Avg@5. */
export function summarize(scored: Scored[], run: { seed: number; rps: number; baselineS: number; faultS: number; minutes: number }): string {
  const methods = [...new Set(scored.map((s) => s.method))];
  const types = [...new Set(scored.map((s) => s.scenario.type))].sort();
  const row = (label: string, items: Scored[]) =>
    `| ${label} | ${items.length / methods.length} | ${methods
      .map((m) => {
        const mine = items.filter((s) => s.method === m);
        return `${f2(mean(mine.map((s) => s.ac[0])))} | ${f2(mean(mine.map((s) => s.ac[2])))} | ${f2(mean(mine.map((s) => mean(s.ac))))}`;
      })
      .join(' | ')} |`;
  const header = `| fault type | scenarios | ${methods.map((m) => `${m} AC@1 | AC@3 | Avg@5`).join(' | ')} |`;
  const rule = `|---|---|${methods.map(() => '---|---|---').join('|')}|`;
  const lines = [
    `Seed ${run.seed}, ${run.rps} requests/s, ${run.baselineS} s baseline and ${run.faultS} s of fault per scenario, ${run.minutes} min in all.`,
    '',
    header,
    rule,
    ...types.map((t) => row(t, scored.filter((s) => s.scenario.type === t))),
    row('**held-out**', scored.filter((s) => s.scenario.split === 'held-out')),
    row('dev', scored.filter((s) => s.scenario.split === 'dev')),
    row('**all**', scored),
  ];
  return lines.join('\n');
}
