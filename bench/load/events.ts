/**
 * The events load clients listen to, and where each carries its send timestamp.
 * Every payload leads with the sender's clock reading (`now()`), so latency is
 * receive time minus send time on the same machine.
 */

export type ListenEvent = 'tick' | 'broadcast' | 'notification' | 'message:new';
export type DriveKind = 'echo' | 'chat';

/** Users are `u0`, `u1`, …; chat pairs are (u0, u1), (u2, u3), … */
export function userName(index: number): string {
  return `u${index}`;
}

export function peerOf(userId: string): string {
  const index = Number(userId.slice(1));
  return userName(index % 2 === 0 ? index + 1 : index - 1);
}

/**
 * The send time carried by one received event, or undefined when the event does
 * not count for this client (its own chat message echoed to its own devices).
 */
export function sendTimestamp(event: ListenEvent, userId: string, payload: unknown): number | undefined {
  const body = (payload ?? {}) as Record<string, any>;
  switch (event) {
    case 'tick':
      return Number(body.t);
    case 'notification':
      return Number(body.data?.t);
    case 'broadcast':
      return Number.parseFloat(String(body.message));
    case 'message:new':
      return body.senderId === userId ? undefined : Number.parseFloat(String(body.content));
  }
}
