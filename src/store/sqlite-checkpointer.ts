/**
 * WAL checkpoints off the event loop (issue 10). With SQLite's automatic
 * checkpoints, the commit that pushes the WAL past 1,000 pages copies them into the
 * database file and fsyncs it, on the main thread: measured on the bench machine,
 * that took a commit's p99 from 2 ms to 18 ms and cost 40 % of the insert time.
 *
 * Here a worker thread with a connection of its own runs a PASSIVE checkpoint every
 * `intervalMs` (PASSIVE never blocks the writer or readers), and the write
 * connection's own automatic checkpoint is only a safety net far above (if the worker
 * ever stops, the WAL still cannot grow without bound). Durability is unchanged: a
 * committed transaction is in the WAL whether or not it was checkpointed yet.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the WAL may hold before the write connection checkpoints by itself anyway. */
export const SAFETY_NET_PAGES = 20_000;

// Plain CommonJS run by the worker (eval), so it works the same from src/ under tsx
// and from dist/: it only needs better-sqlite3, resolved by the parent.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 1000');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.run(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `filename` from a worker thread; the thread never keeps the process alive. */
export function startCheckpointer(filename: string, intervalMs = 100): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, intervalMs, module } });
  worker.unref();
  // A failing checkpoint is harmless (the safety net takes over); keep the thread quiet.
  worker.on('message', () => {});
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await worker.terminate();
    },
  };
}
