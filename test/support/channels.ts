/** Helpers for the channel tests: a config with one namespace per policy, subscribe and membership calls. */
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import type { Ack, SubscribeResult } from '../../src/protocol/index.js';
import { emitAck, type TestSocket } from './client.js';
import type { TestServer } from './server.js';

/** Namespaces used across the channel tests (webhook ones are added per test, they need a URL). */
export const CHANNELS_CONFIG = {
  trip: { policy: 'members', joinLeave: true, clientPublish: true, history: { size: 100 } },
  news: { policy: 'public', history: { size: 50 } },
  live: { policy: 'public' },
  chat: { policy: 'public', clientPublish: true },
  ops: { policy: 'roles', roles: ['admin'] },
  board: { policy: 'token', clientPublish: true, history: { size: 10 } },
} satisfies SwitchboardConfigInput['channels'];

/** A server config with the namespaces above and rate limits out of the way of bulk tests. */
export const CHANNELS_TEST_CONFIG = {
  channels: CHANNELS_CONFIG,
  rateLimits: { default: { points: 100_000, perSeconds: 1 } },
} satisfies SwitchboardConfigInput;

/** The test config with other namespaces. */
export function withChannels(channels: SwitchboardConfigInput['channels']): SwitchboardConfigInput {
  return { ...CHANNELS_TEST_CONFIG, channels };
}

export function subscribe(socket: TestSocket, payload: unknown): Promise<Ack<SubscribeResult>> {
  return emitAck<SubscribeResult>(socket, 'subscribe', payload);
}

/** Subscribes and throws with the error when refused. */
export async function subscribeOk(socket: TestSocket, payload: unknown): Promise<SubscribeResult> {
  const ack = await subscribe(socket, payload);
  if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data as SubscribeResult;
}

export function errorCode(ack: Ack): string | undefined {
  return ack.ok ? undefined : ack.error.code;
}

export async function addMember(server: TestServer, channel: string, userId: string): Promise<void> {
  const res = await server.request('PUT', `/api/channels/${channel}/members/${userId}`, { apiKey: true });
  if (res.status !== 201 && res.status !== 200) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** POST /api/publish with the API key; returns the response body. */
export async function apiPublish(server: TestServer, channel: string, event: string, data: unknown): Promise<any> {
  const res = await server.request('POST', '/api/publish', { apiKey: true, body: { channel, event, data } });
  if (res.status !== 200) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
