/**
 * The connection pipeline: every authenticated socket gets its events routed (before
 * any await, so no early event is lost), joins `user:{id}`, is recorded in presence,
 * runs the features' connection hooks and receives `connected`; on disconnect,
 * presence forgets it and the disconnect hooks run. Hooks run as tracked work so a
 * graceful shutdown waits for them.
 */
import type { ConnectedFieldsProvider, ConnectionHook, DisconnectHook, SwitchboardContext } from '../core/context.js';
import { isoNow } from '../core/ids.js';
import type { ConnectedPayload } from '../protocol/events.js';
import { userRoom } from '../realtime/rooms.js';
import type { SwitchboardSocket } from '../realtime/socket-types.js';

export interface ConnectionHooks {
  onConnection: ConnectionHook[];
  onDisconnect: DisconnectHook[];
  connectedFields: ConnectedFieldsProvider[];
}

export function attachConnectionPipeline(ctx: SwitchboardContext, hooks: ConnectionHooks): void {
  ctx.io.on('connection', (socket: SwitchboardSocket) => {
    ctx.events.attach(socket);
    ctx.metrics.connections.inc();
    void socket.join(userRoom(socket.data.userId));
    socket.on('disconnect', (reason) => {
      ctx.metrics.connections.dec();
      void ctx.lifecycle.track(() => socketLeft(ctx, hooks, socket, reason));
    });
    void ctx.lifecycle.track(() => socketArrived(ctx, hooks, socket));
  });
}

async function socketArrived(ctx: SwitchboardContext, hooks: ConnectionHooks, socket: SwitchboardSocket): Promise<void> {
  const userId = socket.data.userId;
  try {
    const { firstDevice } = await ctx.presence.addSocket(userId, socket.id);
    for (const hook of hooks.onConnection) await hook(socket, { firstDevice });
    const extra: Record<string, unknown> = {};
    for (const provider of hooks.connectedFields) Object.assign(extra, await provider(socket));
    if (!socket.connected) return;
    const payload: ConnectedPayload = {
      message: `Connected to ${ctx.config.name}`,
      socketId: socket.id,
      userId,
      isLoggedIn: socket.data.isLoggedIn,
      roles: socket.data.roles,
      timestamp: isoNow(),
      ...extra,
      unreadNotifications: Number(extra.unreadNotifications ?? 0),
    };
    ctx.emitter.counted('connected');
    socket.emit('connected', payload);
  } catch (err) {
    ctx.logger.error({ err, userId }, 'connection setup failed');
    socket.emit('error', { code: 'INTERNAL', message: 'Connection setup failed' });
    socket.disconnect(true);
  }
}

async function socketLeft(ctx: SwitchboardContext, hooks: ConnectionHooks, socket: SwitchboardSocket, reason: string): Promise<void> {
  const userId = socket.data.userId;
  let lastDevice = false;
  try {
    ({ lastDevice } = await ctx.presence.removeSocket(userId, socket.id));
  } catch (err) {
    // A Redis outage must not turn a disconnect into an unhandled rejection;
    // the heartbeat sweep or the next clear() catches up.
    ctx.logger.error({ err, userId }, 'presence update on disconnect failed');
  }
  for (const hook of hooks.onDisconnect) {
    try {
      await hook(socket, reason, { lastDevice });
    } catch (err) {
      ctx.logger.error({ err, userId }, 'disconnect hook failed');
    }
  }
}
