/**
 * Which store failures a single write can cause. A batch that fails on one of these
 * is retried write by write, so only the write whose data caused it fails; any other
 * failure (connection lost, server shutting down, database locked, disk full) is
 * nobody's write, and every write of the batch gets UNAVAILABLE at once instead of
 * hammering a store that is down with one retry per write.
 */

/** SQLite result codes a statement's own data produces (better-sqlite3 puts them in `code`). */
const SQLITE_DATA_CODES = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/;
/**
 * PostgreSQL SQLSTATE classes a statement's own data produces: 22 data exception,
 * 23 integrity constraint violation.
 */
const PG_DATA_CLASSES = /^(22|23)[0-9A-Z]{3}$/;
/**
 * Failures of the store itself: PostgreSQL classes 08 connection, 40 rollback
 * (deadlock, serialization), 53 resources, 57 operator intervention (shutdown), 58
 * system; SQLite busy/locked/I-O/full/read-only/corrupt; Node socket errors; pg's
 * "Connection terminated" and pool timeouts, which carry no code.
 */
const PG_STORE_CLASSES = /^(08|40|53|57|58)[0-9A-Z]{3}$/;
const SQLITE_STORE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CORRUPT|CANTOPEN|NOMEM|NOTADB|PROTOCOL|INTERRUPT)/;
const SOCKET_CODES = /^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND)/;
const STORE_MESSAGES =
  /connection terminated|driver has already been destroyed|timeout exceeded when trying to connect|the database connection is not open|Cannot use a pool after calling end/i;

/**
 * True when the failure came from the store rather than from the data of the
 * writes (see above); unknown errors count as the data's, so they are isolated.
 */
export function isStoreFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SQLITE_DATA_CODES.test(code) || PG_DATA_CLASSES.test(code)) return false;
    if (PG_STORE_CLASSES.test(code) || SQLITE_STORE_CODES.test(code) || SOCKET_CODES.test(code)) return true;
  }
  return typeof message === 'string' && STORE_MESSAGES.test(message);
}
