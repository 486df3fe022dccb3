import { startClickHouseServer } from './test/support/clickhouse-server.ts';
import { createClient, ClickHouseLogLevel } from '@clickhouse/client';
import { Session } from 'chdb';
const exprs = ["toFixedString(unhex('0000000000000000'), 8) = unhex('0000000000000000')", "reinterpretAsUInt64(toFixedString(unhex('0000000000000000'), 8)) = 0", "empty(toFixedString(unhex('0000000000000000'), 8))", "toUInt64(5) - toUInt64(7)", "toTypeName(toUInt64(5) - toUInt64(7))", "greatest(toUInt64(5), toUInt64(7))", "(SELECT (min(number), max(number)) FROM numbers(10)).2", "toString(toInt64(-5))", "'\\x41\\0'"];
const srv = await startClickHouseServer();
const client = createClient({ url: srv.url, log: { level: ClickHouseLogLevel.OFF }, clickhouse_settings: { output_format_json_quote_denormals: 1, output_format_json_quote_64bit_integers: 1 } });
const s = new Session('/tmp/exp/db2', { connectionArgs: ['--output_format_json_quote_64bit_integers=1', '--output_format_json_quote_denormals=1'] });
for (const expr of exprs) {
  let a, b;
  try { a = (await (await client.query({ query: `SELECT ${expr} AS x FROM system.one`, format: 'JSONEachRow' })).text()).trim(); } catch (e) { a = 'ERR ' + (e as Error).message.slice(0, 150); }
  try { b = (await s.queryAsync(`SELECT ${expr} AS x FROM system.one`, { format: 'JSONEachRow' })).text().trim(); } catch (e) { b = 'ERR ' + (e as Error).message.slice(0, 100); }
  console.log(expr.padEnd(40), a, '|', b);
}
for (const q of ["WITH (SELECT (min(number), max(number)) FROM numbers(10)) AS r SELECT number FROM numbers(20) WHERE number BETWEEN r.1 AND r.2 + 1 FORMAT JSONEachRow"]) {
  let a, b;
  try { const r = await client.exec({ query: q }); a = ''; for await (const c of r.stream) a += c; } catch (e) { a = 'ERR ' + (e as Error).message.slice(0, 150); }
  try { b = (await s.queryAsync(q)).text().trim(); } catch (e) { b = 'ERR ' + (e as Error).message.slice(0, 100); }
  console.log(q, JSON.stringify(a), '|', JSON.stringify(b));
}
await client.close(); await srv.stop(); s.close();
