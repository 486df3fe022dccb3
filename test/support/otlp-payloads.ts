// OTLP/JSON request bodies built in tests, with fresh random ids.
import { randomBytes } from 'node:crypto';
import type { SpanRow } from '../../src/model/span.ts';
import { decodeOtlpJson } from '../../src/receive/otlp-json.ts';

export interface BuiltRequest {
  body: string;
  traceIds: string[];
  spanIds: string[];
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** One request with `traces` traces of `spansPerTrace` spans each (a root and its children). */
export function otlpJsonRequest(options: {
  service: string;
  traces?: number;
  spansPerTrace?: number;
  startNs?: bigint;
  attributes?: { key: string; value: unknown }[];
}): BuiltRequest {
  const startNs = options.startNs ?? BigInt(Date.now()) * 1_000_000n;
  const traceIds: string[] = [];
  const spanIds: string[] = [];
  const spans = [];
  for (let t = 0; t < (options.traces ?? 1); t++) {
    const traceId = randomHex(16);
    traceIds.push(traceId);
    const rootId = randomHex(8);
    for (let i = 0; i < (options.spansPerTrace ?? 3); i++) {
      const spanId = i === 0 ? rootId : randomHex(8);
      spanIds.push(spanId);
      spans.push({
        traceId,
        spanId,
        parentSpanId: i === 0 ? '' : rootId,
        name: i === 0 ? 'GET /checkout' : `step-${i}`,
        kind: i === 0 ? 2 : 1,
        startTimeUnixNano: String(startNs + BigInt(i) * 1000n),
        endTimeUnixNano: String(startNs + 1_000_000n + BigInt(i) * 1000n),
        attributes: options.attributes ?? [{ key: 'step', value: { intValue: String(i) } }],
        status: {},
      });
    }
  }
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: options.service } }] },
        scopeSpans: [{ scope: { name: 'skein-test' }, spans }],
      },
    ],
  });
  return { body, traceIds, spanIds };
}

export async function postOtlpJson(otlpHttpUrl: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

/**
 * One span of the given service and scope (fixed trace id and times, `fields` on top),
 * decoded from OTLP/JSON so it has its own resource and scope objects, as rows read back
 * from a store do.
 */
export function otlpRow(service: string, scopeName: string, spanId: string, fields: object = {}): SpanRow {
  const batch = decodeOtlpJson(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              scope: { name: scopeName },
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId,
                  name: `span ${spanId}`,
                  startTimeUnixNano: '1795600072097237614',
                  endTimeUnixNano: '1795600072097237999',
                  ...fields,
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  if (batch.rejected !== 0) throw new Error(`otlpRow: ${batch.rejectReason}`);
  return batch.spans[0]!;
}
