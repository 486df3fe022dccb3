// `skein serve`: opens the store, replays the write-ahead log, then starts the receivers
// and the query API. On SIGINT/SIGTERM it stops receiving, flushes everything to the
// store and exits.
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { otlpHttpApp } from '../api/otlp-http.ts';
import { jaegerHttpApp, zipkinHttpApp } from '../api/zipkin-jaeger-http.ts';
import { startOtlpGrpc } from '../api/otlp-grpc.ts';
import { skeinApi } from '../api/skein-api.ts';
import { tempoApi } from '../api/tempo-api.ts';
import { IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { WriteAheadLog } from '../pipeline/wal.ts';
import { decodePayload } from '../receive/wire-format.ts';
import { openStore } from '../store/open-store.ts';
import type { EncodedSpans, StoreAdmin, TraceWriter } from '../store/span-store.ts';
import type { Config } from './config.ts';

const RETENTION_SWEEP_MS = 10 * 60 * 1000;

export interface RunningSkein {
  ports: { http: number; otlpHttp: number; otlpGrpc: number; zipkin: number; jaeger: number; tempo: number };
  stop(): Promise<void>;
}

export async function startSkein(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningSkein> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore(config.storage, config.dataDir);
  await store.init();

  const pipeline = await openPipeline(store, config, logger);
  let accepting = false;
  const sink = {
    accept: pipeline.accept.bind(pipeline),
    isAccepting: () => accepting,
  };

  const api = await listen(skeinApi(store, { isReady: () => accepting, pipelineStats: () => pipeline.stats() }, logger).fetch, config.host, config.httpPort);
  const otlpHttp = await listen(otlpHttpApp(sink, config.maxRequestBytes, logger).fetch, config.host, config.otlpHttpPort);
  const otlpGrpc = await startOtlpGrpc(sink, config.host, config.otlpGrpcPort, config.maxRequestBytes, logger);
  const zipkin = await listen(zipkinHttpApp(sink, store, config.maxRequestBytes, logger, { autocompleteKeys: config.zipkinAutocompleteKeys }).fetch, config.host, config.zipkinPort);
  const jaeger = await listen(jaegerHttpApp(sink, config.maxRequestBytes, logger).fetch, config.host, config.jaegerPort);
  const tempo = await listen(tempoApi(store, () => accepting, logger).fetch, config.host, config.tempoPort);

  await pipeline.start(); // replays what the WAL holds beyond the last checkpoint
  accepting = true;

  const sweep = () => dropExpired(store, config.retentionNs, logger);
  await sweep();
  const sweeper = setInterval(sweep, RETENTION_SWEEP_MS);
  sweeper.unref();

  const ports = { http: api.port, otlpHttp: otlpHttp.port, otlpGrpc: otlpGrpc.port, zipkin: zipkin.port, jaeger: jaeger.port, tempo: tempo.port };
  logger.info({ ports, dataDir: config.dataDir, storage: config.storage }, 'Skein is ready');

  return {
    ports,
    async stop() {
      accepting = false;
      clearInterval(sweeper);
      await Promise.all([otlpHttp.close(), otlpGrpc.close(), zipkin.close(), jaeger.close()]);
      await pipeline.close(); // flushes every accepted span to the store
      await Promise.all([api.close(), tempo.close()]);
      await store.close();
      logger.info('Skein stopped; everything received is in the store');
    },
  };
}

/** The ingest pipeline over the write-ahead log, writing to the store. */
async function openPipeline(writer: TraceWriter, config: Config, logger: Logger): Promise<IngestPipeline<EncodedSpans>> {
  const wal = await WriteAheadLog.open(join(config.dataDir, 'wal'), { fsync: config.walFsync });
  return new IngestPipeline({
    wal,
    decode: (format, payload) => decodePayload(format, payload).spans,
    prepare: (spans) => writer.encode(spans),
    write: (batch) => writer.writeEncoded(batch),
    logger,
  });
}

async function dropExpired(admin: StoreAdmin, retentionNs: bigint, logger: Logger) {
  if (retentionNs <= 0n) return;
  const cutoffNs = BigInt(Date.now()) * 1_000_000n - retentionNs;
  try {
    const dropped = await admin.dropBefore(cutoffNs);
    if (dropped > 0) logger.info({ dropped }, 'retention: dropped old partitions');
  } catch (err) {
    logger.error({ err }, 'retention sweep failed');
  }
}

async function listen(
  fetch: (request: Request, env: any) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serveHttp({ fetch, hostname, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
