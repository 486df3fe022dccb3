// Search by untyped tags, as Jaeger (`tags={"k":"v"}`), Tempo (`tags=k=v`) and Jaeger's
// api_v3 (`query.attributes`) send them: a tag is a key and a text value, with no type
// and no scope. The store's filters are typed and scoped, and ANDed with no OR, so a
// tag stands for several filters (see tagMatches), each combination is one store search,
// and the results are merged.
import type { AttributeFilter, AttributeName, AttributeScope, TraceQuery, TraceReader, TraceSummary } from '../store/span-store.ts';
import { ParamError } from './search-params.ts';

/** Conditions that together stand for one tag (or for several, once combined). */
export interface TagMatch {
  attributes: AttributeFilter[];
  errorsOnly?: boolean;
  spanKind?: number;
  eventNames?: string[];
}

/** Most store searches one tag search may fan out to. */
const MAX_SEARCHES = 64;

/**
 * Traces with a span that has every tag (and meets `base`), newest first. `derived`
 * adds the dialect's own readings of a tag (Jaeger's `error=true` is status ERROR);
 * `param` names the parameter in errors.
 */
export async function searchByTags(
  store: TraceReader,
  base: TraceQuery,
  tags: [string, string][],
  param: string,
  derived: (key: string, value: string) => TagMatch[],
  signal: AbortSignal,
): Promise<TraceSummary[]> {
  if (tags.length === 0) return store.searchTraces(base, signal);
  const names = await store.listAttributeNames(base.startNs, base.endNs, signal);
  return searchAnyOf(store, base, tags.map(([key, value]) => [...tagMatches(key, value, names), ...derived(key, value)]), param, signal);
}

/**
 * Traces with a span that meets `base` and, for each term, one of the term's matches:
 * each combination is one store search, and the results are merged.
 */
export async function searchAnyOf(store: TraceReader, base: TraceQuery, terms: TagMatch[][], param: string, signal: AbortSignal): Promise<TraceSummary[]> {
  const combinations = terms.reduce<TagMatch[]>(
    (acc, matches) => acc.flatMap((a) => matches.flatMap((b) => combine(a, b) ?? [])),
    [{ attributes: base.attributes, errorsOnly: base.errorsOnly, spanKind: base.spanKind, eventNames: base.eventNames }],
  );
  if (combinations.length > MAX_SEARCHES) {
    throw new ParamError(param, `the terms match in too many ways (${combinations.length} searches, at most ${MAX_SEARCHES})`);
  }
  const results = await Promise.all(combinations.map((match) => store.searchTraces({ ...base, ...match }, signal)));
  if (results.length === 1) return results[0];
  // Several searches: merge, newest first. The store orders each result by the latest
  // start of a matching span, which summaries do not carry, so the merge orders by the
  // trace's start time (then trace id); limit applies to the merged list.
  const byId = new Map<string, TraceSummary>();
  for (const summary of results.flat()) byId.set(summary.traceId, summary);
  return [...byId.values()]
    .sort((a, b) => (a.startNs === b.startNs ? (a.traceId < b.traceId ? -1 : 1) : a.startNs > b.startNs ? -1 : 1))
    .slice(0, base.limit);
}

function combine(a: TagMatch, b: TagMatch): TagMatch | undefined {
  if (a.spanKind !== undefined && b.spanKind !== undefined && a.spanKind !== b.spanKind) return undefined;
  return {
    attributes: [...a.attributes, ...b.attributes],
    errorsOnly: a.errorsOnly || b.errorsOnly || undefined,
    spanKind: a.spanKind ?? b.spanKind,
    eventNames: a.eventNames || b.eventNames ? [...(a.eventNames ?? []), ...(b.eventNames ?? [])] : undefined,
  };
}

/**
 * The ways one tag `key=value` can match a span's attributes: a string attribute equal
 * to the text, or an int/double/bool attribute when the text parses as that type ('500'
 * → int 500, double 500, string '500'), in the span's, its resource's or an event's
 * attributes. Only (scope, key, type) combinations the store has seen in the window are
 * searched, which usually leaves one.
 */
export function tagMatches(key: string, value: string, names: AttributeName[]): TagMatch[] {
  const typed: AttributeFilter[] = [{ scope: 'span', key, type: 'string', op: '=', value }];
  if (/^[+-]?\d+$/.test(value)) {
    const n = BigInt(value);
    if (n <= 0x7fffffffffffffffn && n >= -0x8000000000000000n) typed.push({ scope: 'span', key, type: 'int', op: '=', value: n });
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value)) typed.push({ scope: 'span', key, type: 'double', op: '=', value: Number(value) });
  if (value === 'true' || value === 'false') typed.push({ scope: 'span', key, type: 'bool', op: '=', value: value === 'true' });

  const seen = new Set(names.map((n) => `${n.scope}\u0000${n.type}\u0000${n.key}`));
  const matches: TagMatch[] = [];
  for (const scope of ['span', 'resource', 'event'] as AttributeScope[]) {
    for (const filter of typed) {
      if (seen.has(`${scope}\u0000${filter.type}\u0000${key}`)) matches.push({ attributes: [{ ...filter, scope }] });
    }
  }
  return matches;
}
