// What every receiving HTTP endpoint does with a request, whatever its wire format:
// read the body (capped, inflated), decode it (a malformed one is a 400 naming the
// problem), and hand the spans to the ingest pipeline (429/503 when it refuses).
import type { IncomingMessage } from 'node:http';
import type { DecodedBatch } from '../model/span.ts';
import { DecodeError } from '../receive/decode-error.ts';
import { decodePayload, wireFormatName } from '../receive/wire-format.ts';
import { HttpError } from './http-error.ts';
import { acceptOrRefuse, type IngestSink } from './ingest-sink.ts';
import { readBody } from './read-body.ts';

/** The Node request behind a Hono context, as @hono/node-server provides it. */
export type NodeBindings = { incoming: IncomingMessage };

/**
 * Resolves with the decoded batch once its spans are durable; throws HttpError otherwise.
 * `wholeRequest`: a protocol that cannot report a partial success (Zipkin, Jaeger) refuses
 * the request (400 with the first span's reason, nothing stored) when any span is refused;
 * otherwise (OTLP's partial_success) the other spans are kept.
 */
export async function receiveRequest(
  incoming: IncomingMessage,
  sink: IngestSink,
  format: number,
  maxRequestBytes: number,
  wholeRequest = false,
): Promise<DecodedBatch> {
  const payload = await readBody(incoming, maxRequestBytes);
  const batch = decodeOrRefuse(format, payload);
  if (wholeRequest && batch.rejected > 0) throw new HttpError(400, `invalid ${wireFormatName(format)}: ${batch.rejectReason}`);
  if (batch.spans.length > 0) await acceptOrRefuse(sink, format, payload, batch.spans);
  return batch;
}

export function decodeOrRefuse(format: number, payload: Buffer): DecodedBatch {
  try {
    return decodePayload(format, payload);
  } catch (err) {
    if (err instanceof DecodeError) throw new HttpError(400, `invalid ${wireFormatName(format)}: ${err.message}`);
    throw err;
  }
}

/** The type/subtype of a Content-Type header, lower-case, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Retry-After for refusals that carry one (429, 503). */
export function retryHeaders(err: HttpError): Record<string, string> {
  return err.retryAfterSeconds ? { 'Retry-After': String(err.retryAfterSeconds) } : {};
}
