/** Helpers shared by the chat tests: a server with chat-friendly config and a conversation in one call. */
import type { Conversation, Message } from '../protocol/shapes.js';
import { emitAck, type TestSocket } from '../../test/support/client.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../test/support/server.js';

export async function startChatServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ ...options, config: { rateLimits: { default: { points: 1000, perSeconds: 1 } }, ...options.config } });
}

/** Creates a conversation over HTTP as `creator` and returns it. */
export async function createConversation(
  server: TestServer,
  creator: string,
  body: { kind: 'direct' | 'group'; memberIds: string[]; title?: string },
): Promise<Conversation> {
  const res = await server.request('POST', '/api/conversations', { token: await server.token(creator), body });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create conversation: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversation;
}

/** Sends over the socket and returns the stored message from the ack (throws on refusal). */
export async function send(socket: TestSocket, payload: Record<string, unknown>): Promise<Message> {
  const ack = await emitAck<{ message: Message }>(socket, 'message:send', payload);
  if (!ack.ok) throw new Error(`message:send refused: ${JSON.stringify(ack.error)}`);
  return (ack.data as { message: Message }).message;
}
