// Trace ids as the APIs accept them: hex, any case, 32 digits (128-bit) or 16 (64-bit,
// as old Zipkin and Jaeger clients send; padded with zeros as those systems do).

export function parseTraceId(text: string): string {
  if (!/^[0-9a-f]{1,32}$/i.test(text)) throw new Error(`'${text}' is not a hex trace id of up to 32 digits`);
  const id = text.toLowerCase().padStart(32, '0');
  if (/^0+$/.test(id)) throw new Error('the all-zero trace id is invalid');
  return id;
}

/** A span id as the APIs accept it: 16 hex digits, any case. */
export function parseSpanId(text: string): string {
  if (!/^[0-9a-f]{16}$/i.test(text)) throw new Error(`'${text}' is not a hex span id of 16 digits`);
  return text.toLowerCase();
}

/**
 * A stored trace id as Zipkin's and Jaeger's own backends print it: 16 digits when its high
 * half is zero (a 64-bit id from an old client), else 32. Their UIs show a short id from
 * the first digits, which for a padded id were all zeros.
 */
export function traceIdAsSent(traceId: string): string {
  return traceId.startsWith('0000000000000000') ? traceId.slice(16) : traceId;
}
