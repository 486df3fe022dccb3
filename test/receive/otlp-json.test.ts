// The OTLP/JSON decoder: captured payloads from real exporters, the spec's example, the
// same spans as protobuf, what the spec lets senders vary, and hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OtlpDecodeError } from '../../src/receive/otlp-common.ts';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';
import { decodeOtlpProto } from '../../src/receive/otlp-proto.ts';
import { testdataFile } from '../support/testdata.ts';
import { capturedBodies, seededRandom } from './fixtures.ts';

function decodeError(text: string): OtlpDecodeError {
  try {
    decodeOtlpJson(text);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decoded without error');
}

/** A request with one span, its fields merged over valid ones. */
function oneSpanRequest(span: Record<string, unknown>, extra: { resource?: unknown; scope?: unknown } = {}): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: extra.resource ?? { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: extra.scope ?? { name: 'lib' }, spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'op', ...span }] }],
      },
    ],
  });
}

function countSpans(request: { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }): number {
  return request.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
}

test('captured OTLP/JSON payloads decode completely', () => {
  const captured = capturedBodies(/^json-.*\.json(\.gz)?$/);
  assert.ok(captured.length >= 3, 'json-http-1.json, json-http-2.json, json-gzip-http-1.json.gz');
  for (const { name, body } of captured) {
    const text = body.toString('utf8');
    const batch = decodeOtlpJson(text);
    assert.equal(batch.rejected, 0, `${name}: ${batch.rejectReason}`);
    assert.equal(batch.spans.length, countSpans(JSON.parse(text)), name);
    for (const span of batch.spans) {
      assert.match(span.traceId, /^[0-9a-f]{32}$/);
      assert.match(span.spanId, /^[0-9a-f]{16}$/);
      assert.match(span.parentSpanId, /^([0-9a-f]{16})?$/);
      assert.notEqual(span.serviceName, 'unknown_service', name);
      assert.ok(span.endNs >= span.startNs && span.startNs > 1_700_000_000_000_000_000n, name);
    }
  }
});

test("the OTLP spec's example request (upper-case hex ids, integer enums)", () => {
  const batch = decodeOtlpJson(testdataFile('otlp', 'example-trace.json').toString('utf8'));
  assert.equal(batch.rejected, 0);
  assert.equal(batch.spans.length, 1);
  const [span] = batch.spans;
  assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
  assert.equal(span.spanId, 'eee19b7ec3c1b174');
  assert.equal(span.parentSpanId, 'eee19b7ec3c1b173');
  assert.equal(span.name, "I'm a server span");
  assert.equal(span.kind, 2);
  assert.equal(span.startNs, 1544712660000000000n);
  assert.equal(span.endNs, 1544712661000000000n);
  assert.equal(span.serviceName, 'my.service');
  assert.deepStrictEqual([span.scope.name, span.scope.version], ['my.library', '1.0.0']);
  assert.deepStrictEqual([span.scope.attributes.strKeys, span.scope.attributes.strValues], [['my.scope.attribute'], ['some scope attribute']]);
  assert.deepStrictEqual([span.attributes.strKeys, span.attributes.strValues], [['my.span.attr'], ['some value']]);
});

test('bench-64.json and bench-64.pb (the same spans) decode to identical rows', () => {
  const fromJson = decodeOtlpJson(testdataFile('captured', 'bench-64.json').toString('utf8'));
  const fromProto = decodeOtlpProto(testdataFile('captured', 'bench-64.pb'));
  assert.equal(fromJson.spans.length, 64);
  assert.deepStrictEqual(fromJson, fromProto);
});

test('snake_case names, enum names, integers as strings or numbers, nulls and unknown fields', () => {
  const canonical = decodeOtlpJson(
    oneSpanRequest({
      parentSpanId: '00f067aa0ba902b7',
      kind: 3,
      flags: 257,
      startTimeUnixNano: '1795600072097237614',
      endTimeUnixNano: '1795600072097237615',
      droppedAttributesCount: 2,
      attributes: [
        { key: 'i', value: { intValue: '-42' } },
        { key: 'd', value: { doubleValue: 2.5 } },
      ],
      events: [{ timeUnixNano: '5', name: 'e', droppedAttributesCount: 1 }],
      status: { code: 2, message: 'm' },
    }),
  );
  const variant = decodeOtlpJson(
    JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }], futureField: 1 },
          scope_spans: [
            {
              scope: { name: 'lib', version: null },
              spans: [
                {
                  trace_id: '0AF7651916CD43DD8448EB211C80319C',
                  span_id: 'B7ad6B7169203331',
                  parent_span_id: '00F067AA0BA902B7',
                  name: 'op',
                  kind: 'SPAN_KIND_CLIENT',
                  flags: '257',
                  start_time_unix_nano: '1795600072097237614',
                  end_time_unix_nano: '1795600072097237615',
                  dropped_attributes_count: '2',
                  attributes: [
                    { key: 'i', value: { int_value: -42 } },
                    { key: 'd', value: { double_value: '2.5' } },
                  ],
                  events: [{ time_unix_nano: 5, name: 'e', dropped_attributes_count: 1, extra: [1, 2] }],
                  links: null,
                  status: { code: 'STATUS_CODE_ERROR', message: 'm' },
                  someNewField: { nested: true },
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  assert.equal(canonical.spans[0].kind, 3);
  assert.equal(canonical.spans[0].statusCode, 2);
  assert.deepStrictEqual(canonical.spans[0].attributes.intValues, [-42n]);
  assert.deepStrictEqual(variant, canonical);
});

test('attribute values of every type', () => {
  const [span] = decodeOtlpJson(
    oneSpanRequest({
      attributes: [
        { key: 's', value: { stringValue: 'x' } },
        { key: 'b', value: { boolValue: false } },
        { key: 'max', value: { intValue: '9223372036854775807' } },
        { key: 'min', value: { intValue: '-9223372036854775808' } },
        { key: 'nan', value: { doubleValue: 'NaN' } },
        { key: 'inf', value: { doubleValue: '-Infinity' } },
        { key: 'bytes', value: { bytesValue: 'AAEC_v8' } }, // URL-safe, unpadded
        { key: 'array', value: { arrayValue: { values: [{ intValue: 5 }, { kvlistValue: { values: [{ key: 'k' }] } }, {}] } } },
        { key: 'empty_array', value: { arrayValue: {} } },
        { key: 'no_value' },
        { key: 'null_value', value: null },
      ],
    }),
  ).spans;
  assert.deepStrictEqual(span.attributes, {
    strKeys: ['s'],
    strValues: ['x'],
    intKeys: ['max', 'min'],
    intValues: [9223372036854775807n, -9223372036854775808n],
    dblKeys: ['nan', 'inf'],
    dblValues: [NaN, -Infinity],
    boolKeys: ['b'],
    boolValues: [false],
    otherKeys: ['bytes', 'array', 'empty_array', 'no_value', 'null_value'],
    otherValues: [
      '{"bytesValue":"AAEC/v8="}',
      '{"arrayValue":{"values":[{"intValue":"5"},{"kvlistValue":{"values":[{"key":"k","value":{}}]}},{}]}}',
      '{"arrayValue":{"values":[]}}',
      '{}',
      '{}',
    ],
  });
});

test('ids: hex only (a base64 id is refused, not misread), validated like protobuf ids', () => {
  const base64TraceId = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'); // what generic proto3 JSON would send
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ traceId: base64TraceId }, new RegExp(`invalid trace id "${base64TraceId.toLowerCase().replace(/[+/]/g, '\\$&')}"`)],
    [{ traceId: 'zz'.repeat(16) }, /invalid trace id "z{32}"/],
    [{ traceId: '' }, /invalid trace id ""/],
    [{ traceId: '0'.repeat(32) }, /invalid trace id "0{32}"/],
    [{ spanId: 'b7ad6b71692033' }, /invalid span id "b7ad6b71692033"/],
    [{ parentSpanId: 'xyz' }, /invalid parent span id "xyz"/],
  ];
  for (const [span, reason] of cases) {
    const batch = decodeOtlpJson(oneSpanRequest(span));
    assert.equal(batch.spans.length, 0);
    assert.equal(batch.rejected, 1);
    assert.match(batch.rejectReason, reason);
  }
  assert.equal(decodeOtlpJson(oneSpanRequest({ parentSpanId: '' })).spans[0].parentSpanId, '');
  assert.equal(decodeOtlpJson(oneSpanRequest({ parentSpanId: '0000000000000000' })).spans[0].parentSpanId, '');
  const links = decodeOtlpJson(
    oneSpanRequest({
      links: [
        { traceId: '4BF92F3577B34DA6A3CE929D0E0E4736', spanId: '00F067AA0BA902B7' },
        { traceId: 'not hex', spanId: '00f067aa0ba902b7' },
      ],
    }),
  ).spans[0];
  assert.deepStrictEqual(links.links.map((l) => l.traceId), ['4bf92f3577b34da6a3ce929d0e0e4736']);
  assert.equal(links.droppedLinksCount, 1);
});

test('wrong JSON types are OtlpDecodeErrors naming the path', () => {
  const cases: [string, RegExp][] = [
    ['{"resourceSpans": [', /^invalid JSON: /],
    ['[]', /^request: expected an object, got an array$/],
    ['{"resourceSpans": {}}', /^resourceSpans: expected an array, got an object$/],
    ['{"resourceSpans": [42]}', /^resourceSpans\[0\]: expected an object, got 42$/],
    [oneSpanRequest({ name: 42 }), /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: expected a string, got 42$/],
    [oneSpanRequest({ traceId: 7 }), /spans\[0\]\.traceId: expected a string, got 7$/],
    [oneSpanRequest({ kind: 'SERVER' }), /spans\[0\]\.kind: expected an integer or one of SPAN_KIND_UNSPECIFIED, .*, got "SERVER"$/],
    [oneSpanRequest({ kind: 1.5 }), /spans\[0\]\.kind: expected an integer/],
    [oneSpanRequest({ startTimeUnixNano: '-1' }), /startTimeUnixNano: expected an unsigned 64-bit integer, got "-1"$/],
    [oneSpanRequest({ endTimeUnixNano: '18446744073709551616' }), /endTimeUnixNano: expected an unsigned 64-bit integer/],
    [oneSpanRequest({ startTimeUnixNano: 1.5 }), /startTimeUnixNano: expected an unsigned 64-bit integer, got 1.5$/],
    [oneSpanRequest({ flags: -1 }), /spans\[0\]\.flags: expected an unsigned 32-bit integer, got -1$/],
    [oneSpanRequest({ status: 'ERROR' }), /spans\[0\]\.status: expected an object, got "ERROR"$/],
    [oneSpanRequest({ events: [{ name: [] }] }), /spans\[0\]\.events\[0\]\.name: expected a string, got an array$/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: { intValue: '12abc' } }] }), /spans\[0\]\.attributes\[0\]\.value\.intValue: expected a signed 64-bit integer, got "12abc"$/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), /attributes\[0\]\.value\.intValue: expected a signed 64-bit integer/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }), /attributes\[0\]\.value\.boolValue: expected true or false, got "true"$/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: { doubleValue: 'fast' } }] }), /attributes\[0\]\.value\.doubleValue: expected a number, got "fast"$/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: { bytesValue: 'not base64!' } }] }), /attributes\[0\]\.value\.bytesValue: expected base64 text/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: 'plain' }] }), /attributes\[0\]\.value: expected an AnyValue object, got "plain"$/],
    [oneSpanRequest({ attributes: [{ key: 'k', value: { arrayValue: { values: [{ intValue: 'x' }] } } }] }), /attributes\[0\]\.value\.arrayValue\.values\[0\]\.intValue: expected a signed 64-bit integer/],
    [oneSpanRequest({ attributes: [{ key: 1 }] }), /attributes\[0\]\.key: expected a string, got 1$/],
    [oneSpanRequest({}, { resource: { attributes: {} } }), /^resourceSpans\[0\]\.resource\.attributes: expected an array, got an object$/],
    [oneSpanRequest({}, { scope: { name: false } }), /^resourceSpans\[0\]\.scopeSpans\[0\]\.scope\.name: expected a string, got false$/],
  ];
  for (const [text, message] of cases) assert.match(decodeError(text).message, message, text);
});

test('a 1 MB attribute value decodes intact', () => {
  const big = 'é'.repeat(512 * 1024) + 'end';
  const [span] = decodeOtlpJson(oneSpanRequest({ attributes: [{ key: 'big', value: { stringValue: big } }] })).spans;
  assert.equal(span.attributes.strValues[0], big);
});

test('deep nesting is an OtlpDecodeError, not a stack overflow', () => {
  // Built as text, 5000 arrays deep: JSON.stringify would itself recurse that deep.
  const text = oneSpanRequest({ attributes: [{ key: 'deep', value: '@' }] }).replace('"@"', `${'{"arrayValue":{"values":['.repeat(5000)}{}${']}}'.repeat(5000)}`);
  assert.match(decodeError(text).message, /AnyValue nested deeper than 64 levels/);
});

test('fuzz: mutated JSON decodes or throws OtlpDecodeError, nothing else', { timeout: 120_000 }, () => {
  const random = seededRandom(777);
  const seed = oneSpanRequest({
    parentSpanId: '00f067aa0ba902b7',
    startTimeUnixNano: '1795600072097237614',
    attributes: [
      { key: 'i', value: { intValue: '12' } },
      { key: 'a', value: { arrayValue: { values: [{ doubleValue: 1 }, { bytesValue: 'AAE=' }] } } },
    ],
    events: [{ timeUnixNano: '1', name: 'e' }],
    links: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }],
    status: { code: 1 },
  });
  const alphabet = '{}[]",:0123456789-.eE truefalsnul\\abcxyzAZ_';
  let decoded = 0;
  for (let iteration = 0; iteration < 2000; iteration++) {
    const chars = [...seed];
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(random() * chars.length);
      const replacement = alphabet[Math.floor(random() * alphabet.length)];
      if (random() < 0.3) chars.splice(at, 1);
      else chars[at] = replacement;
    }
    try {
      decodeOtlpJson(chars.join(''));
      decoded++;
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) assert.fail(`iteration ${iteration}: ${String(error)} for ${chars.join('')}`);
    }
  }
  assert.ok(decoded > 0, 'some mutations still decode');
});
