// The bodies OTLP/HTTP answers with, in the content type of the request (protobuf or JSON):
// ExportTraceServiceResponse on success, google.rpc.Status on error.

/** ExportTraceServiceResponse; partial_success only when spans were rejected. */
export function exportResponse(json: boolean, rejected: number, reason: string): Buffer | string {
  if (json) {
    return JSON.stringify(rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: reason } } : {});
  }
  if (rejected === 0) return Buffer.alloc(0);
  // partial_success (field 1) { rejected_spans (1, int64), error_message (2, string) }
  const inner = Buffer.concat([Buffer.from([0x08]), varint(rejected), lengthDelimited(0x12, Buffer.from(reason))]);
  return lengthDelimited(0x0a, inner);
}

/** google.rpc.Status { code (1), message (2) } with the gRPC code matching the HTTP status. */
export function statusResponse(json: boolean, httpStatus: number, message: string): Buffer | string {
  const code = grpcCodeFor(httpStatus);
  if (json) return JSON.stringify({ code, message });
  return Buffer.concat([Buffer.from([0x08]), varint(code), lengthDelimited(0x12, Buffer.from(message))]);
}

function grpcCodeFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400: return 3; // INVALID_ARGUMENT
    case 413: return 8; // RESOURCE_EXHAUSTED
    case 415: return 3;
    case 429: return 8;
    case 503: return 14; // UNAVAILABLE
    default: return httpStatus >= 500 ? 13 /* INTERNAL */ : 3;
  }
}

function lengthDelimited(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), varint(body.length), body]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
