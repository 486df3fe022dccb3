// The instrumentations this distro turns on, each loaded only when enabled.
import { createRequire } from 'node:module';
import { readList, warn } from './env.js';

const require = createRequire(import.meta.url);

/**
 * name → [package, export, defaults]. Defaults are merged under the user's own config.
 * pino: log correlation only; the records are not sent anywhere (this distro exports traces
 * only), so the instrumentation's "log sending" stream is switched off.
 */
export const INSTRUMENTATIONS = {
  http: ['@opentelemetry/instrumentation-http', 'HttpInstrumentation', {}],
  undici: ['@opentelemetry/instrumentation-undici', 'UndiciInstrumentation', {}],
  express: ['@opentelemetry/instrumentation-express', 'ExpressInstrumentation', {}],
  pg: ['@opentelemetry/instrumentation-pg', 'PgInstrumentation', {}],
  mysql2: ['@opentelemetry/instrumentation-mysql2', 'MySQL2Instrumentation', {}],
  redis: ['@opentelemetry/instrumentation-redis', 'RedisInstrumentation', {}],
  ioredis: ['@opentelemetry/instrumentation-ioredis', 'IORedisInstrumentation', {}],
  amqplib: ['@opentelemetry/instrumentation-amqplib', 'AmqplibInstrumentation', {}],
  kafkajs: ['@opentelemetry/instrumentation-kafkajs', 'KafkaJsInstrumentation', {}],
  pino: ['@opentelemetry/instrumentation-pino', 'PinoInstrumentation', { disableLogSending: true }],
};

/** Other spellings accepted in the environment lists and the option. */
const ALIASES = { https: 'http', fetch: 'undici', mysql: 'mysql2', 'node-redis': 'redis' };

function canonical(name) {
  const short = String(name).toLowerCase().replace(/^@opentelemetry\/instrumentation-/, '');
  return ALIASES[short] ?? short;
}

/**
 * Which instrumentations are on: each is on unless
 *   - the option says `false` for it (`instrumentations: { pg: false }`),
 *   - SKEIN_DISABLED_INSTRUMENTATIONS or OTEL_NODE_DISABLED_INSTRUMENTATIONS lists it, or
 *   - SKEIN_ENABLED_INSTRUMENTATIONS or OTEL_NODE_ENABLED_INSTRUMENTATIONS is set and does not list it.
 * Returns [name, config] pairs.
 */
export function selectInstrumentations(option = {}, env = process.env) {
  const byName = {};
  for (const [key, value] of Object.entries(option ?? {})) {
    const name = canonical(key);
    if (!(name in INSTRUMENTATIONS)) warn(`unknown instrumentation "${key}" in options; known: ${Object.keys(INSTRUMENTATIONS).join(', ')}`, 'SKEIN_UNKNOWN_INSTRUMENTATION');
    else byName[name] = value;
  }
  const listed = (names) => (names === undefined ? undefined : new Set(names.map(canonical)));
  const enabledList = listed(readList(env, 'SKEIN_ENABLED_INSTRUMENTATIONS') ?? readList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS'));
  const disabledList = listed([...(readList(env, 'SKEIN_DISABLED_INSTRUMENTATIONS') ?? []), ...(readList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? [])]);
  for (const set of [enabledList, disabledList]) {
    for (const name of set ?? []) {
      if (!(name in INSTRUMENTATIONS)) warn(`unknown instrumentation "${name}" in the environment; known: ${Object.keys(INSTRUMENTATIONS).join(', ')}`, 'SKEIN_UNKNOWN_INSTRUMENTATION');
    }
  }

  const selected = [];
  for (const [name, [, , defaults]] of Object.entries(INSTRUMENTATIONS)) {
    const given = byName[name];
    if (given === false) continue;
    if (disabledList.has(name)) continue;
    if (enabledList && !enabledList.has(name)) continue;
    selected.push([name, { ...defaults, ...(given && typeof given === 'object' ? given : {}) }]);
  }
  return selected;
}

/** Loads and constructs the selected instrumentations (constructing one enables it). */
export function createInstrumentations(selected) {
  const instances = [];
  for (const [name, config] of selected) {
    const [pkg, exportName] = INSTRUMENTATIONS[name];
    try {
      const Instrumentation = require(pkg)[exportName];
      instances.push(new Instrumentation(config));
    } catch (error) {
      warn(`could not load the ${name} instrumentation (${pkg}): ${error?.message ?? error}`, 'SKEIN_INSTRUMENTATION_FAILED');
    }
  }
  return instances;
}
