/**
 * Development credentials. Outside production, a server with no JWT key configured
 * generates an HS256 secret, and one with no API key generates a development key;
 * both are kept in the data folder (the folder of the SQLite file, `./data` by default)
 * so that `switchboard token`, a restarted server and the curl examples agree.
 * Only `serve` creates them: `token` reads them and refuses to invent a secret the
 * running server would not know. Production refuses to start without real keys.
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

export function needsDevApiKey(config: Pick<SwitchboardConfig, 'apiKeys' | 'env'>): boolean {
  return config.env !== 'production' && config.apiKeys.length === 0;
}

/** A development credential and where it is kept. */
export interface DevCredential {
  value: string;
  path: string;
  created: boolean;
}

/** Thrown by `token` when the server has not created the development secret yet. */
export class MissingDevSecretError extends Error {
  constructor(readonly path: string) {
    super(
      `no development JWT secret at ${path}. Start the server once from this folder (\`npm start\`) so it creates it, ` +
        'or set SWITCHBOARD_JWT_SECRET (a token signed with a secret the server does not know would be refused)',
    );
    this.name = 'MissingDevSecretError';
  }
}

function readCredential(path: string, minLength: number): string | undefined {
  try {
    const value = readFileSync(path, 'utf8').trim();
    return value.length >= minLength ? value : undefined;
  } catch {
    return undefined;
  }
}

function loadOrCreate(path: string, minLength: number, make: () => string, create: boolean): DevCredential | undefined {
  const existing = readCredential(path, minLength);
  if (existing) return { value: existing, path, created: false };
  if (!create) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, path, created: true };
}

/**
 * How a command treats missing development credentials: `serve` creates them,
 * `token` requires the secret (it must sign with the server's), others read what exists.
 */
export type DevCredentialMode = 'create' | 'require' | 'read';

/** The persisted dev JWT secret; undefined when absent in `read` mode, MissingDevSecretError in `require` mode. */
export function devSecret(dir: string, mode: DevCredentialMode): DevCredential | undefined {
  const path = join(dir, 'dev-jwt-secret');
  const found = loadOrCreate(path, 32, () => randomBytes(32).toString('base64url'), mode === 'create');
  if (!found && mode === 'require') throw new MissingDevSecretError(path);
  return found;
}

/** The persisted dev API key (`sk_dev_…`), or undefined when absent and not to be created. */
export function devApiKey(dir: string, mode: DevCredentialMode): DevCredential | undefined {
  return loadOrCreate(join(dir, 'dev-api-key'), 16, () => `sk_dev_${randomBytes(18).toString('base64url')}`, mode === 'create');
}
