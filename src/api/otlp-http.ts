// OTLP/HTTP receiver: POST /v1/traces with a protobuf or JSON ExportTraceServiceRequest,
// optionally gzip-compressed. Status codes follow the OTLP/HTTP specification:
// 400 bad data, 413 too large, 415 wrong type, 429/503 with Retry-After when overloaded.
import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { OtlpDecodeError } from '../receive/otlp-common.ts';
import { decodePayload, WireFormat } from '../receive/wire-format.ts';
import { HttpError } from './http-error.ts';
import { acceptOrRefuse, type IngestSink } from './ingest-sink.ts';
import { exportResponse, statusResponse } from './otlp-response.ts';
import { readBody } from './read-body.ts';

type NodeBindings = { incoming: IncomingMessage };

export function otlpHttpApp(sink: IngestSink, maxRequestBytes: number, logger: Logger): Hono<{ Bindings: NodeBindings }> {
  const app = new Hono<{ Bindings: NodeBindings }>();

  app.post('/v1/traces', async (c) => {
    const json = isJson(c.req.header('content-type'));
    try {
      const format = wireFormatOf(c.req.header('content-type'));
      const payload = await readBody(c.env.incoming, maxRequestBytes);
      const batch = decode(format, payload);
      if (batch.spans.length > 0) await acceptOrRefuse(sink, format, payload, batch.spans);
      return reply(json, 200, exportResponse(json, batch.rejected, batch.rejectReason));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status >= 500) logger.warn({ err: err.message }, 'OTLP/HTTP request refused');
      const headers: Record<string, string> = err.retryAfterSeconds ? { 'Retry-After': String(err.retryAfterSeconds) } : {};
      return reply(json, err.status, statusResponse(json, err.status, err.message), headers);
    }
  });

  return app;
}

function decode(format: number, payload: Buffer) {
  try {
    return decodePayload(format, payload);
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw new HttpError(400, `invalid OTLP ${format === WireFormat.OTLP_JSON ? 'JSON' : 'protobuf'}: ${err.message}`);
    throw err;
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/json';
}

function wireFormatOf(contentType: string | undefined): number {
  const type = mediaType(contentType);
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return WireFormat.OTLP_PROTO;
  if (type === 'application/json') return WireFormat.OTLP_JSON;
  throw new HttpError(415, `unsupported Content-Type '${contentType ?? ''}' (use application/x-protobuf or application/json)`);
}

function reply(json: boolean, status: number, body: Buffer | string, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    status,
    headers: { 'Content-Type': json ? 'application/json' : 'application/x-protobuf', ...headers },
  });
}
