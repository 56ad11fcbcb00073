/**
 * The outbox's queries. Exactly one node sends each attempt, with any number of nodes
 * and crashes (the claim of src/notifications/schedule-repo.ts):
 * 1. Claim: one UPDATE sets `claimed_by = token, claimed_until = now + lease` on due
 *    pending rows that are unclaimed or whose lease ran out. The WHERE clause is
 *    re-checked on each row the UPDATE writes (SQLite serialises writers; PostgreSQL
 *    re-evaluates it after a concurrent writer's row lock), so no two nodes both hold
 *    a live claim on a row.
 * 2. Send, then finish: the result is written only `where claimed_by = token`, so a
 *    node whose lease ran out (and whose row another node took over) writes nothing.
 * At least once, not exactly once: a node that crashes after the receiver answered and
 * before the finish is written leaves the row to be sent again after the lease. The
 * `webhook-id` is the same, so the receiver de-duplicates.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DomainEvent } from '../core/domain-events.js';
import { newId } from '../core/ids.js';
import type { WebhookPayload } from '../protocol/webhook-events.js';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { WebhookEndpoint } from './endpoints.js';
import type { WebhookDeliveriesTable } from './webhooks-tables.js';

export type DeliveryStatus = WebhookDeliveriesTable['status'];
export type DeliveryRow = WebhookDeliveriesTable;

/** What one attempt came to. */
export type AttemptResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; nextAttemptAt: number | null };

/** Rows per INSERT: 14 columns stays far below both engines' parameter limits. */
const INSERT_CHUNK = 500;

export class OutboxRepo {
  constructor(
    private readonly store: Store,
    private readonly endpoints: readonly WebhookEndpoint[],
  ) {}

  /** The rows of `events`, one per endpoint that wants the type. */
  rowsOf(events: readonly DomainEvent[], now = Date.now()): DeliveryRow[] {
    const rows: DeliveryRow[] = [];
    for (const event of events) {
      const id = `msg_${newId()}`;
      const body: WebhookPayload = { id, type: event.type, createdAt: new Date(now).toISOString(), data: event.data } as WebhookPayload;
      const payload = JSON.stringify(body);
      for (const endpoint of this.endpoints) {
        if (!endpoint.wants(event.type)) continue;
        rows.push({
          id: newId(),
          event_id: id,
          endpoint: endpoint.url,
          type: event.type,
          payload,
          created_at: now,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_status: null,
          last_error: null,
          claimed_by: null,
          claimed_until: null,
          finished_at: null,
        });
      }
    }
    return rows;
  }

  /** Stores `events` inside `trx` (the caller's transaction, or one of the outbox's own); returns the rows written. */
  async insert(trx: Transaction<Database>, events: readonly DomainEvent[]): Promise<number> {
    return this.insertRows(trx, this.rowsOf(events));
  }

  async insertRows(trx: Transaction<Database>, rows: readonly DeliveryRow[]): Promise<number> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('webhook_deliveries')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    return rows.length;
  }

  /** Claims up to `limit` due rows of `endpoint` for `leaseMs`; returns them with the claim token. */
  async claimDue(
    nodeId: string,
    options: { endpoint: string; limit: number; leaseMs: number; now?: number },
  ): Promise<{ token: string; rows: DeliveryRow[] }> {
    const now = options.now ?? Date.now();
    const token = `${nodeId}:${randomBytes(6).toString('hex')}`;
    const rows = await this.store.db
      .updateTable('webhook_deliveries')
      .set({ claimed_by: token, claimed_until: now + options.leaseMs })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('endpoint', '=', options.endpoint)
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
          .orderBy('next_attempt_at', 'asc')
          .limit(options.limit),
      )
      // Repeated on the outer statement: the predicate the engine re-checks on the row it writes.
      .where('status', '=', 'pending')
      .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
      .returningAll()
      .execute();
    return { token, rows: rows.sort((a, b) => (a.id < b.id ? -1 : 1)) };
  }

  /** Writes the outcome of attempts made under `token` (rows lost to another node stay untouched). */
  async finish(token: string, results: ReadonlyArray<{ id: string; result: AttemptResult }>, now = Date.now()): Promise<void> {
    // One UPDATE per kind of outcome (status and error alike), not per row: a dead
    // endpoint's failures come in groups that differ only in their next attempt.
    await this.store.db.transaction().execute(async (trx) => {
      for (const group of groupOutcomes(results)) {
        const { result } = group;
        const gaveUp = !result.ok && result.nextAttemptAt === null;
        const retried = !result.ok && !gaveUp;
        const nextAttempt = sql<number>`case ${sql.ref('id')} ${sql.join(
          group.rows.map((r) => sql`when ${r.id} then ${String((r.result as { nextAttemptAt: number }).nextAttemptAt)}`),
          sql` `,
        )} end`;
        await trx
          .updateTable('webhook_deliveries')
          .set((eb) => ({
            status: result.ok ? 'succeeded' : gaveUp ? 'failed' : 'pending',
            attempts: eb('attempts', '+', 1),
            last_status: result.status,
            last_error: result.ok ? null : result.error.slice(0, 500),
            claimed_by: null,
            claimed_until: null,
            finished_at: retried ? null : now,
            ...(retried ? { next_attempt_at: sql<number>`cast(${nextAttempt} as bigint)` } : {}),
          }))
          .where(
            'id',
            'in',
            group.rows.map((r) => r.id),
          )
          .where('claimed_by', '=', token)
          .execute();
      }
    });
  }

  /** Gives up what `token` still holds (shutdown), so it is claimable at once. */
  async release(token: string): Promise<void> {
    await this.store.db
      .updateTable('webhook_deliveries')
      .set({ claimed_by: null, claimed_until: null })
      .where('claimed_by', '=', token)
      .execute();
  }

  /** Deliveries, newest first, by status. */
  async list(options: { status?: DeliveryStatus; limit: number }): Promise<DeliveryRow[]> {
    let query = this.store.db.selectFrom('webhook_deliveries').selectAll();
    if (options.status) query = query.where('status', '=', options.status);
    return query.orderBy('id', 'desc').limit(options.limit).execute();
  }

  /**
   * Sends the deliveries of event `eventId` again now (failed ones, and pending ones
   * waiting for their next attempt); returns how many rows it found.
   */
  async retry(eventId: string, now = Date.now()): Promise<number> {
    const result = await this.store.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: now, finished_at: null })
      .where('event_id', '=', eventId)
      .where('status', '!=', 'succeeded')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async exists(eventId: string): Promise<boolean> {
    const row = await this.store.db.selectFrom('webhook_deliveries').select('id').where('event_id', '=', eventId).executeTakeFirst();
    return row !== undefined;
  }

  /** Pending rows by endpoint (the retry queue depth). */
  async pendingByEndpoint(): Promise<Map<string, number>> {
    const rows = await this.store.db
      .selectFrom('webhook_deliveries')
      .select(['endpoint', (eb) => eb.fn.countAll<number>().as('count')])
      .where('status', '=', 'pending')
      .groupBy('endpoint')
      .execute();
    return new Map(rows.map((r) => [r.endpoint, Number(r.count)]));
  }

  /** Fails the pending rows of endpoints not in `known` (removed from the config); returns how many. */
  async failOrphans(known: readonly string[], now = Date.now()): Promise<number> {
    let query = this.store.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: 'endpoint no longer configured', finished_at: now })
      .where('status', '=', 'pending');
    if (known.length > 0) query = query.where('endpoint', 'not in', [...known]);
    return Number((await query.executeTakeFirst()).numUpdatedRows);
  }

  /** Deletes up to `batch` rows finished before `cutoff`. */
  async purgeFinished(cutoff: number, batch: number): Promise<number> {
    const result = await this.store.db
      .deleteFrom('webhook_deliveries')
      .where('id', 'in', (eb) =>
        eb.selectFrom('webhook_deliveries').select('id').where('status', '!=', 'pending').where('finished_at', '<', cutoff).limit(batch),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

type Finished = { id: string; result: AttemptResult };

/** Outcomes that differ only in their next attempt, together. */
function groupOutcomes(results: readonly Finished[]): Array<{ result: AttemptResult; rows: Finished[] }> {
  const groups = new Map<string, { result: AttemptResult; rows: Finished[] }>();
  for (const finished of results) {
    const { result } = finished;
    const key = result.ok
      ? `ok ${result.status}`
      : `${result.nextAttemptAt === null ? 'gave up' : 'retry'} ${result.status} ${result.error}`;
    const group = groups.get(key) ?? { result, rows: [] };
    group.rows.push(finished);
    groups.set(key, group);
  }
  return [...groups.values()];
}
