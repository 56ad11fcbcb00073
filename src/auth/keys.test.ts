/** RS256/ES256 public keys, a JWKS URL, and algorithm confusion. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { expectRefused } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

async function keyPair(alg: 'RS256' | 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { publicKey, privateKey, pem: await exportSPKI(publicKey) };
}

describe('asymmetric keys', () => {
  it.each(['RS256', 'ES256'] as const)('%s with a PEM public key', async (alg) => {
    const { privateKey, pem } = await keyPair(alg);
    const server = await startTestServer({ config: { auth: { jwtSecret: undefined, jwtPublicKey: pem } } });
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg })
      .setSubject('rs-user')
      .setExpirationTime('1h')
      .sign(privateKey);
    const { connected } = await server.connect('rs-user', { token });
    expect(connected).toMatchObject({ userId: 'rs-user', roles: ['admin'] });
  });

  it('refuses HS256 signed with the public key text (algorithm confusion)', async () => {
    const { pem } = await keyPair('RS256');
    const server = await startTestServer({ config: { auth: { jwtSecret: undefined, jwtPublicKey: pem } } });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(pem));
    expect((await expectRefused(server.url, { token: forged })).data?.code).toBe('AUTH_INVALID');
  });

  it('refuses an RS256 token when only a secret is configured', async () => {
    const { privateKey } = await keyPair('RS256');
    const server = await startTestServer();
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('x').setExpirationTime('1h').sign(privateKey);
    expect((await expectRefused(server.url, { token })).data?.code).toBe('AUTH_INVALID');
  });

  it('verifies against a JWKS URL, picking the key by kid', async () => {
    const { publicKey, privateKey } = await keyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    onCleanup(() => new Promise<void>((r) => jwks.close(() => r())));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    const server = await startTestServer({ config: { auth: { jwtSecret: undefined, jwksUrl: url } } });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('jwks-user')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await server.connect('jwks-user', { token })).connected.userId).toBe('jwks-user');
    const other = await keyPair('RS256');
    const wrong = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(other.privateKey);
    expect((await expectRefused(server.url, { token: wrong })).data?.code).toBe('AUTH_INVALID');
  });

  it('a JWKS URL that is down is UNAVAILABLE', async () => {
    const { privateKey } = await keyPair('RS256');
    const server = await startTestServer({ config: { auth: { jwtSecret: undefined, jwksUrl: 'http://127.0.0.1:9/jwks.json' } } });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await expectRefused(server.url, { token })).data?.code).toBe('UNAVAILABLE');
  });
});
