import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationNs } from '../../src/query/duration.ts';
import { ParamError, parseAttributeFilter, parseEndTsLookback, parseSearchParams, parseTime } from '../../src/query/search-params.ts';
import { parseTraceId } from '../../src/query/trace-id.ts';

const NOW = 1_764_000_000_000_000_000n;

test('durations in Go/Jaeger spelling', () => {
  assert.equal(parseDurationNs('250ms'), 250_000_000n);
  assert.equal(parseDurationNs('1.5s'), 1_500_000_000n);
  assert.equal(parseDurationNs('2h30m'), 9_000_000_000_000n);
  assert.equal(parseDurationNs('7d'), 604_800_000_000_000n);
  assert.equal(parseDurationNs('10us'), 10_000n);
  assert.equal(parseDurationNs('10µs'), 10_000n);
  for (const bad of ['', '10', 'ms', '5 minutes', '-1s', '1.s']) assert.throws(() => parseDurationNs(bad), bad);
});

test('times: RFC 3339 with nanoseconds, or Unix milliseconds', () => {
  assert.equal(parseTime('2026-11-25T10:00:00Z'), BigInt(Date.UTC(2026, 10, 25, 10)) * 1_000_000n);
  assert.equal(parseTime('2026-11-25T10:00:00.123456789Z'), BigInt(Date.UTC(2026, 10, 25, 10)) * 1_000_000n + 123_456_789n);
  assert.equal(parseTime('2026-11-25T12:00:00+02:00'), BigInt(Date.UTC(2026, 10, 25, 10)) * 1_000_000n);
  assert.equal(parseTime('1764064800000'), 1_764_064_800_000_000_000n);
  for (const bad of ['yesterday', '2026-13-45T00:00:00Z', '2026-11-25']) assert.throws(() => parseTime(bad), bad);
  // Stored times are unsigned 64-bit nanoseconds: 1970 to 2554.
  assert.equal(parseTime('0'), 0n);
  assert.equal(parseTime('18446744073709'), 18_446_744_073_709_000_000n);
  for (const outside of ['18446744073710', '9'.repeat(40), '1969-12-31T23:59:59Z', '9999-01-01T00:00:00Z']) {
    assert.throws(() => parseTime(outside), /outside the times spans can have/, outside);
  }
});

test('attribute filters are typed by their spelling', () => {
  assert.deepEqual(parseAttributeFilter('http.status_code>=500'), { scope: 'span', key: 'http.status_code', type: 'int', op: '>=', value: 500n });
  assert.deepEqual(parseAttributeFilter('resource.service.version="1.2"'), { scope: 'resource', key: 'service.version', type: 'string', op: '=', value: '1.2' });
  assert.deepEqual(parseAttributeFilter('event.exception.type=TypeError'), { scope: 'event', key: 'exception.type', type: 'string', op: '=', value: 'TypeError' });
  assert.deepEqual(parseAttributeFilter('span.ratio<0.5'), { scope: 'span', key: 'ratio', type: 'double', op: '<', value: 0.5 });
  assert.deepEqual(parseAttributeFilter('cache.hit!=true'), { scope: 'span', key: 'cache.hit', type: 'bool', op: '!=', value: true });
  assert.deepEqual(parseAttributeFilter('span.db.system'), { scope: 'span', key: 'db.system', type: 'exists' });
  assert.deepEqual(parseAttributeFilter('url="a=b"'), { scope: 'span', key: 'url', type: 'string', op: '=', value: 'a=b' });
  assert.throws(() => parseAttributeFilter('name>"x"'), /compares numbers/);
  assert.throws(() => parseAttributeFilter('size>big'), /needs a number/);
  assert.throws(() => parseAttributeFilter('=5'), /names no attribute/);
  assert.throws(() => parseAttributeFilter('n=99999999999999999999'), /int64/);
});

test('search parameters with defaults', () => {
  const q = parseSearchParams(new URLSearchParams('service=checkout&attr=http.status_code=500&attr=resource.region=eu&minDuration=10ms&limit=5&spanKind=server'), NOW);
  assert.equal(q.service, 'checkout');
  assert.equal(q.operation, undefined);
  assert.equal(q.spanKind, 2);
  assert.equal(q.attributes.length, 2);
  assert.equal(q.minDurationNs, 10_000_000n);
  assert.equal(q.limit, 5);
  assert.equal(q.endNs, NOW);
  assert.equal(q.startNs, NOW - 3_600_000_000_000n);
  assert.equal(q.errorsOnly, false);
});

test('a bad parameter is named in the error', () => {
  const cases: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['minDuration=fast', 'minDuration'],
    ['minDuration=2s&maxDuration=1s', 'minDuration'],
    ['start=2026-11-25T10:00:00Z&end=2026-11-25T09:00:00Z', 'start'],
    ['spanKind=sideways', 'spanKind'],
    ['attr=x>y', 'attr'],
    ['errors=maybe', 'errors'],
    ['lookback=forever', 'lookback'],
  ];
  for (const [query, param] of cases) {
    assert.throws(
      () => parseSearchParams(new URLSearchParams(query), NOW),
      (err: unknown) => err instanceof ParamError && err.param === param && err.message.includes(`'${param}'`),
      query,
    );
  }
});

test('trace ids: any case, 16 or 32 digits', () => {
  assert.equal(parseTraceId('5B8EFFF798038103D269B633813FC60C'), '5b8efff798038103d269b633813fc60c');
  assert.equal(parseTraceId('d269b633813fc60c'), '0000000000000000d269b633813fc60c');
  for (const bad of ['', 'xyz', '0'.repeat(32), 'a'.repeat(33)]) assert.throws(() => parseTraceId(bad), bad);
});

test("Zipkin's endTs and lookback: epoch ms, end inclusive to the ms, clamped to the storable range", () => {
  const window = (query: string) => parseEndTsLookback(new URLSearchParams(query), 5_000n, 1_000n);
  assert.deepEqual(window(''), [4_000_000_000n, 5_000_999_999n]);
  assert.deepEqual(window('endTs=3000&lookback=500'), [2_500_000_000n, 3_000_999_999n]);
  assert.deepEqual(window('endTs=3000&lookback=9000'), [0n, 3_000_999_999n]);
  const last = 2n ** 64n - 1n;
  assert.deepEqual(window('endTs=18446744073709&lookback=0'), [18_446_744_073_709_000_000n, last]);
  assert.deepEqual(window('endTs=999999999999999999&lookback=1'), [last, last]);
  assert.throws(() => window('endTs=-1'), /endTs/);
  assert.throws(() => window('lookback=1h'), /lookback/);
});
