/** Who a connection or request is, once its credentials have been checked. */
export interface Principal {
  userId: string;
  isLoggedIn: boolean;
  roles: string[];
  name?: string;
  authKind: 'jwt' | 'session';
  sessionId?: string;
  /** Epoch ms when the credentials expire, or null when they do not. */
  expiresAt: number | null;
}

export const KNOWN_ROLES = ['admin', 'monitor'] as const;

export function hasRole(principal: Pick<Principal, 'roles'>, ...roles: string[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
