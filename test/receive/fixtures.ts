// Inputs for the receive tests: a hand protobuf writer (for payloads no encoder would write:
// malformed, unusual field order, unknown fields), a request using every OTLP feature (for
// protobufjs to encode), the captured payloads, and a seeded random source for fuzzing.
import { gunzipSync } from 'node:zlib';
import { testdataFile, testdataFiles } from '../support/testdata.ts';

// ---- protobuf by hand ----

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const START_GROUP = 3;
export const END_GROUP = 4;
export const FIXED32 = 5;

/** A varint; a negative value is written as its 64-bit two's complement (10 bytes), as int64 is. */
export function varint(value: number | bigint): Buffer {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest > 0x7fn) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

export function tag(field: number, wireType: number): Buffer {
  return varint(field * 8 + wireType);
}

export function lengthDelimited(field: number, ...payload: Uint8Array[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([tag(field, LENGTH_DELIMITED), varint(body.length), body]);
}

export function stringField(field: number, text: string): Buffer {
  return lengthDelimited(field, Buffer.from(text, 'utf8'));
}

export function varintField(field: number, value: number | bigint): Buffer {
  return Buffer.concat([tag(field, VARINT), varint(value)]);
}

export function fixed64Field(field: number, value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return Buffer.concat([tag(field, FIXED64), bytes]);
}

export function fixed32Field(field: number, value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return Buffer.concat([tag(field, FIXED32), bytes]);
}

export const TRACE_ID_HEX = '0af7651916cd43dd8448eb211c80319c';
export const SPAN_ID_HEX = 'b7ad6b7169203331';

/** The fields of a small valid Span: ids, name, start and end. */
export function spanFields(name = 'op', spanIdHex = SPAN_ID_HEX): Buffer[] {
  return [
    lengthDelimited(1, Buffer.from(TRACE_ID_HEX, 'hex')), // trace_id
    lengthDelimited(2, Buffer.from(spanIdHex, 'hex')), // span_id
    stringField(5, name), // name
    fixed64Field(7, 1_000_000_000n), // start_time_unix_nano
    fixed64Field(8, 2_000_000_000n), // end_time_unix_nano
  ];
}

/** A KeyValue whose AnyValue holds the given (already encoded) member. */
export function keyValue(key: string, anyValueFields: Buffer): Buffer {
  return Buffer.concat([stringField(1, key), lengthDelimited(2, anyValueFields)]);
}

/** ExportTraceServiceRequest: one ResourceSpans, one ScopeSpans, the given spans (each a list of fields). */
export function requestWithSpans(...spans: Buffer[][]): Buffer {
  return lengthDelimited(1, lengthDelimited(2, ...spans.map((fields) => lengthDelimited(2, ...fields))));
}

// ---- a request using every feature, as a protobufjs fromObject input ----

function attribute(key: string, value?: object): object {
  return value === undefined ? { key } : { key, value };
}

const hex = (text: string) => Buffer.from(text, 'hex');

function fullSpan(name: string, spanIdHex: string): object {
  return {
    traceId: hex('5b8efff798038103d269b633813fc60c'),
    spanId: hex(spanIdHex),
    parentSpanId: hex('eee19b7ec3c1b173'),
    traceState: 'vendor=value',
    flags: 0x301,
    name,
    kind: 2,
    startTimeUnixNano: '1795600072097237614',
    endTimeUnixNano: '18446744073709551615',
    attributes: [
      attribute('str', { stringValue: 'héllo ✓ 𝄞' }),
      attribute('str.empty', { stringValue: '' }),
      attribute('int.max', { intValue: '9223372036854775807' }),
      attribute('int.min', { intValue: '-9223372036854775808' }),
      attribute('int.minus_one', { intValue: '-1' }),
      attribute('int.2^53+1', { intValue: '9007199254740993' }),
      attribute('dbl', { doubleValue: 1.5 }),
      attribute('dbl.nan', { doubleValue: NaN }),
      attribute('dbl.inf', { doubleValue: Infinity }),
      attribute('dbl.minus_inf', { doubleValue: -Infinity }),
      attribute('dbl.minus_zero', { doubleValue: -0 }),
      attribute('bool.false', { boolValue: false }),
      attribute('bytes', { bytesValue: Buffer.from([0, 1, 2, 0xfe, 0xff]) }),
      attribute('array', {
        arrayValue: { values: [{ stringValue: 'a' }, { intValue: '-5' }, { doubleValue: NaN }, { arrayValue: { values: [] } }, {}] },
      }),
      attribute('kvlist', { kvlistValue: { values: [attribute('inner', { boolValue: true }), attribute('inner.no_value')] } }),
      attribute('no_value'),
      attribute('empty_value', {}),
    ],
    droppedAttributesCount: 3,
    events: [
      {
        timeUnixNano: '1795600072100000000',
        name: 'exception',
        attributes: [attribute('exception.type', { stringValue: 'Error' })],
        droppedAttributesCount: 4,
      },
      { timeUnixNano: '1795600072100000001', name: 'no attributes' },
    ],
    droppedEventsCount: 5,
    links: [
      {
        traceId: hex('4bf92f3577b34da6a3ce929d0e0e4736'),
        spanId: hex('00f067aa0ba902b7'),
        traceState: 'a=b',
        attributes: [attribute('link.attr', { intValue: '7' })],
        droppedAttributesCount: 6,
        flags: 0x100,
      },
    ],
    droppedLinksCount: 7,
    status: { code: 2, message: 'boom' },
  };
}

/** Three ResourceSpans: a full one (two scopes), one with no service.name, one with no resource. */
export function everyFeatureRequest(): object {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            attribute('service.name', { stringValue: 'checkout' }),
            attribute('host.cores', { intValue: '8' }),
            attribute('process.command_args', { arrayValue: { values: [{ stringValue: 'node' }, { stringValue: 'app.js' }] } }),
          ],
          droppedAttributesCount: 1,
        },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [
          {
            scope: { name: 'lib', version: '1.2.3', attributes: [attribute('scope.flag', { boolValue: true })], droppedAttributesCount: 2 },
            schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
            spans: [fullSpan('GET /cart', 'eee19b7ec3c1b174'), { traceId: hex(TRACE_ID_HEX), spanId: hex(SPAN_ID_HEX), name: 'root' }],
          },
          { scope: { name: 'other' }, spans: [fullSpan('second scope', '1111111111111111')] },
        ],
      },
      {
        resource: { attributes: [attribute('host.name', { stringValue: 'vm' })] },
        scopeSpans: [{ spans: [fullSpan('no service name', '2222222222222222')] }],
      },
      { scopeSpans: [{ spans: [fullSpan('no resource', '3333333333333333')] }] },
    ],
  };
}

// ---- captured payloads ----

/** The captured request bodies whose names match, gunzipped, by file name. */
export function capturedBodies(pattern: RegExp): { name: string; body: Buffer }[] {
  return testdataFiles('captured', pattern).map((name) => {
    const raw = testdataFile('captured', name);
    return { name, body: name.endsWith('.gz') ? gunzipSync(raw) : raw };
  });
}

// ---- fuzzing ----

/** A small seeded PRNG (mulberry32): the same seed gives the same inputs, so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mutates `seed` text `iterations` times (1-3 characters dropped or replaced from
 * `alphabet` each time) and feeds each mutant to `decode`: it must decode or throw
 * `allowed`, nothing else. Returns how many mutants decoded.
 */
export function fuzzText(
  seed: string,
  alphabet: string,
  random: () => number,
  iterations: number,
  decode: (text: string) => unknown,
  allowed: new (...args: never[]) => Error,
): number {
  let decoded = 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const chars = [...seed];
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(random() * chars.length);
      if (random() < 0.3) chars.splice(at, 1);
      else chars[at] = alphabet[Math.floor(random() * alphabet.length)];
    }
    try {
      decode(chars.join(''));
      decoded++;
    } catch (error) {
      if (!(error instanceof allowed)) throw new Error(`iteration ${iteration}: ${String(error)} for ${chars.join('')}`);
    }
  }
  return decoded;
}
