// Skein's settings, from four places; each later one wins: defaults, a YAML/JSON config
// file (--config or SKEIN_CONFIG), SKEIN_* environment variables, command-line flags.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseDurationNs } from '../query/duration.ts';

export interface Config {
  /** Where the WAL and the embedded store live. */
  dataDir: string;
  /** 'chdb' (embedded, default) or a ClickHouse server URL: clickhouse://host:8123/db */
  storage: string;
  /** Address every listener binds to. */
  host: string;
  httpPort: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  zipkinPort: number;
  jaegerPort: number;
  tempoPort: number;
  /** Tag keys Zipkin's autocompleteKeys lists and autocompleteValues answers for. */
  zipkinAutocompleteKeys: string[];
  /** Data older than this is dropped, a day at a time; 0 keeps everything. */
  retentionNs: bigint;
  /** fdatasync the WAL before acknowledging (group-committed). */
  walFsync: boolean;
  /** Largest request body accepted, after decompression. */
  maxRequestBytes: number;
  logLevel: string;
}

interface Setting {
  flag: string;
  env: string;
  help: string;
  default: string;
  parse: (text: string, name: string) => unknown;
  key: keyof Config;
}

const settings: Setting[] = [
  { key: 'dataDir', flag: 'data-dir', env: 'SKEIN_DATA_DIR', default: './skein-data', parse: String, help: 'directory for the write-ahead log and the embedded store' },
  { key: 'storage', flag: 'storage', env: 'SKEIN_STORAGE', default: 'chdb', parse: String, help: "'chdb' (embedded ClickHouse), clickhouse://host:8123/database, or 'memory' (nothing survives a restart)" },
  { key: 'host', flag: 'host', env: 'SKEIN_HOST', default: '127.0.0.1', parse: String, help: 'address to listen on (0.0.0.0 for every interface)' },
  { key: 'httpPort', flag: 'http-port', env: 'SKEIN_HTTP_PORT', default: '16686', parse: parsePort, help: "Skein's query API and UI" },
  { key: 'otlpHttpPort', flag: 'otlp-http-port', env: 'SKEIN_OTLP_HTTP_PORT', default: '4318', parse: parsePort, help: 'OTLP/HTTP receiver (POST /v1/traces)' },
  { key: 'otlpGrpcPort', flag: 'otlp-grpc-port', env: 'SKEIN_OTLP_GRPC_PORT', default: '4317', parse: parsePort, help: 'OTLP/gRPC receiver' },
  { key: 'zipkinPort', flag: 'zipkin-port', env: 'SKEIN_ZIPKIN_PORT', default: '9411', parse: parsePort, help: 'Zipkin receiver (POST /api/v2/spans)' },
  { key: 'jaegerPort', flag: 'jaeger-port', env: 'SKEIN_JAEGER_PORT', default: '14268', parse: parsePort, help: 'Jaeger Thrift receiver (POST /api/traces)' },
  { key: 'tempoPort', flag: 'tempo-port', env: 'SKEIN_TEMPO_PORT', default: '3200', parse: parsePort, help: "Grafana Tempo's query API (GET /api/traces/{id}, /api/search...)" },
  { key: 'zipkinAutocompleteKeys', flag: 'zipkin-autocomplete-keys', env: 'SKEIN_ZIPKIN_AUTOCOMPLETE_KEYS', default: '', parse: parseList, help: "tag keys Zipkin's UI offers values for, comma-separated (Zipkin's autocomplete-keys)" },
  { key: 'retentionNs', flag: 'retention', env: 'SKEIN_RETENTION', default: '7d', parse: parseDuration, help: "how long to keep spans, e.g. 7d, 48h; '0' keeps them forever" },
  { key: 'walFsync', flag: 'wal-fsync', env: 'SKEIN_WAL_FSYNC', default: 'true', parse: parseBool, help: 'fdatasync the write-ahead log before acknowledging a request' },
  { key: 'maxRequestBytes', flag: 'max-request-bytes', env: 'SKEIN_MAX_REQUEST_BYTES', default: String(20 * 1024 * 1024), parse: parsePositiveInt, help: 'largest request body accepted, after decompression' },
  { key: 'logLevel', flag: 'log-level', env: 'SKEIN_LOG_LEVEL', default: 'info', parse: String, help: 'trace, debug, info, warn, error' },
];

export class ConfigError extends Error {}

export function usage(): string {
  const lines = settings.map(
    (s) => `  --${s.flag.padEnd(18)} ${s.help} [${s.env}, default ${s.default || 'none'}]`,
  );
  return [
    'Usage: skein serve [options]',
    '',
    'Options (each also settable as the environment variable shown, or in a config file):',
    ...lines,
    `  --${'config'.padEnd(18)} YAML or JSON file with the settings above, keyed by flag name [SKEIN_CONFIG]`,
    `  --${'help'.padEnd(18)} show this help`,
  ].join('\n');
}

/** Resolves the configuration from flags, environment and an optional config file. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries([
        ...settings.map((s) => [s.flag, { type: 'string' as const }]),
        ['config', { type: 'string' as const }],
      ]),
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const flags = parsed.values as Record<string, string | undefined>;
  const configPath = flags.config ?? env.SKEIN_CONFIG;
  const fromFile = configPath ? readConfigFile(configPath) : {};

  const config: Record<string, unknown> = {};
  for (const s of settings) {
    const fileValue = fromFile[s.flag];
    const [source, text] =
      flags[s.flag] !== undefined ? [`--${s.flag}`, flags[s.flag]!]
      : env[s.env] !== undefined ? [s.env, env[s.env]!]
      : fileValue !== undefined ? [`${configPath}: ${s.flag}`, String(fileValue)]
      : [`default of --${s.flag}`, s.default];
    config[s.key] = s.parse(text, source);
  }
  return config as unknown as Config;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text); // YAML is a superset of JSON, so this reads both.
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config file ${path} must hold a mapping of setting names to values`);
  }
  const known = new Set(settings.map((s) => s.flag));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new ConfigError(`config file ${path}: unknown setting '${key}'`);
  }
  return value as Record<string, unknown>;
}

/** Comma-separated, blanks around items and empty items dropped ('' is no items). A YAML list reads as its items. */
function parseList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function parsePort(text: string, name: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name}: '${text}' is not a port number (0-65535)`);
  }
  return port;
}

function parsePositiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${name}: '${text}' is not a positive integer`);
  return n;
}

function parseBool(text: string, name: string): boolean {
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${name}: '${text}' is not true or false`);
}

function parseDuration(text: string, name: string): bigint {
  if (text.trim() === '0') return 0n;
  try {
    return parseDurationNs(text);
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
}
