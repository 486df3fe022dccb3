// The SpanStore contract on the in-memory store. Reopening it is handing back the same
// store: its data is the process's memory, which close() leaves as it is.
import { MemoryStore } from '../../src/store/memory-store.ts';
import { storeContract } from './contract.ts';

storeContract('memory', () => {
  const store = new MemoryStore();
  return {
    open: async () => store,
    cleanup: async () => {},
  };
});
