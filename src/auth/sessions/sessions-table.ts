/** Guest sessions (POST /api/sessions); the token itself is never stored, only its hash. */
export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  /** JSON text of the caller's `metadata`, or null. */
  metadata: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface SessionsTables {
  sessions: SessionsTable;
}

declare module '../../store/database.js' {
  interface Database extends SessionsTables {}
}
