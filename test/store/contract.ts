// The SpanStore contract, run unchanged against every transport (contract-*.test.ts).
// One store serves the whole suite; each test keeps to its own services and its own hour
// of 2026 (see slot()), so tests neither see nor disturb each other's data.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, StatusCode, type SpanRow } from '../../src/model/span.ts';
import type { AttributeFilter, SpanOutline, SpanStore, TraceQuery } from '../../src/store/span-store.ts';
import {
  attributes,
  DAY,
  HOUR,
  MINUTE,
  MS,
  newSpanId,
  newTraceId,
  ns,
  SECOND,
  span,
} from '../support/span-builder.ts';

export interface StoreFixture {
  /** Opens (or reopens) the store on the same data; the suite calls init(). */
  open(): Promise<SpanStore>;
  /** Removes everything the fixture made; the store is closed by then. */
  cleanup(): Promise<void>;
}

let slotCounter = 0;

/** An hour of time no other test uses, and a service-name prefix no other test uses. */
function slot(): { start: bigint; end: bigint; prefix: string } {
  const index = ++slotCounter;
  const start = ns('2026-03-01T00:00:00Z') + BigInt(index) * HOUR;
  return { start, end: start + HOUR - 1n, prefix: `t${index}-` };
}

/** What getTraceOutline and readSpans return of a span. */
function outlineOf(s: SpanRow): SpanOutline {
  return {
    traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, serviceName: s.serviceName, name: s.name, kind: s.kind,
    startNs: s.startNs, endNs: s.endNs, statusCode: s.statusCode, statusMessage: s.statusMessage,
    links: s.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
  };
}

function byStart(spans: SpanRow[]): SpanRow[] {
  return [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}

export function storeContract(name: string, fixture: () => Promise<StoreFixture> | StoreFixture): void {
  describe(`SpanStore contract: ${name}`, () => {
    let opened: StoreFixture;
    let store: SpanStore;

    before(async () => {
      opened = await fixture();
      store = await opened.open();
      await store.init();
    });

    after(async () => {
      await store?.close();
      await opened?.cleanup();
    });

    const search = (query: Partial<TraceQuery> & Pick<TraceQuery, 'startNs' | 'endNs'>) =>
      store.searchTraces({ attributes: [], limit: 100, ...query });
    const searchIds = async (query: Partial<TraceQuery> & Pick<TraceQuery, 'startNs' | 'endNs'>) =>
      (await search(query)).map((summary) => summary.traceId);

    it('returns a written trace field for field: attributes of every type, events, links, unicode, extremes', async () => {
      const { start, prefix } = slot();
      const traceId = newTraceId();
      const root = span({
        traceId,
        service: `${prefix}frontend`,
        startNs: start + 5n * MS,
        durationNs: 250n * MS,
        name: 'GET /checkout',
        kind: SpanKind.SERVER,
        traceState: 'vendor=a,other=b',
        flags: 0x301,
        statusCode: StatusCode.OK,
        statusMessage: 'fine ✓',
        attributes: attributes({
          str: {
            'http.method': 'GET',
            empty: '',
            'unicode ключ 🔑': '日本語 and emoji 🎉',
            quotes: `it's "quoted" \\ back\\slash`,
            control: 'nul\u0000 newline\n tab\t',
            long: 'ü'.repeat(300),
          },
          int: { max: 9223372036854775807n, min: -9223372036854775808n, negative: -42n, zero: 0n },
          dbl: { pi: 3.141592653589793, nan: NaN, inf: Infinity, negInf: -Infinity, negZero: -0, subnormal: 5e-324, big: 1.7976931348623157e308 },
          bool: { yes: true, no: false },
          other: {
            list: '{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"}]}}',
            bytes: '{"bytesValue":"AAEC"}',
          },
        }),
        droppedAttributesCount: 3,
        resource: {
          attributes: attributes({
            str: { 'service.name': `${prefix}frontend`, 'host.name': 'web-1' },
            int: { 'process.pid': 4242n },
          }),
          droppedAttributesCount: 1,
          schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
        },
        scope: {
          name: '@opentelemetry/instrumentation-http',
          version: '0.1.0',
          attributes: attributes({ str: { 'scope.kind': 'auto' }, int: { level: -1n }, dbl: { ratio: NaN } }),
          droppedAttributesCount: 2,
          schemaUrl: 'https://example.com/scope',
        },
        events: [
          {
            timeNs: start + 6n * MS,
            name: 'exception',
            attributes: attributes({
              str: { 'exception.message': 'boom 💥' },
              int: { code: -9223372036854775808n },
              dbl: { weight: -0, huge: Infinity },
              bool: { handled: false },
              other: { detail: '{"kvlistValue":{"values":[]}}' },
            }),
            droppedAttributesCount: 4,
          },
          { timeNs: start + 7n * MS, name: 'no attributes', attributes: attributes(), droppedAttributesCount: 0 },
        ],
        droppedEventsCount: 5,
        links: [
          {
            traceId: newTraceId(),
            spanId: newSpanId(),
            traceState: 'linked=1',
            flags: 1,
            attributes: attributes({ str: { reason: 'follows' } }),
            droppedAttributesCount: 6,
          },
          { traceId: newTraceId(), spanId: newSpanId(), traceState: '', flags: 0, attributes: attributes(), droppedAttributesCount: 0 },
        ],
        droppedLinksCount: 7,
      });
      const child = span({
        traceId,
        service: `${prefix}backend`,
        startNs: start + 10n * MS,
        parentSpanId: root.spanId,
        kind: SpanKind.CLIENT,
        statusCode: StatusCode.ERROR,
        statusMessage: 'timeout',
      });
      await store.writeBatch([child, root]);

      assert.deepStrictEqual(await store.getTrace(traceId), [root, child]);
      assert.deepStrictEqual(await store.getTrace(traceId.toUpperCase()), [root, child], 'upper-case id');
    });

    it('reads a trace as outlines, one span by id, and finds spans by text', async () => {
      const { start, prefix } = slot();
      const traceId = newTraceId();
      const linked = { traceId: newTraceId(), spanId: newSpanId() };
      const root = span({
        traceId,
        service: `${prefix}frontend`,
        startNs: start + MS,
        name: 'GET /cart',
        kind: SpanKind.SERVER,
        attributes: attributes({ str: { 'http.route': '/cart/{id}' }, int: { 'http.status_code': 503n }, dbl: { ratio: 0.25 }, bool: { cached: true } }),
        resource: { attributes: attributes({ str: { 'service.name': `${prefix}frontend`, 'host.name': 'web-7' } }), droppedAttributesCount: 0, schemaUrl: '' },
        events: [{ timeNs: start + 2n * MS, name: 'Cache Miss', attributes: attributes({ str: { 'cache.key': "it's-key-42" } }), droppedAttributesCount: 0 }],
        links: [{ ...linked, traceState: '', flags: 0, attributes: attributes({ str: { reason: 'batch' } }), droppedAttributesCount: 0 }],
      });
      const client = span({ traceId, service: `${prefix}frontend`, startNs: start + 3n * MS, parentSpanId: root.spanId, kind: SpanKind.CLIENT, name: 'call backend' });
      const server = { ...span({ traceId, service: `${prefix}backend`, startNs: start + 4n * MS, parentSpanId: root.spanId, kind: SpanKind.SERVER, statusCode: StatusCode.ERROR, statusMessage: 'Deadline exceeded' }), spanId: client.spanId };
      await store.writeBatch([server, root, client]);

      assert.deepStrictEqual(await store.getTraceOutline(traceId.toUpperCase()), [root, client, server].map(outlineOf));
      assert.deepStrictEqual(await store.getTraceOutline(newTraceId()), []);

      assert.deepStrictEqual(await store.getSpan(traceId, root.spanId.toUpperCase()), [root]);
      assert.deepStrictEqual(await store.getSpan(traceId, client.spanId), [client, server], 'both halves of a shared span');
      assert.deepStrictEqual(await store.getSpan(traceId, newSpanId()), []);
      await assert.rejects(store.getSpan(traceId, 'not-an-id'), RangeError);

      const find = async (text: string) => (await store.findSpans(traceId, text)).sort();
      const ids = (...spans: SpanRow[]) => [...new Set(spans.map((s) => s.spanId))].sort();
      assert.deepStrictEqual(await find(`${prefix}BACKEND`), ids(server), 'service, any case');
      assert.deepStrictEqual(await find('call back'), ids(client), 'name');
      assert.deepStrictEqual(await find(root.spanId.toUpperCase()), ids(root), 'span id, any case');
      assert.deepStrictEqual(await find('deadline'), ids(server), 'status message');
      assert.deepStrictEqual(await find('http.route=/cart/{'), ids(root), 'string attribute as key=value');
      assert.deepStrictEqual(await find('status_code=503'), ids(root), 'int attribute');
      assert.deepStrictEqual(await find('ratio=0.25'), ids(root), 'double attribute');
      assert.deepStrictEqual(await find('cached=true'), ids(root), 'bool attribute');
      assert.deepStrictEqual(await find('web-7'), ids(root), 'resource attribute');
      assert.deepStrictEqual(await find('cache miss'), ids(root), 'event name');
      assert.deepStrictEqual(await find("it's-key"), ids(root), 'event attribute, with a quote');
      assert.deepStrictEqual(await find(prefix), ids(root, client, server), 'each id once');
      assert.deepStrictEqual(await find('   '), [], 'blank text finds nothing');
      assert.deepStrictEqual(await find('%'), [], 'no pattern characters');
      for (const hostile of ["'); DROP TABLE spans; --", 'back\\slash \u0000 nul', '\ud800 lone surrogate', '🎉'.repeat(200)]) {
        assert.deepStrictEqual(await find(hostile), [], `hostile text ${JSON.stringify(hostile.slice(0, 20))} is only text`);
      }
      assert.deepStrictEqual(await find('no such text anywhere'), []);
    });

    it('returns [] for an unknown trace and rejects a malformed id', async () => {
      assert.deepStrictEqual(await store.getTrace(newTraceId()), []);
      await assert.rejects(store.getTrace("'; DROP TABLE spans; --"), RangeError);
    });

    it('ignores an empty batch', async () => {
      await store.writeBatch([]);
    });

    it('joins spans of one trace written in several batches, across midnight', async () => {
      const midnight = ns('2026-02-02T00:00:00Z');
      const traceId = newTraceId();
      const root = span({ traceId, service: 'multi-batch-root', startNs: midnight - 500n * MS, durationNs: SECOND, name: 'root op' });
      const early = span({ traceId, service: 'multi-batch-a', startNs: midnight - 400n * MS, parentSpanId: root.spanId, statusCode: StatusCode.ERROR });
      const late = span({ traceId, service: 'multi-batch-b', startNs: midnight + 200n * MS, parentSpanId: root.spanId, durationNs: 600n * MS });
      await store.writeBatch([early]);
      await store.writeBatch([late]);
      await store.writeBatch([root]);

      assert.deepStrictEqual(await store.getTrace(traceId), [root, early, late]);
      const [summary] = await search({ service: 'multi-batch-b', startNs: midnight - HOUR, endNs: midnight + HOUR });
      assert.deepStrictEqual(summary, {
        traceId,
        rootService: 'multi-batch-root',
        rootOperation: 'root op',
        startNs: root.startNs,
        durationNs: late.endNs - root.startNs,
        spanCount: 3,
        errorCount: 1,
        services: ['multi-batch-a', 'multi-batch-b', 'multi-batch-root'],
      });
    });

    it('summarises a trace whose root has not arrived with an empty root', async () => {
      const { start, prefix } = slot();
      const traceId = newTraceId();
      await store.writeBatch([span({ traceId, service: `${prefix}orphan`, startNs: start, parentSpanId: newSpanId() })]);
      const [summary] = await search({ startNs: start, endNs: start + HOUR });
      assert.equal(summary?.traceId, traceId);
      assert.equal(summary?.rootService, '');
      assert.equal(summary?.rootOperation, '');
    });

    it('searches by service, operation, kind and errors', async () => {
      const { start, end, prefix } = slot();
      const shop = `${prefix}shop`;
      const traces = {
        server: newTraceId(),
        client: newTraceId(),
        error: newTraceId(),
        other: newTraceId(),
      };
      await store.writeBatch([
        span({ traceId: traces.server, service: shop, startNs: start + 1n * SECOND, name: 'checkout', kind: SpanKind.SERVER }),
        span({ traceId: traces.client, service: shop, startNs: start + 2n * SECOND, name: 'checkout', kind: SpanKind.CLIENT }),
        span({ traceId: traces.error, service: shop, startNs: start + 3n * SECOND, name: 'pay', statusCode: StatusCode.ERROR }),
        span({ traceId: traces.other, service: `${prefix}cart`, startNs: start + 4n * SECOND, name: 'checkout' }),
      ]);
      const window = { startNs: start, endNs: end };
      assert.deepStrictEqual(await searchIds({ ...window, service: shop }), [traces.error, traces.client, traces.server]);
      assert.deepStrictEqual(await searchIds({ ...window, service: shop, operation: 'checkout' }), [traces.client, traces.server]);
      assert.deepStrictEqual(await searchIds({ ...window, operation: 'checkout', spanKind: SpanKind.SERVER }), [traces.server]);
      assert.deepStrictEqual(await searchIds({ ...window, errorsOnly: true }), [traces.error]);
      assert.deepStrictEqual(await searchIds({ ...window, service: `${prefix}nobody` }), []);
    });

    describe('attribute filters', () => {
      // One trace per span, each with one value per type, so a filter's result names exactly the spans it matched.
      let window: { startNs: bigint; endNs: bigint };
      const traceOf: Record<string, string> = {};
      const matching = async (...filters: AttributeFilter[]) => {
        const ids = await searchIds({ ...window, attributes: filters });
        return Object.keys(traceOf).filter((name) => ids.includes(traceOf[name]!)).sort();
      };

      before(async () => {
        const { start, end, prefix } = slot();
        window = { startNs: start, endNs: end };
        const values = [
          { name: 'low', str: 'GET', int: -5n, dbl: -1.5, bool: false },
          { name: 'mid', str: 'POST', int: 200n, dbl: 0.25, bool: true },
          { name: 'high', str: "it's \\ odd", int: 9223372036854775807n, dbl: 1e300, bool: true },
        ];
        const spans = values.map((value, i) => {
          traceOf[value.name] = newTraceId();
          return span({
            traceId: traceOf[value.name]!,
            service: `${prefix}attrs`,
            startNs: start + BigInt(i) * SECOND,
            attributes: attributes({
              str: { method: value.str },
              int: { status: value.int },
              dbl: { ratio: value.dbl },
              bool: { cached: value.bool },
              ...(value.name === 'high' ? { other: { tags: '{"arrayValue":{"values":[]}}' } } : {}),
            }),
            resource: { attributes: attributes({ str: { region: value.name === 'low' ? 'eu' : 'us' } }), droppedAttributesCount: 0, schemaUrl: '' },
            events:
              value.name === 'mid'
                ? [{ timeNs: start, name: 'retry', attributes: attributes({ int: { attempt: 3n } }), droppedAttributesCount: 0 }]
                : [],
          });
        });
        await store.writeBatch(spans);
      });

      it('string = and !=', async () => {
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'method', type: 'string', op: '=', value: 'POST' }), ['mid']);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'method', type: 'string', op: '=', value: "it's \\ odd" }), ['high']);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'method', type: 'string', op: '!=', value: 'POST' }), ['high', 'low']);
      });

      it('int comparisons, int64 extremes included', async () => {
        const int = (op: '=' | '!=' | '<' | '<=' | '>' | '>=', value: bigint): AttributeFilter => ({ scope: 'span', key: 'status', type: 'int', op, value });
        assert.deepStrictEqual(await matching(int('=', 200n)), ['mid']);
        assert.deepStrictEqual(await matching(int('!=', 200n)), ['high', 'low']);
        assert.deepStrictEqual(await matching(int('<', 200n)), ['low']);
        assert.deepStrictEqual(await matching(int('<=', 200n)), ['low', 'mid']);
        assert.deepStrictEqual(await matching(int('>', 200n)), ['high']);
        assert.deepStrictEqual(await matching(int('>=', -5n)), ['high', 'low', 'mid']);
        assert.deepStrictEqual(await matching(int('=', 9223372036854775807n)), ['high']);
        assert.deepStrictEqual(await matching(int('>', -9223372036854775808n)), ['high', 'low', 'mid']);
      });

      it('double comparisons', async () => {
        const dbl = (op: '=' | '<' | '>=', value: number): AttributeFilter => ({ scope: 'span', key: 'ratio', type: 'double', op, value });
        assert.deepStrictEqual(await matching(dbl('=', 0.25)), ['mid']);
        assert.deepStrictEqual(await matching(dbl('<', 0)), ['low']);
        assert.deepStrictEqual(await matching(dbl('>=', 0.25)), ['high', 'mid']);
        assert.deepStrictEqual(await matching(dbl('<', Infinity)), ['high', 'low', 'mid']);
      });

      it('bool = and !=', async () => {
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'cached', type: 'bool', op: '=', value: true }), ['high', 'mid']);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'cached', type: 'bool', op: '!=', value: true }), ['low']);
      });

      it('exists, whatever the type', async () => {
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'tags', type: 'exists' }), ['high']);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'status', type: 'exists' }), ['high', 'low', 'mid']);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'absent', type: 'exists' }), []);
      });

      it('a comparison needs the key with that type', async () => {
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'method', type: 'int', op: '!=', value: 0n }), []);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'absent', type: 'string', op: '!=', value: 'x' }), []);
      });

      it('resource and event attributes, each only in its own scope', async () => {
        assert.deepStrictEqual(await matching({ scope: 'resource', key: 'region', type: 'string', op: '=', value: 'eu' }), ['low']);
        assert.deepStrictEqual(await matching({ scope: 'span', key: 'region', type: 'exists' }), []);
        assert.deepStrictEqual(await matching({ scope: 'event', key: 'attempt', type: 'int', op: '>=', value: 3n }), ['mid']);
        assert.deepStrictEqual(await matching({ scope: 'resource', key: 'attempt', type: 'exists' }), []);
        assert.deepStrictEqual(await matching({ scope: 'event', key: 'method', type: 'exists' }), []);
      });

      it('event names, each required', async () => {
        const named = async (...eventNames: string[]) => {
          const ids = await searchIds({ ...window, eventNames });
          return Object.keys(traceOf).filter((name) => ids.includes(traceOf[name]!)).sort();
        };
        assert.deepStrictEqual(await named('retry'), ['mid']);
        assert.deepStrictEqual(await named('retry', 'other'), []);
        assert.deepStrictEqual(await named("it's"), []);
      });

      it('several filters must all hold', async () => {
        assert.deepStrictEqual(
          await matching(
            { scope: 'span', key: 'cached', type: 'bool', op: '=', value: true },
            { scope: 'resource', key: 'region', type: 'string', op: '=', value: 'us' },
            { scope: 'span', key: 'status', type: 'int', op: '<', value: 1000n },
          ),
          ['mid'],
        );
      });
    });

    it('needs every condition on one and the same span', async () => {
      const { start, end, prefix } = slot();
      const traceId = newTraceId();
      const root = span({ traceId, service: `${prefix}api`, startNs: start, name: 'handle', attributes: attributes({ str: { user: 'alice' } }) });
      const child = span({
        traceId,
        service: `${prefix}db`,
        startNs: start + MS,
        parentSpanId: root.spanId,
        name: 'query',
        statusCode: StatusCode.ERROR,
        durationNs: 5n * SECOND,
        attributes: attributes({ str: { table: 'users' } }),
      });
      await store.writeBatch([root, child]);
      const window = { startNs: start, endNs: end };
      const user: AttributeFilter = { scope: 'span', key: 'user', type: 'string', op: '=', value: 'alice' };
      const table: AttributeFilter = { scope: 'span', key: 'table', type: 'string', op: '=', value: 'users' };

      assert.deepStrictEqual(await searchIds({ ...window, service: `${prefix}api`, attributes: [user] }), [traceId]);
      assert.deepStrictEqual(await searchIds({ ...window, service: `${prefix}api`, attributes: [table] }), []);
      assert.deepStrictEqual(await searchIds({ ...window, attributes: [user, table] }), []);
      assert.deepStrictEqual(await searchIds({ ...window, service: `${prefix}api`, errorsOnly: true }), []);
      assert.deepStrictEqual(await searchIds({ ...window, operation: 'handle', minDurationNs: SECOND }), []);
      assert.deepStrictEqual(await searchIds({ ...window, operation: 'query', minDurationNs: SECOND, errorsOnly: true }), [traceId]);
    });

    it('filters by span duration, both bounds inclusive', async () => {
      const { start, end, prefix } = slot();
      const durations = [1n * MS, 10n * MS, 100n * MS];
      const ids = durations.map(() => newTraceId());
      await store.writeBatch(
        durations.map((durationNs, i) => span({ traceId: ids[i]!, service: `${prefix}timed`, startNs: start + BigInt(i) * SECOND, durationNs })),
      );
      const window = { startNs: start, endNs: end };
      assert.deepStrictEqual(await searchIds({ ...window, minDurationNs: 10n * MS }), [ids[2], ids[1]]);
      assert.deepStrictEqual(await searchIds({ ...window, maxDurationNs: 10n * MS }), [ids[1], ids[0]]);
      assert.deepStrictEqual(await searchIds({ ...window, minDurationNs: 2n * MS, maxDurationNs: 50n * MS }), [ids[1]]);
    });

    it('filters by span start, both bounds inclusive', async () => {
      const { start, prefix } = slot();
      const ids = [newTraceId(), newTraceId(), newTraceId()];
      await store.writeBatch(ids.map((traceId, i) => span({ traceId, service: `${prefix}timeline`, startNs: start + BigInt(i) * SECOND })));
      const service = `${prefix}timeline`;
      assert.deepStrictEqual(await searchIds({ service, startNs: start, endNs: start + SECOND }), [ids[1], ids[0]]);
      assert.deepStrictEqual(await searchIds({ service, startNs: start + 1n, endNs: start + 2n * SECOND }), [ids[2], ids[1]]);
      assert.deepStrictEqual(await searchIds({ service, startNs: start + 2n * SECOND + 1n, endNs: start + HOUR }), []);
    });

    it('orders newest first, ties by trace id, and honours the limit', async () => {
      const { start, end, prefix } = slot();
      const service = `${prefix}ordered`;
      // Newest = the latest start of a matching span. Two traces tie at start + 5 s.
      const tiedA = '0000000000000000000000000000000a';
      const tiedB = '0000000000000000000000000000000b';
      const older = newTraceId();
      const newest = newTraceId();
      await store.writeBatch([
        span({ traceId: tiedB, service, startNs: start + 5n * SECOND }),
        span({ traceId: older, service, startNs: start + 1n * SECOND }),
        span({ traceId: newest, service, startNs: start + 2n * SECOND }),
        span({ traceId: newest, service, startNs: start + 9n * SECOND, parentSpanId: newSpanId() }),
        span({ traceId: tiedA, service, startNs: start + 5n * SECOND }),
      ]);
      const window = { service, startNs: start, endNs: end };
      assert.deepStrictEqual(await searchIds(window), [newest, tiedA, tiedB, older]);
      assert.deepStrictEqual(await searchIds({ ...window, limit: 2 }), [newest, tiedA]);
      assert.deepStrictEqual(await searchIds({ ...window, limit: 0 }), []);
    });

    it('walks the window newest first across time buckets, each trace once, by its newest match in the window', async () => {
      const { start, end, prefix } = slot();
      const service = `${prefix}spread`;
      const ids = { a: newTraceId(), b: newTraceId(), c: newTraceId(), d: newTraceId(), e: newTraceId() };
      // Minutes into the hour; the store's time buckets are 10 minutes wide.
      await store.writeBatch([
        span({ traceId: ids.a, service, startNs: start + 55n * MINUTE }),
        span({ traceId: ids.a, service, startNs: start + 1n * MINUTE, parentSpanId: newSpanId() }),
        span({ traceId: ids.b, service, startNs: start + 35n * MINUTE }),
        span({ traceId: ids.c, service, startNs: start + 5n * MINUTE }),
        span({ traceId: ids.d, service, startNs: start + 50n * MINUTE }),
        span({ traceId: ids.e, service, startNs: start + 25n * MINUTE }),
      ]);
      const window = { service, startNs: start, endNs: end };
      assert.deepStrictEqual(await searchIds(window), [ids.a, ids.d, ids.b, ids.e, ids.c]);
      assert.deepStrictEqual(await searchIds({ ...window, limit: 3 }), [ids.a, ids.d, ids.b]);
      assert.deepStrictEqual(await searchIds({ ...window, limit: 5 }), [ids.a, ids.d, ids.b, ids.e, ids.c]);
      // A window ending mid-bucket: a's span at 55 min is out, its 1-minute span ranks it.
      assert.deepStrictEqual(await searchIds({ ...window, endNs: start + 52n * MINUTE }), [ids.d, ids.b, ids.e, ids.c, ids.a]);
      assert.deepStrictEqual(await searchIds({ ...window, endNs: start + 52n * MINUTE, limit: 4 }), [ids.d, ids.b, ids.e, ids.c]);
      // And one starting mid-bucket.
      assert.deepStrictEqual(await searchIds({ ...window, startNs: start + 2n * MINUTE }), [ids.a, ids.d, ids.b, ids.e, ids.c]);
      assert.deepStrictEqual(await searchIds({ ...window, startNs: start + 6n * MINUTE, endNs: start + 52n * MINUTE }), [ids.d, ids.b, ids.e]);
      assert.deepStrictEqual(await searchIds({ ...window, startNs: end, endNs: start }), [], 'an empty window');
    });

    it('reads a batch written twice (a WAL replay) back once, and keeps both halves of a shared span', async () => {
      const { start, end, prefix } = slot();
      const traceId = newTraceId();
      const root = span({ traceId, service: `${prefix}replayed`, startNs: start + MS, name: 'root' });
      // Zipkin shared span: client and server halves under one span id, here with one start.
      const client = span({ traceId, service: `${prefix}replayed`, startNs: start + 2n * MS, parentSpanId: root.spanId, kind: SpanKind.CLIENT });
      const server = { ...span({ traceId, service: `${prefix}server`, startNs: start + 2n * MS, parentSpanId: root.spanId, kind: SpanKind.SERVER }), spanId: client.spanId };
      const batch = [root, client, server];
      await store.writeBatch(batch);
      await store.writeBatch(batch);

      const spans = await store.getTrace(traceId);
      assert.equal(spans.length, 3);
      assert.deepStrictEqual(spans[0], root);
      assert.deepStrictEqual(
        spans.slice(1).sort((a, b) => a.kind - b.kind),
        [server, client],
        'both halves of the shared span',
      );
      assert.deepStrictEqual(await searchIds({ startNs: start, endNs: end, service: `${prefix}replayed` }), [traceId]);
    });

    it('summarises each hit: root, start, duration, span and error counts, services', async () => {
      const { start, end, prefix } = slot();
      const traceId = newTraceId();
      const root = span({ traceId, service: `${prefix}gateway`, startNs: start + 100n * MS, durationNs: 300n * MS, name: 'GET /' });
      await store.writeBatch([
        root,
        span({ traceId, service: `${prefix}users`, startNs: start + 150n * MS, parentSpanId: root.spanId, statusCode: StatusCode.ERROR }),
        span({ traceId, service: `${prefix}auth`, startNs: start + 160n * MS, durationNs: 400n * MS, parentSpanId: root.spanId, statusCode: StatusCode.ERROR }),
        span({ traceId, service: `${prefix}users`, startNs: start + 170n * MS, parentSpanId: root.spanId }),
      ]);
      assert.deepStrictEqual(await search({ startNs: start, endNs: end, service: `${prefix}auth` }), [
        {
          traceId,
          rootService: `${prefix}gateway`,
          rootOperation: 'GET /',
          startNs: start + 100n * MS,
          durationNs: 460n * MS,
          spanCount: 4,
          errorCount: 2,
          services: [`${prefix}auth`, `${prefix}gateway`, `${prefix}users`],
        },
      ]);
    });

    it('lists services and their operations with kinds', async () => {
      const { start, prefix } = slot();
      const traceId = newTraceId();
      await store.writeBatch([
        span({ traceId, service: `${prefix}orders`, startNs: start, name: 'place', kind: SpanKind.SERVER }),
        span({ traceId, service: `${prefix}orders`, startNs: start + MS, name: 'place', kind: SpanKind.CLIENT }),
        span({ traceId, service: `${prefix}orders`, startNs: start + 2n * MS, name: 'list', kind: SpanKind.SERVER }),
        span({ traceId, service: `${prefix}stock`, startNs: start + 3n * MS, name: 'reserve', kind: SpanKind.CONSUMER }),
      ]);
      await store.writeBatch([span({ traceId, service: `${prefix}orders`, startNs: start + 4n * MS, name: 'place', kind: SpanKind.SERVER })]);

      const services = await store.listServices();
      assert.deepStrictEqual(services.filter((service) => service.startsWith(prefix)), [`${prefix}orders`, `${prefix}stock`]);
      assert.deepStrictEqual([...services].sort(), services, 'sorted');
      assert.deepStrictEqual(await store.listOperations(`${prefix}orders`), [
        { name: 'list', kind: SpanKind.SERVER },
        { name: 'place', kind: SpanKind.SERVER },
        { name: 'place', kind: SpanKind.CLIENT },
      ]);
      assert.deepStrictEqual(await store.listOperations(`${prefix}nobody`), []);
    });

    it('lists attribute names and most common values in a time range', async () => {
      const { start, end, prefix } = slot();
      const traceId = newTraceId();
      const resource = { attributes: attributes({ str: { 'host.name': 'h1' } }), droppedAttributesCount: 0, schemaUrl: '' };
      const withAttributes = (offset: bigint, method: string, status: bigint) =>
        span({
          traceId,
          service: `${prefix}named`,
          startNs: start + offset,
          resource,
          attributes: attributes({ str: { 'http.method': method }, int: { 'http.status': status }, bool: { ok: true } }),
          events: [{ timeNs: start, name: 'e', attributes: attributes({ dbl: { 'queue.ms': 1.5 } }), droppedAttributesCount: 0 }],
        });
      await store.writeBatch([
        withAttributes(1n * SECOND, 'GET', 200n),
        withAttributes(2n * SECOND, 'GET', 500n),
        withAttributes(3n * SECOND, 'POST', 200n),
        withAttributes(4n * SECOND, 'GET', 200n),
        // Outside the range asked for below.
        span({ traceId, service: `${prefix}named`, startNs: end + 10n * SECOND, attributes: attributes({ str: { late: 'x' } }) }),
      ]);

      assert.deepStrictEqual(await store.listAttributeNames(start, end), [
        { scope: 'span', key: 'http.method', type: 'string' },
        { scope: 'span', key: 'http.status', type: 'int' },
        { scope: 'span', key: 'ok', type: 'bool' },
        { scope: 'resource', key: 'host.name', type: 'string' },
        { scope: 'event', key: 'queue.ms', type: 'double' },
      ]);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'http.method', start, end, 10), ['GET', 'POST']);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'http.status', start, end, 1), ['200']);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'ok', start, end, 10), ['true']);
      assert.deepStrictEqual(await store.listAttributeValues('resource', 'host.name', start, end, 10), ['h1']);
      assert.deepStrictEqual(await store.listAttributeValues('event', 'queue.ms', start, end, 10), ['1.5']);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'host.name', start, end, 10), []);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'late', start, end, 10), []);
    });

    it('lists attribute names by scope, then key by UTF-8 bytes (a key past U+FFFF after one below it), then type', async () => {
      const { start, prefix } = slot();
      // UTF-16 puts the emoji (a surrogate pair, D83D...) before U+FB00; UTF-8 (F0... vs EF...) after it.
      await store.writeBatch([
        span({
          traceId: newTraceId(),
          service: `${prefix}names`,
          startNs: start + SECOND,
          attributes: attributes({ str: { '😀.key': 'a', '\ufb00.key': 'b', z: 'c' }, int: { z: 1n } }),
        }),
      ]);
      // A window of its own: the test before leaves a span 10 s into this slot.
      const spanNames = (await store.listAttributeNames(start + SECOND, start + SECOND)).filter((name) => name.scope === 'span');
      assert.deepStrictEqual(spanNames, [
        { scope: 'span', key: 'z', type: 'int' },
        { scope: 'span', key: 'z', type: 'string' },
        { scope: 'span', key: '\ufb00.key', type: 'string' },
        { scope: 'span', key: '😀.key', type: 'string' },
      ]);
    });

    it('takes any text as a value: quotes, backslashes, control characters, SQL', async () => {
      const { start, end } = slot();
      const hostile = [
        "o'; DROP TABLE spans; --",
        'back\\slash\\',
        "\\'",
        'nul\u0000byte and\nnewline\r\t',
        '`backtick` "double"',
        '\u00e9\u0301 ✓ 🎉',
      ];
      const traceIds = hostile.map(() => newTraceId());
      await store.writeBatch(
        hostile.map((text, i) =>
          span({ traceId: traceIds[i]!, service: text, name: text, startNs: start + BigInt(i) * SECOND, attributes: attributes({ str: { [text]: text } }) }),
        ),
      );
      const services = await store.listServices();
      for (const [i, text] of hostile.entries()) {
        const label = JSON.stringify(text);
        assert.ok(services.includes(text), `listServices has ${label}`);
        assert.deepStrictEqual(await store.listOperations(text), [{ name: text, kind: SpanKind.INTERNAL }], label);
        const filter: AttributeFilter = { scope: 'span', key: text, type: 'string', op: '=', value: text };
        assert.deepStrictEqual(
          await searchIds({ startNs: start, endNs: end, service: text, operation: text, attributes: [filter] }),
          [traceIds[i]],
          label,
        );
        assert.deepStrictEqual(await store.listAttributeValues('span', text, start, end, 10), [text], label);
      }
    });

    it('drops whole days before the cutoff and keeps later ones', async () => {
      // The oldest data of the suite: nothing else lies before 2026.
      const oldTrace = newTraceId();
      const keptTrace = newTraceId();
      const oldSpan = span({ traceId: oldTrace, service: 'retention', startNs: ns('2001-01-01T10:00:00Z') });
      const keptSpan = span({ traceId: keptTrace, service: 'retention', startNs: ns('2001-01-02T10:00:00Z') });
      await store.writeBatch([oldSpan, keptSpan]);

      // The cutoff day itself is not whole before the cutoff, so it stays.
      assert.equal(await store.dropBefore(ns('2001-01-02T12:00:00Z')), 1);
      assert.deepStrictEqual(await store.getTrace(oldTrace), []);
      assert.deepStrictEqual(await store.getTrace(keptTrace), [keptSpan]);
      assert.deepStrictEqual(await searchIds({ service: 'retention', startNs: 0n, endNs: ns('2002-01-01T00:00:00Z') }), [keptTrace]);
      assert.equal(await store.dropBefore(ns('2001-01-02T12:00:00Z')), 0, 'nothing left to drop');
      assert.deepStrictEqual(await store.getTrace(keptTrace), [keptSpan]);
    });

    it('keeps its data across close and reopen', async () => {
      const { start, prefix } = slot();
      const traceId = newTraceId();
      const written = span({ traceId, service: `${prefix}durable`, startNs: start });
      await store.writeBatch([written]);
      await store.close();
      store = await opened.open();
      await store.init();
      assert.deepStrictEqual(await store.getTrace(traceId), [written]);
      assert.ok((await store.listServices()).includes(`${prefix}durable`));
    });

    it('keeps every span of concurrent batches', async () => {
      const { start, end, prefix } = slot();
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 50 }, (_, i) => span({ traceId: newTraceId(), service: `${prefix}busy`, startNs: start + BigInt(b * 50 + i) * MS })),
      );
      await Promise.all(batches.map((batch) => store.writeBatch(batch)));
      const found = await search({ service: `${prefix}busy`, startNs: start, endNs: end, limit: 1000 });
      assert.equal(found.length, 400);
    });

    it('finds a 128-bit trace by its low 64 bits, and an exact 64-bit trace first', async () => {
      const { start } = slot();
      const low = newSpanId(); // 16 hex digits
      const wide = span({ traceId: `${'c'.repeat(16)}${low}`, service: 'wide-ids', startNs: start });
      await store.writeBatch([wide]);
      assert.deepStrictEqual(await store.getTrace(`${'0'.repeat(16)}${low}`), [wide]);
      assert.deepStrictEqual(await store.getTrace(`${'0'.repeat(16)}${low.toUpperCase()}`), [wide], 'any case');
      assert.deepStrictEqual((await store.getTraceOutline(`${'0'.repeat(16)}${low}`)).map((s) => s.traceId), [wide.traceId], 'outlines too');
      assert.deepStrictEqual(await store.getSpan(`${'0'.repeat(16)}${low}`, wide.spanId), [wide], 'a span too');
      assert.deepStrictEqual(await store.findSpans(`${'0'.repeat(16)}${low}`, 'wide-ids'), [wide.spanId], 'finding too');

      const narrow = span({ traceId: `${'0'.repeat(16)}${low}`, service: 'narrow-ids', startNs: start + MS });
      await store.writeBatch([narrow]);
      assert.deepStrictEqual(await store.getTrace(narrow.traceId), [narrow], 'an exact match wins');
      assert.deepStrictEqual(await store.getTrace(`${'d'.repeat(16)}${low}`), [], 'a 128-bit id matches exactly only');
    });

    describe('getTraces', () => {
      it('answers each id as getTrace does, in the order asked: traces far apart in time, unknown and repeated ids', async () => {
        const early = slot();
        const late = slot();
        const [a, b, c] = [newTraceId(), newTraceId(), newTraceId()];
        const aRoot = span({ traceId: a, service: `${early.prefix}a`, startNs: early.start + 5n * MS });
        const aChild = span({ traceId: a, service: `${early.prefix}a`, startNs: early.start + 3n * MS, parentSpanId: aRoot.spanId });
        const bSpan = span({ traceId: b, service: `${late.prefix}b`, startNs: late.start + 20n * MS, kind: SpanKind.SERVER });
        // c spreads over two days, written in two batches.
        const cFirst = span({ traceId: c, service: `${late.prefix}c`, startNs: late.start });
        const cNextDay = span({ traceId: c, service: `${late.prefix}c`, startNs: late.start + DAY, parentSpanId: cFirst.spanId });
        await store.writeBatch([aRoot, bSpan, cNextDay, aChild]);
        await store.writeBatch([cFirst]);
        const unknown = newTraceId();

        const traces = await store.getTraces([b, unknown, a.toUpperCase(), c, b]);
        assert.deepStrictEqual(traces, [[bSpan], [], [aChild, aRoot], [cFirst, cNextDay], [bSpan]]);
        assert.deepStrictEqual(traces, await Promise.all([b, unknown, a, c, b].map((id) => store.getTrace(id))), 'what getTrace answers');
        assert.deepStrictEqual(await store.getTraces([a, `${a.slice(0, 16)}${a.slice(16).toUpperCase()}`]), [[aChild, aRoot], [aChild, aRoot]], 'one id asked in two cases');
        assert.deepStrictEqual(await store.getTraces([unknown]), [[]]);
        assert.deepStrictEqual(await store.getTraces([]), []);
      });

      it('rejects the whole call when one id is malformed', async () => {
        const { start, prefix } = slot();
        const traceId = newTraceId();
        await store.writeBatch([span({ traceId, service: `${prefix}fine`, startNs: start })]);
        await assert.rejects(store.getTraces([traceId, "'); DROP TABLE spans; --"]), RangeError);
        await assert.rejects(store.getTraces([traceId, traceId.slice(1)]), RangeError, 'an id one digit short');
      });

      it('reads rows written twice once, and keeps both halves of a shared span', async () => {
        const { start, prefix } = slot();
        const [replayed, other] = [newTraceId(), newTraceId()];
        const root = span({ traceId: replayed, service: `${prefix}replayed`, startNs: start + MS });
        const client = span({ traceId: replayed, service: `${prefix}replayed`, startNs: start + 2n * MS, parentSpanId: root.spanId, kind: SpanKind.CLIENT });
        const server = { ...span({ traceId: replayed, service: `${prefix}server`, startNs: start + 2n * MS, parentSpanId: root.spanId, kind: SpanKind.SERVER }), spanId: client.spanId };
        const otherSpan = span({ traceId: other, service: `${prefix}other`, startNs: start + 3n * MS });
        await store.writeBatch([root, client, server, otherSpan]);
        await store.writeBatch([root, client, server, otherSpan]);

        const [replayedSpans, otherSpans] = await store.getTraces([replayed, other]);
        assert.equal(replayedSpans?.length, 3);
        assert.deepStrictEqual(replayedSpans[0], root);
        assert.deepStrictEqual(replayedSpans.slice(1).sort((x, y) => x.kind - y.kind), [server, client], 'both halves of the shared span');
        assert.deepStrictEqual(otherSpans, [otherSpan]);
      });

      it('finds 128-bit traces by padded 64-bit ids, an exact 64-bit trace first', async () => {
        const { start, prefix } = slot();
        const [wideLow, narrowLow] = [newSpanId(), newSpanId()];
        const wide = span({ traceId: `${'c'.repeat(16)}${wideLow}`, service: `${prefix}wide`, startNs: start + 2n * MS });
        const wider = span({ traceId: `${'e'.repeat(16)}${wideLow}`, service: `${prefix}wide`, startNs: start + MS });
        // narrowLow has both a 128-bit trace and an exact 64-bit one.
        const shadowed = span({ traceId: `${'c'.repeat(16)}${narrowLow}`, service: `${prefix}shadowed`, startNs: start });
        const narrow = span({ traceId: `${'0'.repeat(16)}${narrowLow}`, service: `${prefix}narrow`, startNs: start });
        const plain = span({ traceId: newTraceId(), service: `${prefix}plain`, startNs: start });
        await store.writeBatch([wide, wider, shadowed, narrow, plain]);

        const padded = `${'0'.repeat(16)}${wideLow}`;
        const asked = [plain.traceId, padded.toUpperCase(), narrow.traceId, `${'d'.repeat(16)}${wideLow}`, `${'0'.repeat(16)}${newSpanId()}`, padded];
        const traces = await store.getTraces(asked);
        assert.deepStrictEqual(traces, [[plain], [wider, wide], [narrow], [], [], [wider, wide]], 'both 128-bit traces, in start order; 128-bit ids match exactly only');
        assert.deepStrictEqual(traces, await Promise.all(asked.map((id) => store.getTrace(id))), 'what getTrace answers');
      });

      it('reads a large list: 1200 ids, 1000 of them written traces', async () => {
        const { start, prefix } = slot();
        const written = Array.from({ length: 1000 }, (_, i) => {
          const traceId = newTraceId();
          const startNs = start + BigInt(i) * 3n * SECOND; // spread over most of the hour, across time buckets
          const root = span({ traceId, service: `${prefix}many`, startNs, name: `op ${i}` });
          return [root, span({ traceId, service: `${prefix}many`, startNs: startNs + MS, parentSpanId: root.spanId })];
        });
        await store.writeBatch(written.flat().reverse());
        const asked = written.map((spans) => spans[0]!.traceId);
        for (let i = 0; i < 200; i++) asked.splice(i * 6, 0, newTraceId()); // unknown ids throughout the list
        const expected = asked.map((id) => written.find((spans) => spans[0]!.traceId === id) ?? []);
        assert.deepStrictEqual(await store.getTraces(asked), expected);
      });
    });

    it('aggregates calls between services, to uninstrumented peers and across a message link', async () => {
      const { start, end, prefix } = slot();
      const [gateway, checkout, cart, inventory, shipping] = ['gateway', 'checkout', 'cart', 'inventory', 'shipping'].map((s) => prefix + s);
      const traceId = newTraceId();
      const at = (ms: bigint) => start + ms * MS;
      const root = span({ traceId, service: gateway, startNs: at(0n), durationNs: 100n * MS, kind: SpanKind.SERVER });
      const toCheckout = span({ traceId, service: gateway, startNs: at(1n), durationNs: 90n * MS, kind: SpanKind.CLIENT, parentSpanId: root.spanId });
      const checkoutServer = span({ traceId, service: checkout, startNs: at(2n), durationNs: 80n * MS, kind: SpanKind.SERVER, parentSpanId: toCheckout.spanId, statusCode: StatusCode.ERROR });
      const checkoutInternal = span({ traceId, service: checkout, startNs: at(3n), parentSpanId: checkoutServer.spanId });
      const db = span({
        traceId, service: checkout, startNs: at(4n), durationNs: 5n * MS, kind: SpanKind.CLIENT, parentSpanId: checkoutInternal.spanId,
        attributes: attributes({ str: { 'db.system': 'postgresql', 'db.name': 'orders' } }),
      });
      const external = span({
        traceId, service: checkout, startNs: at(10n), durationNs: 20n * MS, kind: SpanKind.CLIENT, parentSpanId: checkoutServer.spanId,
        statusCode: StatusCode.ERROR, attributes: attributes({ str: { 'server.address': 'pay.example.com' } }),
      });
      // A client span with a peer name that is answered by a span: a call to that service, not to a peer.
      const toCart = span({
        traceId, service: checkout, startNs: at(40n), durationNs: 30n * MS, kind: SpanKind.CLIENT, parentSpanId: checkoutServer.spanId,
        attributes: attributes({ str: { 'peer.service': 'cart-peer-name' } }),
      });
      const cartServer = span({ traceId, service: cart, startNs: at(41n), durationNs: 20n * MS, kind: SpanKind.SERVER, parentSpanId: toCart.spanId });
      // A Zipkin shared span: the client and server halves share an id; the server's child belongs to the server.
      const sharedClient = span({
        traceId, service: cart, startNs: at(42n), durationNs: 10n * MS, kind: SpanKind.CLIENT, parentSpanId: cartServer.spanId,
        attributes: attributes({ str: { 'peer.service': inventory } }),
      });
      const sharedServer = { ...span({ traceId, service: inventory, startNs: at(43n), durationNs: 8n * MS, kind: SpanKind.SERVER, parentSpanId: cartServer.spanId }), spanId: sharedClient.spanId };
      const inventoryChild = span({ traceId, service: inventory, startNs: at(44n), parentSpanId: sharedServer.spanId });
      const produce = span({ traceId, service: checkout, startNs: at(50n), kind: SpanKind.PRODUCER, parentSpanId: checkoutServer.spanId });
      // The consumer starts its own trace and links back to the producer.
      const consume = span({
        traceId: newTraceId(), service: shipping, startNs: at(60n), durationNs: 7n * MS, kind: SpanKind.CONSUMER,
        links: [{ traceId, spanId: produce.spanId, traceState: '', flags: 0, attributes: attributes(), droppedAttributesCount: 0 }],
      });
      // Outside the window: not counted.
      const later = span({ traceId: newTraceId(), service: gateway, startNs: end + MS, kind: SpanKind.CLIENT, attributes: attributes({ str: { 'peer.service': 'late' } }) });
      await store.writeBatch([root, toCheckout, checkoutServer, checkoutInternal, db, external, toCart, cartServer, sharedClient, sharedServer, inventoryChild, produce, consume, later]);

      const calls = await store.serviceCalls(start, end);
      const call = (caller: string, callee: string, calleeKind: string, errors: number, durationMs: bigint) => {
        const ns = Number(durationMs * MS);
        return { caller, callee, calleeKind, calls: 1, errors, p50Ns: ns, p95Ns: ns, p99Ns: ns };
      };
      assert.deepStrictEqual(calls, [
        call(cart, inventory, 'service', 0, 8n),
        call(checkout, 'orders', 'database', 0, 5n),
        call(checkout, 'pay.example.com', 'peer', 1, 20n),
        call(checkout, cart, 'service', 0, 20n),
        call(checkout, shipping, 'service', 0, 7n),
        call(gateway, checkout, 'service', 1, 80n),
      ]);
    });

    it('computes RED metrics per service, operation and step', async () => {
      const { start, end, prefix } = slot();
      const [api, db] = [`${prefix}api`, `${prefix}db`];
      const minute = 60n * SECOND;
      const at = (offset: bigint, service: string, name: string, durationMs: bigint, extra: Partial<SpanRow> = {}) =>
        span({ traceId: newTraceId(), service, name, startNs: start + offset, durationNs: durationMs * MS, kind: SpanKind.SERVER, ...extra });
      await store.writeBatch([
        at(0n, api, 'GET /a', 10n),
        at(SECOND, api, 'GET /a', 20n, { statusCode: StatusCode.ERROR }),
        at(2n * SECOND, api, 'GET /a', 30n),
        at(minute + SECOND, api, 'GET /a', 40n),
        at(minute + 2n * SECOND, api, 'GET /b', 5n, { kind: SpanKind.CLIENT }),
        at(3n * SECOND, db, 'query', 7n, { kind: SpanKind.CLIENT }),
      ]);
      const rows = await store.redMetrics({ startNs: start, endNs: end, stepNs: minute, service: api });
      assert.deepStrictEqual(
        rows.map((r) => [r.operation, r.stepStartNs - start, r.count, r.errors]),
        [['GET /a', 0n, 3, 1], ['GET /a', minute, 1, 0], ['GET /b', minute, 1, 0]],
      );
      const [first, second] = rows;
      assert.ok(first.p50Ns >= 10e6 && first.p50Ns <= first.p95Ns && first.p95Ns <= first.p99Ns && first.p99Ns <= 30e6, `${first.p50Ns} ${first.p95Ns} ${first.p99Ns}`);
      assert.deepStrictEqual([second.p50Ns, second.p95Ns, second.p99Ns], [40e6, 40e6, 40e6]);

      const served = await store.redMetrics({ startNs: start, endNs: end, spanKinds: [SpanKind.SERVER] });
      assert.deepStrictEqual(served.map((r) => [r.service, r.operation, r.stepStartNs, r.count]), [[api, 'GET /a', start, 4]]);
      assert.deepStrictEqual(await store.redMetrics({ startNs: start, endNs: end, service: db, operation: 'nothing' }), []);
    });

    it('computes RED metrics per service over all its operations', async () => {
      const { start, end, prefix } = slot();
      const [api, web] = [`${prefix}api`, `${prefix}web`];
      const minute = 60n * SECOND;
      const at = (offset: bigint, service: string, name: string, durationMs: bigint, statusCode: number = StatusCode.UNSET) =>
        span({ traceId: newTraceId(), service, name, startNs: start + offset, durationNs: durationMs * MS, kind: SpanKind.SERVER, statusCode });
      await store.writeBatch([
        at(0n, api, 'GET /a', 10n),
        at(SECOND, api, 'GET /b', 30n, StatusCode.ERROR),
        at(2n * SECOND, api, 'name', 20n),
        at(minute, api, 'GET /a', 40n),
        at(3n * SECOND, web, 'GET /', 5n),
      ]);
      const rows = await store.redMetrics({ startNs: start, endNs: end, stepNs: minute, service: api, perOperation: false, quantiles: [0.5] });
      assert.deepStrictEqual(
        rows.map((r) => [r.service, r.operation, r.stepStartNs - start, r.count, r.errors, r.quantilesNs]),
        [
          [api, '', 0n, 3, 1, [20e6]],
          [api, '', minute, 1, 0, [40e6]],
        ],
      );
      // The operation filter still reads the span's name, next to the grouping that leaves it out.
      const named = await store.redMetrics({ startNs: start, endNs: end, service: api, operation: 'name', perOperation: false });
      assert.deepStrictEqual(named.map((r) => [r.operation, r.count]), [['', 1]]);
    });

    it('computes the duration quantiles asked for, in their order, beside p50/p95/p99', async () => {
      const { start, end, prefix } = slot();
      const service = `${prefix}api`;
      await store.writeBatch(
        [40n, 10n, 30n, 20n].map((ms, i) =>
          span({ traceId: newTraceId(), service, name: 'GET /a', startNs: start + BigInt(i) * SECOND, durationNs: ms * MS, kind: SpanKind.SERVER }),
        ),
      );
      const [row] = await store.redMetrics({ startNs: start, endNs: end, service, quantiles: [0.75, 0.5, 0.95, 0, 1] });
      // Interpolated between the sorted durations 10, 20, 30, 40 ms (level × 3 is the index), to the ns.
      const wholeNs = (values: number[] | undefined) => values?.map(Math.round);
      assert.deepStrictEqual(wholeNs(row.quantilesNs), [32.5e6, 25e6, 38.5e6, 10e6, 40e6]);
      assert.deepStrictEqual(wholeNs([row.p50Ns, row.p95Ns, row.p99Ns]), [25e6, 38.5e6, 39.7e6]);

      const [plain] = await store.redMetrics({ startNs: start, endNs: end, service });
      assert.equal(plain.quantilesNs, undefined);
      for (const level of [1.5, -0.1, Number.NaN]) {
        await assert.rejects(store.redMetrics({ startNs: start, endNs: end, service, quantiles: [level] }), RangeError);
      }
    });

    it('counts attribute=value pairs among selected spans and the baseline', async () => {
      const { start, end, prefix } = slot();
      const service = `${prefix}checkout`;
      const spans = [0, 1, 2, 3, 4, 5].map((i) =>
        span({
          traceId: newTraceId(),
          service,
          name: 'pay',
          startNs: start + BigInt(i) * SECOND,
          durationNs: (i < 2 ? 500n : 10n) * MS,
          statusCode: i === 0 ? StatusCode.ERROR : StatusCode.UNSET,
          attributes: attributes({ str: { region: i < 2 ? 'eu' : 'us' }, int: { retries: BigInt(i % 2) }, bool: { cached: i >= 2 } }),
        }),
      );
      await store.writeBatch(spans);
      const slow = await store.attributeFrequencies({ startNs: start, endNs: end, service, selection: { minDurationNs: 100n * MS }, limit: 100 });
      assert.equal(slow.selectedSpans, 2);
      assert.equal(slow.baselineSpans, 4);
      const find = (key: string, value: string) => slow.values.find((v) => v.key === key && v.value === value);
      assert.deepStrictEqual(find('region', 'eu'), { scope: 'span', key: 'region', value: 'eu', selected: 2, baseline: 0 });
      assert.deepStrictEqual(find('region', 'us'), { scope: 'span', key: 'region', value: 'us', selected: 0, baseline: 4 });
      assert.deepStrictEqual(find('retries', '1'), { scope: 'span', key: 'retries', value: '1', selected: 1, baseline: 2 });
      assert.deepStrictEqual(find('cached', 'false'), { scope: 'span', key: 'cached', value: 'false', selected: 2, baseline: 0 });
      assert.deepStrictEqual(find('service.name', service), { scope: 'resource', key: 'service.name', value: service, selected: 2, baseline: 4 });
      assert.deepStrictEqual(slow.values[0], find('service.name', service), 'most frequent in the selection first');

      const failing = await store.attributeFrequencies({ startNs: start, endNs: end, service, operation: 'pay', selection: { errorsOnly: true }, limit: 2 });
      assert.equal(failing.selectedSpans, 1);
      assert.equal(failing.values.length, 2);
    });

    it('reads outlines of the traces that started in a window, or a stable sample of them', async () => {
      const { start, prefix } = slot();
      const windowEnd = start + 10n * SECOND;
      const trace = (offset: bigint, secondOffset: bigint) => {
        const traceId = newTraceId();
        const root = span({ traceId, service: `${prefix}a`, startNs: start + offset, kind: SpanKind.SERVER });
        const child = span({ traceId, service: `${prefix}b`, startNs: start + secondOffset, parentSpanId: root.spanId, statusCode: StatusCode.ERROR });
        return [root, child];
      };
      const inside = [trace(SECOND, 2n * SECOND), trace(3n * SECOND, 4n * SECOND), trace(9n * SECOND, 12n * SECOND)];
      const before = trace(-SECOND, SECOND);
      await store.writeBatch([...inside.flat(), ...before]);
      const all = await store.readSpans({ startNs: start, endNs: windowEnd, maxTraces: 10 });
      assert.deepStrictEqual(
        [...all].sort((a, b) => (a.traceId + a.startNs < b.traceId + b.startNs ? -1 : 1)),
        inside.flat().map(outlineOf).sort((a, b) => (a.traceId + a.startNs < b.traceId + b.startNs ? -1 : 1)),
        'whole traces that started in the window, their late spans too',
      );
      const sample = await store.readSpans({ startNs: start, endNs: windowEnd, maxTraces: 2 });
      assert.equal(new Set(sample.map((s) => s.traceId)).size, 2);
      assert.equal(sample.length, 4);
      assert.deepStrictEqual(await store.readSpans({ startNs: start, endNs: windowEnd, maxTraces: 2 }), sample, 'the same sample every time');
    });

    it('readSpans leaves out a trace that started before the window though a later batch of it came after midnight', async () => {
      const midnight = ns('2026-04-20T00:00:00Z');
      const traceId = newTraceId();
      const root = span({ traceId, service: 'across-midnight', startNs: midnight - MINUTE, kind: SpanKind.SERVER });
      const late = span({ traceId, service: 'across-midnight', startNs: midnight + MINUTE, parentSpanId: root.spanId });
      // Two writes: the trace index then has a row for each day, and only the second is in the window's day.
      await store.writeBatch([root]);
      await store.writeBatch([late]);
      assert.deepStrictEqual(await store.readSpans({ startNs: midnight, endNs: midnight + 10n * MINUTE, maxTraces: 10 }), []);
      assert.deepStrictEqual(
        (await store.readSpans({ startNs: midnight - 10n * MINUTE, endNs: midnight, maxTraces: 10 })).map((s) => s.spanId).sort(),
        [root.spanId, late.spanId].sort(),
        'read in the window it started in, with its spans after midnight',
      );
    });

    it('spreads a long trace over days and still finds it by id', async () => {
      const traceId = newTraceId();
      const first = ns('2026-01-10T12:00:00Z');
      const spans = [0n, 1n, 3n].map((days, i) =>
        span({ traceId, service: 'long-running', startNs: first + days * DAY, parentSpanId: i === 0 ? '' : newSpanId() }),
      );
      await store.writeBatch(spans.slice(0, 2));
      await store.writeBatch(spans.slice(2));
      assert.deepStrictEqual(await store.getTrace(traceId), byStart(spans));
    });

    it('shows a double as one text everywhere: shortest digits, exponents without +, nan, inf, -0', async () => {
      const { start, end, prefix } = slot();
      const doubles = [0.1 + 0.2, 1e21, 1e300, 1e-7, 5e-324, NaN, Infinity, -Infinity, -0, 0, 1234567];
      const spans = doubles.map((value, i) =>
        span({ traceId: newTraceId(), service: `${prefix}doubles`, startNs: start + BigInt(i) * SECOND, attributes: attributes({ dbl: { value } }) }),
      );
      await store.writeBatch(spans);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'value', start, end, 100), [
        '-0', '-inf', '0', '0.30000000000000004', '1234567', '1e-7', '1e21', '1e300', '5e-324', 'inf', 'nan',
      ]);
      assert.deepStrictEqual(await store.findSpans(spans[2]!.traceId, 'value=1e300'), [spans[2]!.spanId], 'findSpans reads the same text');
      assert.deepStrictEqual(await store.findSpans(spans[5]!.traceId, 'value=NaN'), [spans[5]!.spanId], 'in any case');
    });

    it('interpolates the percentiles of calls between services, as RED metrics do', async () => {
      const { start, end, prefix } = slot();
      const [caller, callee] = [`${prefix}caller`, `${prefix}callee`];
      await store.writeBatch(
        [10n, 70n, 30n, 45n, 20n].flatMap((ms, i) => {
          const traceId = newTraceId();
          const client = span({ traceId, service: caller, startNs: start + BigInt(i) * SECOND, durationNs: (ms + 2n) * MS, kind: SpanKind.CLIENT });
          const statusCode = i === 1 ? StatusCode.ERROR : StatusCode.UNSET;
          return [client, span({ traceId, service: callee, startNs: client.startNs + MS, durationNs: ms * MS, kind: SpanKind.SERVER, parentSpanId: client.spanId, statusCode })];
        }),
      );
      const calls = await store.serviceCalls(start, end);
      // Between the sorted callee durations 10, 20, 30, 45, 70 ms (level × 4 is the index), to the ns.
      assert.deepStrictEqual(
        calls.map((c) => ({ ...c, p50Ns: Math.round(c.p50Ns), p95Ns: Math.round(c.p95Ns), p99Ns: Math.round(c.p99Ns) })),
        [{ caller, callee, calleeKind: 'service', calls: 5, errors: 1, p50Ns: 30e6, p95Ns: 65e6, p99Ns: 69e6 }],
      );
    });

    it('rejects every read at once with an AbortError when its signal is already aborted', async () => {
      const { start, end, prefix } = slot();
      const traceId = newTraceId();
      const root = span({ traceId, service: `${prefix}cancelled`, startNs: start + SECOND, attributes: attributes({ str: { key: 'value' } }) });
      const child = span({ traceId, service: `${prefix}callee`, startNs: start + 2n * SECOND, parentSpanId: root.spanId });
      await store.writeBatch([root, child]);
      const window = { startNs: start, endNs: end };
      const aborted = AbortSignal.abort();
      const reads: Record<string, (signal: AbortSignal) => Promise<unknown>> = {
        getTrace: (signal) => store.getTrace(root.traceId, signal),
        getTraces: (signal) => store.getTraces([root.traceId], signal),
        getTraceOutline: (signal) => store.getTraceOutline(root.traceId, signal),
        getSpan: (signal) => store.getSpan(root.traceId, root.spanId, signal),
        findSpans: (signal) => store.findSpans(root.traceId, 'cancelled', signal),
        searchTraces: (signal) => store.searchTraces({ ...window, service: root.serviceName, attributes: [], limit: 10 }, signal),
        listServices: (signal) => store.listServices(signal),
        listOperations: (signal) => store.listOperations(root.serviceName, signal),
        listAttributeNames: (signal) => store.listAttributeNames(start, end, signal),
        listAttributeValues: (signal) => store.listAttributeValues('span', 'key', start, end, 10, signal),
        readSpans: (signal) => store.readSpans({ ...window, maxTraces: 10 }, signal),
        serviceCalls: (signal) => store.serviceCalls(start, end, signal),
        redMetrics: (signal) => store.redMetrics({ ...window, service: root.serviceName }, signal),
        attributeFrequencies: (signal) => store.attributeFrequencies({ ...window, selection: { errorsOnly: true }, limit: 10 }, signal),
      };
      for (const [name, read] of Object.entries(reads)) {
        await assert.rejects(read(aborted), (error) => error instanceof DOMException && error.name === 'AbortError', name);
      }
      // A live signal gets answers: the rejections above came from the signal, not the arguments.
      const live = new AbortController().signal;
      assert.deepStrictEqual(await store.getTrace(traceId, live), [root, child]);
      assert.deepStrictEqual((await store.serviceCalls(start, end, live)).map((call) => call.callee), [child.serviceName]);
      assert.deepStrictEqual(await store.listAttributeValues('span', 'key', start, end, 10, live), ['value']);
    });
  });
}
