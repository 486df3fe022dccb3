// `skein demo`: Skein (in-process, with its embedded store) plus the demo shop of
// demo/ (services, load generator, fault control) sending to it. With --no-server the shop
// sends to a Skein that already runs (--endpoint). Ctrl-C stops the load, lets every
// service flush its spans, then stops Skein.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { FaultError, parseFaultSpec } from '../../demo/faults.ts';
import { describe, startDemo, type RunningDemo } from '../../demo/orchestrator.ts';
import { parseDurationNs } from '../query/duration.ts';
import { ConfigError, loadConfig, usage as serveUsage, type Config } from './config.ts';
import { startSkein, type RunningSkein } from './serve.ts';

interface DemoFlag {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  value?: string;
  help: string;
}

const DEMO_FLAGS: DemoFlag[] = [
  { name: 'no-server', type: 'boolean', help: 'do not start Skein; send to --endpoint' },
  { name: 'endpoint', type: 'string', value: 'URL', help: 'OTLP/HTTP base URL the services send to [default: the in-process Skein, or http://localhost:4318 with --no-server]' },
  { name: 'rps', type: 'string', value: 'N', help: 'requests per second from the load generator; 0 for none [5]' },
  { name: 'seed', type: 'string', value: 'N', help: 'seed of the load plan and the services\' randomness [1]' },
  { name: 'users', type: 'string', value: 'N', help: 'simulated shoppers [25]' },
  { name: 'base-port', type: 'string', value: 'PORT', help: 'the demo listens on PORT..PORT+9: frontend first, fault control last; 0 picks free ports [8080]' },
  { name: 'fault', type: 'string', multiple: true, value: 'SPEC', help: 'fault to switch on at start, repeatable, e.g. latency:service=inventory,ms=300 (see demo/README.md)' },
  { name: 'fault-log', type: 'string', value: 'PATH', help: 'fault log, JSON lines [<data-dir>/demo/faults.jsonl]' },
  { name: 'duration', type: 'string', value: 'DUR', help: 'stop after this long, e.g. 10m [run until Ctrl-C]' },
  { name: 'demo-log-level', type: 'string', value: 'LEVEL', help: 'log level of the services (logs in <data-dir>/demo/logs) [info]' },
];

export function demoUsage(): string {
  const flags = DEMO_FLAGS.map((f) => `  --${(f.name + (f.value ? ` ${f.value}` : '')).padEnd(22)} ${f.help}`);
  return [
    'Usage: skein demo [demo options] [skein serve options]',
    '',
    'Runs the demo shop (6 traced services, a queue, an uninstrumented payment provider, a load',
    'generator and fault injection) against Skein started in this process, or an existing one.',
    '',
    'Demo options:',
    ...flags,
    `  --${'help'.padEnd(22)} show this help`,
    '',
    'Skein serve options (without --no-server) are those of `skein serve`, e.g. --data-dir, --http-port.',
    '',
    serveUsage().split('\n').slice(2).join('\n'),
  ].join('\n');
}

export interface DemoArgs {
  server: boolean;
  endpoint?: string;
  rps: number;
  seed: number;
  users?: number;
  basePort: number;
  faults: string[];
  faultLog?: string;
  durationMs?: number;
  demoLogLevel?: string;
  /** Everything else, for `skein serve`'s configuration. */
  serveArgs: string[];
}

/** Splits the command line into demo options and `skein serve` options. */
export function parseDemoArgs(argv: string[]): DemoArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(DEMO_FLAGS.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}) }])),
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const known = new Set(DEMO_FLAGS.map((f) => f.name));
  const serveArgs: string[] = [];
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'option' && !known.has(token.name)) serveArgs.push(argv[token.index]);
    else if (token.kind === 'positional') serveArgs.push(token.value);
    else if (token.kind === 'option-terminator') serveArgs.push('--');
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  for (const f of DEMO_FLAGS) {
    const v = values[f.name];
    if (f.type === 'string' && v !== undefined && (typeof v === 'boolean' || (Array.isArray(v) && v.some((x) => typeof x !== 'string')))) {
      throw new ConfigError(`--${f.name} needs a value`);
    }
    if (f.type === 'boolean' && v !== undefined && typeof v !== 'boolean') throw new ConfigError(`--${f.name} takes no value`);
  }
  const number = (name: string, fallback: number, check: (n: number) => boolean, what: string): number => {
    const text = values[name] as string | undefined;
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new ConfigError(`--${name}: '${text}' is not ${what}`);
    return n;
  };
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    try {
      durationMs = Number(parseDurationNs(values.duration as string) / 1_000_000n);
    } catch (err) {
      throw new ConfigError(`--duration: ${(err as Error).message}`);
    }
    if (durationMs <= 0) throw new ConfigError('--duration must be positive');
  }
  return {
    server: values['no-server'] !== true,
    endpoint: values.endpoint as string | undefined,
    rps: number('rps', 5, (n) => n >= 0 && n <= 1000, 'a rate from 0 to 1000'),
    seed: number('seed', 1, Number.isSafeInteger, 'an integer'),
    users: values.users === undefined ? undefined : number('users', 25, (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
    basePort: number('base-port', 8080, (n) => Number.isInteger(n) && (n === 0 || (n >= 1 && n <= 65526)), 'a port from 1 to 65526 (or 0)'),
    faults: (values.fault as string[] | undefined) ?? [],
    faultLog: values['fault-log'] as string | undefined,
    durationMs,
    demoLogLevel: values['demo-log-level'] as string | undefined,
    serveArgs,
  };
}

/** `skein demo ...`; resolves when the demo has stopped (Ctrl-C, SIGTERM or --duration). */
export async function runDemo(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(demoUsage());
    return 0;
  }
  let args: DemoArgs;
  let config: Config;
  try {
    args = parseDemoArgs(argv);
    config = loadConfig(args.serveArgs, env);
    // Checked before anything starts, so a typo in a fault does not leave Skein half up.
    args.faults.forEach(parseFaultSpec);
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof FaultError)) throw err;
    console.error(`skein demo: ${err.message}\n\nSee: skein demo --help`);
    return 2;
  }

  let skein: RunningSkein | undefined;
  let endpoint = args.endpoint ?? 'http://localhost:4318';
  let apiUrl: string | undefined;
  if (args.server) {
    // Skein's own logs stay quiet unless a level was asked for: the demo prints what matters.
    const levelGiven = args.serveArgs.some((a) => a.startsWith('--log-level')) || env.SKEIN_LOG_LEVEL !== undefined;
    const logger = pino({ level: levelGiven ? config.logLevel : 'warn' });
    console.log(`skein demo: starting Skein (data in ${resolve(config.dataDir)})`);
    skein = await startSkein(config, logger);
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    endpoint = args.endpoint ?? `http://${host}:${skein.ports.otlpHttp}`;
    apiUrl = `http://${host}:${skein.ports.http}`;
  } else {
    await checkEndpoint(endpoint);
  }

  const dataDir = join(config.dataDir, 'demo');
  let demo: RunningDemo;
  try {
    demo = await startDemo({
      endpoint,
      dataDir,
      basePort: args.basePort,
      rps: args.rps,
      seed: args.seed,
      users: args.users,
      faults: args.faults,
      faultLog: args.faultLog,
      logLevel: args.demoLogLevel,
      log: (m) => console.log(m),
    });
  } catch (err) {
    console.error(`skein demo: ${(err as Error).message}`);
    await skein?.stop();
    return 1;
  }

  const s = demo.status();
  console.log(
    [
      '',
      `Skein demo shop is running (seed ${args.seed}, ${args.rps} requests/s), sending spans to ${endpoint}`,
      ...(apiUrl
        ? [
            `  Skein UI:        ${apiUrl}/search   service map ${apiUrl}/map, health ${apiUrl}/health, root cause ${apiUrl}/rca`,
            `  Skein API:       ${apiUrl}/api/v1/search?service=frontend&errors=true, ${apiUrl}/api/v1/dependencies`,
            `                   (Jaeger's query API on the same port, for Jaeger UI or Grafana's Jaeger datasource)`,
            `  Grafana Tempo datasource: http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${skein!.ports.tempo}`,
          ]
        : []),
      `  Shop frontend:   ${s.frontend}/api/products`,
      `  Fault control:   ${s.controlUrl}/faults   e.g. curl -X POST ${s.controlUrl}/faults -d 'latency:service=inventory,ms=300'`,
      `  Load control:    curl -X PUT ${s.controlUrl}/load -d '{"rps": 10}'`,
      `  Fault log:       ${s.faultLog}`,
      `  Service logs:    ${join(resolve(dataDir), 'logs')}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  const ticker = setInterval(() => {
    const l = demo.load.stats();
    const active = demo.faults.list().filter((f) => f.state === 'active');
    console.log(
      `load: ${l.rps} req/s; ${l.completed} answered (${l.failed} failed, ${l.dropped} dropped), p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms; ` +
        `faults: ${active.length ? active.map((f) => `${f.id} ${describe(f)}`).join('; ') : 'none'}`,
    );
  }, 15_000);
  ticker.unref();

  await new Promise<void>((resolveWait) => {
    const done = (why: string) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      clearTimeout(timer);
      console.log(`\nskein demo: ${why}; stopping (press Ctrl-C again to quit at once)`);
      // `npm start` forwards the terminal's SIGINT, so one Ctrl-C can arrive twice: a second
      // signal within a second is the same keypress.
      const first = Date.now();
      const force = () => {
        if (Date.now() - first < 1000) return;
        console.log('skein demo: quitting without waiting (the services still flush their spans)');
        process.exit(130);
      };
      process.on('SIGINT', force);
      process.on('SIGTERM', force);
      resolveWait();
    };
    const onSignal = (signal: NodeJS.Signals) => done(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const timer = args.durationMs === undefined ? undefined : setTimeout(() => done(`${args.durationMs} ms elapsed`), args.durationMs);
  });
  clearInterval(ticker);
  const final = demo.load.stats();
  await demo.stop();
  if (skein) {
    console.log('skein demo: stopping Skein (writing every received span to the store)');
    await skein.stop();
  }
  console.log(`skein demo: done; ${final.completed} requests answered (${final.failed} failed); fault log ${demo.faultLog}`);
  return 0;
}

async function checkEndpoint(endpoint: string): Promise<void> {
  const url = endpoint.replace(/\/+$/, '') + '/v1/traces';
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(3000) });
    if (!res.ok) console.warn(`skein demo: warning: ${url} answered ${res.status}; spans may not arrive`);
  } catch (err) {
    console.warn(`skein demo: warning: cannot reach ${url} (${(err as Error).message}); the services will keep retrying`);
  }
}
