// The faults of this service, as the demo's orchestrator pushes them over the IPC channel
// ({type: 'faults', seq, faults: [{id, type, operation, params}]}, acknowledged with
// {type: 'faults-ack', seq}), and how they act on a request. No HTTP, so switching faults
// makes no spans of its own.
import { lognormal, pareto, seededRandom, seedFor, sleep } from './random.js';

let active = [];
const random = seededRandom(seedFor(Number(process.env.DEMO_SEED ?? 1), `faults:${process.env.DEMO_SERVICE ?? ''}`));

if (process.send) {
  process.on('message', (message) => {
    if (message && message.type === 'faults') {
      active = message.faults;
      process.send({ type: 'faults-ack', seq: message.seq });
    }
  });
}

/** 'POST /reservations' matches itself, '/reservations' and 'post /reservations'. */
export function operationMatches(wanted, operation) {
  const w = wanted.trim().toLowerCase();
  const o = operation.toLowerCase();
  return w === o || o.endsWith(' ' + w);
}

export function faultsOf(type, operation) {
  return active.filter((f) => f.type === type && (!f.operation || operationMatches(f.operation, operation)));
}

function hits(probability) {
  return probability >= 1 || random() < probability;
}

/** The delay one latency fault adds to one request, ms. */
export function sampleLatency(params) {
  let ms;
  if (params.dist === 'lognormal') ms = lognormal(random, params.median, params.sigma);
  else if (params.dist === 'pareto') ms = pareto(random, params.ms, params.alpha);
  else ms = params.ms;
  return Math.min(ms, params.max ?? 30_000);
}

export class InjectedError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Applies this service's faults to one incoming request, in the order a real failure would
 * show: a hang (timeout fault: no answer until the caller gives up, or `ms`), added latency,
 * then an error. `res` is the request's ServerResponse, to notice the caller hanging up.
 * Resolves to 'gone' when the caller hung up while the service hung, and throws an
 * InjectedError for an error fault.
 */
export async function applyRequestFaults(operation, res) {
  for (const fault of faultsOf('timeout', operation)) {
    if (!hits(fault.params.p)) continue;
    const gone = await hang(fault.params.ms, res);
    if (gone) return 'gone';
  }
  let delay = 0;
  for (const fault of faultsOf('latency', operation)) if (hits(fault.params.p)) delay += sampleLatency(fault.params);
  if (delay > 0) await sleep(delay);
  for (const fault of faultsOf('error', operation)) {
    if (hits(fault.params.rate)) throw new InjectedError(fault.params.status, errorMessage(fault.params.status));
  }
  return 'ok';
}

/** Extra time a database statement takes (slow-query faults), ms; 0 when none apply. */
export function queryDelay(names) {
  let delay = 0;
  for (const fault of active) {
    if (fault.type !== 'slow-query') continue;
    if (fault.operation && !names.some((n) => operationMatches(fault.operation, n))) continue;
    if (hits(fault.params.p)) delay += fault.params.ms;
  }
  return delay;
}

function hang(ms, res) {
  return new Promise((resolve) => {
    if (res?.destroyed) return resolve(true);
    const timer = setTimeout(() => {
      res?.off('close', onClose);
      resolve(false);
    }, ms);
    function onClose() {
      clearTimeout(timer);
      resolve(true);
    }
    res?.once('close', onClose);
  });
}

function errorMessage(status) {
  switch (status) {
    case 503: return 'service unavailable: too many connections';
    case 429: return 'rate limit exceeded';
    case 502: return 'bad gateway';
    default: return status >= 500 ? 'internal error: unexpected state' : 'request rejected';
  }
}
