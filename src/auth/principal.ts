import type { SocketData } from '../protocol/events.js';

/**
 * Who a connection or request is, once its credentials have been checked: the same
 * fields a socket carries as `socket.data` (the contract's SocketData).
 */
export type Principal = SocketData;

export const KNOWN_ROLES = ['admin', 'monitor'] as const;

export function hasRole(principal: Pick<Principal, 'roles'>, ...roles: string[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
