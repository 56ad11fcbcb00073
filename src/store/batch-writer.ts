/**
 * Group commit (issue 10): concurrent writes of one kind (message sends, receipts,
 * notifications, publications, sessions) are collected for one event-loop turn (or
 * `maxDelayMs`) and written in ONE transaction, with multi-row statements. Each
 * caller's promise settles only after that transaction committed, so an ack or an
 * emit that follows `await submit()` never speaks of an unstored write.
 *
 * - At most one transaction per writer is in flight; writes arriving meanwhile form
 *   the next batch (the classic group commit: the busier the store, the bigger the
 *   batches). So a writer commits in submission order, and ids assigned inside the
 *   batch follow that order.
 * - A batch that fails because of one write's data (a constraint, a bad value) is
 *   rolled back and retried write by write, each in its own transaction, so only the
 *   write that caused it fails, with its own error. A failure of the store itself
 *   (connection, lock, disk) fails the whole batch with UNAVAILABLE.
 * - The queue is bounded (`maxQueued`): past it, writes are refused with
 *   RATE_LIMITED instead of growing an unbounded backlog.
 * - A write submitted with a write context (write-context.ts: an idempotent
 *   request's) has that context's work run inside the transaction that commits it, so
 *   the two commit together (the batch then always runs as a transaction).
 *
 * The same code runs on SQLite and PostgreSQL: the transaction comes from the
 * store's Kysely instance (on SQLite, the gated driver of sqlite-driver.ts).
 */
import type { Transaction } from 'kysely';
import { fail, SwitchboardError } from '../core/errors.js';
import type { Database } from './database.js';
import type { Store } from './store.js';
import { isStoreFailure } from './store-errors.js';
import type { WriteContext } from './write-context.js';

/** How writes are grouped (config `database.batch`). */
export interface BatchSettings {
  /** Weight (rows) per transaction at most. @default 500 */
  maxItems: number;
  /** Longest wait for more writes before a batch starts; 0 waits one event-loop turn. @default 0 */
  maxDelayMs: number;
  /** Writes queued per writer at most; more are refused with RATE_LIMITED. @default 20000 */
  maxQueued: number;
}

/** Runs work so that shutdown can wait for it (Lifecycle.track). */
export type Tracker = <T>(work: () => Promise<T>) => Promise<T>;

/** One write's outcome inside a batch: its result, or a refusal of that write alone. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: SwitchboardError };

/** What a writer writes: one kind of write, as one transaction over many. */
export interface BatchSpec<I, O> {
  /** Names the writer in logs. */
  readonly name: string;
  /**
   * Writes `items` inside `trx` and returns one outcome per item, in order. A write
   * refused on its own (bad reference, not a member) is an `{ ok: false }` outcome and
   * must have written nothing; throwing rolls the whole transaction back.
   */
  write(trx: Transaction<Database>, items: readonly I[]): Promise<Array<BatchOutcome<O>>>;
  /** The share of `maxItems` one item takes (rows it writes). @default 1 */
  weight?(item: I): number;
  /**
   * True when `write` will issue one statement for these items: it then runs without
   * BEGIN/COMMIT (a statement is atomic by itself), saving two round trips on
   * PostgreSQL. @default never
   */
  singleStatement?(items: readonly I[]): boolean;
  /**
   * Transactions of this writer in flight at once. 1 (the default) commits in
   * submission order; more suits writes with no order between them (PostgreSQL runs
   * them on several pooled connections; SQLite's write gate serialises them anyway).
   */
  concurrency?: number;
}

interface Pending<I, O> {
  item: I;
  weight: number;
  /** The submitter's write context (an idempotent request): run inside the committing transaction. */
  context?: WriteContext;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/** Shorthands for `write` implementations. */
export const outcome = {
  ok: <O>(value: O): BatchOutcome<O> => ({ ok: true, value }),
  refused: <O>(error: SwitchboardError): BatchOutcome<O> => ({ ok: false, error }),
};

export class BatchWriter<I, O> {
  private readonly queue: Array<Pending<I, O>> = [];
  /** Transactions (lanes) in flight. */
  private lanes = 0;
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly spec: BatchSpec<I, O>,
    private readonly settings: BatchSettings,
    private readonly track: Tracker = (work) => work(),
  ) {}

  /** Writes queued and not yet committed. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues one write; resolves with its result once the transaction holding it
   * committed. `context`'s work (an idempotent request's) runs inside that transaction.
   */
  submit(item: I, context?: WriteContext): Promise<O> {
    if (this.queue.length >= this.settings.maxQueued) {
      return Promise.reject(
        fail('RATE_LIMITED', `Too many ${this.spec.name} writes waiting for the store`, {
          retryAfterMs: Math.max(10, this.settings.maxDelayMs),
        }),
      );
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, weight: this.spec.weight?.(item) ?? 1, context, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.lanes >= (this.spec.concurrency ?? 1)) return;
    this.scheduled = true;
    // Tracked from here, so a graceful shutdown waits for queued writes to commit.
    void this.track(
      () =>
        new Promise<void>((resolve) => {
          const start = () => {
            this.scheduled = false;
            this.lane().then(resolve, resolve);
          };
          // One turn lets every write that arrived in the same I/O phase join the batch.
          if (this.settings.maxDelayMs > 0) setTimeout(start, this.settings.maxDelayMs);
          else setImmediate(start);
        }),
    );
  }

  /** Flushes batches until the queue is empty; more lanes start while one is busy, up to `concurrency`. */
  private async lane(): Promise<void> {
    this.lanes++;
    try {
      while (this.queue.length > 0) await this.flush(this.take());
    } finally {
      this.lanes--;
    }
  }

  /** The next batch: queue order, up to `maxItems` weight (one item at least). */
  private take(): Array<Pending<I, O>> {
    let weight = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count] as Pending<I, O>;
      if (count > 0 && weight + next.weight > this.settings.maxItems) break;
      weight += next.weight;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async flush(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      settle(batch, await this.transaction(batch));
      return;
    } catch (error) {
      if (batch.length === 1 || isStoreFailure(error)) {
        const refusal = isStoreFailure(error) ? unavailable(this.spec.name, error) : error;
        for (const p of batch) p.reject(refusal);
        return;
      }
    }
    // One write's data failed the batch: each write again on its own, in order.
    for (const p of batch) {
      try {
        settle([p], await this.transaction([p]));
      } catch (error) {
        p.reject(isStoreFailure(error) ? unavailable(this.spec.name, error) : error);
      }
    }
  }

  private async transaction(batch: Array<Pending<I, O>>): Promise<Array<BatchOutcome<O>>> {
    const items = batch.map((p) => p.item);
    const contexts = batch.some((p) => p.context);
    const outcomes =
      this.spec.singleStatement?.(items) && !contexts
        ? // A Kysely instance runs the same queries as a transaction does.
          await this.spec.write(this.store.db as Transaction<Database>, items)
        : await this.store.db.transaction().execute(async (trx) => {
            const written = await this.spec.write(trx, items);
            if (contexts) await runContexts(trx, batch, written);
            return written;
          });
    if (outcomes.length !== items.length) throw new Error(`${this.spec.name}: ${outcomes.length} outcomes for ${items.length} writes`);
    return outcomes;
  }
}

/** The write contexts of the batch's accepted writes, each once, inside its transaction. */
async function runContexts<I, O>(trx: Transaction<Database>, batch: Array<Pending<I, O>>, outcomes: Array<BatchOutcome<O>>): Promise<void> {
  const done = new Set<WriteContext>();
  for (const [i, p] of batch.entries()) {
    if (!p.context || done.has(p.context) || !outcomes[i]?.ok) continue;
    done.add(p.context);
    await p.context.inTransaction(trx);
  }
}

function settle<I, O>(batch: Array<Pending<I, O>>, outcomes: Array<BatchOutcome<O>>): void {
  batch.forEach((p, i) => {
    const result = outcomes[i] as BatchOutcome<O>;
    if (result.ok) p.resolve(result.value);
    else p.reject(result.error);
  });
}

function unavailable(name: string, cause: unknown): SwitchboardError {
  return new SwitchboardError('UNAVAILABLE', `The store could not record the ${name} write`, { cause });
}

/** What a feature needs to build a writer: its context has all three. */
export interface BatchWriterContext {
  store: Store;
  config: { database: { batch: BatchSettings } };
  lifecycle: { track: Tracker };
}

/** A writer on the context's store, with the configured batching, tracked by its lifecycle. */
export function createBatchWriter<I, O>(ctx: BatchWriterContext, spec: BatchSpec<I, O>): BatchWriter<I, O> {
  return new BatchWriter(ctx.store, spec, ctx.config.database.batch, (work) => ctx.lifecycle.track(work));
}
