// The differential test of the stores: seeded random worlds of traces (test/support/
// differential.ts) written alike to the in-memory store (the reference), chDB and a
// clickhouse-server 18.16, and seeded random searches that every store must answer alike:
// the same trace ids in the same order, the same summaries, the same traces by id. The
// aggregates (dependencies, RED, attribute names and values) are compared once per world.
//
//   SKEIN_DIFF_CASES=5000 node --import tsx --test test/store/differential.test.ts
//                                           more searches (125 per world, one world per 125)
//   SKEIN_DIFF_SEED=17                      only world 17, all of its searches
//   SKEIN_DIFF_SEED=17:42                   only search 42 of world 17 (what a failure prints; a search
//                                           over all time then sees world 17 alone)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { SpanKind } from '../../src/model/span.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { SpanStore, TraceSummary } from '../../src/store/span-store.ts';
import { startClickHouseServer, type ClickHouseServer } from '../support/clickhouse-server.ts';
import { makeSearch, makeWorld, showQuery, subSeed } from '../support/differential.ts';
import { HOUR, MINUTE, MS } from '../support/span-builder.ts';

const CASES_PER_WORLD = 125;
const TRACES_PER_WORLD = 60;
const totalCases = Number(process.env.SKEIN_DIFF_CASES ?? 250);
const [replayWorld, replayCase] = (process.env.SKEIN_DIFF_SEED ?? '').split(':').map((part) => (part === '' ? undefined : Number(part)));
const worldSeeds = replayWorld !== undefined ? [replayWorld] : Array.from({ length: Math.max(1, Math.ceil(totalCases / CASES_PER_WORLD)) }, (_, i) => i + 1);
/** Disagreements reported before a world's test gives up. */
const MAX_REPORTED = 8;

interface Backend {
  name: string;
  store: SpanStore;
}

/** What a store answered, or the error it threw, as comparable data. */
async function outcome<T>(read: () => Promise<T>): Promise<T | { threw: string }> {
  try {
    return await read();
  } catch (error) {
    return { threw: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/**
 * Summaries as every store must give them. After a replayed batch the ClickHouse store
 * sums the trace index's rows, one per batch, so spanCount and errorCount count that
 * batch twice, and the in-memory store counts distinct spans (docs/STORAGE.md, "Durability
 * and duplicates"): for such traces the counts are left out. The roots agree as each world
 * trace has at most one parentless span (the stores choose differently among several).
 */
function comparable(summaries: TraceSummary[] | { threw: string }, replayed: Set<string>): unknown {
  if (!Array.isArray(summaries)) return summaries;
  return summaries.map((summary) =>
    replayed.has(summary.traceId) ? { ...summary, spanCount: 'replayed', errorCount: 'replayed' } : summary,
  );
}

/** The first place two answers differ, for the failure message. */
function firstDifference(a: unknown, b: unknown): string {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!isDeepStrictEqual(a[i], b[i])) return `[${i}] of ${a.length} vs ${b.length}: ${firstDifference(a[i], b[i])}`;
    }
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const [x, y] = [(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]];
      if (!isDeepStrictEqual(x, y)) return `.${key}: ${firstDifference(x, y)}`;
    }
  }
  return `${showQuery(a)?.slice(0, 600)} vs ${showQuery(b)?.slice(0, 600)}`;
}

describe('differential: memory, chDB and clickhouse-server answer alike', () => {
  const backends: Backend[] = [];
  let server: ClickHouseServer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'skein-differential-'));
  /** Traces of every world written so far with a replayed batch: a search over all time meets earlier worlds. */
  const replayedSoFar = new Set<string>();

  before(async () => {
    backends.push({ name: 'memory', store: new MemoryStore() });
    backends.push({ name: 'chDB', store: await openStore('chdb', dataDir) });
    server = await startClickHouseServer();
    backends.push({ name: 'clickhouse-server', store: await openStore(server.url.replace(/^http:/, 'clickhouse:'), '') });
    for (const { store } of backends) await store.init();
  });

  after(async () => {
    for (const { store } of backends) await store.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs the read on every store; a disagreement with the reference (memory) is reported with `what`. */
  async function compare<T>(failures: string[], what: string, read: (store: SpanStore) => Promise<T>, normalize: (answer: T | { threw: string }) => unknown = (a) => a): Promise<T | { threw: string }> {
    const answers = await Promise.all(backends.map(({ store }) => outcome(() => read(store))));
    const reference = normalize(answers[0]!);
    for (let i = 1; i < backends.length; i++) {
      const answer = normalize(answers[i]!);
      if (!isDeepStrictEqual(answer, reference)) failures.push(`${what}\n  ${backends[i]!.name} vs memory: ${firstDifference(answer, reference)}`);
    }
    return answers[0]!;
  }

  for (const seed of worldSeeds) {
    it(`world ${seed}: ${replayCase === undefined ? CASES_PER_WORLD : 1} searches`, { timeout: 600_000 }, async () => {
      const world = makeWorld(seed, TRACES_PER_WORLD);
      const failures: string[] = [];
      const windowStart = world.startNs - HOUR;
      const windowEnd = world.endNs + HOUR;
      await Promise.all(backends.map(async ({ store }) => { for (const batch of world.batches) await store.writeBatch(batch); }));

      // Aggregates before the replays: after them the ClickHouse store counts a replayed
      // batch twice in RED and dependencies, and the in-memory store once (docs/STORAGE.md).
      if (replayCase === undefined) {
        const tag = `SKEIN_DIFF_SEED=${seed} (aggregates)`;
        for (const [start, end] of [[windowStart, windowEnd], [world.startNs + HOUR, world.startNs + 2n * HOUR]] as const) {
          await compare(failures, `${tag} serviceCalls ${start}..${end}`, (s) => s.serviceCalls(start, end));
          await compare(failures, `${tag} listAttributeNames ${start}..${end}`, (s) => s.listAttributeNames(start, end));
        }
        for (const query of [
          { startNs: windowStart, endNs: windowEnd },
          { startNs: windowStart, endNs: windowEnd, stepNs: 30n * MINUTE, quantiles: [0.75, 0.1] },
          { startNs: world.startNs, endNs: windowEnd, stepNs: 7n * MINUTE, perOperation: false },
          { startNs: windowStart, endNs: windowEnd, spanKinds: [SpanKind.SERVER, SpanKind.CONSUMER], service: 'checkout' },
          { startNs: windowStart, endNs: windowEnd, operation: 'charge', stepNs: HOUR },
        ]) {
          await compare(failures, `${tag} redMetrics ${showQuery(query)}`, (s) => s.redMetrics(query));
        }
        for (const [scope, key] of [['span', 'http.status_code'], ['span', 'ratio'], ['resource', 'region'], ['event', 'attempt'], ['span', 'tags'], ['span', 'retries']] as const) {
          await compare(failures, `${tag} listAttributeValues ${scope} ${key}`, (s) => s.listAttributeValues(scope, key, windowStart, windowEnd, 5));
        }
        for (const selection of [{ errorsOnly: true }, { minDurationNs: 10n * MS }, { errorsOnly: true, minDurationNs: 0n }]) {
          await compare(failures, `${tag} attributeFrequencies ${showQuery(selection)}`, (s) => s.attributeFrequencies({ startNs: windowStart, endNs: windowEnd, selection, limit: 25 }));
        }
        await compare(failures, `${tag} listServices`, (s) => s.listServices());
        await compare(failures, `${tag} listOperations checkout`, (s) => s.listOperations('checkout'));
      }

      for (const id of world.replayedTraces) replayedSoFar.add(id);
      await Promise.all(backends.map(async ({ store }) => { for (const batch of world.replays) await store.writeBatch(batch); }));

      if (replayCase === undefined) {
        // Every trace by id at once, with what getTraces must also answer: an id in upper
        // case, one asked twice, each low half as a padded 64-bit id (the fallback), unknown ids.
        const tag = `SKEIN_DIFF_SEED=${seed} (traces by id)`;
        const ids = [
          ...world.traceIds,
          world.traceIds[0]!.toUpperCase(),
          world.traceIds[1]!,
          ...world.traceIds.map((id) => '0'.repeat(16) + id.slice(16)),
          'f'.repeat(32),
          '0'.repeat(31) + '1',
        ];
        await compare(failures, `${tag} getTraces`, (s) => s.getTraces(ids));
        for (const id of world.traceIds.slice(0, 4)) {
          await compare(failures, `${tag} getTraceOutline ${id}`, (s) => s.getTraceOutline(id));
          for (const text of ['nan', 'EU-WEST', '=-1', '😀']) {
            await compare(failures, `${tag} findSpans ${id} ${text}`, async (s) => (await s.findSpans(id, text)).sort());
          }
        }
        // Single spans: both halves of shared spans first.
        const spanIds = world.spans.map((span) => `${span.traceId}/${span.spanId}`);
        const shared = spanIds.filter((id, i) => spanIds.indexOf(id) !== i);
        for (const id of [...new Set([...shared, ...spanIds])].slice(0, 6)) {
          const [traceId, spanId] = id.split('/') as [string, string];
          await compare(failures, `${tag} getSpan ${id}`, (s) => s.getSpan(traceId, spanId.toUpperCase()));
        }
        // readSpans samples by a different hash in each store, so only with room for every
        // trace, and as a set: ClickHouse orders a trace's spans of one start in no set order.
        for (const [startNs, endNs] of [[windowStart, windowEnd], [world.startNs + HOUR, world.startNs + 90n * MINUTE]] as const) {
          await compare(failures, `${tag} readSpans ${startNs}..${endNs}`, async (s) =>
            (await s.readSpans({ startNs, endNs, maxTraces: 10_000 })).sort(
              (a, b) => a.traceId.localeCompare(b.traceId) || (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0) || a.spanId.localeCompare(b.spanId) || a.kind - b.kind,
            ),
          );
        }
      }

      const cases = replayCase === undefined ? Array.from({ length: CASES_PER_WORLD }, (_, i) => i) : [replayCase];
      let hits = 0;
      for (const i of cases) {
        if (failures.length >= MAX_REPORTED) break;
        const { query, drawnFrom } = makeSearch(world, subSeed(seed, i));
        const tag = `SKEIN_DIFF_SEED=${seed}:${i} searchTraces(${showQuery(query)}) drawn from ${drawnFrom}`;
        const summaries = await compare(failures, tag, (s) => s.searchTraces(query), (answer) => comparable(answer, replayedSoFar));
        if (!Array.isArray(summaries) || summaries.length === 0) continue;
        hits++;
        if (i % 4 !== 0) continue; // every trace was compared by id above; this is the hits' order
        // The hits by id, and each hit's low half as a padded 64-bit id (the fallback).
        const ids = summaries.slice(0, 5).map((summary) => summary.traceId);
        const padded = ids.slice(0, 2).map((id) => '0'.repeat(16) + id.slice(16));
        await compare(failures, `SKEIN_DIFF_SEED=${seed}:${i} getTraces of the hits and ${showQuery(padded)}`, (s) => s.getTraces([...ids, ...padded]));
      }
      if (failures.length > 0) assert.fail(`${failures.length} disagreements (the first ${MAX_REPORTED} or so):\n${failures.join('\n')}`);
      assert.ok(replayCase !== undefined || hits > cases.length / 3, `only ${hits} of ${cases.length} searches matched anything`);
    });
  }
});
