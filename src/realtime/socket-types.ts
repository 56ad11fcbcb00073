/** The Socket.IO server and socket types, typed by the one event map (STYLE.md #1). */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../protocol/events.js';

export type SwitchboardServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SwitchboardSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
