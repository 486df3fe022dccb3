// The Zipkin and Jaeger HTTP receivers, on their usual ports, answering as those servers
// do: 202 Accepted with no body, errors as plain text. Bodies may be gzip-compressed.
//   Zipkin:  POST /api/v2/spans  (v2 spans: a JSON list, or proto3 ListOfSpans)  :9411
//            POST /api/v1/spans  (a JSON list of v1 spans, converted to v2)
//            and Zipkin's query API (GET /api/v2/..., see zipkin-api.ts)
//   Jaeger:  POST /api/traces    (Thrift Batch, binary protocol, application/x-thrift) :14268
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { DependencyReader, TraceReader } from '../store/span-store.ts';
import { WireFormat } from '../receive/wire-format.ts';
import { HttpError } from './http-error.ts';
import type { IngestSink } from './ingest-sink.ts';
import { zipkinApi, type ZipkinApiOptions } from './zipkin-api.ts';
import { mediaType, receiveRequest, retryHeaders, type NodeBindings } from './receive-request.ts';

/** The Zipkin receiver, and Zipkin's query API (zipkin-api.ts) on the same port, as a Zipkin server has them. */
export function zipkinHttpApp(
  sink: IngestSink,
  store: TraceReader & DependencyReader,
  maxRequestBytes: number,
  logger: Logger,
  apiOptions: ZipkinApiOptions,
): Hono<{ Bindings: NodeBindings }> {
  const app = receiverApp('/api/v2/spans', zipkinFormat, sink, maxRequestBytes, logger);
  app.route('/', receiverApp('/api/v1/spans', zipkinV1Format, sink, maxRequestBytes, logger));
  app.route('/', zipkinApi(store, apiOptions, logger));
  return app;
}

export function jaegerHttpApp(sink: IngestSink, maxRequestBytes: number, logger: Logger): Hono<{ Bindings: NodeBindings }> {
  return receiverApp('/api/traces', jaegerFormat, sink, maxRequestBytes, logger);
}

function zipkinFormat(contentType: string | undefined): number {
  // Zipkin's own collector reads every body that is not protobuf as JSON (clients send
  // application/json, text/plain or nothing), so Skein does too.
  return mediaType(contentType) === 'application/x-protobuf' ? WireFormat.ZIPKIN_PROTO : WireFormat.ZIPKIN_JSON;
}

function zipkinV1Format(contentType: string | undefined): number {
  // Zipkin's v1 endpoint also takes v1 Thrift under this type; Skein reads v1 JSON only
  // (any other type, as Zipkin does).
  if (mediaType(contentType) === 'application/x-thrift') {
    throw new HttpError(415, 'Zipkin v1 Thrift is not supported: send v1 JSON, or v2 to /api/v2/spans');
  }
  return WireFormat.ZIPKIN_V1_JSON;
}

function jaegerFormat(contentType: string | undefined): number {
  const type = mediaType(contentType);
  if (type === 'application/x-thrift' || type === 'application/vnd.apache.thrift.binary') return WireFormat.JAEGER_THRIFT;
  throw new HttpError(415, `unsupported Content-Type '${contentType ?? ''}' (use application/x-thrift, binary protocol)`);
}

function receiverApp(
  path: string,
  formatOf: (contentType: string | undefined) => number,
  sink: IngestSink,
  maxRequestBytes: number,
  logger: Logger,
): Hono<{ Bindings: NodeBindings }> {
  const app = new Hono<{ Bindings: NodeBindings }>();
  app.post(path, async (c) => {
    try {
      // Neither protocol can report a partial success: one refused span refuses the request.
      await receiveRequest(c.env.incoming, sink, formatOf(c.req.header('content-type')), maxRequestBytes, true);
      return c.body(null, 202);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status >= 500) logger.warn({ err: err.message, path }, 'request refused');
      return c.text(err.message, err.status as 400, retryHeaders(err));
    }
  });
  return app;
}
