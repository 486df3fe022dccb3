// Skein's span rows back into an OTLP/JSON request body ({ resourceSpans: [...] }), as the
// API answers "trace by id". It is the inverse of src/receive/otlp-json.ts:
// decodeOtlpJson(JSON.stringify(spansToOtlpJson(rows))) gives the rows back.
// OTLP/JSON is proto3 JSON with two OTLP rules: ids are hex (not base64) and enums are
// integers. 64-bit integers are strings, so nothing is lost in a JavaScript client.
import type { Attributes, Resource, Scope, SpanEvent, SpanLink, SpanRow } from './span.ts';

/** OTLP/JSON AnyValue. Exactly one member is set; none for an empty value. */
export interface AnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string */
  intValue?: string;
  /** a number, or "NaN" / "Infinity" / "-Infinity" / "-0" (see jsonDouble) */
  doubleValue?: number | string;
  arrayValue?: { values: AnyValueJson[] };
  kvlistValue?: { values: KeyValueJson[] };
  /** standard base64 with padding */
  bytesValue?: string;
}

export interface KeyValueJson {
  key: string;
  value: AnyValueJson;
}

export interface ResourceJson {
  attributes: KeyValueJson[];
  droppedAttributesCount: number;
}

export interface ScopeJson {
  name: string;
  version: string;
  attributes: KeyValueJson[];
  droppedAttributesCount: number;
}

export interface EventJson {
  timeUnixNano: string;
  name: string;
  attributes: KeyValueJson[];
  droppedAttributesCount: number;
}

export interface LinkJson {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: KeyValueJson[];
  droppedAttributesCount: number;
  flags: number;
}

export interface SpanJson {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValueJson[];
  droppedAttributesCount: number;
  events: EventJson[];
  droppedEventsCount: number;
  links: LinkJson[];
  droppedLinksCount: number;
  status: { message: string; code: number };
}

export interface ScopeSpansJson {
  scope: ScopeJson;
  spans: SpanJson[];
  schemaUrl: string;
}

export interface ResourceSpansJson {
  resource: ResourceJson;
  scopeSpans: ScopeSpansJson[];
  schemaUrl: string;
}

export interface TracesDataJson {
  resourceSpans: ResourceSpansJson[];
}

/**
 * A double as proto3 JSON writes it: a JSON number, or a string for what JSON numbers
 * cannot hold (NaN, ±Infinity). -0 is written "-0" too, since JSON.stringify(-0) is "0"
 * and the sign would not round-trip.
 */
export function jsonDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

/** The spans of one resource and scope. */
export interface ScopeGroup {
  scope: Scope;
  spans: SpanRow[];
}

/** The spans of one resource, by scope. */
export interface ResourceGroup {
  resource: Resource;
  scopes: ScopeGroup[];
}

/**
 * Groups the spans under their resource and scope, in order of first appearance, as OTLP
 * nests them (ResourceSpans > ScopeSpans > spans). Spans whose resources (or scopes) are
 * distinct objects with equal content share one group, as rows read back from the store
 * do not share objects; a group holds the first of its equal objects.
 */
export function groupSpans(spans: readonly SpanRow[]): ResourceGroup[] {
  const resourceGroups = new Map<string, { group: ResourceGroup; scopeGroups: Map<string, ScopeGroup> }>();
  // Content keys are made once per object, not once per span.
  const resourceKeys = new Map<Resource, string>();
  const scopeKeys = new Map<Scope, string>();

  for (const span of spans) {
    const resourceKey = contentKey(resourceKeys, span.resource, resourceContentKey);
    let resourceGroup = resourceGroups.get(resourceKey);
    if (resourceGroup === undefined) {
      resourceGroup = { group: { resource: span.resource, scopes: [] }, scopeGroups: new Map() };
      resourceGroups.set(resourceKey, resourceGroup);
    }

    const scopeKey = contentKey(scopeKeys, span.scope, scopeContentKey);
    let scopeGroup = resourceGroup.scopeGroups.get(scopeKey);
    if (scopeGroup === undefined) {
      scopeGroup = { scope: span.scope, spans: [] };
      resourceGroup.scopeGroups.set(scopeKey, scopeGroup);
      resourceGroup.group.scopes.push(scopeGroup);
    }

    scopeGroup.spans.push(span);
  }
  return Array.from(resourceGroups.values(), ({ group }) => group);
}

function contentKey<T>(keys: Map<T, string>, object: T, keyOf: (object: T) => string): string {
  let key = keys.get(object);
  if (key === undefined) {
    key = keyOf(object);
    keys.set(object, key);
  }
  return key;
}

const resourceContentKey = (resource: Resource) => JSON.stringify([resourceToJson(resource), resource.schemaUrl]);
const scopeContentKey = (scope: Scope) => JSON.stringify([scopeToJson(scope), scope.schemaUrl]);

/** The spans as an OTLP/JSON TracesData, grouped by resource and scope (see groupSpans). */
export function spansToOtlpJson(spans: readonly SpanRow[]): TracesDataJson {
  return {
    resourceSpans: groupSpans(spans).map(({ resource, scopes }) => ({
      resource: resourceToJson(resource),
      scopeSpans: scopes.map(({ scope, spans: scopeSpans }) => ({
        scope: scopeToJson(scope),
        spans: scopeSpans.map(spanToJson),
        schemaUrl: scope.schemaUrl,
      })),
      schemaUrl: resource.schemaUrl,
    })),
  };
}

function resourceToJson(resource: Resource): ResourceJson {
  return { attributes: attributesToJson(resource.attributes), droppedAttributesCount: resource.droppedAttributesCount };
}

function scopeToJson(scope: Scope): ScopeJson {
  return {
    name: scope.name,
    version: scope.version,
    attributes: attributesToJson(scope.attributes),
    droppedAttributesCount: scope.droppedAttributesCount,
  };
}

function spanToJson(span: SpanRow): SpanJson {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceState: span.traceState,
    parentSpanId: span.parentSpanId,
    flags: span.flags,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startNs.toString(),
    endTimeUnixNano: span.endNs.toString(),
    attributes: attributesToJson(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map(eventToJson),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map(linkToJson),
    droppedLinksCount: span.droppedLinksCount,
    status: { message: span.statusMessage, code: span.statusCode },
  };
}

function eventToJson(event: SpanEvent): EventJson {
  return {
    timeUnixNano: event.timeNs.toString(),
    name: event.name,
    attributes: attributesToJson(event.attributes),
    droppedAttributesCount: event.droppedAttributesCount,
  };
}

function linkToJson(link: SpanLink): LinkJson {
  return {
    traceId: link.traceId,
    spanId: link.spanId,
    traceState: link.traceState,
    attributes: attributesToJson(link.attributes),
    droppedAttributesCount: link.droppedAttributesCount,
    flags: link.flags,
  };
}

/** Typed columns back to a KeyValue list, one type after another. */
function attributesToJson(attributes: Attributes): KeyValueJson[] {
  const list: KeyValueJson[] = [];
  attributes.strKeys.forEach((key, i) => list.push({ key, value: { stringValue: attributes.strValues[i] } }));
  attributes.intKeys.forEach((key, i) => list.push({ key, value: { intValue: attributes.intValues[i].toString() } }));
  attributes.dblKeys.forEach((key, i) => list.push({ key, value: { doubleValue: jsonDouble(attributes.dblValues[i]) } }));
  attributes.boolKeys.forEach((key, i) => list.push({ key, value: { boolValue: attributes.boolValues[i] } }));
  // Already OTLP/JSON AnyValue text, written by a decoder.
  attributes.otherKeys.forEach((key, i) => list.push({ key, value: JSON.parse(attributes.otherValues[i]) as AnyValueJson }));
  return list;
}
