// Starts `skein serve` as a real child process on free ports with its own data directory,
// waits until /ready answers, and stops it by pid (gracefully, or with SIGKILL for crash tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

export interface SkeinProcess {
  dataDir: string;
  httpUrl: string;
  otlpHttpUrl: string;
  otlpGrpcAddress: string;
  zipkinUrl: string;
  jaegerUrl: string;
  tempoUrl: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  removeData(): void;
}

export async function startSkeinProcess(options: { dataDir?: string; args?: string[] } = {}): Promise<SkeinProcess> {
  if (options.args?.some((arg) => arg.startsWith('--log-level'))) {
    throw new Error("startSkeinProcess reads the ports from serve's info-level ready line: leave --log-level out");
  }
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'skein-test-'));
  // Port 0 everywhere: the kernel picks free ports at bind time and Skein logs them when
  // ready. Picking ports here first and passing them in lost a race now and then: another
  // process's outgoing connection took the port before Skein bound it (EADDRINUSE).
  const child = spawn(
    process.execPath,
    [
      ...(process.env.SKEIN_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      'bin/skein.js', 'serve',
      '--host', '127.0.0.1',
      '--data-dir', dataDir,
      '--http-port', '0',
      '--otlp-http-port', '0',
      '--otlp-grpc-port', '0',
      '--zipkin-port', '0',
      '--jaeger-port', '0',
      '--tempo-port', '0',
      '--retention', '0',
      '--log-level', 'info',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  let ports: ReadyPorts | undefined;
  while (!(ports = readyPorts(output))) {
    if (child.exitCode !== null) throw new Error(`skein serve exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`skein serve did not become ready in 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const httpUrl = `http://127.0.0.1:${ports.http}`;
  if (!(await fetch(`${httpUrl}/ready`)).ok) throw new Error(`skein serve logged ready but ${httpUrl}/ready is not 200`);

  return {
    dataDir,
    httpUrl,
    otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}`,
    otlpGrpcAddress: `127.0.0.1:${ports.otlpGrpc}`,
    zipkinUrl: `http://127.0.0.1:${ports.zipkin}`,
    jaegerUrl: `http://127.0.0.1:${ports.jaeger}`,
    tempoUrl: `http://127.0.0.1:${ports.tempo}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (child.exitCode !== 0) throw new Error(`skein serve exited with ${child.exitCode}:\n${output}`);
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    removeData() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type ReadyPorts = Record<'http' | 'otlpHttp' | 'otlpGrpc' | 'zipkin' | 'jaeger' | 'tempo', number>;

/** The ports from serve's "Skein is ready" log line (pino JSON), once it has been written. */
function readyPorts(output: string): ReadyPorts | undefined {
  const line = output.split('\n').find((l) => l.includes('"msg":"Skein is ready"'));
  return line ? (JSON.parse(line).ports as ReadyPorts) : undefined;
}

/**
 * One `skein serve` for the whole test file: started before its tests, stopped (it must
 * exit cleanly) and its data removed after them. `started` receives the process and
 * may set up data for the tests (the tests wait for it).
 */
export function useSkeinProcess(started: (skein: SkeinProcess) => unknown, options: { args?: string[] } = {}): void {
  let skein: SkeinProcess | undefined;
  before(async () => {
    skein = await startSkeinProcess(options);
    await started(skein);
  });
  after(async () => {
    if (!skein) return;
    await skein.stop();
    skein.removeData();
  });
}

/** Polls fn until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
