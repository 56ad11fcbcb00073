/**
 * Handshake audit lines follow `log.handshakes`: by default (`debug`) a storm of
 * handshakes writes nothing to an info log, `info` keeps one line per handshake
 * (accepted and refused), `off` none even at debug. Refusals are counted either way.
 */
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../../test/support/client.js';
import { captureLogs, type LogLine } from '../../test/support/logs.js';
import { startTestServer } from '../../test/support/server.js';
import type { SwitchboardConfigInput } from '../config/schema.js';

const STORM = 100;

const handshakeLines = (lines: LogLine[]) => lines.filter((line) => line.audit === 'handshake');
const bytesOf = (lines: LogLine[]) => lines.reduce((sum, line) => sum + JSON.stringify(line).length + 1, 0);

async function storm(logLevel: string, handshakes?: SwitchboardConfigInput['log']) {
  const logs = captureLogs(logLevel);
  const server = await startTestServer({
    logger: logs.logger,
    config: { cors: { origins: ['https://app.example'] }, ...(handshakes ? { log: handshakes } : {}) },
  });
  for (let i = 0; i < STORM; i++) await server.connect(`user-${i}`);
  await expectRefused(server.url, { token: 'not-a-token' });
  await expectRefused(server.url, { extraHeaders: { origin: 'https://evil.example' } });
  const refused = await server.request('GET', '/metrics', { apiKey: true });
  return { lines: logs.lines, metrics: refused.body as string };
}

describe('handshake audit lines', () => {
  it(`by default, ${STORM} handshakes write nothing to an info log, and refusals are still counted`, async () => {
    const { lines, metrics } = await storm('info');
    expect(handshakeLines(lines)).toEqual([]);
    expect(bytesOf(lines)).toBeLessThan(10_000);
    expect(metrics).toMatch(/handshake_failures_total\{code="AUTH_INVALID"\} 1/);
  });

  it('at info, one line per handshake, accepted and refused, with no token contents', async () => {
    const { lines } = await storm('info', { handshakes: 'info' });
    const audit = handshakeLines(lines);
    expect(audit.filter((line) => line.outcome === 'accepted')).toHaveLength(STORM);
    expect(audit.filter((line) => line.outcome === 'refused').map((line) => line.code)).toEqual(
      expect.arrayContaining(['AUTH_INVALID', 'FORBIDDEN']),
    );
    expect(JSON.stringify(audit)).not.toContain('not-a-token');
    // What the default spares: at this size per line, 5,000 handshakes are over 1 MB.
    const perLine = bytesOf(audit) / audit.length;
    expect(perLine * 5000).toBeGreaterThan(1_000_000);
  });

  it('off writes none, even at debug', async () => {
    const { lines } = await storm('debug', { handshakes: 'off' });
    expect(handshakeLines(lines)).toEqual([]);
  });
});
