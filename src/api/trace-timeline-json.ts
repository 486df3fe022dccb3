// A trace's timeline as the trace view loads it (GET /api/v1/traces/{id}/timeline): every
// span's outline in columns, service and span names once each, times as ns after the
// trace's first start. For a 100 000-span trace this is ~7 MB that the browser parses in
// one JSON.parse into arrays, where the OTLP/JSON answer is ~55 MB of nested objects.
// The rest of a span (attributes, events, resource) is asked for when someone looks at it.
import type { SpanOutline } from '../store/span-store.ts';

export interface TraceTimelineJson {
  traceId: string;
  /** The earliest span's start, decimal ns since the epoch. */
  startTimeUnixNano: string;
  services: string[];
  names: string[];
  spanId: string[];
  /** '' for a span without a parent. */
  parentSpanId: string[];
  /** Index into services. */
  service: number[];
  /** Index into names. */
  name: number[];
  kind: number[];
  statusCode: number[];
  /** ns after startTimeUnixNano: exact as a JS number for traces shorter than 104 days. */
  start: number[];
  duration: number[];
  /** Span index → its status message, for the spans that have one. */
  statusMessage: Record<string, string>;
  /** [span index, linked trace id, linked span id], every link of every span. */
  links: [number, string, string][];
}

/** `spans` in start order (as SpanStore.getTraceOutline returns them), at least one. */
export function traceTimelineJson(spans: readonly SpanOutline[]): TraceTimelineJson {
  const base = spans[0]!.startNs;
  const services = new Dictionary();
  const names = new Dictionary();
  const timeline: TraceTimelineJson = {
    traceId: spans[0]!.traceId,
    startTimeUnixNano: String(base),
    services: services.values,
    names: names.values,
    spanId: [],
    parentSpanId: [],
    service: [],
    name: [],
    kind: [],
    statusCode: [],
    start: [],
    duration: [],
    statusMessage: {},
    links: [],
  };
  spans.forEach((span, i) => {
    timeline.spanId.push(span.spanId);
    timeline.parentSpanId.push(span.parentSpanId);
    timeline.service.push(services.indexOf(span.serviceName));
    timeline.name.push(names.indexOf(span.name));
    timeline.kind.push(span.kind);
    timeline.statusCode.push(span.statusCode);
    timeline.start.push(Number(span.startNs - base));
    timeline.duration.push(span.endNs > span.startNs ? Number(span.endNs - span.startNs) : 0);
    if (span.statusMessage !== '') timeline.statusMessage[i] = span.statusMessage;
    for (const link of span.links) timeline.links.push([i, link.traceId, link.spanId]);
  });
  return timeline;
}

/** Distinct strings in first-seen order, each with its index. */
class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.push(value) - 1;
      this.index.set(value, i);
    }
    return i;
  }
}
