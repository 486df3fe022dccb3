// Starts the demo shop: every service as its own Node process (the instrumented ones with
// `--import @skein/node/register`, sending to `endpoint`), the control endpoint for faults
// and load, and the load generator. stop() ends it in an order that loses no spans: load
// first (waiting for the answers), faults off, the queue drained, then each service flushes
// its spans as it exits.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FaultError, FaultManager, faultFromJson, parseFaultSpec, type ActiveFault, type FaultDefinition } from './faults.ts';
import { CATALOG_SIZE, LoadGenerator, type LoadStats, type RequestResult } from './loadgen.ts';
import { CONTROL_PORT_OFFSET, DEFAULT_BASE_PORT, SERVICES, type ServiceInfo, type ServiceName } from './topology.ts';

const demoDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(demoDir, '..');

export interface DemoOptions {
  /** OTLP/HTTP base URL of the Skein the services send to. */
  endpoint: string;
  /** Working directory: the inventory database, service logs, default fault log. */
  dataDir: string;
  /** Ports basePort..basePort+9 (frontend first, control endpoint last); 0 picks free ports. Default 8080. */
  basePort?: number;
  /** Address every demo process listens on. Default 127.0.0.1. */
  host?: string;
  /** Requests per second from the load generator; 0 sends none (until PUT /load). Default 5. */
  rps?: number;
  /** Seeds the load plan and the services' randomness. Default 1. */
  seed?: number;
  users?: number;
  /** Faults to switch on at start (CLI specs or definitions). */
  faults?: (string | FaultDefinition)[];
  /** Fault log (JSON lines). Default <dataDir>/faults.jsonl. */
  faultLog?: string;
  /** Caller-side timeouts of each service's outgoing calls, ms (defaults in topology.ts). */
  timeouts?: Partial<Record<ServiceName, number>>;
  /** Extra environment for the instrumented services (e.g. OTEL_BSP_SCHEDULE_DELAY). */
  env?: Record<string, string>;
  /** pino level of the services' logs (in <dataDir>/logs). Default info. */
  logLevel?: string;
  /** Every load generator answer, as it arrives. */
  onLoadResult?: (result: RequestResult) => void;
  /** Progress messages. Default: none. */
  log?: (message: string) => void;
}

export interface RunningDemo {
  /** Base URL of each demo process. */
  urls: Record<ServiceName, string>;
  /** The control endpoint: /faults, /load, /status. */
  controlUrl: string;
  faultLog: string;
  run: string;
  faults: FaultManager;
  load: LoadGenerator;
  status(): DemoStatus;
  stop(): Promise<void>;
}

export interface DemoStatus {
  run: string;
  frontend: string;
  controlUrl: string;
  endpoint: string;
  faultLog: string;
  services: { name: ServiceName; url: string; version: string; instrumented: boolean; pid?: number; running: boolean }[];
  load: LoadStats;
}

interface Child {
  info: ServiceInfo;
  url: string;
  process: ChildProcess;
  exited: Promise<void>;
  logPath: string;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  // With basePort 0 the services' ports are picked here and handed to them (each must know
  // the others' URLs), so another process may take one before its service binds it: then
  // everything started is stopped and the demo starts again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDemoOnce(options);
    } catch (err) {
      if ((options.basePort ?? DEFAULT_BASE_PORT) !== 0 || attempt === 3 || !/EADDRINUSE/.test(String(err))) throw err;
      options.log?.('demo: a picked port was taken during start-up; starting again on other ports');
    }
  }
}

async function startDemoOnce(options: DemoOptions): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const faultLog = resolve(options.faultLog ?? join(dataDir, 'faults.jsonl'));
  const run = new Date().toISOString();

  // Faults given at start are checked before anything starts.
  const initialFaults = (options.faults ?? []).map((f) => (typeof f === 'string' ? parseFaultSpec(f) : f));

  const ports = new Map<ServiceName | 'control', number>();
  const picked = basePort === 0 ? await freePorts(host, SERVICES.length) : [];
  SERVICES.forEach((s, i) => ports.set(s.name, basePort === 0 ? picked[i] : basePort + s.portOffset));
  ports.set('control', basePort === 0 ? 0 : basePort + CONTROL_PORT_OFFSET); // 0: the kernel picks it at bind time
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const urls = Object.fromEntries(SERVICES.map((s) => [s.name, `http://${urlHost}:${ports.get(s.name)}`])) as Record<ServiceName, string>;

  const register = registerModule();
  const children = new Map<ServiceName, Child>();
  let running = false; // all started
  let stopping = false;
  let seq = 0;

  const startChild = (info: ServiceInfo): Child => {
    const logPath = join(logDir, `${info.name}.log`);
    const fd = openSync(logPath, 'w');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_SERVICE: info.name,
      DEMO_HOST: host,
      DEMO_PORT: String(ports.get(info.name)),
      DEMO_URLS: JSON.stringify(urls),
      DEMO_TIMEOUT_MS: String(options.timeouts?.[info.name] ?? info.timeoutMs),
      DEMO_SEED: String(seed),
      DEMO_DATA_DIR: dataDir,
      DEMO_PRODUCT_COUNT: String(CATALOG_SIZE),
      DEMO_LOG_LEVEL: options.logLevel ?? 'info',
    };
    delete env.NODE_TEST_CONTEXT;
    if (info.instrumented) {
      // The SDK's own warnings (a failed export...) go to the service's log.
      env.OTEL_LOG_LEVEL ??= 'warn';
      Object.assign(env, {
        SKEIN_SERVICE_NAME: info.name,
        SKEIN_SERVICE_VERSION: info.version,
        SKEIN_ENVIRONMENT: 'demo',
        SKEIN_ENDPOINT: options.endpoint,
        ...options.env,
      });
    }
    const child = fork(join(demoDir, 'services', info.file), [], {
      cwd: repoRoot,
      env,
      execArgv: info.instrumented ? ['--import', register] : [],
      stdio: ['ignore', fd, fd, 'ipc'],
      // Its own process group: Ctrl-C reaches the demo, which stops the services in order.
      detached: true,
    });
    closeSync(fd);
    const exited = new Promise<void>((resolveExit) =>
      child.once('exit', (code, signal) => {
        if (running && !stopping) log(`demo: ${info.name} exited unexpectedly (${signal ?? code}); its log:\n${tail(logPath)}`);
        resolveExit();
      }),
    );
    return { info, url: urls[info.name], process: child, exited, logPath };
  };

  const waitReady = (child: Child) =>
    new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`${child.info.name} did not start within 60 s; its log:\n${tail(child.logPath)}`)), 60_000);
      const onMessage = (message: any) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        child.process.off('message', onMessage);
        resolveReady();
      };
      child.process.on('message', onMessage);
      child.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${child.info.name} exited during start-up; its log:\n${tail(child.logPath)}`));
      });
    });

  const request = (name: ServiceName, message: Record<string, unknown>, reply: string, timeoutMs: number) =>
    new Promise<any>((resolveReply, reject) => {
      const child = children.get(name);
      if (!child || child.process.exitCode !== null || !child.process.connected) return reject(new Error(`${name} is not running`));
      const id = ++seq;
      const timer = setTimeout(() => {
        child.process.off('message', onMessage);
        reject(new Error(`${name} did not answer '${message.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: any) => {
        if (m?.type !== reply || (m.seq !== undefined && m.seq !== id)) return;
        clearTimeout(timer);
        child.process.off('message', onMessage);
        resolveReply(m);
      };
      child.process.on('message', onMessage);
      child.process.send({ ...message, seq: id });
    });

  const deliver = async (name: ServiceName, faults: ActiveFault[]) => {
    await request(name, { type: 'faults', faults }, 'faults-ack', 5000);
  };

  const faults = new FaultManager({ deliver, logPath: faultLog, run });
  const load = new LoadGenerator({
    frontendUrl: urls.frontend,
    rps: options.rps ?? 5,
    seed,
    users: options.users,
    onResult: options.onLoadResult,
  });

  let control: Server | undefined;
  const stopChildren = async () => {
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.process.exitCode !== null || child.process.signalCode !== null) return;
        if (child.process.connected) child.process.send({ type: 'shutdown' });
        else child.process.kill('SIGTERM');
        const killer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
        await child.exited;
        clearTimeout(killer);
      }),
    );
  };

  try {
    log(`demo: starting ${SERVICES.length} processes (ports ${SERVICES.map((s) => ports.get(s.name)).join(', ')})`);
    for (const info of SERVICES) children.set(info.name, startChild(info));
    await Promise.all([...children.values()].map(waitReady));
    control = await listenControl(host, ports.get('control')!, (req, res) => handleControl(req, res));
    ports.set('control', (control.address() as AddressInfo).port);
    for (const definition of initialFaults) {
      const fault = await faults.add(definition);
      log(`demo: fault ${fault.id} ${fault.state}: ${describe(fault)}`);
    }
  } catch (err) {
    stopping = true;
    control?.close();
    await stopChildren();
    throw err;
  }
  running = true;
  load.start();

  const status = (): DemoStatus => ({
    run,
    frontend: urls.frontend,
    controlUrl: `http://${urlHost}:${ports.get('control')}`,
    endpoint: options.endpoint,
    faultLog,
    services: SERVICES.map((s) => {
      const child = children.get(s.name);
      return {
        name: s.name,
        url: urls[s.name],
        version: s.version,
        instrumented: s.instrumented,
        pid: child?.process.pid,
        running: !!child && child.process.exitCode === null && child.process.signalCode === null,
      };
    }),
    load: load.stats(),
  });

  async function handleControl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://control');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2) + '\n');
    };
    try {
      const body = await readBody(req);
      if (path === '/faults' && req.method === 'GET') return send(200, { faults: faults.list() });
      if (path === '/faults' && req.method === 'POST') {
        const definition = parseFaultBody(body, req.headers['content-type']);
        const fault = await faults.add(definition);
        log(`demo: fault ${fault.id} ${fault.state}: ${describe(fault)}`);
        return send(201, fault);
      }
      if (path === '/faults' && req.method === 'DELETE') {
        const ended = await faults.removeAll();
        if (ended.length) log(`demo: faults ${ended.map((f) => f.id).join(', ')} ended`);
        return send(200, { faults: ended });
      }
      const one = /^\/faults\/([^/]+)$/.exec(path);
      if (one && req.method === 'GET') {
        const fault = faults.get(decodeURIComponent(one[1]));
        return fault ? send(200, fault) : send(404, { error: `no fault ${one[1]}` });
      }
      if (one && req.method === 'DELETE') {
        const fault = await faults.remove(decodeURIComponent(one[1]));
        if (fault) log(`demo: fault ${fault.id} ended`);
        return fault ? send(200, fault) : send(404, { error: `no fault ${one[1]}` });
      }
      if (path === '/load' && req.method === 'GET') return send(200, load.stats());
      if (path === '/load' && (req.method === 'PUT' || req.method === 'POST')) {
        const rps = (JSON.parse(body || '{}') as { rps?: unknown }).rps;
        if (typeof rps !== 'number' || !(rps >= 0) || rps > 1000) return send(400, { error: "'rps' must be a number from 0 to 1000" });
        load.setRate(rps);
        log(`demo: load set to ${rps} requests/s`);
        return send(200, load.stats());
      }
      if ((path === '/' || path === '/status') && req.method === 'GET') return send(200, { ...status(), faults: faults.list() });
      return send(404, { error: 'not found; routes: GET/POST/DELETE /faults, GET/DELETE /faults/{id}, GET/PUT /load, GET /status' });
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError) return send(400, { error: err.message });
      return send(500, { error: (err as Error).message });
    }
  }

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      log('demo: stopping: load generator');
      await load.stop();
      await faults.close();
      log('demo: stopping: draining the order queue');
      await request('notifier', { type: 'drain' }, 'drained', 15_000).catch((err) => log(`demo: ${err.message}`));
      stopping = true;
      log('demo: stopping: services (each flushes its spans)');
      await new Promise<void>((resolveClose) => {
        if (!control) return resolveClose();
        control.close(() => resolveClose());
        control.closeAllConnections();
      });
      await stopChildren();
      log('demo: stopped');
    })());

  return { urls, controlUrl: status().controlUrl, faultLog, run, faults, load, status, stop };
}

function parseFaultBody(body: string, contentType: string | undefined): FaultDefinition {
  if (body.trim() === '') throw new FaultError('the body must be a fault: JSON, or a spec like latency:service=inventory,ms=300');
  if (contentType?.includes('json') || /^\s*\{/.test(body)) return faultFromJson(JSON.parse(body));
  return parseFaultSpec(body.trim());
}

export function describe(fault: FaultDefinition & { afterMs?: number }): string {
  const params = Object.entries(fault.params).map(([k, v]) => `${k}=${v}`).join(',');
  const when = [fault.afterMs ? `after ${fault.afterMs} ms` : '', fault.forMs ? `for ${fault.forMs} ms` : ''].filter(Boolean).join(', ');
  return `${fault.type} in ${fault.service}${fault.operation ? ` (${fault.operation})` : ''}: ${params}${when ? ` ${when}` : ''}`;
}

function registerModule(): string {
  try {
    return import.meta.resolve('@skein/node/register');
  } catch {
    return pathToFileURL(join(repoRoot, 'node_modules', '@skein', 'node', 'register.js')).href;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      text += chunk;
      if (text.length > 1_000_000) reject(new FaultError('body too large'));
    });
    req.on('end', () => resolveBody(text));
    req.on('error', reject);
  });
}

function listenControl(host: string, port: number, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    const server = createServer((req, res) => void handler(req, res));
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`control port ${port} is in use (choose another --base-port)`) : err),
    );
    server.listen(port, host, () => resolveListen(server));
  });
}

/** n different ports the OS just handed out (all held open until every one is picked). */
async function freePorts(host: string, n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createNetServer());
  try {
    return await Promise.all(
      servers.map((server) => new Promise<number>((resolvePort, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolvePort((server.address() as AddressInfo).port));
      })),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolveClose) => (server.listening ? server.close(resolveClose) : resolveClose(undefined)))));
  }
}

function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
