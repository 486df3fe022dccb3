// What the receiving adapters hand decoded requests to (the ingest pipeline), and how its
// refusals become HTTP answers.
import type { SpanRow } from '../model/span.ts';
import { BackpressureError } from '../pipeline/ingest-pipeline.ts';
import { HttpError } from './http-error.ts';

export interface IngestSink {
  /** Resolves once the request's spans are durable. */
  accept(format: number, payload: Buffer, spans: SpanRow[]): Promise<void>;
  /** False until the WAL has been replayed, and again while shutting down. */
  isAccepting(): boolean;
}

export async function acceptOrRefuse(sink: IngestSink, format: number, payload: Buffer, spans: SpanRow[]): Promise<void> {
  if (!sink.isAccepting()) throw new HttpError(503, 'Skein is starting or stopping; retry shortly', 1);
  try {
    await sink.accept(format, payload, spans);
  } catch (err) {
    if (err instanceof BackpressureError) {
      throw new HttpError(429, `ingest is behind: ${err.message}`, err.retryAfterSeconds);
    }
    throw err;
  }
}
