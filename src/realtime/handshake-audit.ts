/**
 * The audit line of a handshake (accepted or refused) at the level `log.handshakes`
 * says: `debug` by default, so a reconnect storm of thousands of clients does not
 * fill the info log with one line each (200 to 300 bytes a line: 5,000 handshakes
 * are over 1 MB); `info` to keep them as an audit trail; `off` for none. Refusals
 * are counted by code in metrics (`handshake_failures_total`) and on the dashboard
 * whatever the level; failures of the server itself (INTERNAL) are always errors.
 */
import type { SwitchboardConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';

export type HandshakeAudit = (fields: Record<string, unknown>, message: string) => void;

export function handshakeAudit(logger: Logger, level: SwitchboardConfig['log']['handshakes']): HandshakeAudit {
  if (level === 'off') return () => {};
  return (fields, message) => logger[level](fields, message);
}
