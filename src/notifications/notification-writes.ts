/**
 * The group-commit writer of the inbox (issue 10): concurrent notify calls share one
 * transaction; each call's rows (one chunk of recipients) are one write, weighted by
 * its row count, and go in with multi-row INSERTs. The dispatcher delivers a chunk
 * only after the transaction holding it committed.
 */
import { type BatchSpec, outcome } from '../store/batch-writer.js';
import { CHUNK_SIZE, chunked } from './batching.js';
import type { NotificationsTable } from './notifications-table.js';

export const notificationWrites: BatchSpec<readonly NotificationsTable[], void> = {
  name: 'notification',
  weight: (rows) => rows.length,
  singleStatement: (items) => items.reduce((n, rows) => n + rows.length, 0) <= CHUNK_SIZE,
  // Notify calls have no order between them (each call's chunks are submitted one
  // after the other), so PostgreSQL may commit several batches at once.
  concurrency: 2,
  async write(trx, items) {
    // 500 rows × 10 columns per statement stays far below both engines' parameter limits.
    for (const rows of chunked(items.flat(), CHUNK_SIZE)) await trx.insertInto('notifications').values(rows).execute();
    return items.map(() => outcome.ok(undefined));
  },
};
