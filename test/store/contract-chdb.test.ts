// The SpanStore contract on embedded chDB, in a fresh data directory, and what a cancelled
// read does there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { ChdbTransport } from '../../src/store/transport-chdb.ts';
import { storeContract } from './contract.ts';

storeContract('chDB', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skein-store-test-'));
  return {
    open: () => openStore('chdb', dataDir),
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

describe('ChdbTransport: a cancelled read', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skein-chdb-cancel-'));
  let transport: ChdbTransport;
  before(async () => (transport = await ChdbTransport.open(join(dataDir, 'chdb'))));
  after(async () => {
    await transport?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects with an AbortError as soon as the signal aborts, and the session answers after', async () => {
    const controller = new AbortController();
    // About 0.6 s here; chDB 3.4 cannot interrupt it, so it runs to its end after the abort.
    const read = transport.query('SELECT sum(number) AS total FROM numbers(3000000000)', controller.signal);
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await assert.rejects(read, (error) => error instanceof DOMException && error.name === 'AbortError');
    assert.ok(performance.now() - started < 300, `rejected ${Math.round(performance.now() - started)} ms after the read began`);
    assert.deepStrictEqual(await transport.query('SELECT 1 AS one'), [{ one: 1 }]);
  });
});
