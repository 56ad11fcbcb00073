/**
 * The ceiling: the same socket.io version with no auth, no store and no validation,
 * implementing each scenario's semantics in the fewest lines (rooms for users and
 * channels, a relay for chat, the same event names and argument shapes).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { BenchTarget, TargetOptions } from './target.js';

type Ack = (response: unknown) => void;

export async function createBareTarget(options: TargetOptions): Promise<BenchTarget> {
  const http = createServer();
  const io = new Server(http, {
    serveClient: false,
    perMessageDeflate: options.compression ? { threshold: 0 } : false,
    connectionStateRecovery: options.recovery ? { maxDisconnectionDuration: 120_000 } : undefined,
  });
  let ids = 0;
  const offsets = new Map<string, number>();
  const publish = (channel: string, event: string, data: unknown) => {
    const offset = (offsets.get(channel) ?? 0) + 1;
    offsets.set(channel, offset);
    const timestamp = new Date().toISOString();
    io.to(channel).emit(event, data, { channel, offset, timestamp });
    return { channel, offset, timestamp };
  };
  const notify = (userId: string, title: string, message: string, data: Record<string, unknown>) => {
    const notification = { id: String(++ids), type: 'info', title, message, data, read: false, timestamp: new Date().toISOString() };
    io.to(`user:${userId}`).emit('notification', notification);
  };

  io.on('connection', (socket) => {
    const userId = String(socket.handshake.auth.userId ?? socket.id);
    void socket.join(`user:${userId}`);
    socket.emit('connected', { socketId: socket.id, userId });

    socket.on('subscribe', (channel: string, ack?: Ack) => {
      void socket.join(channel);
      ack?.({ ok: true, data: { channel, offset: offsets.get(channel) ?? 0, recovered: true, missed: [] } });
    });
    socket.on('echo', (received: unknown, ack?: Ack) => {
      const data = { received, timestamp: new Date().toISOString(), socketId: socket.id };
      socket.emit('echo_response', data);
      ack?.({ ok: true, data });
    });
    socket.on('message:send', (payload: { receiverId: string; content: string; clientMessageId?: string }, ack?: Ack) => {
      const conversationId = [userId, payload.receiverId].sort().join(':');
      const message = {
        id: String(++ids),
        conversationId,
        senderId: userId,
        content: payload.content,
        type: 'text',
        clientMessageId: payload.clientMessageId,
        createdAt: new Date().toISOString(),
      };
      io.to([`user:${userId}`, `user:${payload.receiverId}`]).emit('message:new', message);
      ack?.({ ok: true, data: { message } });
    });
  });

  // The app backend's path: POST /api/publish { channel, event, data }, answered after the emit.
  http.on('request', (req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/publish') return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { channel: string; event: string; data: unknown };
      const result = publish(body.channel, body.event, body.data);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ...result }));
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    features: { publish: true, chat: true, notify: true },
    publish(channel, event, data) {
      publish(channel, event, data);
    },
    broadcast(title, message) {
      io.emit('broadcast', { title, message, from: 'system', timestamp: new Date().toISOString() });
    },
    notify,
    async notifyMany(userIds, title, message, data) {
      for (const userId of userIds) notify(userId, title, message, data);
    },
    async stop() {
      io.close();
      http.closeAllConnections();
    },
  };
}
