/**
 * Work that must commit in the same transaction as a caller's write, handed down
 * explicitly to the group-commit writer (batch-writer.ts): an HTTP request with an
 * Idempotency-Key marks its key "applied" inside the very transaction that stores its
 * effect (src/idempotency), so a crash between the commit and the answer can never
 * make a retry apply it twice.
 *
 * Passed as an argument, not carried by AsyncLocalStorage: on Node 20 the first
 * `run()` turns on async hooks for the whole process, and from then on every promise
 * pays for them (stored chat lost 18 % of its throughput in the bench).
 */
import type { Transaction } from 'kysely';
import type { Database } from './database.js';

export interface WriteContext {
  /** Runs inside the transaction that commits a write submitted with this context. */
  inTransaction(trx: Transaction<Database>): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the Idempotency-Key hook on idempotent routes; handed to the write the route makes. */
    writeContext?: WriteContext;
  }
}
