// The SpanStore contract on a throw-away clickhouse-server 18.16 over HTTP, and how the
// HTTP transport cancels a read. Fails when the server binary is missing (.ci/run installs it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { ClickHouseHttpTransport } from '../../src/store/transport-clickhouse.ts';
import { startClickHouseServer, type ClickHouseServer } from '../support/clickhouse-server.ts';
import { storeContract } from './contract.ts';

storeContract('clickhouse-server over HTTP', async () => {
  const server = await startClickHouseServer();
  return {
    open: () => openStore(server.url.replace(/^http:/, 'clickhouse:'), ''),
    cleanup: () => server.stop(),
  };
});

describe('ClickHouseHttpTransport: a cancelled read', () => {
  let server: ClickHouseServer;
  let transport: ClickHouseHttpTransport;
  before(async () => {
    server = await startClickHouseServer();
    transport = new ClickHouseHttpTransport(server.url);
  });
  after(async () => {
    await transport?.close();
    await server?.stop();
  });

  // Tens of seconds on 18.16; the marker finds it in system.processes.
  const SLOW_QUERY = "SELECT sum(number) AS total, 'slow-read-marker' AS marker FROM numbers(100000000000)";
  const running = async () =>
    Number((await transport.query("SELECT count() AS n FROM system.processes WHERE query LIKE '%slow-read-marker%' AND query NOT LIKE '%system.processes%'"))[0]!.n);
  async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!(await condition())) {
      if (Date.now() > deadline) assert.fail(`${what} within 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('rejects with an AbortError and stops the query on the server', async () => {
    const controller = new AbortController();
    const read = transport.query(SLOW_QUERY, controller.signal);
    const rejected = assert.rejects(read, (error) => error instanceof DOMException && error.name === 'AbortError');
    await waitFor(async () => (await running()) === 1, 'the query runs on the server');
    controller.abort();
    await rejected;
    // 18.16 would go on for tens of seconds after the client left: the transport kills it.
    await waitFor(async () => (await running()) === 0, 'the query is gone from system.processes');
  });
});
