// Shared by the pipeline tests: temporary directories, a silent or capturing logger,
// span rows, and the payloads the crash-test child writes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { emptyResource, emptyScope, emptySpanRow, type SpanRow } from '../../src/model/span.ts';

/** A fresh directory under the system temp dir, removed when the test ends. */
export async function temporaryDirectory(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skein-pipeline-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** A logger that keeps each line it logs as a parsed object. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** `count` spans named `<request>/0`, `<request>/1`, ... */
export function makeSpans(request: string, count: number): SpanRow[] {
  const resource = emptyResource();
  const scope = { ...emptyScope(), name: 'test' };
  return Array.from({ length: count }, (_, i) => ({
    ...emptySpanRow(resource, scope),
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `${request}/${i}`,
    kind: 1,
    startNs: 1_700_000_000_000_000_000n,
    endNs: 1_700_000_000_000_001_000n,
    serviceName: 'test',
  }));
}

/**
 * The tests' wire format: a request is its name and span count as JSON, and decoding it
 * makes the same spans again, as a real decoder would from OTLP.
 */
export const TEST_FORMAT = 7;

export function encodeRequest(request: string, count: number): Buffer {
  return Buffer.from(JSON.stringify({ request, count }));
}

export function decodeRequest(format: number, payload: Buffer): SpanRow[] {
  if (format !== TEST_FORMAT) throw new Error(`unexpected format ${format}`);
  const { request, count } = JSON.parse(payload.toString('utf8')) as { request: string; count: number };
  return makeSpans(request, count);
}

/** Record n of the crash test: its number, then a size and bytes that both depend on n. */
export function crashTestPayload(n: number): Buffer {
  const payload = Buffer.alloc(64 + ((n * 7919) % 20_000));
  for (let i = 0; i < payload.length; i++) payload[i] = (n + i) & 0xff;
  payload.writeUInt32LE(n, 0);
  return payload;
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
