import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory store', async () => createMemoryStore());
