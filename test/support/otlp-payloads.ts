// OTLP/JSON request bodies built in tests, with fresh random ids.
import { randomBytes } from 'node:crypto';

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
