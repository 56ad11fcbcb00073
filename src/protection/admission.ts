/**
 * The handshake's admission checks: the per-IP handshake rate before any token is
 * verified (a flood of bad signatures costs a counter, not a signature check each),
 * then one atomic claim on the per-user and per-IP connection caps. The claim is
 * given back once, when the socket disconnects or its transport closes (whichever
 * comes first; a socket refused after the claim never reaches `connection`).
 */
import type { AdmissionCheck, SwitchboardSocket } from '../core/context.js';
import { fail } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { clientAddress } from './client-address.js';
import type { CapClaim, ConnectionCaps } from './connection-caps.js';
import { HANDSHAKE_RULE } from './ip-rates.js';
import type { LimitsConfig } from './limits-config.js';

export interface AdmissionOptions {
  limits: LimitsConfig;
  trustProxy: boolean;
  ipRates: RateLimiter;
  caps: ConnectionCaps;
  logger: Logger;
  /** Counts a refusal by the limit that refused it. */
  refused(limit: string): void;
}

/** The client IP of a socket; `handshake.address` was read when the session opened (a polling request's own socket may be gone by now). */
export function addressOf(socket: SwitchboardSocket, trustProxy: boolean): string {
  return clientAddress(socket.handshake.address, socket.handshake.headers, trustProxy);
}

export function createAdmission(options: AdmissionOptions): AdmissionCheck {
  const { limits, trustProxy, ipRates, caps } = options;
  return {
    async beforeAuth(socket) {
      const decision = await ipRates.consume(HANDSHAKE_RULE, addressOf(socket, trustProxy));
      if (decision.allowed) return;
      options.refused('handshakesPerIpPerSecond');
      throw fail('RATE_LIMITED', 'Too many handshakes from this address', { retryAfterMs: decision.retryAfterMs });
    },
    async afterAuth(socket) {
      const claims: CapClaim[] = [
        { kind: 'user', key: socket.data.userId, limit: limits.maxConnectionsPerUser },
        { kind: 'ip', key: addressOf(socket, trustProxy), limit: limits.maxConnectionsPerIp },
      ];
      const full = await caps.acquire(claims);
      if (full) {
        const limit = full.kind === 'user' ? 'maxConnectionsPerUser' : 'maxConnectionsPerIp';
        options.refused(limit);
        throw fail('RATE_LIMITED', full.kind === 'user' ? 'Too many connections for this user' : 'Too many connections from this address', {
          limit,
          max: full.limit,
        });
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        caps.release(claims).catch((err) => options.logger.warn({ err }, 'connection cap release failed'));
      };
      // `on`, not `once`: release is idempotent, and each `once` allocates a wrapper
      // and a bound function per socket for the whole life of the connection.
      socket.on('disconnect', release);
      socket.conn.on('close', release);
    },
  };
}
