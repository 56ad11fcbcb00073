/**
 * Work that must commit in the same transaction as a caller's write, carried by the
 * caller's async context (AsyncLocalStorage) down to the group-commit writer
 * (batch-writer.ts): an HTTP request with an Idempotency-Key marks its key "applied"
 * inside the very transaction that stores its effect (src/idempotency), so a crash
 * between the commit and the answer can never make a retry apply it twice.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'kysely';
import type { Database } from './database.js';

export interface WriteContext {
  /** Runs inside the transaction that commits a write submitted in this context. */
  inTransaction(trx: Transaction<Database>): Promise<void>;
}

export const writeContext = new AsyncLocalStorage<WriteContext>();
