/**
 * The group-commit writer of guest sessions (issue 10): concurrent POST /api/sessions
 * share one transaction and one multi-row INSERT; the token is answered only after
 * the row holding its hash committed.
 */
import { type BatchSpec, outcome } from '../../store/batch-writer.js';
import type { SessionsTable } from './sessions-table.js';

export const sessionWrites: BatchSpec<SessionsTable, void> = {
  name: 'session',
  singleStatement: () => true,
  concurrency: 2,
  async write(trx, rows) {
    await trx
      .insertInto('sessions')
      .values([...rows])
      .execute();
    return rows.map(() => outcome.ok(undefined));
  },
};
