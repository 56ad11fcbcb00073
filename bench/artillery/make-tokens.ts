/**
 * Writes one token per line (tokens.csv) for the Artillery scenarios, one user each, so
 * per-user rate limits apply to each virtual user as to a real one.
 *
 *   npx tsx bench/artillery/make-tokens.ts 1000 > bench/artillery/tokens.csv
 *       signs `load-1` … `load-1000` with the HS256 secret the server uses
 *       (SWITCHBOARD_JWT_SECRET, or the development secret of ./data as `switchboard token` does)
 *   npx tsx bench/artillery/make-tokens.ts 1000 --guest http://localhost:3000 > bench/artillery/tokens.csv
 *       creates guest sessions instead (POST /api/sessions): no secret needed
 */
import { signToken } from '../../src/auth/sign-token.js';
import { loadCliConfig } from '../../src/cli/load-cli-config.js';

async function signed(count: number): Promise<string[]> {
  const { config } = loadCliConfig({ config: process.env.SWITCHBOARD_CONFIG });
  const { jwtSecret, issuer, audience } = config.auth;
  if (!jwtSecret) throw new Error('no HS256 secret: set SWITCHBOARD_JWT_SECRET, or use --guest <url>');
  const tokens: string[] = [];
  for (let i = 1; i <= count; i++) tokens.push(await signToken({ secret: jwtSecret, sub: `load-${i}`, ttl: '4h', issuer, audience }));
  return tokens;
}

async function guests(count: number, url: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${url.replace(/\/$/, '')}/api/sessions`, { method: 'POST' });
    const body = (await res.json()) as { ok: boolean; token?: string; error?: { code: string; message: string } };
    if (!body.ok || !body.token) throw new Error(`POST /api/sessions: ${body.error?.code}: ${body.error?.message}`);
    tokens.push(body.token);
  }
  return tokens;
}

const [countArg = '100', flag, url] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count < 1) throw new Error('usage: make-tokens.ts <count> [--guest <url>]');
const tokens = flag === '--guest' && url ? await guests(count, url) : await signed(count);
process.stdout.write(`${tokens.join('\n')}\n`);
