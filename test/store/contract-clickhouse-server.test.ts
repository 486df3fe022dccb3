// The SpanStore contract on a throw-away clickhouse-server 18.16 over HTTP. Fails when the
// server binary is missing (CI installs it), unless SKEIN_SKIP_CLICKHOUSE_SERVER=1.
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { clickHouseServerSkipReason, startClickHouseServer } from '../support/clickhouse-server.ts';
import { storeContract } from './contract.ts';

const skipReason = clickHouseServerSkipReason();
if (skipReason !== undefined) {
  describe('SpanStore contract: clickhouse-server', () => {
    it('is skipped', { skip: skipReason }, () => {});
  });
} else {
  storeContract('clickhouse-server over HTTP', async () => {
    const server = await startClickHouseServer();
    return {
      open: () => openStore(server.url.replace(/^http:/, 'clickhouse:'), ''),
      cleanup: () => server.stop(),
    };
  });
}
