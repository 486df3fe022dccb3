// What the JSON decoders (OTLP/JSON, Zipkin) share for reading untrusted JSON and saying
// what was wrong with it.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `path: expected X, got Y`, with Y a short description of the value found. */
export function wrongTypeMessage(path: string, expected: string, got: unknown): string {
  return `${path}: expected ${expected}, got ${describeJson(got)}`;
}

/** A JSON value, briefly, for an error message. */
function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isJsonObject(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
