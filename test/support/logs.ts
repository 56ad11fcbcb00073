/**
 * A pino logger whose lines the test can read: each line is parsed from the
 * destination stream as pino writes it, the way a log shipper would see it.
 */
import { type Logger, pino } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, in order. */
  readonly lines: LogLine[];
}

/** A logger at `level` writing into `lines`. */
export function captureLogs(level = 'info'): CapturedLogs {
  const lines: LogLine[] = [];
  const destination = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
    },
  };
  return { logger: pino({ level }, destination), lines };
}
