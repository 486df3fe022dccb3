// Skein's one internal span model. It is OTLP-shaped (resource, scope, span, events,
// links, typed attributes) but flattened into rows: every span carries a reference to
// its resource and scope, so a decoder can hand rows straight to the store.
// Ids are lowercase hex; times are bigint nanoseconds since the Unix epoch (a Number
// would lose up to 256 ns on present-day timestamps).

/**
 * Attributes kept column-wise by type, as the store keeps them, so filters stay typed
 * (an int compares as an int). Types without a column of their own (bytes, arrays,
 * key-value lists) are kept as OTLP/JSON AnyValue text in `other`, so they round-trip.
 * Order across types is not kept; OTLP gives it no meaning.
 */
export interface Attributes {
  strKeys: string[];
  strValues: string[];
  intKeys: string[];
  intValues: bigint[];
  dblKeys: string[];
  dblValues: number[];
  boolKeys: string[];
  boolValues: boolean[];
  otherKeys: string[];
  /** OTLP/JSON AnyValue, e.g. `{"arrayValue":{"values":[{"stringValue":"a"}]}}` */
  otherValues: string[];
}

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface Scope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface SpanEvent {
  timeNs: bigint;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  flags: number;
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** OTLP SpanKind numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP StatusCode numbers. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanRow {
  /** 32 lowercase hex digits */
  traceId: string;
  /** 16 lowercase hex digits */
  spanId: string;
  /** 16 lowercase hex digits, or '' for a root span */
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  statusMessage: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  /** The resource's `service.name`, or 'unknown_service' as the OTel SDKs default it. */
  serviceName: string;
  /** Shared by every span of one ResourceSpans. */
  resource: Resource;
  /** Shared by every span of one ScopeSpans. */
  scope: Scope;
}

export const UNKNOWN_SERVICE = 'unknown_service';

export function emptyAttributes(): Attributes {
  return {
    strKeys: [],
    strValues: [],
    intKeys: [],
    intValues: [],
    dblKeys: [],
    dblValues: [],
    boolKeys: [],
    boolValues: [],
    otherKeys: [],
    otherValues: [],
  };
}

export function emptyResource(): Resource {
  return { attributes: emptyAttributes(), droppedAttributesCount: 0, schemaUrl: '' };
}

export function emptyScope(): Scope {
  return { name: '', version: '', attributes: emptyAttributes(), droppedAttributesCount: 0, schemaUrl: '' };
}

/** A span with every field at its protobuf default, for a decoder or a test to fill in. */
export function emptySpanRow(resource: Resource, scope: Scope): SpanRow {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    flags: 0,
    name: '',
    kind: 0,
    startNs: 0n,
    endNs: 0n,
    statusCode: 0,
    statusMessage: '',
    attributes: emptyAttributes(),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    serviceName: UNKNOWN_SERVICE,
    resource,
    scope,
  };
}

/** What a receiver made of one request: the spans it accepted and why it refused any. */
export interface DecodedBatch {
  spans: SpanRow[];
  /** Spans present in the request but refused (e.g. a malformed id). */
  rejected: number;
  /** Why spans were refused; '' when none were. */
  rejectReason: string;
}
