// SQL literals for ClickHouse. ClickHouse 18.16 has no server-side query parameters, so
// every value the store puts into a query goes through one of these functions; nothing
// else concatenates user input into SQL.

/** A ClickHouse string literal: 'text' with backslash escapes, safe for any JS string. */
export function sqlString(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** A back-quoted identifier (table, column), safe for any name. */
export function sqlIdentifier(name: string): string {
  return `\`${escapeQuoted(name, '`')}\``;
}

// ClickHouse reads backslash escapes inside both quote styles. Control characters are
// escaped too, so a NUL or a line break can never end or split the statement text.
function escapeQuoted(value: string, quote: "'" | '`'): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** An Int64 literal. Converted from a string so the most negative value parses everywhere. */
export function sqlInt64(value: bigint): string {
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`${value} is outside Int64`);
  return `toInt64('${value}')`;
}

/** A UInt64 literal, e.g. a time in nanoseconds. */
export function sqlUInt64(value: bigint): string {
  if (value < 0n || value > UINT64_MAX) throw new RangeError(`${value} is outside UInt64`);
  return `toUInt64('${value}')`;
}

const SMALLEST_NORMAL_DOUBLE = 2.2250738585072014e-308;

/** A Float64 literal that compares equal to `value`, NaN and infinities included. */
export function sqlFloat64(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0 || Math.abs(value) >= SMALLEST_NORMAL_DOUBLE) return String(value);
  // ClickHouse 18.16 cannot parse subnormal numbers (a syntax error, or 0 from a
  // string), so spell out the bits instead.
  const bits = Buffer.alloc(8);
  bits.writeDoubleLE(value);
  return `reinterpretAsFloat64(unhex('${bits.toString('hex')}'))`;
}

/** A Date literal from days since 1970-01-01, independent of the server's time zone. */
export function sqlDate(daysSinceEpoch: number): string {
  if (!Number.isInteger(daysSinceEpoch) || daysSinceEpoch < 0 || daysSinceEpoch > 0xffff) {
    throw new RangeError(`${daysSinceEpoch} is not a Date day number`);
  }
  return `toDate(toUInt16(${daysSinceEpoch}))`;
}

/** Lower-case hex digits of a fixed length as a binary string literal (ids are stored as bytes). */
export function sqlHexBytes(hex: string, byteLength: number): string {
  if (hex.length !== byteLength * 2 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError(`expected ${byteLength * 2} hex digits, got ${JSON.stringify(hex)}`);
  }
  return `unhex('${hex}')`;
}
