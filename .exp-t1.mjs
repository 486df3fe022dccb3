import { Session } from 'chdb';
import { writeFileSync, rmSync } from 'node:fs';
rmSync('/tmp/exp/db1', { recursive: true, force: true });
const a = new Session('/tmp/exp/db1');
const b = new Session('/tmp/exp/db1');
let r = await a.queryAsync('SELECT version() AS v, toUInt64(18446744073709551615) AS u, toInt64(-5) AS i', { format: 'JSONEachRow' });
console.log(r.text(), r.elapsed, r.rowsRead, Object.keys(r));
await a.queryAsync('CREATE TABLE t (id FixedString(16), n UInt64, s String) ENGINE = MergeTree ORDER BY id');
// rowbinary file
const buf = Buffer.alloc(16 + 8 + 1 + 3);
buf.write('0123456789abcdef', 0, 'latin1'); buf.writeBigUInt64LE(123n, 16); buf[24] = 3; buf.write('abc', 25);
writeFileSync('/tmp/exp/rb.bin', buf);
r = await a.queryAsync("INSERT INTO t (id, n, s) FROM INFILE '/tmp/exp/rb.bin' FORMAT RowBinary");
console.log('insert', JSON.stringify(r.text()), r.elapsed, r.rowsRead, r.bytesRead);
r = await b.queryAsync('SELECT hex(id), n, toString(n) AS ns, s FROM t', { format: 'JSONEachRow' });
console.log(r.text());
// parallel test
const t0 = Date.now();
const long = a.queryAsync('SELECT count() FROM numbers(3000000000) WHERE sipHash64(number) % 7 = 1').then(() => console.log('long done', Date.now() - t0));
await new Promise(r => setTimeout(r, 100));
const t1 = Date.now();
await b.queryAsync('SELECT 1');
console.log('short on b took', Date.now() - t1);
await long;
a.close(); b.close();
