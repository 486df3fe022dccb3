// Starts test/e2e/otel-service.cjs: a small HTTP service instrumented with the real
// OpenTelemetry JS SDK, exporting to a running Skein over OTLP (proto, json or grpc).
import { spawn, type ChildProcess } from 'node:child_process';
import type { SkeinProcess } from './skein-process.ts';

export interface OtelService {
  url: string;
  child: ChildProcess;
}

export async function startOtelService(skein: SkeinProcess, name: string, exporter: string, downstream?: string): Promise<OtelService> {
  const endpoint = exporter === 'grpc' ? skein.otlpGrpcAddress : skein.otlpHttpUrl;
  const child = spawn(process.execPath, ['test/e2e/otel-service.cjs'], {
    env: { ...process.env, SERVICE_NAME: name, PORT: '0', EXPORTER: exporter, OTLP_ENDPOINT: endpoint, DOWNSTREAM: downstream ?? '', OTEL_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (line) => resolve(Number(/listening on (\d+)/.exec(String(line))?.[1])));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  if (!port) throw new Error(`${name} did not say which port it listens on`);
  return { url: `http://127.0.0.1:${port}`, child };
}

/** frontend → backend: one GET /work through both, flushed; returns the trace id. */
export async function tracedCall(frontend: OtelService, backend: OtelService): Promise<string> {
  const traceId = await (await fetch(`${frontend.url}/work`)).text();
  await fetch(`${frontend.url}/flush`, { method: 'POST' });
  await fetch(`${backend.url}/flush`, { method: 'POST' });
  return traceId;
}
