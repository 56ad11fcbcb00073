/** pino, JSON by default and pretty in a terminal (unless told otherwise). */
import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** @default 'info' */
  level?: string;
  /** Pretty-print; @default true when stdout is a TTY and not in production */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'production');
  if (pretty) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino({ level });
}
