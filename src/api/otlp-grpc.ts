// OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export.
// Messages arrive as raw bytes and go through the same hand-written decoder as OTLP/HTTP;
// grpc-js handles gzip. Codes follow the OTLP spec: INVALID_ARGUMENT for bad data,
// UNAVAILABLE (retryable) when Skein is overloaded or starting.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DecodeError } from '../receive/decode-error.ts';
import { decodePayload, WireFormat } from '../receive/wire-format.ts';
import { HttpError } from './http-error.ts';
import { acceptOrRefuse, type IngestSink } from './ingest-sink.ts';
import { exportResponse } from './otlp-response.ts';

const passThrough = (b: Buffer) => b;

const traceService: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};

export async function startOtlpGrpc(
  sink: IngestSink,
  host: string,
  port: number,
  maxRequestBytes: number,
  logger: Logger,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxRequestBytes,
  });
  server.addService(traceService, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      exportSpans(sink, call.request).then(
        (response) => callback(null, response),
        (err: unknown) => {
          const error = grpcError(err);
          if (error.code !== grpc.status.INVALID_ARGUMENT) logger.warn({ err: error.details }, 'OTLP/gRPC request refused');
          callback(error);
        },
      );
    },
  });
  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    port: boundPort,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

async function exportSpans(sink: IngestSink, payload: Buffer): Promise<Buffer> {
  const batch = decodePayload(WireFormat.OTLP_PROTO, payload);
  if (batch.spans.length > 0) await acceptOrRefuse(sink, WireFormat.OTLP_PROTO, payload, batch.spans);
  return exportResponse(false, batch.rejected, batch.rejectReason) as Buffer;
}

function grpcError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof DecodeError) return { code: grpc.status.INVALID_ARGUMENT, details: `invalid OTLP protobuf: ${err.message}` };
  if (err instanceof HttpError && (err.status === 429 || err.status === 503)) {
    return { code: grpc.status.UNAVAILABLE, details: err.message };
  }
  return { code: grpc.status.INTERNAL, details: (err as Error).message };
}
