/**
 * The CLI's config: file + environment + flags, with the development credentials
 * filled in outside production. `serve` and `token` resolve them the same way (the
 * same data folder); only `serve` creates them.
 */
import {
  type DevCredential,
  type DevCredentialMode,
  dataDir,
  devApiKey,
  devSecret,
  needsDevApiKey,
  needsDevSecret,
} from '../auth/dev-secret.js';
import type { SwitchboardConfig, SwitchboardConfigInput } from '../config/schema.js';
import { loadConfig } from '../features.js';

export interface CliConfig {
  config: Readonly<SwitchboardConfig>;
  /** Set when a development JWT secret is used (and where it is kept). */
  devSecret?: DevCredential;
  /** Set when a development API key is used. */
  devApiKey?: DevCredential;
}

export interface CliConfigFlags {
  config?: string;
  port?: string;
  host?: string;
}

/**
 * @param mode `serve` creates missing development credentials (`create`), `token`
 *   needs the secret the server uses (`require`), the other commands read what exists.
 */
export function loadCliConfig(flags: CliConfigFlags, mode: DevCredentialMode = 'read'): CliConfig {
  const overrides: SwitchboardConfigInput = {};
  if (flags.port !== undefined) overrides.port = Number(flags.port);
  if (flags.host !== undefined) overrides.host = flags.host;
  const base = loadConfig({ file: flags.config, overrides });
  const dir = dataDir(base);
  const secret = needsDevSecret(base) ? devSecret(dir, mode) : undefined;
  const apiKey = needsDevApiKey(base) ? devApiKey(dir, mode) : undefined;
  if (!secret && !apiKey) return { config: base };
  const config = loadConfig({
    file: flags.config,
    overrides: {
      ...overrides,
      ...(secret ? { auth: { jwtSecret: secret.value } } : {}),
      ...(apiKey ? { apiKeys: [apiKey.value] } : {}),
    },
  });
  return { config, devSecret: secret, devApiKey: apiKey };
}
