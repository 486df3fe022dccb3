// Attribute filters in the syntax of /api/v1/search's `attr`: `scope.key op value`, scope
// `span` (the default), `resource` or `event`; a value's spelling gives its type
// ("quoted" string, 500 int, 0.5 double, true/false bool); just `scope.key`: it exists.
export const OPERATORS = ['=', '!=', '>', '>=', '<', '<=', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface AttrFilter {
  /** the key as typed, with its scope prefix for resource and event attributes */
  target: string;
  op: Operator;
  value: string;
}

export interface KnownAttribute {
  scope: string;
  key: string;
  type: string;
}

const SCOPES = ['span', 'resource', 'event'];

/** How a known attribute is written in a filter: `key`, `resource.key`, `event.key`. */
export function targetOf(attribute: Pick<KnownAttribute, 'scope' | 'key'>): string {
  if (attribute.scope !== 'span') return `${attribute.scope}.${attribute.key}`;
  return SCOPES.some((s) => attribute.key.startsWith(`${s}.`)) ? `span.${attribute.key}` : attribute.key;
}

/** A filter's target → [scope, key]. */
export function splitTarget(target: string): [string, string] {
  for (const scope of SCOPES) if (target.startsWith(`${scope}.`)) return [scope, target.slice(scope.length + 1)];
  return ['span', target];
}

export function parseAttrFilter(text: string): AttrFilter {
  const at = text.search(/!=|>=|<=|=|>|</);
  if (at < 0) return { target: text.trim(), op: 'exists', value: '' };
  const op = /^(!=|>=|<=|=|>|<)/.exec(text.slice(at))![1] as Operator;
  return { target: text.slice(0, at).trim(), op, value: text.slice(at + op.length).trim() };
}

/**
 * The filter as `attr` text; a value of an attribute known only as a string is quoted, so
 * that `500` finds the string "500" rather than the int 500.
 */
export function formatAttrFilter(filter: AttrFilter, known: KnownAttribute[]): string {
  const target = filter.target.trim();
  if (filter.op === 'exists') return target;
  const value = filter.value.trim();
  const [scope, key] = splitTarget(target);
  const types = known.filter((a) => a.scope === scope && a.key === key).map((a) => a.type);
  const onlyString = types.length > 0 && types.every((t) => t === 'string');
  const quoted = /^".*"$/s.test(value) || !onlyString ? value : `"${value}"`;
  return `${target}${filter.op}${quoted}`;
}
