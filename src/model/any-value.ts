// Attribute values without a column of their own (arrays, key-value lists, bytes) are kept
// as OTLP/JSON AnyValue text (see Attributes.otherValues). Dialects that print attributes
// as text (Jaeger and Zipkin tags) print them as the plain JSON they stand for, as the
// OpenTelemetry specification has arrays serialized "like a JSON list":
// `{"arrayValue":{"values":[{"stringValue":"a"}]}}` → `["a"]`, a key-value list → an object.

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** OTLP/JSON AnyValue → the plain JSON value it stands for (int64 beyond 2^53 as its decimal string, bytes as base64). */
export function plainAnyValue(any: Record<string, unknown> | undefined): unknown {
  if (!any) return null;
  if ('stringValue' in any) return any.stringValue;
  if ('boolValue' in any) return any.boolValue;
  if ('intValue' in any) {
    const v = BigInt(any.intValue as string);
    return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
  }
  if ('doubleValue' in any) return any.doubleValue;
  if ('bytesValue' in any) return any.bytesValue;
  if ('arrayValue' in any) return ((any.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(plainAnyValue);
  if ('kvlistValue' in any) {
    const values = (any.kvlistValue as { values?: { key: string; value: Record<string, unknown> }[] }).values ?? [];
    return Object.fromEntries(values.map((kv) => [kv.key, plainAnyValue(kv.value)]));
  }
  return null;
}

/** Stored AnyValue text → the plain JSON value; text that is not JSON stays as it is. */
export function plainAnyValueText(anyValueJson: string): unknown {
  try {
    return plainAnyValue(JSON.parse(anyValueJson) as Record<string, unknown>);
  } catch {
    return anyValueJson;
  }
}

/** Stored AnyValue text as a tag's text: JSON for arrays and maps, bytes as base64. */
export function anyValueTagText(anyValueJson: string): string {
  const value = plainAnyValueText(anyValueJson);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
