/** Room names the server uses; channels map 1:1 onto Socket.IO rooms. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/**
 * The room of one guest session's sockets, so revoking it is one cluster-wide
 * `disconnectSockets()` rather than a scan. Internal: not a channel, not listed.
 */
export function sessionRoom(sessionId: string): string {
  return `${SESSION_ROOM_PREFIX}${sessionId}`;
}

export const SESSION_ROOM_PREFIX = 'session#';

/** Rooms the server keeps for itself (not channels): left out of room listings. */
export function isInternalRoom(room: string): boolean {
  return room.startsWith(SESSION_ROOM_PREFIX);
}
