// Picks the store from the --storage option: in memory, or ClickHouse SQL on a transport.
import { join } from 'node:path';
import { ClickHouseStore } from './clickhouse-store.ts';
import { MemoryStore } from './memory-store.ts';
import type { SpanStore } from './span-store.ts';
import { ChdbTransport } from './transport-chdb.ts';
import { ClickHouseHttpTransport } from './transport-clickhouse.ts';
import type { ClickHouseTransport } from './transport.ts';

/**
 * `storage`: 'chdb' (embedded, data in `<dataDir>/chdb`), a ClickHouse server URL
 * (clickhouse://host:8123/db or http(s)://[user:password@]host:8123/db), or 'memory'
 * (nothing kept on disk, for tests and trying things out).
 * Call init() on the store before using it.
 */
export async function openStore(storage: string, dataDir: string): Promise<SpanStore> {
  if (storage === 'memory') return new MemoryStore();
  return new ClickHouseStore(await openTransport(storage, dataDir));
}

async function openTransport(storage: string, dataDir: string): Promise<ClickHouseTransport> {
  if (storage === 'chdb') return ChdbTransport.open(join(dataDir, 'chdb'));
  if (/^(clickhouse|https?):\/\//.test(storage)) return new ClickHouseHttpTransport(storage);
  throw new Error(`unknown storage ${JSON.stringify(storage)}: use 'chdb', 'memory' or a clickhouse:// or http(s):// URL`);
}
