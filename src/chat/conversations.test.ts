import { describe, expect, it } from 'vitest';
import { createConversation, send, startChatServer } from '../../test/support/chat.js';
import { nextEvent } from '../../test/support/client.js';
import type { Conversation } from '../protocol/shapes.js';

describe('conversations over HTTP', () => {
  it('keeps one direct conversation per pair under concurrent creation from both sides', async () => {
    const server = await startChatServer();
    const [alice, bob] = [await server.token('alice'), await server.token('bob')];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.request('POST', '/api/conversations', {
          token: i % 2 === 0 ? alice : bob,
          body: { kind: 'direct', memberIds: [i % 2 === 0 ? 'bob' : 'alice'] },
        }),
      ),
    );
    const ids = new Set(results.map((r) => r.body.conversation.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(9);
    for (const r of results) {
      expect(r.body.ok).toBe(true);
      expect([...r.body.conversation.memberIds].sort()).toEqual(['alice', 'bob']);
    }
  });

  it('refuses a direct conversation without exactly one other user', async () => {
    const server = await startChatServer();
    const token = await server.token('alice');
    for (const memberIds of [['alice'], ['bob', 'carol']]) {
      const res = await server.request('POST', '/api/conversations', { token, body: { kind: 'direct', memberIds } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const anonymous = await server.request('POST', '/api/conversations', { body: { kind: 'direct', memberIds: ['bob'] } });
    expect(anonymous.status).toBe(401);
  });

  it('announces a new group with conversation:updated and lists conversations most recent first with unread counts', async () => {
    const server = await startChatServer();
    const { socket: bob } = await server.connect('bob');
    const announced = nextEvent<Conversation>(bob, 'conversation:updated');
    const group = await createConversation(server, 'alice', { kind: 'group', memberIds: ['bob', 'carol'], title: 'Team' });
    expect(group).toMatchObject({ kind: 'group', title: 'Team', memberIds: ['alice', 'bob', 'carol'] });
    expect((await announced).id).toBe(group.id);

    const direct = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    await send(alice, { conversationId: direct.id, content: 'one' });
    const last = await send(alice, { conversationId: group.id, content: 'two' });
    await send(alice, { conversationId: group.id, content: 'three' });

    const res = await server.request('GET', '/api/conversations', { token: await server.token('bob') });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    const list = res.body.conversations as Conversation[];
    expect(list.map((c) => c.id)).toEqual([group.id, direct.id]);
    expect(list[0]?.unreadCount).toBe(2);
    expect(list[0]?.lastMessage?.content).toBe('three');
    expect(list[1]?.unreadCount).toBe(1);
    expect(last.conversationId).toBe(group.id);

    const page1 = await server.request('GET', '/api/conversations?limit=1', { token: await server.token('bob') });
    expect(page1.body.conversations).toHaveLength(1);
    expect(page1.body.nextCursor).toBe(group.id);
    const page2 = await server.request('GET', `/api/conversations?limit=1&before=${group.id}`, { token: await server.token('bob') });
    expect(page2.body.conversations.map((c: Conversation) => c.id)).toEqual([direct.id]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('lets owners, admins and the app backend manage group members, announcing each change', async () => {
    const server = await startChatServer();
    const group = await createConversation(server, 'owner', { kind: 'group', memberIds: ['admin1', 'member1'] });
    const path = (user: string) => `/api/conversations/${group.id}/members/${user}`;
    const token = (u: string) => server.token(u);

    // a plain member may not manage the group; a non-member is refused
    expect((await server.request('PUT', path('x'), { token: await token('member1') })).status).toBe(403);
    expect((await server.request('PUT', path('x'), { token: await token('stranger') })).status).toBe(403);

    // the owner promotes admin1; admin1 adds a member; the backend adds one with an API key
    const promoted = await server.request('PUT', path('admin1'), { token: await token('owner'), body: { role: 'admin' } });
    expect(promoted.status).toBe(200);
    const { socket: member1 } = await server.connect('member1');
    const updated = nextEvent<Conversation>(member1, 'conversation:updated');
    const added = await server.request('PUT', path('dave'), { token: await token('admin1') });
    expect(added.status).toBe(200);
    expect(added.body.conversation.memberIds).toContain('dave');
    expect((await updated).memberIds).toContain('dave');
    expect((await server.request('PUT', path('erin'), { apiKey: true })).body.conversation.memberIds).toContain('erin');

    // an admin may not promote, nor remove another admin; the owner may
    expect((await server.request('PUT', path('dave'), { token: await token('admin1'), body: { role: 'admin' } })).status).toBe(403);
    expect((await server.request('DELETE', path('admin1'), { token: await token('admin1') })).status).toBe(200); // leaving oneself
    expect((await server.request('DELETE', path('dave'), { apiKey: true })).body.conversation.memberIds).not.toContain('dave');

    // the removed user hears the change too and loses access
    const { socket: erin } = await server.connect('erin');
    const gone = nextEvent<Conversation>(erin, 'conversation:updated');
    expect((await server.request('DELETE', path('erin'), { token: await token('owner') })).status).toBe(200);
    expect((await gone).memberIds).not.toContain('erin');
    const history = await server.request('GET', `/api/conversations/${group.id}/messages`, { token: await token('erin') });
    expect(history.status).toBe(403);

    // direct conversations keep their two members
    const direct = await createConversation(server, 'owner', { kind: 'direct', memberIds: ['member1'] });
    expect((await server.request('PUT', `/api/conversations/${direct.id}/members/z`, { apiKey: true })).status).toBe(400);
    expect((await server.request('PUT', `/api/conversations/nope/members/z`, { apiKey: true })).status).toBe(404);
  });

  it('offers createConversation and sendMessage in the programmatic API', async () => {
    const server = await startChatServer();
    const sb = server.switchboard;
    const conversation = await sb.createConversation({ kind: 'group', creatorId: 'app', memberIds: ['u1'], title: 'Support' });
    const { socket } = await server.connect('u1');
    const arrived = nextEvent(socket, 'message:new');
    const message = await sb.sendMessage({ conversationId: conversation.id, senderId: 'app', content: 'Hello from the backend' });
    expect(await arrived).toEqual(message);
    await expect(sb.sendMessage({ conversationId: conversation.id, senderId: 'outsider', content: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await sb.addConversationMember(conversation.id, 'u2')).memberIds).toContain('u2');
    expect((await sb.removeConversationMember(conversation.id, 'u2')).memberIds).not.toContain('u2');
  });
});
