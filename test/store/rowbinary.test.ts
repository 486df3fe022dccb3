// RowBinary byte layout, checked against hand-written bytes (ClickHouse reads these
// bytes in the contract suites; this pins the encoding of edge cases).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowBinaryReader, RowBinaryWriter } from '../../src/store/rowbinary.ts';

const bytesOf = (write: (writer: RowBinaryWriter) => void, initialBytes = 1) => {
  const writer = new RowBinaryWriter(initialBytes); // tiny, so every test also grows the buffer
  write(writer);
  return writer.bytes().toString('hex');
};

test('integers are little-endian, 64-bit ones range-checked', () => {
  assert.equal(bytesOf((w) => w.uint16(0x0102)), '0201');
  assert.equal(bytesOf((w) => w.int32(-2)), 'feffffff');
  assert.equal(bytesOf((w) => w.uint64(18446744073709551615n)), 'ffffffffffffffff');
  assert.equal(bytesOf((w) => w.int64(-9223372036854775808n)), '0000000000000080');
  assert.equal(bytesOf((w) => w.int64(-1n)), 'ffffffffffffffff');
  assert.throws(() => bytesOf((w) => w.uint64(-1n)), RangeError);
  assert.throws(() => bytesOf((w) => w.int64(9223372036854775808n)), RangeError);
  assert.equal(bytesOf((w) => w.float64(-0)), '0000000000000080');
});

test('lengths are unsigned LEB128', () => {
  assert.equal(bytesOf((w) => w.varint(0)), '00');
  assert.equal(bytesOf((w) => w.varint(127)), '7f');
  assert.equal(bytesOf((w) => w.varint(128)), '8001');
  assert.equal(bytesOf((w) => w.varint(300)), 'ac02');
  assert.equal(bytesOf((w) => w.varint(2 ** 32 - 1)), 'ffffffff0f');
});

test('strings are UTF-8 with a byte length, on the ASCII fast path and off it', () => {
  assert.equal(bytesOf((w) => w.string('')), '00');
  assert.equal(bytesOf((w) => w.string('ab')), '026162');
  assert.equal(bytesOf((w) => w.string('é')), '02c3a9');
  assert.equal(bytesOf((w) => w.string('a🎉')), '0561f09f8e89');
  const ascii127 = 'x'.repeat(127);
  assert.equal(bytesOf((w) => w.string(ascii127)), '7f' + '78'.repeat(127));
  assert.equal(bytesOf((w) => w.string(ascii127 + 'x')), '8001' + '78'.repeat(128));
  assert.equal(bytesOf((w) => w.string('é'.repeat(100))), 'c801' + 'c3a9'.repeat(100));
  // 16 to 42 UTF-16 units take the write-then-measure path: ASCII, and 3-byte characters
  // at its 126-byte limit.
  assert.equal(bytesOf((w) => w.string('x'.repeat(16))), '10' + '78'.repeat(16));
  assert.equal(bytesOf((w) => w.string('€'.repeat(42))), '7e' + 'e282ac'.repeat(42));
  assert.equal(bytesOf((w) => w.string('€'.repeat(43))), '8101' + 'e282ac'.repeat(43));
  assert.equal(bytesOf((w) => w.string('a🎉'.repeat(14))), '46' + '61f09f8e89'.repeat(14));
});

test('hex ids become raw bytes, either case; empty is all zeros; anything else is refused', () => {
  assert.equal(bytesOf((w) => w.hexBytes('00Ff7a', 3)), '00ff7a');
  assert.equal(bytesOf((w) => w.hexBytes('', 4)), '00000000');
  assert.throws(() => bytesOf((w) => w.hexBytes('0g', 1)), RangeError);
  assert.throws(() => bytesOf((w) => w.hexBytes('00', 2)), RangeError);
  assert.throws(() => bytesOf((w) => w.hexBytes('0é', 1)), RangeError);
});

test('arrays are a length and their elements', () => {
  assert.equal(bytesOf((w) => w.stringArray(['a', 'bc'])), '020161026263');
  assert.equal(bytesOf((w) => w.boolArray([true, false])), '020100');
  assert.equal(bytesOf((w) => w.int64Array([])), '00');
  assert.equal(bytesOf((w) => w.float64Array([1])), '01000000000000f03f');
  assert.equal(bytesOf((w) => w.raw(Uint8Array.of(1, 2))), '0102');
});

test('the reader reads back what the writer wrote, ids as hex with zeros as none', () => {
  const writer = new RowBinaryWriter(1);
  writer.uint8(200);
  writer.uint16(0x0102);
  writer.int32(-2);
  writer.uint32(4_000_000_000);
  writer.uint64(18446744073709551615n);
  writer.int64(-9223372036854775808n);
  writer.float64(-0);
  writer.float64(NaN);
  writer.bool(true);
  writer.varint(2 ** 32 - 1);
  writer.string('');
  writer.string('日本語 🎉');
  writer.string('x'.repeat(300));
  writer.hexBytes('00FF00ff00ff00ff', 8);
  writer.hexBytes('', 16);
  writer.stringArray(['a', 'bc']);
  writer.int64Array([]);
  writer.int64Array([-1n, 5n]);
  writer.float64Array([1.5, -Infinity]);
  writer.boolArray([false, true]);
  writer.varint(2);
  writer.uint64(0n);
  writer.uint64(7n);
  writer.varint(1);
  writer.uint32(9);
  writer.varint(2);
  writer.hexBytes('', 8);
  writer.hexBytes('abcdef0123456789', 8);
  const reader = new RowBinaryReader(Buffer.from(writer.bytes()));
  assert.equal(reader.uint8(), 200);
  assert.equal(reader.uint16(), 0x0102);
  assert.equal(reader.int32(), -2);
  assert.equal(reader.uint32(), 4_000_000_000);
  assert.equal(reader.uint64(), 18446744073709551615n);
  assert.equal(reader.int64(), -9223372036854775808n);
  assert.ok(Object.is(reader.float64(), -0));
  assert.ok(Number.isNaN(reader.float64()));
  assert.equal(reader.bool(), true);
  assert.equal(reader.varint(), 2 ** 32 - 1);
  assert.equal(reader.string(), '');
  assert.equal(reader.string(), '日本語 🎉');
  assert.equal(reader.string(), 'x'.repeat(300));
  assert.equal(reader.hexId(8), '00ff00ff00ff00ff');
  assert.equal(reader.hexId(16), '');
  assert.deepEqual(reader.stringArray(), ['a', 'bc']);
  assert.deepEqual(reader.int64Array(), []);
  assert.deepEqual(reader.int64Array(), [-1n, 5n]);
  assert.deepEqual(reader.float64Array(), [1.5, -Infinity]);
  assert.deepEqual(reader.boolArray(), [false, true]);
  assert.deepEqual(reader.uint64Array(), [0n, 7n]);
  assert.deepEqual(reader.uint32Array(), [9]);
  assert.deepEqual(reader.hexIdArray(8), ['', 'abcdef0123456789']);
  assert.equal(reader.done, true);
});

test('the reader throws on a truncated answer instead of reading past it', () => {
  const writer = new RowBinaryWriter(1);
  writer.string('hello');
  const bytes = Buffer.from(writer.bytes());
  assert.throws(() => new RowBinaryReader(bytes.subarray(0, 4)).string(), /RowBinary: 5 bytes wanted at 1/);
  assert.throws(() => new RowBinaryReader(Buffer.from([0x80, 0x80])).varint(), /RowBinary/);
  assert.throws(() => new RowBinaryReader(Buffer.from([1, 2, 3])).uint64(), /RowBinary/);
  assert.throws(() => new RowBinaryReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).varint(), /longer than 5 bytes/);
});
