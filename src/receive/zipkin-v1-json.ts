// Decoder for Zipkin API v1 JSON: the body of `POST /api/v1/spans`, an array of v1 spans,
// which record an RPC as annotations (cs/sr/ss/cr, ms/mr, ws/wr) logged by endpoints and
// binaryAnnotations (tags, and the ca/sa/ma address annotations). Each v1 span becomes one
// or more v2 ZipkinSpans the way Zipkin's own converter does (zipkin2/v1/V1SpanConverter.java,
// whose structure this follows), and zipkin-json.ts maps those to rows as it maps Zipkin v2.
//
// The conversion, as Zipkin's:
// - One v2 span per local service that logged to the v1 span; what has no endpoint goes on
//   the first. Core annotations (with an endpoint) give kind, timestamp and duration and are
//   not kept as events; other annotations are events of their endpoint's span.
// - A span both client and server logged (cs and sr) becomes two v2 spans under one id: the
//   client timed by the v1 timestamp/duration (else cs..cr), the server half shared and
//   timed sr..ss. Same for one service calling itself, and for producer+consumer (ms/mr).
// - A server half alone (sr, no cs) with no timestamp, or no duration though ss was logged,
//   is shared: the v1 convention for "the client owns this span".
// - Address annotations (key ca, sa or ma, whatever their value) give the remote endpoint:
//   ca of the server half, sa of the client half, ma of the producer and consumer. Without
//   core annotations, ca+sa make ca local and sa remote; sa alone is the remote endpoint; ca
//   alone makes a server whose remote is ca. A ca with the server's own service name keeps
//   only its address (Finagle logs the client's socket that way).
// - Other binaryAnnotations are tags of their endpoint's span; an "lc" one with an empty
//   value only marks a local span and is dropped.
// - Annotations are sorted by time then value, binaryAnnotations by key, before converting;
//   each v2 span's annotations are sorted and deduplicated after; a client is never shared.
//
// Where Skein differs from Zipkin:
// - Names are kept as sent, not lowercased, as with v2.
// - Missing or zero ids refuse the span (counted), as with v2, and so the request, as Zipkin does.
// - A 128-bit trace id is a 32-digit traceId, the v1 JSON form (traceIdHigh is the v1
//   Thrift form, not read here; v1 Thrift itself is not supported).
// - A binaryAnnotation value that is a number or boolean is kept as its JSON text, as v2 tag
//   values are (Zipkin drops them).
// The JSON is read as v2's is: null means absent, a wrong type throws ZipkinDecodeError
// naming its path.
import type { DecodedBatch } from '../model/span.ts';
import type { JsonObject } from './json-input.ts';
import {
  newZipkinSpan,
  readBoolean,
  readEndpoint,
  readMicros,
  readObjects,
  readSpanArray,
  readString,
  readTagValue,
  zipkinSpansToBatch,
  type ZipkinEndpoint,
  type ZipkinKind,
  type ZipkinSpan,
} from './zipkin-json.ts';

export function decodeZipkinV1Json(text: string): DecodedBatch {
  return zipkinSpansToBatch(parseZipkinV1Json(text));
}

/** The v2 spans a Zipkin v1 JSON body converts to, not yet mapped. */
export function parseZipkinV1Json(text: string): ZipkinSpan[] {
  return readSpanArray(text, (json, index) => new V1SpanConverter(parseV1Span(json, index)).convert()).flat();
}

// ---- the v1 model ----

interface V1Span {
  index: number;
  /** lowercase hex as sent; '' when absent, as for every string here */
  traceId: string;
  id: string;
  parentId: string;
  name: string;
  /** epoch microseconds, 0n when absent */
  timestamp: bigint;
  duration: bigint;
  debug: boolean;
  /** by timestamp, then value */
  annotations: V1Annotation[];
  /** by key */
  binaryAnnotations: V1BinaryAnnotation[];
}

interface V1Annotation {
  timestamp: bigint;
  value: string;
  endpoint: ZipkinEndpoint | undefined;
}

interface V1BinaryAnnotation {
  key: string;
  /** ignored for the address annotations (ca, sa, ma) */
  value: string;
  endpoint: ZipkinEndpoint | undefined;
}

function parseV1Span(json: JsonObject, index: number): V1Span {
  const path = `[${index}]`;
  return {
    index,
    traceId: readString(json.traceId, `${path}.traceId`).toLowerCase(),
    id: readString(json.id, `${path}.id`).toLowerCase(),
    parentId: readString(json.parentId, `${path}.parentId`).toLowerCase(),
    name: readString(json.name, `${path}.name`),
    timestamp: readMicros(json.timestamp, `${path}.timestamp`),
    duration: readMicros(json.duration, `${path}.duration`),
    debug: readBoolean(json.debug, `${path}.debug`),
    annotations: readObjects(json.annotations, `${path}.annotations`, 'an annotation object', readAnnotation).sort(byTimeThenValue),
    binaryAnnotations: readObjects(json.binaryAnnotations, `${path}.binaryAnnotations`, 'a binary annotation object', readBinaryAnnotation)
      .filter((b) => b !== undefined)
      .sort((a, b) => compare(a.key, b.key)),
  };
}

function readAnnotation(json: JsonObject, path: string): V1Annotation {
  return {
    timestamp: readMicros(json.timestamp, `${path}.timestamp`),
    value: readString(json.value, `${path}.value`),
    endpoint: readV1Endpoint(json.endpoint, `${path}.endpoint`),
  };
}

const ADDRESS_KEYS = new Set(['ca', 'sa', 'ma']);

/** undefined for one that says nothing: a tag with a null value, an address with no endpoint (Zipkin drops both). */
function readBinaryAnnotation(json: JsonObject, path: string): V1BinaryAnnotation | undefined {
  const key = readString(json.key, `${path}.key`);
  const endpoint = readV1Endpoint(json.endpoint, `${path}.endpoint`);
  // Strictly an address annotation's value is true, but some clients write "1" or 1.
  if (ADDRESS_KEYS.has(key)) return endpoint && { key, value: '', endpoint };
  const value = readTagValue(json.value, `${path}.value`);
  return value === undefined ? undefined : { key, value, endpoint };
}

/** An endpoint with nothing in it is no endpoint, as Zipkin has it. */
function readV1Endpoint(value: unknown, path: string): ZipkinEndpoint | undefined {
  const endpoint = readEndpoint(value, path);
  return endpoint.serviceName || endpoint.ipv4 || endpoint.ipv6 || endpoint.port ? endpoint : undefined;
}

// ---- v1 -> v2 ----

/** The annotations that describe an RPC or a message rather than an event in it, and the kind each implies. */
const CORE_KINDS = { cs: 'CLIENT', cr: 'CLIENT', sr: 'SERVER', ss: 'SERVER', ms: 'PRODUCER', mr: 'CONSUMER', ws: undefined, wr: undefined } as const;
type CoreName = keyof typeof CORE_KINDS;

function isCoreName(value: string): value is CoreName {
  return Object.hasOwn(CORE_KINDS, value);
}

/** A core annotation: only one logged with an endpoint counts as one. */
type CoreAnnotation = V1Annotation & { endpoint: ZipkinEndpoint };

/** Converts one v1 span; use once. */
class V1SpanConverter {
  private readonly first: ZipkinSpan;
  private readonly others: ZipkinSpan[] = [];
  /** The core annotations seen (the last of each name). */
  private readonly core: Partial<Record<CoreName, CoreAnnotation>> = {};

  constructor(private readonly source: V1Span) {
    this.first = this.v2Span();
  }

  convert(): ZipkinSpan[] {
    this.processAnnotations();
    this.processRpc();
    this.processMessaging();
    this.processBinaryAnnotations();
    return [this.first, ...this.others].map(finish);
  }

  private processAnnotations(): void {
    for (const annotation of this.source.annotations) {
      const { endpoint, value } = annotation;
      const span = this.forEndpoint(endpoint);
      // Core annotations need an endpoint; without one they are ordinary events.
      if (endpoint !== undefined && isCoreName(value)) {
        const kind: ZipkinKind | undefined = CORE_KINDS[value];
        if (kind !== undefined) span.kind = kind;
        this.core[value] = { ...annotation, endpoint };
      } else {
        span.annotations.push({ timestamp: annotation.timestamp, value: annotation.value });
      }
    }
    // Bridges from event models may send the end annotation only, with the span's time.
    const { core, source } = this;
    if (!core.cs && core.cr && this.endReflectsSpanDuration(core.cr)) core.cs = { timestamp: source.timestamp, value: 'cs', endpoint: core.cr.endpoint };
    if (!core.sr && core.ss && this.endReflectsSpanDuration(core.ss)) core.sr = { timestamp: source.timestamp, value: 'sr', endpoint: core.ss.endpoint };
  }

  private processRpc(): void {
    const { cs, sr, ss, cr } = this.core;
    const source = this.source;
    if (cs && sr) {
      // In a shared span the client owns the v1 timestamp and duration; the server half is
      // timed by its own annotations.
      this.timeSpan(cs, cr);
      const client = this.forEndpoint(cs.endpoint);
      const server = this.otherSide(client, cs, sr, 'CLIENT', 'SERVER');
      server.shared = true;
      server.timestamp = sr.timestamp;
      if (ss) server.duration = elapsed(sr, ss);
    } else if (cs && cr) {
      this.timeSpan(cs, cr);
    } else if (sr && ss) {
      this.timeSpan(sr, ss);
    } else {
      this.handleIncompleteRpc();
    }
    if (!cs && sr && (source.timestamp === 0n || (ss && source.duration === 0n))) this.forEndpoint(sr.endpoint).shared = true;
  }

  /** An RPC missing its start or end: what was logged, as far as it goes. */
  private handleIncompleteRpc(): void {
    const { cs, sr, ss, cr } = this.core;
    for (const span of [this.first, ...this.others]) {
      const [start, end] = span.kind === 'CLIENT' ? [cs, cr] : span.kind === 'SERVER' ? [sr, ss] : [];
      if (start) span.timestamp = start.timestamp;
      if (end) span.annotations.push({ timestamp: end.timestamp, value: end.value });
    }
    if (this.source.timestamp !== 0n) {
      this.first.timestamp = this.source.timestamp;
      this.first.duration = this.source.duration;
    }
  }

  private processMessaging(): void {
    const { ms, mr, ws, wr } = this.core;
    if (ms && mr) {
      // Not meant to share a span, but if they do, like client and server.
      const producer = this.forEndpoint(ms.endpoint);
      const consumer = this.otherSide(producer, ms, mr, 'PRODUCER', 'CONSUMER');
      consumer.shared = true;
      consumer.timestamp = (wr ?? mr).timestamp;
      if (wr) consumer.duration = elapsed(wr, mr);
      producer.timestamp = ms.timestamp;
      producer.duration = ws ? elapsed(ms, ws) : 0n;
    } else if (ms) {
      this.timeSpan(ms, ws);
    } else if (mr) {
      if (wr) this.timeSpan(wr, mr);
      else this.timeSpan(mr, undefined);
    } else {
      for (const wire of [ws, wr]) if (wire) this.forEndpoint(wire.endpoint).annotations.push({ timestamp: wire.timestamp, value: wire.value });
    }
  }

  /**
   * The span of the second side of a shared span (server, consumer). When both sides are
   * one service (a loopback) it is a new span, so each side keeps its own.
   */
  private otherSide(firstSide: ZipkinSpan, start: CoreAnnotation, otherStart: CoreAnnotation, firstKind: ZipkinKind, otherKind: ZipkinKind): ZipkinSpan {
    if (!sameService(start.endpoint, otherStart.endpoint)) return this.forEndpoint(otherStart.endpoint);
    firstSide.kind = firstKind;
    const other = this.newSpan(otherStart.endpoint);
    other.kind = otherKind;
    return other;
  }

  private processBinaryAnnotations(): void {
    let ca: ZipkinEndpoint | undefined;
    let sa: ZipkinEndpoint | undefined;
    let ma: ZipkinEndpoint | undefined;
    for (const binary of this.source.binaryAnnotations) {
      if (binary.key === 'ca') ca = binary.endpoint;
      else if (binary.key === 'sa') sa = binary.endpoint;
      else if (binary.key === 'ma') ma = binary.endpoint;
      else {
        // Looked up before the "lc" check: an "lc" endpoint is still the local one.
        const span = this.forEndpoint(binary.endpoint);
        if (binary.key !== 'lc' || binary.value !== '') span.tags.set(binary.key, binary.value);
      }
    }

    const { cs, sr, ss, cr, ms, mr } = this.core;
    if (!cs && !cr && !ss && !sr && (ca || sa)) {
      if (ca && sa) this.forEndpoint(ca).remoteEndpoint = sa;
      else if (sa) this.first.remoteEndpoint = sa; // a remote address: not enough to call it a client
      else if (ca) {
        this.first.kind = 'SERVER';
        this.first.remoteEndpoint = ca;
      }
      return;
    }
    const server = sr ?? ss;
    if (ca && server && !sameEndpoint(ca, server.endpoint)) {
      // Finagle logs the client's socket as "ca" under the server's own service name: keep
      // the address only, or the span would look like a call to itself.
      const remote = sameService(ca, server.endpoint) ? { ...ca, serviceName: '' } : ca;
      this.forEndpoint(server.endpoint).remoteEndpoint = remote;
    }
    const client = cs ?? cr;
    if (sa && client) this.forEndpoint(client.endpoint).remoteEndpoint = sa;
    // Both sides of a (wrongly) shared messaging span get the broker.
    if (ma && ms) this.forEndpoint(ms.endpoint).remoteEndpoint = ma;
    if (ma && mr) this.forEndpoint(mr.endpoint).remoteEndpoint = ma;
  }

  private endReflectsSpanDuration(end: CoreAnnotation): boolean {
    const { timestamp, duration } = this.source;
    return timestamp !== 0n && duration !== 0n && timestamp + duration === end.timestamp;
  }

  /** The v1 timestamp and duration when both are set, else begin..end. */
  private timeSpan(begin: CoreAnnotation, end: CoreAnnotation | undefined): void {
    const span = this.forEndpoint(begin.endpoint);
    const { timestamp, duration } = this.source;
    if (timestamp !== 0n && duration !== 0n) {
      span.timestamp = timestamp;
      span.duration = duration;
    } else {
      span.timestamp = begin.timestamp;
      if (end) span.duration = elapsed(begin, end);
    }
  }

  /** The span of the service that logged at `endpoint`: the first span when none did (or it has no local endpoint yet), else a new one. */
  private forEndpoint(endpoint: ZipkinEndpoint | undefined): ZipkinSpan {
    if (endpoint === undefined) return this.first;
    return [this.first, ...this.others].find((span) => claims(span, endpoint)) ?? this.newSpan(endpoint);
  }

  private newSpan(localEndpoint: ZipkinEndpoint): ZipkinSpan {
    const span = this.v2Span();
    span.localEndpoint = localEndpoint;
    this.others.push(span);
    return span;
  }

  private v2Span(): ZipkinSpan {
    const { index, traceId, id, parentId, name, debug } = this.source;
    return { ...newZipkinSpan(index), traceId, id, parentId, name, debug };
  }
}

/** Whether a span is the one for `endpoint`'s service; a span with no local endpoint yet takes it. */
function claims(span: ZipkinSpan, endpoint: ZipkinEndpoint): boolean {
  if (isEmptyEndpoint(span.localEndpoint)) {
    span.localEndpoint = endpoint;
    return true;
  }
  return sameService(span.localEndpoint, endpoint);
}

/** What Zipkin's Span builder does last: a client is never shared; annotations sorted, without duplicates. */
function finish(span: ZipkinSpan): ZipkinSpan {
  if (span.kind === 'CLIENT') span.shared = false;
  span.annotations = span.annotations.sort(byTimeThenValue).filter((a, i, all) => i === 0 || byTimeThenValue(all[i - 1], a) !== 0);
  return span;
}

function isEmptyEndpoint(endpoint: ZipkinEndpoint): boolean {
  return !endpoint.serviceName && !endpoint.ipv4 && !endpoint.ipv6 && !endpoint.port;
}

function sameService(a: ZipkinEndpoint, b: ZipkinEndpoint): boolean {
  return a.serviceName === b.serviceName;
}

function sameEndpoint(a: ZipkinEndpoint, b: ZipkinEndpoint): boolean {
  return a.serviceName === b.serviceName && a.ipv4 === b.ipv4 && a.ipv6 === b.ipv6 && a.port === b.port;
}

/** Microseconds from one annotation to a later one; 0 when the clocks say otherwise, as Zipkin clamps. */
function elapsed(from: V1Annotation, to: V1Annotation): bigint {
  return to.timestamp > from.timestamp ? to.timestamp - from.timestamp : 0n;
}

function byTimeThenValue(a: { timestamp: bigint; value: string }, b: { timestamp: bigint; value: string }): number {
  return a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : compare(a.value, b.value);
}

/** By UTF-16 code units, as Java's String.compareTo. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
