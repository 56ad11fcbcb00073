/** Helpers for the dashboard tests: admin calls and a logger whose lines can be read. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/core/logger.js';
import type { TestServer } from './server.js';

/** A pino logger at `info` whose JSON lines are kept, parsed, in `lines`. */
export function recordingLogger(): { logger: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** The dashboard's audit lines so far. */
export function auditLines(lines: Array<Record<string, any>>): Array<Record<string, any>> {
  return lines.filter((line) => line.audit === 'dashboard');
}

/** GET an admin route with the API key (or `token`), expecting 200; returns the body. */
export async function adminGet(server: TestServer, path: string, token?: string): Promise<any> {
  const res = await server.request('GET', path, token ? { token } : { apiKey: true });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
