/**
 * The JSON bodies of the admin routes (`/api/admin/*`), shared by the server and the
 * dashboard's browser code (which imports these types only). Every list here is
 * bounded or paged: no answer grows with the number of connections.
 */
import type { PresenceInfo } from '../protocol/shapes.js';

/** How a part is doing: `off` when it is not configured. */
export type StatusState = 'up' | 'degraded' | 'down' | 'off';

/** One status panel row. `details` are shown as label/value pairs. */
export interface StatusReport {
  state: StatusState;
  /** One line for the panel, e.g. the error of a failed check. */
  summary?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** A provider's report with its name, as the overview carries it. */
export interface NamedStatus extends StatusReport {
  name: string;
}

/** One node's own numbers (the dashboard's "nodes" table). */
export interface NodeStats {
  nodeId: string;
  version: string;
  /** Sockets connected to this node. */
  connections: number;
  eventsInPerSecond: number;
  eventsOutPerSecond: number;
  errorsByCode: Record<string, number>;
  handshakeFailuresByCode: Record<string, number>;
  uptimeSeconds: number;
  rssBytes: number;
}

/** How many nodes a cluster-wide answer heard from. */
export interface NodesAnswered {
  /** Nodes sharing the adapter (this one included). */
  expected: number;
  answered: number;
}

/** GET /api/admin/overview. */
export interface Overview {
  generatedAt: string;
  /** The node that answered this request. */
  nodeId: string;
  /** Cluster-wide, from the presence store. */
  connections: number;
  users: number;
  nodes: NodesAnswered & { list: NodeStats[] };
  /** Summed over the nodes that answered (last 5 s). */
  eventsInPerSecond: number;
  eventsOutPerSecond: number;
  /** Since each node started, summed. */
  errorsByCode: Record<string, number>;
  handshakeFailuresByCode: Record<string, number>;
  /** This node's view of its backing services. */
  status: NamedStatus[];
  /** True when this is an earlier overview, served because the current one is late. */
  stale: boolean;
}

/** One row of GET /api/admin/channels. */
export interface ChannelRow {
  name: string;
  /** Sockets subscribed, cluster-wide (summed over the nodes that answered). */
  subscribers: number;
  /** Publications kept in history and the newest offset; null for a channel without history. */
  history: { size: number; lastOffset: number } | null;
}

/** GET /api/admin/channels?cursor=&prefix=&limit= */
export interface ChannelsPage {
  channels: ChannelRow[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
  nodes: NodesAnswered;
}

/** One row of GET /api/admin/users. */
export interface UserRow {
  userId: string;
  presence: PresenceInfo;
}

/** GET /api/admin/users?cursor=&prefix=&limit= (users online). */
export interface UsersPage {
  users: UserRow[];
  nextCursor: string | null;
  /** Users online, cluster-wide. */
  total: number;
}

/** One socket of a user, as the node holding it sees it. */
export interface SocketDetail {
  id: string;
  nodeId: string;
  /** `websocket`, `polling` or `webtransport`: the transport in use now (after any upgrade). */
  transport: string;
  address: string;
  userAgent: string | null;
  /** ISO time of the handshake. */
  connectedAt: string;
  /** Rooms besides the socket's own id room, at most 100. */
  rooms: string[];
  roomCount: number;
  authKind: string;
  roles: string[];
}

/** GET /api/admin/users/{id}: presence, cluster-wide. */
export interface UserPresence {
  userId: string;
  presence: PresenceInfo;
}

/** GET /api/admin/users/{id}/sockets. */
export interface UserSockets {
  userId: string;
  sockets: SocketDetail[];
  nodes: NodesAnswered;
}

/** POST /api/admin/users/{id}/disconnect. */
export interface DisconnectResult {
  userId: string;
  /** Sockets the presence store listed for the user when the order went out. */
  disconnected: number;
}

/** Who signed in to the dashboard (GET /api/admin/whoami). */
export interface AdminIdentity {
  kind: 'apiKey' | 'user';
  /** `key …1a2b3c` or the user's id and name. */
  label: string;
}
