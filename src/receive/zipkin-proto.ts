// Hand-written decoder for Zipkin's proto3 format, zipkin.proto3.ListOfSpans: the body of
// `POST /api/v2/spans` with Content-Type application/x-protobuf. Field numbers are those of
// openzipkin/zipkin-api zipkin.proto; each `case` names its field. It only reads the bytes
// into ZipkinSpans: zipkin-json.ts maps those to rows exactly as it maps Zipkin JSON.
//
// Decisions (following Zipkin's own reader, Proto3ZipkinFields, unless said otherwise):
// - The wire reading is OTLP's (ProtoReader, otlp-proto.ts): unknown fields are skipped by
//   wire type; truncated data, a length past the end of its message, a bad wire type or a
//   known field with the wrong one throw ZipkinDecodeError naming the problem and offset.
// - Ids: trace_id is 8 or 16 bytes, id and parent_id 8; another length throws, naming the
//   span (Zipkin refuses the request too). An empty one is absent, as proto3 has it.
// - ipv4 is 4 bytes, ipv6 16, kept as text (dotted quad; RFC 5952 for IPv6, whose
//   IPv4-mapped form keeps its dotted quad). Another length throws: Zipkin drops such an
//   address silently, but a sender writing one is broken, and saying so helps more.
// - port is an int32 of 0-65535; anything else throws, as a JSON port out of range does.
// - kind: a value this decoder does not know is ignored, as Zipkin does (proto3 enums are
//   open: newer senders may add kinds), so a `span.kind` tag may still give it.
// - tags: a key sent twice keeps its last value, as protobuf maps do.
// - Strings: invalid UTF-8 becomes U+FFFD, as in OTLP protobuf.
import type { DecodedBatch } from '../model/span.ts';
import { ProtoReader } from './otlp-proto.ts';
import {
  newZipkinEndpoint,
  newZipkinSpan,
  ZipkinDecodeError,
  zipkinSpansToBatch,
  type ZipkinAnnotation,
  type ZipkinEndpoint,
  type ZipkinKind,
  type ZipkinSpan,
} from './zipkin-json.ts';

export function decodeZipkinProto(body: Uint8Array): DecodedBatch {
  const reader = new ProtoReader(body, ZipkinDecodeError);
  const spans: ZipkinSpan[] = [];
  const end = body.length;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) spans.push(decodeSpan(reader, reader.lengthDelimited(tag, end), spans.length)); // spans
    else reader.skip(tag, end);
  }
  return zipkinSpansToBatch(spans);
}

// Each decodeX reads one embedded message X that ends at `end` (the reader is at its first
// field) and leaves the reader at `end`.

/** Span.Kind's numbers; 0 is SPAN_KIND_UNSPECIFIED. */
const KINDS: readonly (ZipkinKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

function decodeSpan(reader: ProtoReader, end: number, index: number): ZipkinSpan {
  const span = newZipkinSpan(index);
  const path = `[${index}]`;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // trace_id
        span.traceId = id(reader, tag, end, `${path}.trace_id`, true);
        break;
      case 2: // parent_id
        span.parentId = id(reader, tag, end, `${path}.parent_id`, false);
        break;
      case 3: // id
        span.id = id(reader, tag, end, `${path}.id`, false);
        break;
      case 4: // kind
        span.kind = KINDS[reader.enumValue(tag)];
        break;
      case 5: // name
        span.name = reader.string(tag, end);
        break;
      case 6: // timestamp
        span.timestamp = reader.fixed64(tag);
        break;
      case 7: // duration, a uint64: the reader's int64 is its two's complement
        span.duration = BigInt.asUintN(64, reader.int64(tag));
        break;
      case 8: // local_endpoint
        span.localEndpoint = decodeEndpoint(reader, reader.lengthDelimited(tag, end), `${path}.local_endpoint`);
        break;
      case 9: // remote_endpoint
        span.remoteEndpoint = decodeEndpoint(reader, reader.lengthDelimited(tag, end), `${path}.remote_endpoint`);
        break;
      case 10: // annotations
        span.annotations.push(decodeAnnotation(reader, reader.lengthDelimited(tag, end)));
        break;
      case 11: // tags, a map<string, string>: entries of key = 1, value = 2
        decodeTag(reader, reader.lengthDelimited(tag, end), span.tags);
        break;
      case 12: // debug
        span.debug = reader.bool(tag);
        break;
      case 13: // shared
        span.shared = reader.bool(tag);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  return span;
}

function decodeEndpoint(reader: ProtoReader, end: number, path: string): ZipkinEndpoint {
  const endpoint = newZipkinEndpoint();
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // service_name
        endpoint.serviceName = reader.string(tag, end);
        break;
      case 2: // ipv4
        endpoint.ipv4 = ipv4Text(address(reader, tag, end, `${path}.ipv4`, 4));
        break;
      case 3: // ipv6
        endpoint.ipv6 = ipv6Text(address(reader, tag, end, `${path}.ipv6`, 16));
        break;
      case 4: {
        // port, an int32 (sign-extended on the wire, as an enum is)
        const port = reader.enumValue(tag);
        if (port < 0 || port > 0xffff) throw new ZipkinDecodeError(`${path}.port: ${port} is not a port number (0-65535)`);
        endpoint.port = port;
        break;
      }
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  return endpoint;
}

function decodeAnnotation(reader: ProtoReader, end: number): ZipkinAnnotation {
  const annotation: ZipkinAnnotation = { timestamp: 0n, value: '' };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // timestamp
        annotation.timestamp = reader.fixed64(tag);
        break;
      case 2: // value
        annotation.value = reader.string(tag, end);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  return annotation;
}

function decodeTag(reader: ProtoReader, end: number, tags: Map<string, string>): void {
  let key = '';
  let value = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1: // key
        key = reader.string(tag, end);
        break;
      case 2: // value
        value = reader.string(tag, end);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  reader.finishMessage(end);
  tags.set(key, value);
}

/** An id as lowercase hex, '' when empty; a length Zipkin does not have throws. */
function id(reader: ProtoReader, tag: number, end: number, path: string, traceId: boolean): string {
  const hex = reader.id(tag, end);
  const bytes = hex.length / 2;
  if (bytes === 0 || bytes === 8 || (traceId && bytes === 16)) return hex;
  throw new ZipkinDecodeError(`${path}: an id of ${bytes} bytes, expected ${traceId ? '8 or 16' : '8'}`);
}

/** An address's bytes as hex (the reader's form for bytes), '' when empty; another length than `bytes` throws. */
function address(reader: ProtoReader, tag: number, end: number, path: string, bytes: number): string {
  const hex = reader.id(tag, end);
  if (hex.length === 0 || hex.length === bytes * 2) return hex;
  throw new ZipkinDecodeError(`${path}: an address of ${hex.length / 2} bytes, expected ${bytes}`);
}

function ipv4Text(hex: string): string {
  if (hex === '') return '';
  return [0, 2, 4, 6].map((at) => parseInt(hex.slice(at, at + 2), 16)).join('.');
}

/** The first 12 bytes of an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
const IPV4_MAPPED_PREFIX = '00000000000000000000ffff';

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups (the first of equal ones) as '::'. */
function ipv6Text(hex: string): string {
  if (hex === '') return '';
  if (hex.startsWith(IPV4_MAPPED_PREFIX)) return `::ffff:${ipv4Text(hex.slice(IPV4_MAPPED_PREFIX.length))}`;
  const groups = hex.match(/.{4}/g)!.map((group) => group.replace(/^0{1,3}/, ''));
  let runStart = -1;
  let runLength = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > runLength) [runStart, runLength] = [i, j - i];
    i = Math.max(j, i + 1);
  }
  if (runStart < 0) return groups.join(':');
  return `${groups.slice(0, runStart).join(':')}::${groups.slice(runStart + runLength).join(':')}`;
}
