// The SpanStore contract on embedded chDB, in a fresh data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import { storeContract } from './contract.ts';

storeContract('chDB', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skein-store-test-'));
  return {
    open: () => openStore('chdb', dataDir),
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
