// Seeded random span data and seeded random searches for the differential test of the
// stores (test/store/differential.test.ts): the same world is written to every store and
// every store must answer each search alike. A world is a few hours of traces across a
// midnight; a search is drawn from one of its spans (so it matches something) through
// CONDITIONS, the one list to extend when TraceQuery grows a condition.
import { emptyAttributes, SpanKind, StatusCode, type Attributes, type SpanEvent, type SpanLink, type SpanRow } from '../../src/model/span.ts';
import type { AttributeFilter, AttributeScope, CompareOp, TraceQuery } from '../../src/store/span-store.ts';
import { seededRandom } from '../receive/fixtures.ts';
import { DAY, HOUR, MINUTE, MS, ns, SECOND } from './span-builder.ts';

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Some of the items, in their order. */
  some<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }
  bigintBelow(below: bigint): bigint {
    return below <= 0n ? 0n : BigInt(Math.floor(this.next() * Number(below))) % below;
  }
  hex(digits: number): string {
    let text = '';
    for (let i = 0; i < digits; i++) text += '0123456789abcdef'[this.int(16)];
    return text;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A seed for the i-th thing drawn from `seed`: distinct, stable, and printable. */
export function subSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}

// ---------------------------------------------------------------------------------------
// Worlds

export interface World {
  seed: number;
  /** Every span written, once each (replays not repeated). */
  spans: SpanRow[];
  /** Written in this order, one writeBatch each. */
  batches: SpanRow[][];
  /** Batches written once more after `batches` (at-least-once delivery: a WAL replay). */
  replays: SpanRow[][];
  /** Traces with a span in a replayed batch. */
  replayedTraces: Set<string>;
  traceIds: string[];
  /** Earliest and latest span start. */
  startNs: bigint;
  endNs: bigint;
}

const SERVICES = ['frontend', 'checkout', 'payments', 'inventory', 'queue-worker', 'ünïcødé-svc'];
const OPERATIONS = ['GET /', 'POST /checkout', 'charge', 'reserve', 'SELECT orders', 'publish', 'consume', ''];
const EVENT_NAMES = ['exception', 'retry', 'cache.miss', 'ack', 'Ünïcode event'];
const STRINGS = ['GET', 'POST', 'eu-west', 'us-east', '', 'ünïcode ✓', "it's \"quoted\"\\", 'a'.repeat(40), 'nul\u0000byte', '😀', '\ufb00', 'get'];
const INTS = [0n, 1n, -1n, 200n, 404n, 500n, 503n, -42n, 9223372036854775807n, -9223372036854775808n, 4294967296n, -4294967297n];
// Doubles the stores keep and compare: NaN, infinities, -0 and a subnormal among them.
const DOUBLES = [0, -0, 0.25, -1.5, 3.141592653589793, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity];
const OTHERS = [
  '{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"}]}}',
  '{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}',
  '{"bytesValue":"AAEC"}',
  '{"arrayValue":{}}',
];
/** Attribute keys by the types they come in: some keys come in several types across spans. */
const KEYS: Record<'string' | 'int' | 'double' | 'bool' | 'other', string[]> = {
  // Keys past U+FFFF and just below it: UTF-16 and UTF-8 order them differently.
  string: ['http.method', 'region', 'http.status_code', 'note', 'ünï.key', '😀.key', '\ufb00.key', ''],
  int: ['http.status_code', 'retries', 'big', 'attempt'],
  double: ['ratio', 'load', 'retries'],
  bool: ['cached', 'sampled.flag'],
  other: ['tags', 'headers', 'payload'],
};
const PEER_KEYS = ['peer.service', 'db.system', 'db.name', 'server.address', 'net.peer.name'];
const PEERS = ['postgres', 'redis', 'api.example.com', 'kafka'];

function randomAttributes(r: Random, maxPerType: number, extra?: (a: Attributes) => void): Attributes {
  const a = emptyAttributes();
  for (const key of r.some(KEYS.string, 0.3).slice(0, maxPerType)) (a.strKeys.push(key), a.strValues.push(r.pick(STRINGS)));
  for (const key of r.some(KEYS.int, 0.3).slice(0, maxPerType)) (a.intKeys.push(key), a.intValues.push(r.pick(INTS)));
  for (const key of r.some(KEYS.double, 0.25).slice(0, maxPerType)) (a.dblKeys.push(key), a.dblValues.push(r.pick(DOUBLES)));
  for (const key of r.some(KEYS.bool, 0.3).slice(0, maxPerType)) (a.boolKeys.push(key), a.boolValues.push(r.chance(0.5)));
  for (const key of r.some(KEYS.other, 0.15).slice(0, maxPerType)) (a.otherKeys.push(key), a.otherValues.push(r.pick(OTHERS)));
  extra?.(a);
  return a;
}

/**
 * `traceCount` traces of up to a dozen spans over 4 hours around a midnight. The world's
 * midnight is `seed % 1000` pairs of days after 2026-01-01, so worlds of different seeds
 * share one store without meeting.
 */
export function makeWorld(seed: number, traceCount: number): World {
  const r = new Random(seed);
  const midnight = ns('2026-01-01T00:00:00Z') + BigInt(seed % 1000) * 2n * DAY;
  const windowStart = midnight - 2n * HOUR;
  const resources = SERVICES.map((service) => ({
    service,
    resource: {
      attributes: randomAttributes(r, 2, (a) => (a.strKeys.push('service.name'), a.strValues.push(service))),
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
  }));
  const scopes = ['auto', 'manual'].map((name) => ({
    name,
    version: '1.0',
    attributes: randomAttributes(r, 1),
    droppedAttributesCount: 0,
    schemaUrl: '',
  }));

  const spans: SpanRow[] = [];
  const traceIds: string[] = [];
  const producers: SpanRow[] = [];
  let previousStarts: bigint[] = [];
  for (let t = 0; t < traceCount; t++) {
    // Odd ids: a 64-bit id padded with zeros, or a 128-bit id sharing its low half with
    // an earlier trace's (the low-half fallback of getTraces must pick them alike).
    let traceId = r.hex(32);
    if (r.chance(0.15)) traceId = '0'.repeat(16) + r.hex(16);
    else if (r.chance(0.1) && traceIds.length > 0) traceId = r.hex(16) + r.pick(traceIds).slice(16);
    if (traceIds.includes(traceId)) continue;
    traceIds.push(traceId);
    // Some traces are twins of the one before: their spans start at the very nanoseconds
    // the earlier trace's did, so searches meet ties (broken by trace id).
    const twin = r.chance(0.2) ? previousStarts : [];
    // A quarter start within 50 ms of midnight, to cross it.
    const traceStart =
      twin[0] ?? (r.chance(0.25) ? midnight - 50n * MS + r.bigintBelow(100n * MS) : windowStart + r.bigintBelow(4n * HOUR)) + (r.chance(0.5) ? 0n : r.bigintBelow(MS));
    const traceSpans: SpanRow[] = [];
    // Now and then a child starts up to 40 minutes late: traces over several time buckets and over midnight.
    const offset = (below: bigint) => r.bigintBelow(below);
    const makeSpan = (parent: SpanRow | undefined, drawnStart: bigint, kind: number): SpanRow => {
      const start = twin[traceSpans.length] ?? drawnStart;
      const { service, resource } = r.pick(resources);
      const duration = r.chance(0.05) ? -r.bigintBelow(MS) : r.chance(0.1) ? 0n : r.bigintBelow(r.chance(0.2) ? 10n * SECOND : 50n * MS);
      const events: SpanEvent[] = [];
      for (let e = r.int(4) - 1; e > 0; e--) {
        events.push({ timeNs: start + r.bigintBelow(MS), name: r.pick(EVENT_NAMES), attributes: randomAttributes(r, 1), droppedAttributesCount: 0 });
      }
      const links: SpanLink[] = [];
      if (r.chance(0.1) && spans.length > 0) {
        const target = r.pick(spans);
        links.push({ traceId: target.traceId, spanId: target.spanId, traceState: '', flags: 0, attributes: randomAttributes(r, 1), droppedAttributesCount: 0 });
      }
      const statusCode = r.chance(0.15) ? StatusCode.ERROR : r.pick([StatusCode.UNSET, StatusCode.OK]);
      const span: SpanRow = {
        traceId,
        spanId: r.hex(16),
        parentSpanId: parent?.spanId ?? '',
        traceState: r.chance(0.1) ? 'vendor=1' : '',
        flags: 1,
        name: r.pick(OPERATIONS),
        kind,
        startNs: start,
        endNs: start + duration,
        statusCode,
        statusMessage: statusCode === StatusCode.ERROR ? r.pick(['boom', '', 'timeout ✗']) : '',
        attributes: randomAttributes(r, 3, (a) => {
          if (kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER) {
            for (const key of r.some(PEER_KEYS, 0.3)) (a.strKeys.push(key), a.strValues.push(r.pick(PEERS)));
          }
        }),
        droppedAttributesCount: 0,
        events,
        droppedEventsCount: 0,
        links,
        droppedLinksCount: 0,
        serviceName: service,
        resource,
        scope: r.pick(scopes),
      };
      traceSpans.push(span);
      return span;
    };
    // A root (SERVER, or a CONSUMER linked to an earlier PRODUCER); sometimes missing, the
    // first spans then name a parent that never arrives.
    const hasRoot = r.chance(0.85);
    const root = hasRoot ? makeSpan(undefined, traceStart, r.chance(0.2) ? SpanKind.CONSUMER : SpanKind.SERVER) : undefined;
    if (root?.kind === SpanKind.CONSUMER && producers.length > 0) {
      const producer = r.pick(producers);
      root.links = [{ traceId: producer.traceId, spanId: producer.spanId, traceState: '', flags: 0, attributes: emptyAttributes(), droppedAttributesCount: 0 }];
    }
    const missingParent = { spanId: r.hex(16) } as SpanRow;
    const parents: SpanRow[] = root === undefined ? [] : [root];
    for (let n = 1 + r.int(10); n > 0; n--) {
      const parent = parents.length === 0 ? missingParent : r.pick(parents);
      const kind = r.pick([SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.SERVER, SpanKind.UNSPECIFIED]);
      const child = makeSpan(parent, (parent.startNs ?? traceStart) + offset(r.chance(0.03) ? 40n * MINUTE : 20n * MS), kind);
      parents.push(child);
      if (kind === SpanKind.PRODUCER) producers.push(child);
      // A Zipkin shared span: the server half under the client's span id.
      if (kind === SpanKind.CLIENT && r.chance(0.3)) {
        const server = makeSpan(parent, child.startNs + (r.chance(0.3) ? 0n : offset(MS)), SpanKind.SERVER);
        server.spanId = child.spanId;
        parents.push(server);
      }
    }
    spans.push(...traceSpans);
    previousStarts = traceSpans.map((s) => s.startNs);
  }

  // Spans of all traces shuffled into batches, so most traces are split over several.
  const shuffled = r.shuffle([...spans]);
  const batches: SpanRow[][] = [];
  for (let i = 0; i < shuffled.length; ) {
    // Few and large (a store write costs ~0.2 s here), but a few small ones to replay.
    const size = r.chance(0.3) ? 1 + r.int(6) : 20 + r.int(120);
    batches.push(shuffled.slice(i, i + size));
    i += size;
  }
  // Small batches replayed, so that most traces keep counts every store must agree on.
  const replays = r.shuffle(batches.filter((batch) => batch.length <= 6)).slice(0, 1 + r.int(2));
  const starts = spans.map((s) => s.startNs);
  return {
    seed,
    spans,
    batches,
    replays,
    replayedTraces: new Set(replays.flat().map((s) => s.traceId)),
    traceIds,
    startNs: starts.reduce((a, b) => (a < b ? a : b)),
    endNs: starts.reduce((a, b) => (a > b ? a : b)),
  };
}

// ---------------------------------------------------------------------------------------
// Searches

/** Part of a TraceQuery; attribute filters and event names of several parts add up. */
type QueryPart = Partial<TraceQuery>;

/**
 * One kind of condition of a search. `holding` gives a condition that holds on the span
 * (or undefined when the span offers none), `missing` one that holds on no span of the
 * world. To search by something new, add an entry here.
 */
interface Condition {
  name: string;
  /** How often a search takes it, 0..1. */
  p: number;
  holding(span: SpanRow, r: Random, world: World): QueryPart | undefined;
  missing?(r: Random): QueryPart;
}

const OPS: CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

function durationOf(span: SpanRow): bigint {
  return span.endNs - span.startNs;
}

/** The span's typed attributes in a scope, as filters that hold on it (or, sometimes, a random bound). */
function attributeFilter(span: SpanRow, scope: AttributeScope, r: Random): AttributeFilter | undefined {
  const sets: Attributes[] = scope === 'span' ? [span.attributes] : scope === 'resource' ? [span.resource.attributes] : span.events.map((e) => e.attributes);
  const choices: AttributeFilter[] = [];
  for (const a of sets) {
    a.strKeys.forEach((key, i) => {
      const value = r.chance(0.7) ? a.strValues[i]! : r.pick(STRINGS);
      choices.push({ scope, key, type: 'string', op: value === a.strValues[i] ? '=' : r.pick(['=', '!='] as const), value });
    });
    a.intKeys.forEach((key, i) => choices.push({ scope, key, type: 'int', op: r.pick(OPS), value: r.chance(0.5) ? a.intValues[i]! : r.pick(INTS) }));
    a.dblKeys.forEach((key, i) => choices.push({ scope, key, type: 'double', op: r.pick(OPS), value: r.chance(0.5) ? a.dblValues[i]! : r.pick(DOUBLES) }));
    a.boolKeys.forEach((key, i) => choices.push({ scope, key, type: 'bool', op: r.pick(['=', '!='] as const), value: r.chance(0.7) ? a.boolValues[i]! : r.chance(0.5) }));
    for (const key of [...a.strKeys, ...a.intKeys, ...a.dblKeys, ...a.boolKeys, ...a.otherKeys]) choices.push({ scope, key, type: 'exists' });
  }
  return choices.length === 0 ? undefined : r.pick(choices);
}

const attributeCondition = (scope: AttributeScope, p: number): Condition => ({
  name: `${scope} attribute`,
  p,
  holding: (span, r) => {
    const filter = attributeFilter(span, scope, r);
    return filter && { attributes: [filter] };
  },
  missing: (r) => ({
    attributes: [
      r.pick<AttributeFilter>([
        { scope, key: 'no.such.key', type: 'exists' },
        { scope, key: 'http.method', type: 'string', op: '=', value: 'TRACE' },
        { scope, key: 'big', type: 'int', op: '>', value: 9223372036854775807n },
        { scope, key: 'ratio', type: 'double', op: '>', value: Infinity },
      ]),
    ],
  }),
});

export const CONDITIONS: Condition[] = [
  { name: 'service', p: 0.4, holding: (s) => ({ service: s.serviceName }), missing: () => ({ service: 'no-such-service' }) },
  { name: 'operation', p: 0.3, holding: (s) => ({ operation: s.name }), missing: () => ({ operation: 'no such operation' }) },
  { name: 'span kind', p: 0.2, holding: (s) => ({ spanKind: s.kind }) },
  { name: 'errors only', p: 0.2, holding: (s) => (s.statusCode === StatusCode.ERROR ? { errorsOnly: true } : undefined) },
  { name: 'min duration', p: 0.2, holding: (s, r) => ({ minDurationNs: durationOf(s) - (r.chance(0.3) ? 0n : r.bigintBelow(10n * MS)) }) },
  { name: 'max duration', p: 0.2, holding: (s, r) => ({ maxDurationNs: durationOf(s) + (r.chance(0.3) ? 0n : r.bigintBelow(10n * MS)) }), missing: () => ({ maxDurationNs: -10n * SECOND }) },
  attributeCondition('span', 0.4),
  attributeCondition('resource', 0.25),
  attributeCondition('event', 0.2),
  {
    name: 'event names',
    p: 0.2,
    holding: (s, r) => (s.events.length === 0 ? undefined : { eventNames: [...new Set(r.some(s.events, 0.6).map((e) => e.name))] }),
    missing: () => ({ eventNames: ['no such event'] }),
  },
];

const LIMITS = [1, 2, 3, 5, 10, 20, 50, 1000];

export interface Search {
  query: TraceQuery;
  /** What it was drawn from, for the failure message. */
  drawnFrom: string;
}

/** A search drawn from one span of the world (or, one time in ten, one that matches nothing). */
export function makeSearch(world: World, seed: number): Search {
  const r = new Random(seed);
  const span = r.pick(world.spans);
  const query: TraceQuery = { attributes: [], startNs: 0n, endNs: 0n, limit: r.pick(LIMITS) };
  const taken: string[] = [];
  const add = (part: QueryPart) => {
    const { attributes = [], eventNames, ...rest } = part;
    Object.assign(query, rest);
    query.attributes.push(...attributes);
    if (eventNames !== undefined) query.eventNames = [...(query.eventNames ?? []), ...eventNames];
  };
  for (const condition of CONDITIONS) {
    if (!r.chance(condition.p)) continue;
    const part = condition.holding(span, r, world);
    if (part === undefined) continue;
    add(part);
    taken.push(condition.name);
  }
  const missing = r.chance(0.1) ? r.pick(CONDITIONS.filter((c) => c.missing !== undefined)) : undefined;
  if (missing !== undefined) {
    add(missing.missing!(r));
    taken.push(`missing ${missing.name}`);
  }
  // The window holds the span's start: the whole world, a few minutes around it, or just it.
  const shape = r.int(10);
  if (shape < 3) [query.startNs, query.endNs] = [world.startNs - HOUR, world.endNs + HOUR];
  else if (shape < 8) [query.startNs, query.endNs] = [span.startNs - r.bigintBelow(90n * MINUTE), span.startNs + r.bigintBelow(30n * MINUTE)];
  else if (shape < 9) [query.startNs, query.endNs] = [span.startNs, span.startNs];
  else if (r.chance(0.3)) [query.startNs, query.endNs] = [-1n, ns('2100-01-01T00:00:00Z')]; // all worlds written so far, from before the epoch
  else if (r.chance(0.5)) [query.startNs, query.endNs] = [world.startNs - 2n * HOUR, world.startNs - 1n]; // before everything
  else [query.startNs, query.endNs] = [span.startNs + 1n, span.startNs]; // ends before it starts
  return { query, drawnFrom: `span ${span.traceId}/${span.spanId}; ${taken.join(', ') || 'window only'}` };
}

/** A query as text a person can read and paste (bigints as strings). */
export function showQuery(query: unknown): string {
  return JSON.stringify(query, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value}n` : typeof value === 'number' && !Number.isFinite(value) ? String(value) : Object.is(value, -0) ? '-0' : value,
  );
}
