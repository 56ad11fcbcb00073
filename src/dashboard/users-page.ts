/**
 * GET /api/admin/users: users online, a page at a time in id order, with their
 * presence. The ids come from the presence store (cluster-wide); sorting them is
 * O(users log users) on the server, once per page asked for, and only the page
 * (at most 200) goes to the browser.
 */
import type { SwitchboardContext } from '../core/context.js';
import type { PageQuery } from './channels-page.js';
import type { UsersPage } from './shapes.js';

export async function usersPage(ctx: SwitchboardContext, query: PageQuery): Promise<UsersPage> {
  const online = await ctx.presence.onlineUsers();
  const matching = online.filter((id) => id > query.cursor && id.startsWith(query.prefix)).sort((a, b) => (a < b ? -1 : 1));
  const page = matching.slice(0, query.limit);
  const presence = await ctx.presence.get(page);
  return {
    users: page.map((userId) => ({ userId, presence: presence[userId]! })),
    nextCursor: matching.length > query.limit ? (page[page.length - 1] ?? null) : null,
    total: online.length,
  };
}
