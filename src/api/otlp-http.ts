// OTLP/HTTP receiver: POST /v1/traces with a protobuf or JSON ExportTraceServiceRequest,
// optionally gzip-compressed. Status codes follow the OTLP/HTTP specification:
// 400 bad data, 413 too large, 415 wrong type, 429/503 with Retry-After when overloaded.
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { WireFormat } from '../receive/wire-format.ts';
import { HttpError } from './http-error.ts';
import type { IngestSink } from './ingest-sink.ts';
import { exportResponse, statusResponse } from './otlp-response.ts';
import { mediaType, receiveRequest, retryHeaders, type NodeBindings } from './receive-request.ts';

export function otlpHttpApp(sink: IngestSink, maxRequestBytes: number, logger: Logger): Hono<{ Bindings: NodeBindings }> {
  const app = new Hono<{ Bindings: NodeBindings }>();

  app.post('/v1/traces', async (c) => {
    const json = mediaType(c.req.header('content-type')) === 'application/json';
    try {
      const format = wireFormatOf(c.req.header('content-type'));
      const batch = await receiveRequest(c.env.incoming, sink, format, maxRequestBytes);
      return reply(json, 200, exportResponse(json, batch.rejected, batch.rejectReason));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status >= 500) logger.warn({ err: err.message }, 'OTLP/HTTP request refused');
      return reply(json, err.status, statusResponse(json, err.status, err.message), retryHeaders(err));
    }
  });

  return app;
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
