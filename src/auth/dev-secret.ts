/**
 * Outside production, a server with no key configured generates an HS256 secret
 * and keeps it in the data folder, so `switchboard token` and a restarted server
 * agree on it. Production refuses to start without a real key (config checks).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SwitchboardConfig } from '../config/schema.js';

/** The folder the embedded store lives in (`./data` by default). */
export function dataDir(config: Pick<SwitchboardConfig, 'database'>): string {
  const url = config.database.url;
  if (url.startsWith('sqlite:') && !url.includes(':memory:')) return dirname(resolve(url.slice('sqlite:'.length)));
  return resolve('data');
}

export function needsDevSecret(config: Pick<SwitchboardConfig, 'auth' | 'env'>): boolean {
  return config.env !== 'production' && !config.auth.jwtSecret && !config.auth.jwtPublicKey && !config.auth.jwksUrl;
}

/** Reads the persisted dev secret, creating it on first use. */
export function loadOrCreateDevSecret(dir: string): { secret: string; path: string; created: boolean } {
  const path = join(dir, 'dev-jwt-secret');
  try {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= 32) return { secret, path, created: false };
  } catch {
    // first start: fall through and create it
  }
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return { secret, path, created: true };
}
