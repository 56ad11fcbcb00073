/** The verifier keeps one secret key object for every HS algorithm (issues 6 and 10: no per-handshake import); every HS algorithm still verifies and bad tokens are still refused. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../src/auth/jwt-verifier.js';

const secret = 'hmac-test-secret-0123456789abcdef';
const config = { jwtSecret: secret, clockToleranceSeconds: 0, expiryWarningSeconds: 60, sessionTtlSeconds: 3600 };
const sign = (alg: string, key = secret, exp: string | number = '1h') =>
  new SignJWT({}).setProtectedHeader({ alg }).setSubject('7').setExpirationTime(exp).sign(new TextEncoder().encode(key));

describe('JWT verifier with one HMAC key object', () => {
  it('verifies HS256, HS384 and HS512, repeatedly', async () => {
    const verifier = createJwtVerifier(config);
    for (const alg of ['HS256', 'HS384', 'HS512', 'HS256']) {
      await expect(verifier.verify(await sign(alg))).resolves.toMatchObject({ subject: '7' });
    }
  });

  it('refuses a wrong secret as AUTH_INVALID and a passed exp as AUTH_EXPIRED', async () => {
    const verifier = createJwtVerifier(config);
    await expect(verifier.verify(await sign('HS256', 'another-secret-0123456789abcdef'))).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await expect(verifier.verify(await sign('HS256', secret, Math.floor(Date.now() / 1000) - 60))).rejects.toMatchObject({
      code: 'AUTH_EXPIRED',
    });
  });
});
