/** Store queries for guest sessions. */
import { createHash } from 'node:crypto';
import { newId, newSecret } from '../../core/ids.js';
import type { Store } from '../../store/store.js';
import type { SessionsTable } from './sessions-table.js';

export const SESSION_TOKEN_PREFIX = 'sbs_';
/** Guest user ids are `guest_<sessionId>`: a user room of their own, never a real user's. */
export const GUEST_PREFIX = 'guest_';

export interface SessionRecord {
  id: string;
  userId: string;
  metadata: unknown;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new session before it is stored: the token for the caller, the record, and the row (hash only). */
export interface SessionDraft {
  token: string;
  session: SessionRecord;
  row: SessionsTable;
}

/** Mints a session id and token; `create()` or the batched writer (session-writes.ts) stores the row. */
export function draftSession(ttlSeconds: number, metadata?: unknown): SessionDraft {
  const id = newId();
  const token = newSecret(SESSION_TOKEN_PREFIX);
  const now = Date.now();
  const session: SessionRecord = {
    id,
    userId: `${GUEST_PREFIX}${id}`,
    metadata: metadata ?? null,
    createdAt: now,
    expiresAt: now + ttlSeconds * 1000,
    revokedAt: null,
  };
  const row: SessionsTable = {
    id,
    token_hash: hashToken(token),
    user_id: session.userId,
    metadata: metadata === undefined ? null : JSON.stringify(metadata),
    created_at: now,
    expires_at: session.expiresAt,
    revoked_at: null,
  };
  return { token, session, row };
}

export class SessionsRepo {
  constructor(private readonly store: Store) {}

  async create(ttlSeconds: number, metadata?: unknown): Promise<{ token: string; session: SessionRecord }> {
    const draft = draftSession(ttlSeconds, metadata);
    await this.store.db.insertInto('sessions').values(draft.row).execute();
    return { token: draft.token, session: draft.session };
  }

  async findByToken(token: string): Promise<SessionRecord | undefined> {
    const row = await this.store.db.selectFrom('sessions').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      metadata: row.metadata === null ? null : JSON.parse(row.metadata),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
  }

  /** Marks a session revoked; false when there is no such live session. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.store.db
      .updateTable('sessions')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The user a session belongs to, or undefined for an unknown id. */
  async userOf(id: string): Promise<string | undefined> {
    const row = await this.store.db.selectFrom('sessions').select('user_id').where('id', '=', id).executeTakeFirst();
    return row?.user_id;
  }

  /** Removes sessions expired (or revoked) for longer than `graceMs`. */
  async purgeExpired(graceMs: number): Promise<number> {
    const cutoff = Date.now() - graceMs;
    const result = await this.store.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
