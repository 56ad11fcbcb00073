/** `usePresence`: presence of some users, live. */
import { useEffect, useState } from 'react';
import type { Presence } from '../client/index.js';
import { useSwitchboard } from './provider.js';

/**
 * Presence per user id (missing until first known).
 * @example const presence = usePresence(['7', '9']); presence['7']?.online
 */
export function usePresence(userIds: readonly string[]): Record<string, Presence> {
  const client = useSwitchboard();
  const [presence, setPresence] = useState<Record<string, Presence>>({});
  // The set of ids, not the array's identity, decides when to watch again.
  const key = [...new Set(userIds)].sort().join('\u0000');

  useEffect(() => {
    if (!key) return;
    const ids = key.split('\u0000');
    return client.presence.watch(ids, (userId, next) => setPresence((current) => ({ ...current, [userId]: next })));
  }, [client, key]);

  return presence;
}
