// The hand-written Jaeger Thrift (binary protocol) decoder on a captured Go SDK request,
// on a hand-built Batch using every field, and against hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, StatusCode, type SpanRow } from '../../src/model/span.ts';
import { DecodeError } from '../../src/receive/decode-error.ts';
import { decodeJaegerThrift, JaegerDecodeError, ThriftType as T } from '../../src/receive/jaeger-thrift.ts';
import { encodeSpans } from '../../src/store/span-rows.ts';
import { seededRandom } from './fixtures.ts';
import { testdataFile } from '../support/testdata.ts';

// ---- a tiny Thrift binary protocol writer, for fixtures ----

function i16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
}
function i32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}
function i64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return b;
}
function dbl(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(value);
  return b;
}
function str(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([i32(bytes.length), bytes]);
}
function bool(value: boolean): Buffer {
  return Buffer.from([value ? 1 : 0]);
}
function field(type: number, id: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), i16(id), payload]);
}
function struct(...fields: Buffer[]): Buffer {
  return Buffer.concat([...fields, Buffer.from([T.STOP])]);
}
function list(elementType: number, elements: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([elementType]), i32(elements.length), ...elements]);
}
function map(keyType: number, valueType: number, pairs: [Buffer, Buffer][]): Buffer {
  return Buffer.concat([Buffer.from([keyType, valueType]), i32(pairs.length), ...pairs.flat()]);
}

/** One unknown field of every Thrift type, with ids no jaeger.thrift struct uses. */
function unknownFields(): Buffer[] {
  return [
    field(T.BOOL, 100, bool(true)),
    field(T.BYTE, 101, Buffer.from([0x7f])),
    field(T.DOUBLE, 102, dbl(1.5)),
    field(T.I16, 103, i16(-2)),
    field(T.I32, 104, i32(-3)),
    field(T.I64, 105, i64(-4n)),
    field(T.STRING, 106, str('ignored')),
    field(T.STRUCT, 107, struct(field(T.STRING, 1, str('x')), field(T.LIST, 2, list(T.I32, [i32(1), i32(2)])))),
    field(T.MAP, 108, map(T.STRING, T.STRUCT, [[str('k'), struct(field(T.I64, 1, i64(9n)))]])),
    field(T.SET, 109, list(T.BYTE, [Buffer.from([1]), Buffer.from([2])])),
    field(T.LIST, 110, list(T.LIST, [list(T.STRING, [str('a')]), list(T.DOUBLE, [])])),
  ];
}

const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 };

function tag(key: string, vType: number, value: Buffer | null, valueField?: number): Buffer {
  const fields = [field(T.STRING, 1, str(key)), field(T.I32, 2, i32(vType))];
  const byType: Record<number, [number, number]> = {
    [TagType.STRING]: [T.STRING, 3],
    [TagType.DOUBLE]: [T.DOUBLE, 4],
    [TagType.BOOL]: [T.BOOL, 5],
    [TagType.LONG]: [T.I64, 6],
    [TagType.BINARY]: [T.STRING, 7],
  };
  if (value !== null) {
    const [type, id] = byType[vType] ?? [T.STRING, valueField ?? 3];
    fields.push(field(type, valueField ?? id, value));
  }
  return struct(...fields);
}
const strTag = (key: string, value: string) => tag(key, TagType.STRING, str(value));
const boolTag = (key: string, value: boolean) => tag(key, TagType.BOOL, bool(value));

function spanRef(refType: number, traceIdLow: bigint, traceIdHigh: bigint, spanId: bigint): Buffer {
  return struct(
    field(T.I32, 1, i32(refType)),
    field(T.I64, 2, i64(traceIdLow)),
    field(T.I64, 3, i64(traceIdHigh)),
    field(T.I64, 4, i64(spanId)),
    ...unknownFields(),
  );
}

interface SpanSpec {
  traceIdLow: bigint;
  traceIdHigh: bigint;
  spanId: bigint;
  parentSpanId: bigint;
  operationName: string;
  references?: Buffer[];
  flags?: number;
  startTime: bigint;
  duration: bigint;
  tags?: Buffer[];
  logs?: Buffer[];
  extra?: Buffer[];
}

function span(s: SpanSpec): Buffer {
  const fields = [
    field(T.I64, 1, i64(s.traceIdLow)),
    field(T.I64, 2, i64(s.traceIdHigh)),
    field(T.I64, 3, i64(s.spanId)),
    field(T.I64, 4, i64(s.parentSpanId)),
    field(T.STRING, 5, str(s.operationName)),
  ];
  if (s.references) fields.push(field(T.LIST, 6, list(T.STRUCT, s.references)));
  if (s.flags !== undefined) fields.push(field(T.I32, 7, i32(s.flags)));
  fields.push(field(T.I64, 8, i64(s.startTime)), field(T.I64, 9, i64(s.duration)));
  if (s.tags) fields.push(field(T.LIST, 10, list(T.STRUCT, s.tags)));
  if (s.logs) fields.push(field(T.LIST, 11, list(T.STRUCT, s.logs)));
  return struct(...fields, ...(s.extra ?? []));
}

function log(timestamp: bigint, fields: Buffer[]): Buffer {
  return struct(field(T.I64, 1, i64(timestamp)), field(T.LIST, 2, list(T.STRUCT, fields)), ...unknownFields());
}

const HIGH = -1n; // ffffffffffffffff
const LOW = -0x7edcba9876543211n; // 8123456789abcdef
const TRACE_HEX = 'ffffffffffffffff8123456789abcdef';
const START_US = 1_700_000_000_123_456n;

/** A Batch using every field of every jaeger.thrift struct (and unknown ones), process last. */
function everyFeatureBatch(): Buffer {
  const spanA = span({
    traceIdLow: LOW,
    traceIdHigh: HIGH,
    spanId: -2n, // fffffffffffffffe
    parentSpanId: 0n,
    operationName: 'A',
    references: [
      spanRef(1, 0x22n, 0x11n, 0x33n), // FOLLOWS_FROM, another trace → link
      spanRef(0, LOW, HIGH, 0x0123456789abcdefn), // CHILD_OF same trace → parent
      spanRef(0, 0n, 0n, 0n), // all-zero → dropped link
    ],
    flags: 3,
    startTime: START_US,
    duration: 1_500n,
    tags: [
      strTag('s', 'héllo'),
      tag('d', TagType.DOUBLE, dbl(-2.25)),
      boolTag('b', true),
      tag('l', TagType.LONG, i64(-9_007_199_254_740_993n)),
      tag('bin', TagType.BINARY, str(Buffer.from([0, 1, 2, 0xff]))),
      tag('odd', 9, null),
      tag('missing', TagType.STRING, null), // vStr absent → ''
      strTag('span.kind', 'server'),
      boolTag('error', true),
      strTag('otel.status_code', 'OK'), // the error tag wins
      strTag('otel.status_description', 'boom'),
      strTag('w3c.tracestate', 'k=v'),
      strTag('otel.library.name', 'lib'),
      strTag('otel.library.version', '1.2.3'),
    ],
    logs: [
      log(START_US + 10n, [strTag('event', 'retry'), tag('attempt', TagType.LONG, i64(2n))]),
      log(START_US + 20n, [strTag('message', 'no event field'), boolTag('event', true)]),
    ],
    extra: [...unknownFields(), field(T.I32, 5, i32(7))], // known id, wrong type: skipped
  });
  const spanB = span({
    traceIdLow: LOW,
    traceIdHigh: HIGH,
    spanId: 0n, // refused
    parentSpanId: 0n,
    operationName: 'zero span id',
    startTime: START_US,
    duration: 1n,
  });
  const spanC = span({
    traceIdLow: 5n,
    traceIdHigh: 0n, // a 64-bit trace id
    spanId: 6n,
    parentSpanId: 7n,
    operationName: 'C',
    references: [
      spanRef(0, 5n, 0n, 7n), // the parent again → not a link
      spanRef(0, 8n, 0n, 9n), // CHILD_OF another trace → link
    ],
    startTime: START_US,
    duration: 0n,
    tags: [
      strTag('span.kind', 'CLIENT'),
      strTag('otel.status_code', 'ERROR'),
      strTag('otel.status_description', 'bad'),
      boolTag('error', false), // stays an attribute
      strTag('span.kind2', 'x'),
    ],
  });
  const spanD = span({
    traceIdLow: 0n,
    traceIdHigh: 0n, // refused
    spanId: 1n,
    parentSpanId: 0n,
    operationName: 'zero trace id',
    startTime: 0n,
    duration: 0n,
    tags: [strTag('otel.status_description', 'kept'), strTag('span.kind', 'weird')],
  });
  const process = struct(
    field(T.STRING, 1, str('svc')),
    field(T.LIST, 2, list(T.STRUCT, [strTag('host.name', 'h1'), tag('pid', TagType.LONG, i64(42n)), tag('ratio', TagType.DOUBLE, dbl(0.5)), boolTag('ok', false), tag('raw', TagType.BINARY, str(Buffer.from('hi')))])),
    ...unknownFields(),
  );
  const stats = struct(field(T.I64, 1, i64(1n)), field(T.I64, 2, i64(2n)), field(T.I64, 3, i64(3n)), field(T.LIST, 4, list(T.STRUCT, [])));
  return struct(
    field(T.LIST, 2, list(T.STRUCT, [spanA, spanB])),
    ...unknownFields(),
    field(T.I64, 3, i64(77n)), // seqNo
    field(T.STRUCT, 4, stats),
    field(T.LIST, 2, list(T.STRUCT, [spanC, spanD])), // lists accumulate
    field(T.STRUCT, 1, process),
  );
}

function attrs(row: { attributes: SpanRow['attributes'] }): Record<string, unknown> {
  const a = row.attributes;
  const out: Record<string, unknown> = {};
  a.strKeys.forEach((k, i) => (out[k] = a.strValues[i]));
  a.intKeys.forEach((k, i) => (out[k] = a.intValues[i]));
  a.dblKeys.forEach((k, i) => (out[k] = a.dblValues[i]));
  a.boolKeys.forEach((k, i) => (out[k] = a.boolValues[i]));
  a.otherKeys.forEach((k, i) => (out[k] = JSON.parse(a.otherValues[i]) as unknown));
  return out;
}

/**
 * Decodes or throws JaegerDecodeError; anything else (RangeError, TypeError...) fails, and
 * so does a decoded span the store cannot write (that was a 500 after the decode).
 */
function decodeOrDecodeError(body: Uint8Array, label: string): boolean {
  try {
    encodeSpans(decodeJaegerThrift(body).spans);
    return true;
  } catch (error) {
    if (!(error instanceof JaegerDecodeError)) assert.fail(`${label}: ${String(error)}`);
    return false;
  }
}

// ---- the captured request ----

test('captured OTel Go Jaeger exporter Batch decodes', () => {
  const batch = decodeJaegerThrift(testdataFile('captured', 'nonjs-jaeger-2.thrift'));
  assert.equal(batch.rejected, 0);
  assert.equal(batch.rejectReason, '');
  assert.equal(batch.spans.length, 2);
  const [child, root] = batch.spans;
  for (const row of batch.spans) {
    assert.match(row.traceId, /^[0-9a-f]{32}$/);
    assert.match(row.spanId, /^[0-9a-f]{16}$/);
    assert.equal(row.serviceName, 'go-otel-demo');
    assert.deepEqual(attrs(row.resource), { 'service.name': 'go-otel-demo' });
    assert.equal(row.scope.name, 'benchdemo'); // from otel.library.name, removed from the attributes
    assert.equal(row.kind, SpanKind.UNSPECIFIED); // the Go exporter sends no span.kind for internal spans
    assert.equal(row.statusCode, StatusCode.UNSET);
    assert.equal(row.flags, 1);
    assert.ok(row.endNs > row.startNs);
    assert.ok(row.startNs > 1_600_000_000_000_000_000n && row.startNs < 2_000_000_000_000_000_000n);
  }
  assert.equal(child.resource, root.resource);
  assert.equal(child.scope, root.scope);
  assert.equal(child.traceId, 'f05aad922ac89a8bd5ae3b94d3db0b5f'); // high (negative as i64) then low
  assert.equal(root.traceId, child.traceId);
  assert.equal(child.spanId, '755b90b2493d8752');
  assert.equal(child.parentSpanId, root.spanId);
  assert.equal(root.spanId, '582c6742a11f64eb');
  assert.equal(root.parentSpanId, '');
  assert.equal(child.name, 'db.query');
  assert.equal(root.name, 'GET /checkout');
  assert.deepEqual(attrs(child), { 'db.statement': 'SELECT 1' });
  assert.deepEqual(attrs(root), { 'http.method': 'GET', 'http.status_code': 200n });
  assert.equal(root.startNs, 1_795_640_844_347_730_000n);
  assert.equal(root.endNs - root.startNs, 5_223_000n);
  assert.equal(child.startNs, 1_795_640_844_347_749_000n);
  assert.equal(child.endNs - child.startNs, 5_190_000n);
  assert.ok(child.startNs >= root.startNs && child.endNs <= root.endNs);
});

// ---- the hand-built Batch ----

test('hand-built Batch: every field, special tags, references, logs, unknown fields', () => {
  const batch = decodeJaegerThrift(everyFeatureBatch());
  assert.equal(batch.rejected, 2);
  assert.match(batch.rejectReason, /span "zero span id": invalid span id/);
  assert.match(batch.rejectReason, /and 1 more/);
  assert.deepEqual(
    batch.spans.map((s) => s.name),
    ['A', 'C'],
  );
  const [a, c] = batch.spans;

  // The process came last; it still names every span, and one Resource is shared.
  assert.equal(a.resource, c.resource);
  assert.equal(a.serviceName, 'svc');
  assert.equal(c.serviceName, 'svc');
  assert.deepEqual(attrs(a.resource), {
    'service.name': 'svc',
    'host.name': 'h1',
    pid: 42n,
    ratio: 0.5,
    ok: false,
    raw: { bytesValue: Buffer.from('hi').toString('base64') },
  });

  // Span A: negative ids, parent from the CHILD_OF reference, special tags.
  assert.equal(a.traceId, TRACE_HEX);
  assert.equal(a.spanId, 'fffffffffffffffe');
  assert.equal(a.parentSpanId, '0123456789abcdef');
  assert.equal(a.flags, 3);
  assert.equal(a.startNs, START_US * 1000n);
  assert.equal(a.endNs, START_US * 1000n + 1_500_000n);
  assert.equal(a.kind, SpanKind.SERVER);
  assert.equal(a.statusCode, StatusCode.ERROR);
  assert.equal(a.statusMessage, 'boom');
  assert.equal(a.traceState, 'k=v');
  assert.equal(a.scope.name, 'lib');
  assert.equal(a.scope.version, '1.2.3');
  assert.deepEqual(attrs(a), {
    s: 'héllo',
    d: -2.25,
    b: true,
    l: -9_007_199_254_740_993n,
    bin: { bytesValue: 'AAEC/w==' },
    odd: '<Unknown Jaeger TagType 9>',
    missing: '',
  });
  assert.equal(a.links.length, 1);
  assert.equal(a.droppedLinksCount, 1);
  assert.equal(a.links[0].traceId, '00000000000000110000000000000022');
  assert.equal(a.links[0].spanId, '0000000000000033');
  assert.deepEqual(attrs(a.links[0]), { 'opentracing.ref_type': 'follows_from' });
  assert.equal(a.events.length, 2);
  assert.equal(a.events[0].name, 'retry');
  assert.equal(a.events[0].timeNs, (START_US + 10n) * 1000n);
  assert.deepEqual(attrs(a.events[0]), { attempt: 2n });
  assert.equal(a.events[1].name, ''); // no event field: no name, as the OTel Collector has it
  assert.equal(a.events[1].timeNs, (START_US + 20n) * 1000n);
  assert.deepEqual(attrs(a.events[1]), { message: 'no event field', event: true }); // a non-string event stays

  // Span C: 64-bit trace id, explicit parent, status from otel.status_code.
  assert.equal(c.traceId, '00000000000000000000000000000005');
  assert.equal(c.spanId, '0000000000000006');
  assert.equal(c.parentSpanId, '0000000000000007');
  assert.equal(c.flags, 0);
  assert.equal(c.endNs, c.startNs);
  assert.equal(c.kind, SpanKind.CLIENT);
  assert.equal(c.statusCode, StatusCode.ERROR);
  assert.equal(c.statusMessage, 'bad');
  assert.equal(c.scope.name, 'jaeger'); // no library tags: the default scope
  assert.notEqual(c.scope, a.scope);
  assert.deepEqual(attrs(c), { error: false, 'span.kind2': 'x' });
  assert.equal(c.links.length, 1); // the reference to the parent is not repeated
  assert.equal(c.links[0].traceId, '00000000000000000000000000000008');
  assert.equal(c.links[0].spanId, '0000000000000009');
  assert.deepEqual(attrs(c.links[0]), { 'opentracing.ref_type': 'child_of' });
});

test('tags that set nothing stay attributes; span.kind values are mapped', () => {
  const kinds = ['client', 'server', 'producer', 'consumer', 'internal'];
  const expected = [SpanKind.CLIENT, SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER, SpanKind.INTERNAL];
  const spans = [...kinds, 'weird'].map((kind, i) =>
    span({
      traceIdLow: 1n,
      traceIdHigh: 0n,
      spanId: BigInt(i + 1),
      parentSpanId: 0n,
      operationName: kind,
      startTime: 1n,
      duration: 1n,
      tags: [strTag('span.kind', kind), strTag('otel.status_description', 'd')],
    }),
  );
  const batch = decodeJaegerThrift(struct(field(T.LIST, 2, list(T.STRUCT, spans))));
  assert.deepEqual(
    batch.spans.map((s) => s.kind),
    [...expected, SpanKind.UNSPECIFIED],
  );
  assert.deepEqual(attrs(batch.spans[5]), { 'span.kind': 'weird', 'otel.status_description': 'd' });
  assert.equal(batch.spans[0].serviceName, 'unknown_service'); // no Process
  assert.equal(batch.spans[0].statusMessage, '');
});

test('an empty Batch decodes to no spans', () => {
  assert.deepEqual(decodeJaegerThrift(Buffer.from([0])), { spans: [], rejected: 0, rejectReason: '' });
});

// ---- hostile input ----

function assertDecodeError(body: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeJaegerThrift(body),
    (error: unknown) => error instanceof JaegerDecodeError && error instanceof DecodeError && pattern.test(error.message),
  );
}

test('every proper prefix throws JaegerDecodeError', () => {
  const bodies: [string, Buffer][] = [['hand-built', everyFeatureBatch()]];
  bodies.push(['captured', testdataFile('captured', 'nonjs-jaeger-2.thrift')]);
  for (const [label, body] of bodies) {
    assert.ok(decodeOrDecodeError(body, label));
    for (let length = 0; length < body.length; length++) {
      assert.equal(decodeOrDecodeError(body.subarray(0, length), `${label} prefix ${length}`), false, `${label} prefix ${length} decoded`);
    }
  }
});

test('random bytes and mutated batches only ever throw JaegerDecodeError', () => {
  const random = seededRandom(20261126);
  const valid = everyFeatureBatch();
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    let body: Buffer;
    if (i % 2 === 0) {
      body = Buffer.alloc(Math.floor(random() * 200));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
      if (i % 4 === 0 && body.length > 0) body[0] = T.LIST; // get past the first field header more often
    } else {
      body = Buffer.from(valid);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
    }
    if (decodeOrDecodeError(body, `iteration ${i}`)) decoded++;
  }
  assert.ok(decoded > 0, 'some mutated batches should still decode');
});

test('times the store cannot hold are decode errors naming the span', () => {
  const maxMicros = (2n ** 64n - 1n) / 1000n; // 18446744073709551 µs, in 2554
  const batchOf = (startTime: bigint, duration: bigint, logs: Buffer[] = []) =>
    struct(field(T.LIST, 2, list(T.STRUCT, [span({ traceIdLow: 0xabcn, traceIdHigh: 0n, spanId: 0xdefn, parentSpanId: 0n, operationName: 'op', startTime, duration, logs })])));
  const named = `${'abc'.padStart(32, '0')}/${'def'.padStart(16, '0')} \\("op"\\)`;
  const refused: [Buffer, string][] = [
    [batchOf(-1n, 5n), 'startTime -1 µs is negative'],
    [batchOf(START_US, -5n), 'duration -5 µs is negative'],
    [batchOf(maxMicros + 1n, 0n), 'startTime 18446744073709552 µs is past the largest time'],
    [batchOf(maxMicros, 1n), 'startTime \\+ duration 18446744073709552 µs is past the largest time'],
    [batchOf(START_US, 2n ** 63n - 1n), 'duration 9223372036854775807 µs is past the largest time'],
    [batchOf(START_US, 1n, [log(START_US, []), log(-7n, [])]), 'logs\\[1\\].timestamp -7 µs is negative'],
    [batchOf(START_US, 1n, [log(2n ** 63n - 1n, [])]), 'logs\\[0\\].timestamp 9223372036854775807 µs is past the largest time'],
  ];
  for (const [body, message] of refused) assertDecodeError(body, new RegExp(`^span ${named}: ${message}`));
  // The edges are kept, exactly.
  const [latest] = decodeJaegerThrift(batchOf(maxMicros, 0n, [log(maxMicros, []), log(0n, [])])).spans;
  assert.equal(latest.startNs, maxMicros * 1000n);
  assert.equal(latest.endNs, maxMicros * 1000n);
  assert.deepEqual(latest.events.map((e) => e.timeNs), [maxMicros * 1000n, 0n]);
  assert.equal(decodeJaegerThrift(batchOf(0n, 0n)).spans[0].startNs, 0n);
});

test('huge or negative container sizes are refused before anything is allocated', () => {
  // Batch.spans claiming 2^31-1 and 2^31 (negative as i32) elements.
  const huge = Buffer.concat([Buffer.from([T.LIST]), i16(2), Buffer.from([T.STRUCT]), i32(0x7fffffff), Buffer.from([0])]);
  assertDecodeError(huge, /claims 2147483647 elements/);
  const negative = Buffer.concat([Buffer.from([T.LIST]), i16(2), Buffer.from([T.STRUCT]), Buffer.from([0x80, 0, 0, 0]), Buffer.from([0])]);
  assertDecodeError(negative, /negative container size/);
  // The same in skipped (unknown) fields: lists of bools, maps, strings.
  assertDecodeError(struct(field(T.LIST, 99, Buffer.concat([Buffer.from([T.BOOL]), i32(0x7fffffff)]))), /claims/);
  assertDecodeError(struct(field(T.MAP, 99, Buffer.concat([Buffer.from([T.BYTE, T.BYTE]), i32(0x40000000)]))), /claims/);
  assertDecodeError(struct(field(T.STRING, 99, i32(0x7fffffff))), /truncated string/);
  assertDecodeError(struct(field(T.STRING, 99, i32(-1))), /negative string length/);
  // Span.tags claiming more Tag structs than bytes left.
  const tags = span({ traceIdLow: 1n, traceIdHigh: 0n, spanId: 1n, parentSpanId: 0n, operationName: 'x', startTime: 0n, duration: 0n });
  const withHugeTags = struct(
    field(T.LIST, 2, list(T.STRUCT, [Buffer.concat([tags.subarray(0, -1), Buffer.from([T.LIST]), i16(10), Buffer.from([T.STRUCT]), i32(1_000_000), Buffer.from([0, 0])])])),
  );
  assertDecodeError(withHugeTags, /claims 1000000 elements/);
});

test('deep nesting, invalid types and wrong list element types are decode errors', () => {
  // 10,000 nested lists in an unknown field: refused at MAX_NESTING, not a stack overflow.
  let nested = list(T.I32, []);
  for (let i = 0; i < 10_000; i++) nested = list(T.LIST, [nested]);
  assertDecodeError(struct(field(T.LIST, 99, nested)), /nested deeper/);
  let structs = struct();
  for (let i = 0; i < 10_000; i++) structs = struct(field(T.STRUCT, 1, structs));
  assertDecodeError(struct(field(T.STRUCT, 99, structs)), /nested deeper/);
  assertDecodeError(Buffer.from([1, 0, 1, 0]), /invalid field type 1/);
  assertDecodeError(Buffer.from([T.LIST, 0, 99, 7, 0, 0, 0, 0, 0]), /invalid container element type 7/);
  assertDecodeError(struct(field(T.LIST, 2, list(T.I32, [i32(1)]))), /Batch.spans .*element type 8, expected 12/);
  assertDecodeError(Buffer.from([0, 0]), /unexpected bytes after the Batch/);
  assertDecodeError(Buffer.alloc(0), /truncated/);
});
