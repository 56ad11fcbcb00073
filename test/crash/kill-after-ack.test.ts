/**
 * Acknowledged means stored (issue 10): a server process killed with SIGKILL right
 * after acknowledging messages and notifications, while more were in flight, has
 * every acknowledged one in its store when it comes back, on an SQLite file and on
 * PostgreSQL. Group commit must never ack before the commit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/sign-token.js';
import type { Ack, Message } from '../../src/protocol/shapes.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { onCleanup } from '../support/cleanup.js';
import { connectClient, type TestSocket } from '../support/client.js';
import { TEST_API_KEY, TEST_SECRET } from '../support/server.js';
import { PG_URL, postgresUnavailable } from '../support/services.js';

const pgMissing = await postgresUnavailable();

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-server.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    child.stdout?.on('data', () => {
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** message:send's ack, or undefined once the socket is gone (the server was killed). */
function sendOrGone(socket: TestSocket, payload: Record<string, unknown>): Promise<Ack<{ message: Message }> | undefined> {
  if (!socket.connected) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const gone = () => resolve(undefined);
    socket.once('disconnect', gone);
    socket.emit(
      'message:send',
      payload as never,
      ((ack: Ack<{ message: Message }>) => {
        socket.off('disconnect', gone);
        resolve(ack);
      }) as never,
    );
  });
}

/** Sends and notifies from several loops at once; SIGKILLs the server the moment the `killAfter`-th message ack arrives. */
async function loadThenKill(url: string, child: ChildProcess, killAfter: number) {
  const users = Array.from({ length: 16 }, (_, i) => `k${i}`);
  const sockets: TestSocket[] = [];
  for (const user of users) sockets.push((await connectClient(url, { token: await signToken({ secret: TEST_SECRET, sub: user }) })).socket);
  const messages: Message[] = [];
  const notifications: string[] = [];
  let killed = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const sendLoop = async (socket: TestSocket, i: number) => {
    for (let n = 0; !killed; n++) {
      const ack = await sendOrGone(socket, {
        receiverId: users[i % 2 ? i - 1 : i + 1],
        content: `m ${i} ${n}`,
        clientMessageId: `${i}-${n}`,
      });
      if (!ack?.ok) return;
      // Every ack that arrives counts, also those the server sent just before it died.
      messages.push((ack.data as { message: Message }).message);
      if (!killed && messages.length >= killAfter) {
        killed = true;
        // Synchronously, with other sends and notifies still in flight.
        child.kill('SIGKILL');
      }
    }
  };
  const notifyLoop = async (i: number) => {
    for (let n = 0; !killed; n++) {
      const res = await fetch(`${url}/api/notify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userIds: [users[i], users[(i + 1) % users.length]], type: 'info', title: 't', message: `n ${i} ${n}` }),
      }).catch(() => undefined);
      if (res?.status !== 202) return;
      const body = (await res.json().catch(() => undefined)) as { ids: string[] } | undefined;
      if (body) notifications.push(...body.ids);
    }
  };
  await Promise.all([...sockets.map(sendLoop), ...users.slice(0, 6).map((_, i) => notifyLoop(i))]);
  await exited;
  for (const socket of sockets) socket.disconnect();
  return { messages, notifications };
}

async function expectAllStored(store: Store, acked: { messages: Message[]; notifications: string[] }): Promise<void> {
  const messageIds = acked.messages.map((m) => m.id);
  const storedMessages = new Map<string, string>();
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await store.db
      .selectFrom('messages')
      .select(['id', 'content'])
      .where('id', 'in', messageIds.slice(i, i + 500))
      .execute();
    for (const row of rows) storedMessages.set(row.id, row.content);
  }
  const lost = acked.messages.filter((m) => storedMessages.get(m.id) !== m.content);
  expect(lost, `${lost.length} acknowledged messages lost`).toEqual([]);
  const storedNotifications = new Set<string>();
  for (let i = 0; i < acked.notifications.length; i += 500) {
    const rows = await store.db
      .selectFrom('notifications')
      .select('id')
      .where('id', 'in', acked.notifications.slice(i, i + 500))
      .execute();
    for (const row of rows) storedNotifications.add(row.id);
  }
  const lostNotifications = acked.notifications.filter((id) => !storedNotifications.has(id));
  expect(lostNotifications, `${lostNotifications.length} acknowledged notifications lost`).toEqual([]);
}

// Two server starts (tsx compiles on start) and a load phase: slower than the default bound on a busy machine.
describe('SIGKILL right after acks', { timeout: 120_000 }, () => {
  it('loses no acknowledged message or notification on an SQLite file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-kill-')), 'sb.db');
    const first = await serve({ CRASH_SQLITE_FILE: file });
    const acked = await loadThenKill(first.url, first.child, 400);
    expect(acked.messages.length).toBeGreaterThanOrEqual(400);
    expect(acked.notifications.length).toBeGreaterThan(0);
    // Back up on the same file (WAL recovery), then read what it holds.
    const second = await serve({ CRASH_SQLITE_FILE: file });
    const store = createStore(`sqlite:${file}`);
    onCleanup(() => store.close());
    await expectAllStored(store, acked);
    second.child.kill('SIGTERM');
  });

  it.skipIf(pgMissing !== undefined)('loses no acknowledged message or notification on PostgreSQL', async () => {
    const schema = `sb_kill_${randomBytes(5).toString('hex')}`;
    onCleanup(async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });
    const first = await serve({ CRASH_PG_SCHEMA: schema });
    const acked = await loadThenKill(first.url, first.child, 400);
    expect(acked.messages.length).toBeGreaterThanOrEqual(400);
    expect(acked.notifications.length).toBeGreaterThan(0);
    const second = await serve({ CRASH_PG_SCHEMA: schema });
    const store = createStore(PG_URL, { schema });
    onCleanup(() => store.close());
    await expectAllStored(store, acked);
    second.child.kill('SIGTERM');
  });
});
