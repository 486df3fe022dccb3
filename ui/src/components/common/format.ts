// Text for values the trace, search and compare pages show. Everything here returns plain
// strings that the pages render as text (React text nodes, canvas fillText), never HTML.
import type { OtlpAnyValue } from '../../api.ts';

/** An OTLP/JSON AnyValue as text: strings as they are, arrays and maps as JSON. */
export function anyValueText(value: OtlpAnyValue | undefined): string {
  if (value === undefined) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.bytesValue !== undefined) return `base64:${value.bytesValue}`;
  if (value.arrayValue !== undefined) return JSON.stringify((value.arrayValue.values ?? []).map(anyValueText));
  if (value.kvlistValue !== undefined) {
    return JSON.stringify(Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, anyValueText(kv.value)])));
  }
  return '';
}

/** A Unix time in ms as local date and time with milliseconds: 2026-11-25 10:00:00.123. */
export function formatTimestamp(unixMs: number): string {
  const d = new Date(unixMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** How long ago, roughly: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(unixMs: number, nowMs = Date.now()): string {
  const s = Math.round((nowMs - unixMs) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** OTLP/JSON nanosecond times (decimal strings beyond 2^53) as Unix milliseconds. */
export function nanosToMs(nanos: string): number {
  return nanos.length <= 6 ? Number(nanos) / 1e6 : Number(nanos.slice(0, -6)) + Number(nanos.slice(-6)) / 1e6;
}

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
export const STATUS_CODES = ['unset', 'ok', 'error'];
