// ClickHouse RowBinary encoding: each row is its columns' values back to back, in the
// INSERT's column order; integers little-endian, strings and arrays prefixed by an
// unsigned LEB128 length. It is the cheapest format for both ends (no text to build in
// JS, nothing to parse in ClickHouse). This writer is on the ingest hot path: one
// growing Buffer, no intermediate objects per value.

const HEX_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let digit = 0; digit < 10; digit++) table[48 + digit] = digit;
  for (let letter = 0; letter < 6; letter++) {
    table[65 + letter] = 10 + letter; // A-F
    table[97 + letter] = 10 + letter; // a-f
  }
  return table;
})();

// Strings up to this many UTF-16 units take at most 127 UTF-8 bytes, so their length
// fits one varint byte that can be filled in after writing the text.
const SHORT_STRING_UNITS = 42;

export class RowBinaryWriter {
  private buffer: Buffer;
  private position = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written so far (a view: copy it before writing more). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  get length(): number {
    return this.position;
  }

  uint8(value: number): void {
    this.ensure(1);
    this.position = this.buffer.writeUInt8(value, this.position);
  }

  uint16(value: number): void {
    this.ensure(2);
    this.position = this.buffer.writeUInt16LE(value, this.position);
  }

  uint32(value: number): void {
    this.ensure(4);
    this.position = this.buffer.writeUInt32LE(value, this.position);
  }

  int32(value: number): void {
    this.ensure(4);
    this.position = this.buffer.writeInt32LE(value, this.position);
  }

  uint64(value: bigint): void {
    this.ensure(8);
    this.position = this.buffer.writeBigUInt64LE(value, this.position);
  }

  int64(value: bigint): void {
    this.ensure(8);
    this.position = this.buffer.writeBigInt64LE(value, this.position);
  }

  float64(value: number): void {
    this.ensure(8);
    this.position = this.buffer.writeDoubleLE(value, this.position);
  }

  bool(value: boolean): void {
    this.uint8(value ? 1 : 0);
  }

  /** Unsigned LEB128, the length prefix of strings and arrays. */
  varint(value: number): void {
    this.ensure(5);
    while (value >= 0x80) {
      this.buffer[this.position++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buffer[this.position++] = value;
  }

  string(value: string): void {
    if (value.length <= SHORT_STRING_UNITS) {
      this.ensure(1 + value.length * 3);
      const written = this.buffer.write(value, this.position + 1, 'utf8');
      this.buffer[this.position] = written;
      this.position += 1 + written;
      return;
    }
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.varint(byteLength);
    this.ensure(byteLength);
    this.position += this.buffer.write(value, this.position, byteLength, 'utf8');
  }

  /**
   * A FixedString(byteLength) from hex digits (either case); '' writes zero bytes, the
   * "no id" value (e.g. a root span's parent).
   */
  hexBytes(hex: string, byteLength: number): void {
    this.ensure(byteLength);
    if (hex === '') {
      this.buffer.fill(0, this.position, this.position + byteLength);
      this.position += byteLength;
      return;
    }
    if (hex.length !== byteLength * 2) {
      throw new RangeError(`expected ${byteLength * 2} hex digits, got ${JSON.stringify(hex)}`);
    }
    for (let i = 0; i < byteLength; i++) {
      const high = HEX_VALUES[hex.charCodeAt(2 * i)] ?? -1;
      const low = HEX_VALUES[hex.charCodeAt(2 * i + 1)] ?? -1;
      if (high < 0 || low < 0) throw new RangeError(`not hex: ${JSON.stringify(hex)}`);
      this.buffer[this.position++] = (high << 4) | low;
    }
  }

  stringArray(values: readonly string[]): void {
    this.varint(values.length);
    for (const value of values) this.string(value);
  }

  int64Array(values: readonly bigint[]): void {
    this.varint(values.length);
    for (const value of values) this.int64(value);
  }

  uint64Array(values: readonly bigint[]): void {
    this.varint(values.length);
    for (const value of values) this.uint64(value);
  }

  uint32Array(values: readonly number[]): void {
    this.varint(values.length);
    for (const value of values) this.uint32(value);
  }

  float64Array(values: readonly number[]): void {
    this.varint(values.length);
    for (const value of values) this.float64(value);
  }

  boolArray(values: readonly boolean[]): void {
    this.varint(values.length);
    for (const value of values) this.bool(value);
  }

  hexBytesArray(values: readonly string[], byteLength: number): void {
    this.varint(values.length);
    for (const value of values) this.hexBytes(value, byteLength);
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}
