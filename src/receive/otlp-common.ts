// What the OTLP protobuf and JSON decoders share: the error they throw for a malformed
// request, empty events and links to fill in, and SpanBatchBuilder, which applies the rules
// on ids and service names the same way for both wire formats.
import { DecodeError } from './decode-error.ts';
import {
  emptyAttributes,
  UNKNOWN_SERVICE,
  type Attributes,
  type DecodedBatch,
  type Resource,
  type SpanEvent,
  type SpanLink,
  type SpanRow,
} from '../model/span.ts';

/**
 * The request body is not a well-formed OTLP request (truncated protobuf, invalid JSON,
 * a field of the wrong type...). The message says what and where; receivers answer 400.
 */
export class OtlpDecodeError extends DecodeError {
  override readonly name = 'OtlpDecodeError';
}

/**
 * How deeply AnyValue arrays and key-value lists (and, in protobuf, unknown groups) may
 * nest. Real attributes nest a level or two; the limit keeps a hostile request from
 * overflowing the stack, which would be a RangeError rather than an OtlpDecodeError.
 */
export const MAX_NESTING = 64;

export function newSpanEvent(): SpanEvent {
  return { timeNs: 0n, name: '', attributes: emptyAttributes(), droppedAttributesCount: 0 };
}

export function newSpanLink(): SpanLink {
  return { traceId: '', spanId: '', traceState: '', flags: 0, attributes: emptyAttributes(), droppedAttributesCount: 0 };
}

/** The resource's `service.name`; 'unknown_service' when it is missing or empty. */
function serviceNameOf(resourceAttributes: Attributes): string {
  const index = resourceAttributes.strKeys.indexOf('service.name');
  if (index < 0 || resourceAttributes.strValues[index] === '') return UNKNOWN_SERVICE;
  return resourceAttributes.strValues[index];
}

const TRACE_ID_DIGITS = 32;
const SPAN_ID_DIGITS = 16;
const ZERO_TRACE_ID = '0'.repeat(TRACE_ID_DIGITS);
const ZERO_SPAN_ID = '0'.repeat(SPAN_ID_DIGITS);
const LOWER_HEX = /^[0-9a-f]*$/;

/**
 * Collects decoded spans into a DecodedBatch. Id rules (OTLP trace.proto): a trace id is
 * 16 bytes, a span id 8, and all-zero ids are invalid. A span breaking them is refused
 * and counted; the first reason is kept. An absent or all-zero parent span id means a
 * root span (''). A link with invalid ids is dropped and counted in the span's
 * droppedLinksCount, so one bad link does not cost the span.
 */
export class SpanBatchBuilder {
  private readonly spans: SpanRow[] = [];
  private rejected = 0;
  private firstRejectReason = '';
  private resourceFirstSpan = 0;

  /**
   * @param idsAreHex true when the decoder made the ids from bytes (so they can only hold
   *   lowercase hex digits); false when they came as text and must be checked.
   */
  constructor(private readonly idsAreHex: boolean) {}

  /** Call at the start of every ResourceSpans. */
  beginResource(): void {
    this.resourceFirstSpan = this.spans.length;
  }

  /**
   * Call at the end of every ResourceSpans: only then is its resource complete (on the
   * wire it may come after the spans), so only then do its spans get their service name.
   */
  endResource(resource: Resource): void {
    const serviceName = serviceNameOf(resource.attributes);
    for (let i = this.resourceFirstSpan; i < this.spans.length; i++) this.spans[i].serviceName = serviceName;
  }

  addSpan(span: SpanRow): void {
    if (span.parentSpanId === ZERO_SPAN_ID) span.parentSpanId = ''; // how some senders say "no parent"
    const problem = this.idProblem(span);
    if (problem !== '') {
      this.rejected++;
      if (this.firstRejectReason === '') this.firstRejectReason = `span ${quoted(span.name)}: ${problem}`;
      return;
    }
    if (span.links.length > 0) this.dropInvalidLinks(span);
    this.spans.push(span);
  }

  finish(): DecodedBatch {
    const rejectReason = this.rejected > 1 ? `${this.firstRejectReason} (and ${this.rejected - 1} more refused spans)` : this.firstRejectReason;
    return { spans: this.spans, rejected: this.rejected, rejectReason };
  }

  /** Why the span's ids are unacceptable, or '' when they are fine. */
  private idProblem(span: SpanRow): string {
    if (!this.isValidId(span.traceId, TRACE_ID_DIGITS, ZERO_TRACE_ID)) {
      return `invalid trace id ${quoted(span.traceId)}: expected ${TRACE_ID_DIGITS} hex digits (16 bytes), not all zero`;
    }
    if (!this.isValidId(span.spanId, SPAN_ID_DIGITS, ZERO_SPAN_ID)) {
      return `invalid span id ${quoted(span.spanId)}: expected ${SPAN_ID_DIGITS} hex digits (8 bytes), not all zero`;
    }
    if (span.parentSpanId !== '' && !this.isValidId(span.parentSpanId, SPAN_ID_DIGITS, ZERO_SPAN_ID)) {
      return `invalid parent span id ${quoted(span.parentSpanId)}: expected ${SPAN_ID_DIGITS} hex digits (8 bytes) or none`;
    }
    return '';
  }

  private dropInvalidLinks(span: SpanRow): void {
    const valid = span.links.filter((link) => this.isValidLink(link));
    if (valid.length === span.links.length) return;
    span.droppedLinksCount += span.links.length - valid.length;
    span.links = valid;
  }

  private isValidLink(link: SpanLink): boolean {
    return this.isValidId(link.traceId, TRACE_ID_DIGITS, ZERO_TRACE_ID) && this.isValidId(link.spanId, SPAN_ID_DIGITS, ZERO_SPAN_ID);
  }

  private isValidId(id: string, digits: number, allZero: string): boolean {
    return id.length === digits && id !== allZero && (this.idsAreHex || LOWER_HEX.test(id));
  }
}

/** A value for an error message: JSON-quoted, long ones cut short. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
