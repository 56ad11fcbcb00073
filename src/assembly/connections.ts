/**
 * The connection pipeline: every authenticated socket gets its events routed (before
 * any await, so no early event is lost), joins `user:{id}`, is recorded in presence,
 * runs the features' connection hooks and receives `connected`; on disconnect,
 * presence forgets it and the disconnect hooks run. Hooks run as tracked work so a
 * graceful shutdown waits for them.
 */
import type {
  ConnectedFieldsProvider,
  ConnectionHook,
  DisconnectHook,
  PresenceTransition,
  SwitchboardContext,
  UserOfflineHook,
} from '../core/context.js';
import { toSwitchboardError } from '../core/errors.js';
import { isoNow } from '../core/ids.js';
import type { ConnectedPayload } from '../protocol/events.js';
import { sessionRoom, userRoom } from '../realtime/rooms.js';
import type { SwitchboardSocket } from '../realtime/socket-types.js';

export interface ConnectionHooks {
  onConnection: ConnectionHook[];
  onDisconnect: DisconnectHook[];
  onUserOffline: UserOfflineHook[];
  connectedFields: ConnectedFieldsProvider[];
}

/** What the pipeline tells the departures service (src/presence/departures.ts). */
export interface DepartureWatch {
  departed(): void;
}

export function attachConnectionPipeline(ctx: SwitchboardContext, hooks: ConnectionHooks, departures: DepartureWatch): void {
  ctx.io.on('connection', (socket: SwitchboardSocket) => {
    ctx.events.attach(socket);
    ctx.metrics.connections.inc();
    void socket.join(userRoom(socket.data.userId));
    // A guest session's sockets share a room, so revoking it is one cluster-wide disconnect.
    if (socket.data.sessionId) void socket.join(sessionRoom(socket.data.sessionId));
    socket.on('disconnect', (reason) => {
      ctx.metrics.connections.dec();
      void ctx.lifecycle.track(() => socketLeft(ctx, hooks, socket, reason, departures));
    });
    void ctx.lifecycle.track(() => socketArrived(ctx, hooks, socket));
  });
}

async function socketArrived(ctx: SwitchboardContext, hooks: ConnectionHooks, socket: SwitchboardSocket): Promise<void> {
  const userId = socket.data.userId;
  try {
    const transition = await recordArrival(ctx, socket);
    // Hooks (in order) and the `connected` fields (each one indexed read) run side by
    // side: the payload waits for the slowest, not for their sum.
    const [, fields] = await Promise.all([
      (async () => {
        for (const hook of hooks.onConnection) await hook(socket, transition);
      })(),
      Promise.all(hooks.connectedFields.map((provider) => provider(socket))),
    ]);
    const extra: Record<string, unknown> = Object.assign({}, ...fields);
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
    // A backing service (the store) failed: the contract's code (UNAVAILABLE), never a stack.
    const error = toSwitchboardError(err);
    ctx.logger.error({ err, userId }, 'connection setup failed');
    socket.emit('error', { code: error.code, message: 'Connection setup failed' });
    socket.disconnect(true);
  }
}

/**
 * Records the socket in presence. When presence is unreachable (a Redis outage) the
 * connection is still served by this node, as degraded service: the presence store
 * keeps the socket in its own list and registers it once Redis is back; meanwhile
 * nobody is told the user came online.
 */
async function recordArrival(ctx: SwitchboardContext, socket: SwitchboardSocket): Promise<PresenceTransition> {
  try {
    return await ctx.presence.addSocket(socket.data.userId, socket.id);
  } catch (err) {
    if (toSwitchboardError(err).code !== 'UNAVAILABLE') throw err;
    ctx.logger.warn({ err, userId: socket.data.userId }, 'presence unavailable: connection served without presence until it is back');
    return { firstDevice: false, returned: false };
  }
}

async function socketLeft(
  ctx: SwitchboardContext,
  hooks: ConnectionHooks,
  socket: SwitchboardSocket,
  reason: string,
  departures: DepartureWatch,
): Promise<void> {
  const userId = socket.data.userId;
  let lastDevice = false;
  try {
    ({ lastDevice } = await ctx.presence.removeSocket(userId, socket.id));
    if (lastDevice) departures.departed();
  } catch (err) {
    // A Redis outage must not turn a disconnect into an unhandled rejection; presence
    // is rebuilt from this node's live sockets when Redis is back (the user departs then).
    ctx.logger.warn({ err, userId }, 'presence update on disconnect failed');
  }
  for (const hook of hooks.onDisconnect) {
    try {
      await hook(socket, reason, { lastDevice });
    } catch (err) {
      ctx.logger.error({ err, userId }, 'disconnect hook failed');
    }
  }
}
