// Makes many distinct OTLP protobuf requests out of one captured request: every trace id
// and span id is XORed with a per-copy key, at offsets found once by walking the message.
// Parent links and span links stay consistent, sizes stay identical.

interface IdOffsets {
  trace: number[];
  span: number[];
}

export function variantsOf(body: Buffer, count: number): Buffer[] {
  const offsets = findIdOffsets(body);
  return Array.from({ length: count }, (_, copy) => {
    const variant = Buffer.from(body);
    const traceKey = Buffer.alloc(16);
    traceKey.writeUInt32LE(copy + 1, 0);
    traceKey.writeUInt32LE((0x9e3779b9 ^ copy) >>> 0, 8);
    for (const at of offsets.trace) for (let i = 0; i < 16; i++) variant[at + i] ^= traceKey[i];
    for (const at of offsets.span) for (let i = 0; i < 8; i++) variant[at + i] ^= traceKey[i];
    return variant;
  });
}

function findIdOffsets(body: Buffer): IdOffsets {
  const offsets: IdOffsets = { trace: [], span: [] };
  // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2) → Span
  for (const rs of fields(body, 0, body.length)) {
    if (rs.field !== 1) continue;
    for (const ss of fields(body, rs.start, rs.end)) {
      if (ss.field !== 2) continue;
      for (const sp of fields(body, ss.start, ss.end)) {
        if (sp.field !== 2) continue;
        for (const f of fields(body, sp.start, sp.end)) {
          if (f.field === 1 && f.end - f.start === 16) offsets.trace.push(f.start);
          if ((f.field === 2 || f.field === 4) && f.end - f.start === 8) offsets.span.push(f.start);
          if (f.field === 13) {
            for (const link of fields(body, f.start, f.end)) {
              if (link.field === 1 && link.end - link.start === 16) offsets.trace.push(link.start);
              if (link.field === 2 && link.end - link.start === 8) offsets.span.push(link.start);
            }
          }
        }
      }
    }
  }
  return offsets;
}

/** The length-delimited fields of the message between start and end; others are skipped. */
function* fields(buf: Buffer, start: number, end: number): Generator<{ field: number; start: number; end: number }> {
  let pos = start;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (pos < end) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      yield { field: Math.floor(tag / 8), start: pos, end: pos + length };
      pos += length;
    } else throw new Error(`unexpected wire type ${wire} at ${pos}`);
  }
}
