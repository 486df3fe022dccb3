// Faults: what they are, how they are written (CLI spec or JSON), and their life cycle.
// The FaultManager switches faults on and off in the target service (it pushes each
// service its active faults and waits for the acknowledgement; the service applies them
// to its own requests) and writes every fault's start and end to the fault log, one JSON
// line per event, as ground truth for analysis.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDurationNs } from '../src/query/duration.ts';
import { SERVICES, serviceInfo, type ServiceName } from './topology.ts';

export const FAULT_TYPES = ['latency', 'error', 'slow-query', 'timeout'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export type FaultParams = Record<string, number | string>;

/** A fault as asked for, normalized and checked. */
export interface FaultDefinition {
  type: FaultType;
  service: ServiceName;
  /** Server/consumer operation (span name, e.g. 'POST /reservations'); for slow-query a
   * database operation, table or span name ('UPDATE', 'stock', 'UPDATE stock'). Absent: all. */
  operation?: string;
  params: FaultParams;
  /** Delay before it starts, ms. */
  afterMs: number;
  /** How long it lasts once started, ms; absent: until deleted or the demo stops. */
  forMs?: number;
}

export interface FaultTime {
  iso: string;
  unixNano: string;
}

export interface FaultRecord extends FaultDefinition {
  id: string;
  state: 'scheduled' | 'active' | 'ended';
  start?: FaultTime;
  end?: FaultTime;
  /** Why it ended: 'deleted', 'expired', 'demo stopped'. */
  endReason?: string;
}

export class FaultError extends Error {}

// Each type's parameters: name → default (undefined: required unless noted in check()).
const PARAMS: Record<FaultType, Record<string, number | string | undefined>> = {
  // dist fixed: ms. lognormal: median (ms), sigma. pareto: ms (the minimum), alpha. p: share of requests hit; max: cap, ms.
  latency: { dist: 'fixed', ms: undefined, median: undefined, sigma: 0.5, alpha: 1.5, p: 1, max: 30_000 },
  // rate: share of requests that fail; status: HTTP status they get.
  error: { rate: 1, status: 500 },
  // ms added to each matching statement; p: share of statements hit.
  'slow-query': { ms: undefined, p: 1 },
  // The service stops answering (hangs) for up to ms, until the caller gives up; p: share of requests hit.
  timeout: { ms: 30_000, p: 1 },
};

const STRING_PARAMS = new Set(['dist']);

/**
 * Parses the CLI form: `type:key=value,key=value`, e.g.
 * `latency:service=inventory,operation=POST /reservations,ms=300,after=30s,for=2m`.
 */
export function parseFaultSpec(spec: string): FaultDefinition {
  const colon = spec.indexOf(':');
  const type = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const fields: Record<string, string> = {};
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  for (const part of rest.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new FaultError(`fault '${spec}': '${part.trim()}' is not key=value`);
    const key = part.slice(0, eq).trim();
    if (key in fields) throw new FaultError(`fault '${spec}': '${key}' given twice`);
    fields[key] = part.slice(eq + 1).trim();
  }
  return faultFromFields(type, fields, `fault '${spec}'`);
}

/**
 * Reads the JSON form: `{"type": "latency", "service": "inventory", "ms": 300}` (parameters
 * at the top level or under "params"; after/for as ms or duration text), or `{"spec": "..."}`.
 */
export function faultFromJson(value: unknown): FaultDefinition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultError('a fault must be a JSON object');
  const object = value as Record<string, unknown>;
  if (typeof object.spec === 'string') {
    if (Object.keys(object).length !== 1) throw new FaultError("'spec' cannot be combined with other fields");
    return parseFaultSpec(object.spec);
  }
  const { type, params, ...fields } = object;
  if (typeof type !== 'string') throw new FaultError("'type' is required: one of " + FAULT_TYPES.join(', '));
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new FaultError("'params' must be an object");
  }
  const merged: Record<string, unknown> = { ...fields };
  for (const [key, v] of Object.entries((params as Record<string, unknown>) ?? {})) {
    if (key in merged) throw new FaultError(`'${key}' given twice`);
    merged[key] = v;
  }
  return faultFromFields(type, merged, 'fault');
}

function faultFromFields(typeText: string, fields: Record<string, unknown>, where: string): FaultDefinition {
  if (!(FAULT_TYPES as readonly string[]).includes(typeText)) {
    throw new FaultError(`${where}: unknown type '${typeText}' (one of ${FAULT_TYPES.join(', ')})`);
  }
  const type = typeText as FaultType;
  const { service: serviceField, operation: operationField, op, after, for: forField, afterMs: afterMsField, forMs: forMsField, ...rest } = fields;

  let serviceName = serviceField;
  if (serviceName === undefined && type === 'slow-query') serviceName = SERVICES.find((s) => s.database)!.name;
  if (typeof serviceName !== 'string' || serviceName === '') throw new FaultError(`${where}: 'service' is required`);
  const service = serviceInfo(serviceName);
  const faultable = SERVICES.filter((s) => s.faultable).map((s) => s.name);
  if (!service || !service.faultable) throw new FaultError(`${where}: unknown service '${serviceName}' (one of ${faultable.join(', ')})`);
  if (type === 'slow-query' && !service.database) {
    throw new FaultError(`${where}: slow-query needs a service with a database (${SERVICES.filter((s) => s.database).map((s) => s.name).join(', ')})`);
  }

  if (operationField !== undefined && op !== undefined) throw new FaultError(`${where}: give 'operation' or 'op', not both`);
  const operationValue = operationField ?? op;
  let operation: string | undefined;
  if (operationValue !== undefined && operationValue !== '' && operationValue !== null) {
    if (typeof operationValue !== 'string') throw new FaultError(`${where}: 'operation' must be text`);
    operation = operationValue;
    if (type !== 'slow-query' && !service.operations.some((o) => operationMatches(operation!, o))) {
      throw new FaultError(`${where}: ${service.name} has no operation '${operation}' (its operations: ${service.operations.join(', ')})`);
    }
  }

  const defaults = PARAMS[type];
  const params: FaultParams = {};
  for (const [key, raw] of Object.entries(rest)) {
    if (!(key in defaults)) {
      throw new FaultError(`${where}: unknown parameter '${key}' for ${type} (known: service, operation, after, for, ${Object.keys(defaults).join(', ')})`);
    }
    if (STRING_PARAMS.has(key)) {
      if (typeof raw !== 'string') throw new FaultError(`${where}: '${key}' must be text`);
      params[key] = raw;
    } else {
      params[key] = toNumber(raw, key, where);
    }
  }
  for (const [key, value] of Object.entries(defaults)) if (params[key] === undefined && value !== undefined) params[key] = value;
  checkParams(type, params, where);

  const afterMs = afterMsField !== undefined ? toNumber(afterMsField, 'afterMs', where) : after !== undefined ? toMs(after, 'after', where) : 0;
  const forMs = forMsField !== undefined ? toNumber(forMsField, 'forMs', where) : forField !== undefined ? toMs(forField, 'for', where) : undefined;
  if (afterMs < 0) throw new FaultError(`${where}: 'after' must not be negative`);
  if (forMs !== undefined && forMs <= 0) throw new FaultError(`${where}: 'for' must be positive`);

  return { type, service: service.name, ...(operation ? { operation } : {}), params, afterMs, ...(forMs !== undefined ? { forMs } : {}) };
}

function checkParams(type: FaultType, params: FaultParams, where: string): void {
  const probability = (key: string) => {
    const v = params[key] as number;
    if (!(v >= 0 && v <= 1)) throw new FaultError(`${where}: '${key}' must be from 0 to 1`);
  };
  const positive = (key: string) => {
    if (params[key] === undefined) throw new FaultError(`${where}: '${key}' is required for ${type}${type === 'latency' ? ` with dist=${params.dist}` : ''}`);
    if (!((params[key] as number) > 0)) throw new FaultError(`${where}: '${key}' must be positive`);
  };
  switch (type) {
    case 'latency': {
      const dist = params.dist;
      if (dist === 'fixed' || dist === 'pareto') positive('ms');
      else if (dist === 'lognormal') {
        if (params.median === undefined && params.ms !== undefined) params.median = params.ms;
        positive('median');
        positive('sigma');
      } else throw new FaultError(`${where}: 'dist' must be fixed, lognormal or pareto`);
      if (dist === 'pareto') positive('alpha');
      positive('max');
      probability('p');
      // Keep only what the distribution uses, so the log shows what acted.
      const keep = dist === 'fixed' ? ['ms'] : dist === 'lognormal' ? ['median', 'sigma'] : ['ms', 'alpha'];
      for (const key of ['ms', 'median', 'sigma', 'alpha']) if (!keep.includes(key)) delete params[key];
      break;
    }
    case 'error': {
      probability('rate');
      const status = params.status as number;
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new FaultError(`${where}: 'status' must be an HTTP status from 400 to 599`);
      break;
    }
    case 'slow-query':
      positive('ms');
      probability('p');
      break;
    case 'timeout':
      positive('ms');
      probability('p');
      break;
  }
}

function toNumber(raw: unknown, key: string, where: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) throw new FaultError(`${where}: '${key}' must be a number, not '${String(raw)}'`);
  return n;
}

function toMs(raw: unknown, key: string, where: string): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') throw new FaultError(`${where}: '${key}' must be a duration (e.g. 30s, 2m)`);
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw);
  try {
    return Number(parseDurationNs(raw) / 1_000_000n);
  } catch (err) {
    throw new FaultError(`${where}: '${key}': ${(err as Error).message}`);
  }
}

/** 'POST /reservations' matches itself, '/reservations' and 'post /reservations'. */
export function operationMatches(wanted: string, operation: string): boolean {
  const w = wanted.trim().toLowerCase();
  const o = operation.toLowerCase();
  return w === o || o.endsWith(' ' + w);
}

/** A fault in the form the services apply it (demo/services/lib/faults.js). */
export interface ActiveFault {
  id: string;
  type: FaultType;
  operation?: string;
  params: FaultParams;
}

export interface FaultManagerOptions {
  /** Makes `faults` the active set of `service`; resolves once the service has it. */
  deliver(service: ServiceName, faults: ActiveFault[]): Promise<void>;
  /** JSON lines file; created with its directory. */
  logPath: string;
  /** Written into every log line, to tell runs apart in a shared log. */
  run: string;
}

export class FaultManager {
  private readonly faults = new Map<string, FaultRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: FaultManagerOptions) {
    mkdirSync(dirname(options.logPath), { recursive: true });
  }

  get logPath(): string {
    return this.options.logPath;
  }

  list(): FaultRecord[] {
    return [...this.faults.values()].map((f) => structuredClone(f));
  }

  get(id: string): FaultRecord | undefined {
    const f = this.faults.get(id);
    return f && structuredClone(f);
  }

  /** Adds a fault; resolves once it is active in its service (or scheduled, with `afterMs`). */
  async add(definition: FaultDefinition): Promise<FaultRecord> {
    if (this.closed) throw new FaultError('the demo is stopping');
    const record: FaultRecord = { id: `f${this.nextId++}`, state: 'scheduled', ...structuredClone(definition) };
    this.faults.set(record.id, record);
    if (definition.afterMs > 0) {
      this.later(definition.afterMs, () => this.activate(record));
      return structuredClone(record);
    }
    await this.activate(record);
    return structuredClone(record);
  }

  /** Ends a fault (or cancels a scheduled one). Undefined when there is no such fault. */
  async remove(id: string, reason = 'deleted'): Promise<FaultRecord | undefined> {
    const record = this.faults.get(id);
    if (!record) return undefined;
    await this.end(record, reason);
    return structuredClone(record);
  }

  async removeAll(reason = 'deleted'): Promise<FaultRecord[]> {
    const open = [...this.faults.values()].filter((f) => f.state !== 'ended');
    await Promise.all(open.map((f) => this.end(f, reason)));
    return open.map((f) => structuredClone(f));
  }

  /** Ends every fault ('demo stopped') and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.removeAll('demo stopped');
  }

  private later(ms: number, fn: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn().catch((err) => console.error('demo: fault timer failed', err));
    }, ms);
    this.timers.add(timer);
  }

  private activate(record: FaultRecord): Promise<void> {
    return this.serial(async () => {
      if (record.state !== 'scheduled') return;
      // Stamped before the service has it, and floored to the millisecond (OpenTelemetry JS
      // stamps span starts with Date.now()): every span the fault touched starts after `start`.
      record.start = now(true);
      record.state = 'active';
      await this.push(record.service);
      this.log('start', record);
      if (record.forMs !== undefined) this.later(record.forMs, () => this.end(record, 'expired'));
    });
  }

  private end(record: FaultRecord, reason: string): Promise<void> {
    return this.serial(async () => {
      if (record.state === 'ended') return;
      const wasActive = record.state === 'active';
      record.state = 'ended';
      record.endReason = reason;
      if (wasActive) await this.push(record.service);
      // Stamped once the service has dropped it: every span it touched started before `end`.
      record.end = now();
      this.log('end', record);
    });
  }

  private async push(service: ServiceName): Promise<void> {
    const active = [...this.faults.values()]
      .filter((f) => f.service === service && f.state === 'active')
      .map((f): ActiveFault => ({ id: f.id, type: f.type, ...(f.operation ? { operation: f.operation } : {}), params: f.params }));
    await this.options.deliver(service, active);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn, fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private log(event: 'start' | 'end', record: FaultRecord): void {
    const line = {
      event,
      run: this.options.run,
      id: record.id,
      type: record.type,
      service: record.service,
      operation: record.operation ?? null,
      params: record.params,
      start: record.start?.iso ?? null,
      startUnixNano: record.start?.unixNano ?? null,
      end: record.end?.iso ?? null,
      endUnixNano: record.end?.unixNano ?? null,
      ...(event === 'end' ? { reason: record.endReason } : {}),
    };
    appendFileSync(this.options.logPath, JSON.stringify(line) + '\n');
  }
}

// Wall-clock time in nanoseconds: Date.now(), the clock the services stamp span starts
// with, plus the sub-millisecond part of the monotonic clock.
export function now(floorToMs = false): FaultTime {
  const ms = Date.now();
  const ns = BigInt(ms) * 1_000_000n + (floorToMs ? 0n : process.hrtime.bigint() % 1_000_000n);
  const iso = new Date(ms).toISOString().replace('Z', `${String(ns % 1_000_000n).padStart(6, '0')}Z`);
  return { iso, unixNano: ns.toString() };
}
