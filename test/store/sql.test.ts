// SQL literals: the store's only defence against injection, as ClickHouse 18.16 has no
// query parameters. The contract suites run hostile strings through a real ClickHouse;
// these pin down the escaping itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sqlDate, sqlFloat64, sqlHexBytes, sqlIdentifier, sqlInt64, sqlString, sqlUInt64 } from '../../src/store/sql.ts';

test('sqlString escapes quotes, backslashes and control characters, and nothing else', () => {
  assert.equal(sqlString(''), "''");
  assert.equal(sqlString("o'; DROP TABLE spans; --"), "'o\\'; DROP TABLE spans; --'");
  assert.equal(sqlString('a\\'), "'a\\\\'", 'a trailing backslash cannot escape the closing quote');
  assert.equal(sqlString("\\'"), "'\\\\\\''");
  assert.equal(sqlString('nul\u0000 nl\n cr\r tab\t del\u007f'), "'nul\\x00 nl\\x0a cr\\x0d tab\\x09 del\\x7f'");
  assert.equal(sqlString('`"ü 日本 🎉'), "'`\"ü 日本 🎉'");
});

test('sqlIdentifier back-quotes and escapes', () => {
  assert.equal(sqlIdentifier('spans'), '`spans`');
  assert.equal(sqlIdentifier('a`b\\c'), '`a\\`b\\\\c`');
});

test('sqlInt64 and sqlUInt64 take the full range and refuse anything outside it', () => {
  assert.equal(sqlInt64(-9223372036854775808n), "toInt64('-9223372036854775808')");
  assert.equal(sqlInt64(9223372036854775807n), "toInt64('9223372036854775807')");
  assert.throws(() => sqlInt64(9223372036854775808n), RangeError);
  assert.equal(sqlUInt64(18446744073709551615n), "toUInt64('18446744073709551615')");
  assert.throws(() => sqlUInt64(-1n), RangeError);
});

test('sqlFloat64 spells every double ClickHouse 18.16 can parse back', () => {
  assert.equal(sqlFloat64(1.5), '1.5');
  assert.equal(sqlFloat64(-1e300), '-1e+300');
  assert.equal(sqlFloat64(NaN), 'nan');
  assert.equal(sqlFloat64(Infinity), 'inf');
  assert.equal(sqlFloat64(-Infinity), '-inf');
  assert.equal(sqlFloat64(5e-324), "reinterpretAsFloat64(unhex('0100000000000000'))");
});

test('sqlDate takes a day number, sqlHexBytes takes exactly the hex digits of an id', () => {
  assert.equal(sqlDate(20000), 'toDate(toUInt16(20000))');
  assert.throws(() => sqlDate(65536), RangeError);
  assert.throws(() => sqlDate(1.5), RangeError);
  assert.equal(sqlHexBytes('00ff00ff00ff00ff', 8), "unhex('00ff00ff00ff00ff')");
  assert.throws(() => sqlHexBytes("00ff00ff00ff0'); --", 8), RangeError);
  assert.throws(() => sqlHexBytes('00ff', 8), RangeError);
});
