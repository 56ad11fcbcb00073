/**
 * The node:crypto HS* verifier agrees with jose (the reference) on every token
 * below: what jose accepts it accepts, what jose refuses it refuses with the
 * contract's code (AUTH_EXPIRED only for a passed `exp`).
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type HmacAlgorithm, verifyHmacJwt } from './hmac-jwt.js';

const SECRET = 'hmac-parity-secret-0123456789abcdef';
const raw = new TextEncoder().encode(SECRET);
const key = createSecretKey(Buffer.from(SECRET));
const now = Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function sign(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256' }, secret = raw): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(secret);
}

/** A token signed by hand, for headers jose will not produce. */
function handSigned(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

/** jose's verdict: 'ok', 'expired' or 'invalid'. */
async function reference(token: string, alg: string, options: { issuer?: string; audience?: string }): Promise<string> {
  try {
    await jwtVerify(token, raw, { ...options, algorithms: [alg], clockTolerance: 5 });
    return 'ok';
  } catch (err) {
    return err instanceof errors.JWTExpired ? 'expired' : 'invalid';
  }
}

function ours(token: string, alg: HmacAlgorithm, options: { issuer?: string; audience?: string }): string {
  try {
    verifyHmacJwt(token, key, alg, { ...options, clockTolerance: 5 });
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code === 'AUTH_EXPIRED' ? 'expired' : 'invalid';
  }
}

describe('HS* verification on node:crypto', () => {
  it('agrees with jose on valid, forged, expired, early, mis-addressed and malformed tokens', async () => {
    const valid = await sign({ sub: '1', exp: now + 60 });
    const [h, p, s] = valid.split('.') as [string, string, string];
    const cases: Array<{ name: string; token: string; alg?: HmacAlgorithm; options?: { issuer?: string; audience?: string } }> = [
      { name: 'valid HS256', token: valid },
      { name: 'valid HS384', token: await sign({ sub: '1' }, { alg: 'HS384' }), alg: 'HS384' },
      { name: 'valid HS512', token: await sign({ sub: '1' }, { alg: 'HS512' }), alg: 'HS512' },
      {
        name: 'wrong secret',
        token: await sign({ sub: '1' }, { alg: 'HS256' }, new TextEncoder().encode('another-secret-0123456789abcdef')),
      },
      { name: 'payload swapped', token: `${h}.${b64({ sub: 'admin' })}.${s}` },
      { name: 'signature cut', token: `${h}.${p}.${s.slice(0, -2)}` },
      { name: 'signature with a trailing char', token: `${h}.${p}.${s}A` },
      { name: 'header alg HS512 verified as HS256', token: await sign({ sub: '1' }, { alg: 'HS512' }) },
      { name: 'crit header', token: handSigned({ alg: 'HS256', crit: ['x'], x: 1 }, { sub: '1' }) },
      { name: 'unencoded payload header', token: handSigned({ alg: 'HS256', b64: false, crit: ['b64'] }, { sub: '1' }) },
      { name: 'hand-signed valid', token: handSigned({ alg: 'HS256' }, { sub: '1' }) },
      { name: 'expired beyond the tolerance', token: await sign({ sub: '1', exp: now - 30 }) },
      { name: 'expired within the tolerance', token: await sign({ sub: '1', exp: now - 2 }) },
      { name: 'not yet valid', token: await sign({ sub: '1', nbf: now + 60 }) },
      { name: 'nbf within the tolerance', token: await sign({ sub: '1', nbf: now + 2 }) },
      { name: 'exp not a number', token: await sign({ sub: '1', exp: 'soon' }) },
      { name: 'iat not a number', token: await sign({ sub: '1', iat: 'then' }) },
      { name: 'issuer matches', token: await sign({ sub: '1', iss: 'me' }), options: { issuer: 'me' } },
      { name: 'issuer differs', token: await sign({ sub: '1', iss: 'you' }), options: { issuer: 'me' } },
      { name: 'issuer missing', token: await sign({ sub: '1' }), options: { issuer: 'me' } },
      { name: 'audience in a list', token: await sign({ sub: '1', aud: ['a', 'b'] }), options: { audience: 'b' } },
      { name: 'audience differs', token: await sign({ sub: '1', aud: 'c' }), options: { audience: 'b' } },
      { name: 'two parts', token: `${h}.${p}` },
      { name: 'header not JSON', token: `bm90IGpzb24.${p}.${s}` },
    ];
    for (const c of cases) {
      const alg = c.alg ?? 'HS256';
      expect(ours(c.token, alg, c.options ?? {}), c.name).toBe(await reference(c.token, alg, c.options ?? {}));
    }
  });

  it('refuses a payload that is not a JSON object even when correctly signed', async () => {
    const header = b64({ alg: 'HS256' });
    const payload = Buffer.from('[1,2]').toString('base64url');
    const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
    expect(() => verifyHmacJwt(`${header}.${payload}.${signature}`, key, 'HS256', { clockTolerance: 0 })).toThrow(/invalid/i);
  });
});
