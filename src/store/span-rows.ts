// How a SpanRow maps onto the columns of the `spans` table, both ways: the column list
// (whose order is the RowBinary row layout), the encoder that writes spans in that layout,
// and the decoders that read selected rows (RowBinary too) back into spans and outlines. Each column group writes and reads its columns side by side, so the two
// cannot drift apart.
//
// Attributes searched by type live in parallel key/value arrays per type (span, resource,
// and all events' attributes flattened). Attributes that are only ever shown (scope,
// each event, each link) are kept as JSON text, see attributesToJson.
import { emptyAttributes, type Attributes, type Resource, type Scope, type SpanEvent, type SpanLink, type SpanRow } from '../model/span.ts';
import { RowBinaryReader, RowBinaryWriter } from './rowbinary.ts';
import type { AttributeScope, SpanOutline } from './span-store.ts';

export interface ColumnSpec {
  name: string;
  /** The type on every supported server. */
  type: string;
  /** Compression codec where the server has codecs; ZSTD(1) when not given. */
  codec?: string;
}

export type AttributeType = 'string' | 'int' | 'double' | 'bool' | 'other';

const ATTRIBUTE_COLUMN_PREFIX: Record<AttributeScope, string> = {
  span: 'attr_',
  resource: 'resource_attr_',
  event: 'event_attr_',
};

const ATTRIBUTE_VALUE_TYPES: Record<AttributeType, { infix: string; valueType: string }> = {
  string: { infix: 'str', valueType: 'String' },
  int: { infix: 'int', valueType: 'Int64' },
  double: { infix: 'dbl', valueType: 'Float64' },
  bool: { infix: 'bool', valueType: 'UInt8' },
  other: { infix: 'other', valueType: 'String' },
};

export const ATTRIBUTE_TYPES = Object.keys(ATTRIBUTE_VALUE_TYPES) as AttributeType[];
export const ATTRIBUTE_SCOPES = Object.keys(ATTRIBUTE_COLUMN_PREFIX) as AttributeScope[];

/** The key and value array columns holding one scope's attributes of one type. */
export function attributeColumns(scope: AttributeScope, type: AttributeType): { keys: string; values: string } {
  const base = ATTRIBUTE_COLUMN_PREFIX[scope] + ATTRIBUTE_VALUE_TYPES[type].infix;
  return { keys: `${base}_keys`, values: `${base}_values` };
}

/** SQL for an attribute value (`value`, of a column of this type) as the text people read. */
export function attributeValueText(type: AttributeType, value: string): string {
  if (type === 'string' || type === 'other') return value;
  return type === 'bool' ? `if(${value} = 1, 'true', 'false')` : `toString(${value})`;
}

// ---------------------------------------------------------------------------------------
// Columns and encoding. Each group names its columns and writes exactly those, in order,
// so the DDL and the RowBinary layout cannot drift apart.

/** A span being read: each group's read fills in its fields. */
type SpanInProgress = { -readonly [K in keyof SpanRow]?: SpanRow[K] };

interface ColumnGroup {
  columns: ColumnSpec[];
  write(writer: RowBinaryWriter, span: SpanRow): void;
  /** Reads the group's columns back, in order; absent for copies kept only for search. */
  read?(reader: RowBinaryReader, span: SpanInProgress): void;
  /**
   * The object that alone determines this group's values, when spans share it (all spans
   * of one ResourceSpans share their resource): its bytes are encoded once a batch.
   */
  sharedBy?(span: SpanRow): object;
}

const NS_PER_DAY = 86_400_000_000_000n;
const MAX_DATE_DAY = 0xffff;

// Spans of a batch mostly share a day: remember the last one, so most spans cost two
// comparisons instead of a bigint division (which allocates).
let cachedDay = 0;
let cachedDayStartNs = 0n;
let cachedDayEndNs = NS_PER_DAY;

/** Days since 1970-01-01 (UTC) of a time in ns, clamped to what a ClickHouse Date holds. */
export function dayOf(ns: bigint): number {
  if (ns >= cachedDayStartNs && ns < cachedDayEndNs) return cachedDay;
  const day = ns / NS_PER_DAY;
  if (day > BigInt(MAX_DATE_DAY)) return MAX_DATE_DAY;
  cachedDay = Number(day);
  cachedDayStartNs = day * NS_PER_DAY;
  cachedDayEndNs = cachedDayStartNs + NS_PER_DAY;
  return cachedDay;
}

function attributeColumnSpecs(scope: AttributeScope): ColumnSpec[] {
  return ATTRIBUTE_TYPES.flatMap((type) => {
    const { keys, values } = attributeColumns(scope, type);
    return [
      { name: keys, type: 'Array(String)' },
      { name: values, type: `Array(${ATTRIBUTE_VALUE_TYPES[type].valueType})` },
    ];
  });
}

/** The columns of attributeColumnSpecs, in their order. */
function readAttributes(reader: RowBinaryReader): Attributes {
  return {
    strKeys: reader.stringArray(),
    strValues: reader.stringArray(),
    intKeys: reader.stringArray(),
    intValues: reader.int64Array(),
    dblKeys: reader.stringArray(),
    dblValues: reader.float64Array(),
    boolKeys: reader.stringArray(),
    boolValues: reader.boolArray(),
    otherKeys: reader.stringArray(),
    otherValues: reader.stringArray(),
  };
}

function skipAttributes(reader: RowBinaryReader): void {
  reader.skipStringArray();
  reader.skipStringArray();
  reader.skipStringArray();
  reader.skipFixedArray(8);
  reader.skipStringArray();
  reader.skipFixedArray(8);
  reader.skipStringArray();
  reader.skipFixedArray(1);
  reader.skipStringArray();
  reader.skipStringArray();
}

// The resource and scope groups' columns, for RowBinaryReader.shared.
function readResource(reader: RowBinaryReader): Resource {
  return { attributes: readAttributes(reader), droppedAttributesCount: reader.uint32(), schemaUrl: reader.string() };
}

function skipResource(reader: RowBinaryReader): void {
  skipAttributes(reader);
  reader.uint32();
  reader.skipString();
}

function readScope(reader: RowBinaryReader): Scope {
  return {
    name: reader.string(),
    version: reader.string(),
    attributes: attributesFromJson(reader.string()),
    droppedAttributesCount: reader.uint32(),
    schemaUrl: reader.string(),
  };
}

function skipScope(reader: RowBinaryReader): void {
  reader.skipString();
  reader.skipString();
  reader.skipString();
  reader.uint32();
  reader.skipString();
}

/** The columns of attributeColumnSpecs, in their order. */
function writeAttributes(writer: RowBinaryWriter, attributes: Attributes): void {
  writer.stringArray(attributes.strKeys);
  writer.stringArray(attributes.strValues);
  writer.stringArray(attributes.intKeys);
  writer.int64Array(attributes.intValues);
  writer.stringArray(attributes.dblKeys);
  writer.float64Array(attributes.dblValues);
  writer.stringArray(attributes.boolKeys);
  writer.boolArray(attributes.boolValues);
  writer.stringArray(attributes.otherKeys);
  writer.stringArray(attributes.otherValues);
}

const SPAN_COLUMN_GROUPS: ColumnGroup[] = [
  {
    columns: [
      { name: 'start_date', type: 'Date' },
      { name: 'service_name', type: 'String' },
      { name: 'start_ns', type: 'UInt64', codec: 'Delta, ZSTD(1)' },
      { name: 'end_ns', type: 'UInt64', codec: 'Delta, ZSTD(1)' },
      { name: 'trace_id', type: 'FixedString(16)' },
      { name: 'span_id', type: 'FixedString(8)' },
      { name: 'parent_span_id', type: 'FixedString(8)' },
      { name: 'trace_state', type: 'String' },
      { name: 'flags', type: 'UInt32' },
      { name: 'name', type: 'String' },
      { name: 'kind', type: 'Int32' },
      { name: 'status_code', type: 'Int32' },
      { name: 'status_message', type: 'String' },
      { name: 'dropped_attributes_count', type: 'UInt32' },
    ],
    write(writer, span) {
      writer.uint16(dayOf(span.startNs));
      writer.string(span.serviceName);
      writer.uint64(span.startNs);
      writer.uint64(span.endNs);
      writer.hexBytes(span.traceId, 16);
      writer.hexBytes(span.spanId, 8);
      writer.hexBytes(span.parentSpanId, 8);
      writer.string(span.traceState);
      writer.uint32(span.flags);
      writer.string(span.name);
      writer.int32(span.kind);
      writer.int32(span.statusCode);
      writer.string(span.statusMessage);
      writer.uint32(span.droppedAttributesCount);
    },
    read(reader, span) {
      reader.uint16(); // start_date: the partition, implied by startNs
      span.serviceName = reader.string();
      span.startNs = reader.uint64();
      span.endNs = reader.uint64();
      span.traceId = reader.hexId(16);
      span.spanId = reader.hexId(8);
      span.parentSpanId = reader.hexId(8);
      span.traceState = reader.string();
      span.flags = reader.uint32();
      span.name = reader.string();
      span.kind = reader.int32();
      span.statusCode = reader.int32();
      span.statusMessage = reader.string();
      span.droppedAttributesCount = reader.uint32();
    },
  },
  {
    columns: attributeColumnSpecs('span'),
    write: (writer, span) => writeAttributes(writer, span.attributes),
    read(reader, span) {
      span.attributes = readAttributes(reader);
    },
  },
  {
    columns: [
      ...attributeColumnSpecs('resource'),
      { name: 'resource_dropped_attributes_count', type: 'UInt32' },
      { name: 'resource_schema_url', type: 'String' },
    ],
    sharedBy: (span) => span.resource,
    write(writer, { resource }) {
      writeAttributes(writer, resource.attributes);
      writer.uint32(resource.droppedAttributesCount);
      writer.string(resource.schemaUrl);
    },
    read(reader, span) {
      span.resource = reader.shared(skipResource, readResource);
    },
  },
  {
    columns: [
      { name: 'scope_name', type: 'String' },
      { name: 'scope_version', type: 'String' },
      { name: 'scope_attributes', type: 'String' },
      { name: 'scope_dropped_attributes_count', type: 'UInt32' },
      { name: 'scope_schema_url', type: 'String' },
    ],
    sharedBy: (span) => span.scope,
    write(writer, { scope }) {
      writer.string(scope.name);
      writer.string(scope.version);
      writer.string(attributesToJson(scope.attributes));
      writer.uint32(scope.droppedAttributesCount);
      writer.string(scope.schemaUrl);
    },
    read(reader, span) {
      span.scope = reader.shared(skipScope, readScope);
    },
  },
  {
    columns: [
      { name: 'event_times_ns', type: 'Array(UInt64)' },
      { name: 'event_names', type: 'Array(String)' },
      { name: 'event_attributes', type: 'Array(String)' },
      { name: 'event_dropped_attributes_counts', type: 'Array(UInt32)' },
      { name: 'dropped_events_count', type: 'UInt32' },
    ],
    write(writer, { events, droppedEventsCount }) {
      writer.varint(events.length);
      for (const event of events) writer.uint64(event.timeNs);
      writer.varint(events.length);
      for (const event of events) writer.string(event.name);
      writer.varint(events.length);
      for (const event of events) writer.string(attributesToJson(event.attributes));
      writer.varint(events.length);
      for (const event of events) writer.uint32(event.droppedAttributesCount);
      writer.uint32(droppedEventsCount);
    },
    read(reader, span) {
      const times = reader.uint64Array();
      const names = reader.stringArray();
      const attributes = reader.stringArray();
      const dropped = reader.uint32Array();
      span.events = [];
      for (let i = 0; i < times.length; i++) {
        span.events.push({ timeNs: times[i]!, name: names[i]!, attributes: attributesFromJson(attributes[i]!), droppedAttributesCount: dropped[i]! });
      }
      span.droppedEventsCount = reader.uint32();
    },
  },
  {
    columns: attributeColumnSpecs('event'),
    write: (writer, span) => writeAttributes(writer, allEventAttributes(span.events)),
  },
  {
    columns: [
      { name: 'link_trace_ids', type: 'Array(FixedString(16))' },
      { name: 'link_span_ids', type: 'Array(FixedString(8))' },
      { name: 'link_trace_states', type: 'Array(String)' },
      { name: 'link_flags', type: 'Array(UInt32)' },
      { name: 'link_attributes', type: 'Array(String)' },
      { name: 'link_dropped_attributes_counts', type: 'Array(UInt32)' },
      { name: 'dropped_links_count', type: 'UInt32' },
    ],
    write(writer, { links, droppedLinksCount }) {
      writer.varint(links.length);
      for (const link of links) writer.hexBytes(link.traceId, 16);
      writer.varint(links.length);
      for (const link of links) writer.hexBytes(link.spanId, 8);
      writer.varint(links.length);
      for (const link of links) writer.string(link.traceState);
      writer.varint(links.length);
      for (const link of links) writer.uint32(link.flags);
      writer.varint(links.length);
      for (const link of links) writer.string(attributesToJson(link.attributes));
      writer.varint(links.length);
      for (const link of links) writer.uint32(link.droppedAttributesCount);
      writer.uint32(droppedLinksCount);
    },
    read(reader, span) {
      const traceIds = reader.hexIdArray(16);
      const spanIds = reader.hexIdArray(8);
      const states = reader.stringArray();
      const flags = reader.uint32Array();
      const attributes = reader.stringArray();
      const dropped = reader.uint32Array();
      span.links = [];
      for (let i = 0; i < traceIds.length; i++) {
        span.links.push({
          traceId: traceIds[i]!,
          spanId: spanIds[i]!,
          traceState: states[i]!,
          flags: flags[i]!,
          attributes: attributesFromJson(attributes[i]!),
          droppedAttributesCount: dropped[i]!,
        });
      }
      span.droppedLinksCount = reader.uint32();
    },
  },
];

export const SPAN_COLUMNS: readonly ColumnSpec[] = SPAN_COLUMN_GROUPS.flatMap((group) => group.columns);
export const SPAN_COLUMN_NAMES: readonly string[] = SPAN_COLUMNS.map((column) => column.name);

/**
 * The spans as RowBinary rows in SPAN_COLUMNS order. Synchronous: the ingest pipeline
 * encodes each request as it is accepted (a few hundred spans, a few ms), so what waits
 * for the store is compact bytes rather than span objects.
 */
export function encodeSpans(spans: readonly SpanRow[]): Buffer {
  const writer = batchWriter;
  writer.reset();
  const sharedBytes = SPAN_COLUMN_GROUPS.map((group) => (group.sharedBy ? new Map<object, Buffer>() : undefined));
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    for (let g = 0; g < SPAN_COLUMN_GROUPS.length; g++) {
      const group = SPAN_COLUMN_GROUPS[g]!;
      const cache = sharedBytes[g];
      if (cache === undefined) {
        group.write(writer, span);
        continue;
      }
      const owner = group.sharedBy!(span);
      let bytes = cache.get(owner);
      if (bytes === undefined) {
        groupWriter.reset();
        group.write(groupWriter, span);
        bytes = Buffer.from(groupWriter.bytes());
        cache.set(owner, bytes);
      }
      writer.raw(bytes);
    }
  }
  // A copy of exactly the bytes written: what waits for the store holds no slack.
  return Buffer.from(writer.bytes());
}

// Reused by every encodeSpans call (it runs to completion, synchronously): a fresh
// writer per request allocated ~0.5 MB of external memory each time, and V8 answered the
// churn with full garbage collections (~30% of encoding time, profiled).
const batchWriter = new RowBinaryWriter(1 << 20);
const groupWriter = new RowBinaryWriter(1 << 12);

const NO_ATTRIBUTES = emptyAttributes();

/** Every event's attributes in one set, so one array condition searches all events. */
function allEventAttributes(events: readonly SpanEvent[]): Attributes {
  if (events.length === 0) return NO_ATTRIBUTES;
  if (events.length === 1) return events[0]!.attributes;
  const all = emptyAttributes();
  for (const { attributes } of events) {
    for (const field of Object.keys(all) as (keyof Attributes)[]) {
      (all[field] as unknown[]).push(...(attributes[field] as unknown[]));
    }
  }
  return all;
}

// ---------------------------------------------------------------------------------------
// Attributes as JSON text, for scope, event and link attributes. Compact pairs per type:
// {"s":[["key","value"]],"i":[["key","-5"]],"d":[["key",1.5]],"b":[["key",true]],"o":[["key","<AnyValue JSON>"]]}
// Ints are strings (JSON numbers would round them past 2^53); doubles JSON cannot hold
// (NaN, ±Infinity, -0) are strings too. No attributes at all is '' to save space.

type AttributePairs<V> = [string, V][];

interface AttributesJson {
  s?: AttributePairs<string>;
  i?: AttributePairs<string>;
  d?: AttributePairs<number | string>;
  b?: AttributePairs<boolean>;
  o?: AttributePairs<string>;
}

function attributesToJson(attributes: Attributes): string {
  if (isEmpty(attributes)) return '';
  const json: AttributesJson = {};
  if (attributes.strKeys.length > 0) json.s = zip(attributes.strKeys, attributes.strValues, (v) => v);
  if (attributes.intKeys.length > 0) json.i = zip(attributes.intKeys, attributes.intValues, String);
  if (attributes.dblKeys.length > 0) json.d = zip(attributes.dblKeys, attributes.dblValues, doubleToJson);
  if (attributes.boolKeys.length > 0) json.b = zip(attributes.boolKeys, attributes.boolValues, (v) => v);
  if (attributes.otherKeys.length > 0) json.o = zip(attributes.otherKeys, attributes.otherValues, (v) => v);
  return JSON.stringify(json);
}

function isEmpty(attributes: Attributes): boolean {
  return (
    attributes.strKeys.length === 0 &&
    attributes.intKeys.length === 0 &&
    attributes.dblKeys.length === 0 &&
    attributes.boolKeys.length === 0 &&
    attributes.otherKeys.length === 0
  );
}

function attributesFromJson(text: string): Attributes {
  const json = (text === '' ? {} : JSON.parse(text)) as AttributesJson;
  const keys = <V>(pairs: AttributePairs<V> | undefined) => (pairs ?? []).map(([key]) => key);
  const values = <V, R>(pairs: AttributePairs<V> | undefined, convert: (value: V) => R) =>
    (pairs ?? []).map(([, value]) => convert(value));
  return {
    strKeys: keys(json.s),
    strValues: values(json.s, (v) => v),
    intKeys: keys(json.i),
    intValues: values(json.i, BigInt),
    dblKeys: keys(json.d),
    dblValues: values(json.d, Number),
    boolKeys: keys(json.b),
    boolValues: values(json.b, (v) => v),
    otherKeys: keys(json.o),
    otherValues: values(json.o, (v) => v),
  };
}

function zip<V, J>(keys: readonly string[], values: readonly V[], toJson: (value: V) => J): [string, J][] {
  return keys.map((key, i) => [key, toJson(values[i]!)]);
}

function doubleToJson(value: number): number | string {
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value); // 'NaN', 'Infinity', '-Infinity'
}

// ---------------------------------------------------------------------------------------
// Reading. Trace reads select raw columns and come back as RowBinary (see RowBinaryReader);
// each SpanRead names its columns and reads them in that order. Every list includes
// span_id, kind and start_ns: a trace read orders and drops duplicates by them.

export interface SpanRead<T> {
  /** The SELECT list, raw columns. */
  select: string;
  read(reader: RowBinaryReader): T;
}

/** Every row of a RowBinary answer to `columns.select`. */
export function readRows<T>(bytes: Buffer, columns: SpanRead<T>): T[] {
  const reader = new RowBinaryReader(bytes);
  const rows: T[] = [];
  while (!reader.done) rows.push(columns.read(reader));
  return rows;
}

const READ_GROUPS = SPAN_COLUMN_GROUPS.filter((group) => group.read !== undefined);

/** Whole spans: every group that reads (all but the events' attribute search copies). */
export const SPAN_READ: SpanRead<SpanRow> = {
  select: READ_GROUPS.flatMap((group) => group.columns.map((column) => column.name)).join(', '),
  read(reader) {
    const span: SpanInProgress = {};
    for (const group of READ_GROUPS) group.read!(reader, span);
    return span as SpanRow;
  },
};

export const OUTLINE_READ: SpanRead<SpanOutline> = {
  select: 'trace_id, span_id, parent_span_id, service_name, name, kind, start_ns, end_ns, status_code, status_message, link_trace_ids, link_span_ids',
  // One object literal: building it by spreading a smaller one cost ~8 µs a span in V8
  // (with the garbage it made), most of a 100 000-span trace's read time.
  read(reader) {
    const outline: SpanOutline = {
      traceId: reader.hexId(16),
      spanId: reader.hexId(8),
      parentSpanId: reader.hexId(8),
      serviceName: reader.string(),
      name: reader.string(),
      kind: reader.int32(),
      startNs: reader.uint64(),
      endNs: reader.uint64(),
      statusCode: reader.int32(),
      statusMessage: reader.string(),
      links: [],
    };
    const traceIds = reader.hexIdArray(16);
    const spanIds = reader.hexIdArray(8);
    for (let i = 0; i < traceIds.length; i++) outline.links.push({ traceId: traceIds[i]!, spanId: spanIds[i]! });
    return outline;
  },
};

/** The least a trace read selects: what orders its spans and drops duplicates. */
export const SPAN_KEY_READ: SpanRead<{ traceId: string; spanId: string; startNs: bigint }> = {
  select: 'trace_id, span_id, kind, start_ns',
  read(reader) {
    const traceId = reader.hexId(16);
    const spanId = reader.hexId(8);
    reader.int32();
    return { traceId, spanId, startNs: reader.uint64() };
  },
};
