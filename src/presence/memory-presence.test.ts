/** In-memory presence stays bounded: users who left are remembered in an LRU, not forever. */
import { describe, expect, it } from 'vitest';
import { createMemoryPresence } from './memory-presence.js';

describe('memory presence', () => {
  it('forgets the oldest departed users beyond its bound, and keeps online ones', async () => {
    const presence = createMemoryPresence({ maxOfflineUsers: 10 });
    await presence.addSocket('stays', 's0');
    for (let i = 0; i < 100; i++) {
      await presence.addSocket(`guest_${i}`, `s${i + 1}`);
      await presence.removeSocket(`guest_${i}`, `s${i + 1}`);
    }
    const seen = await presence.get(['guest_0', 'guest_99', 'stays']);
    expect(seen.guest_0).toEqual({ status: 'offline', online: false, lastSeen: null, devices: 0 });
    expect(seen.guest_99).toMatchObject({ online: false, lastSeen: expect.any(String) });
    expect(seen.stays).toMatchObject({ online: true, devices: 1 });
    expect(await presence.counts()).toEqual({ users: 1, connections: 1 });
  });
});
