/** The CLI's config: file + environment + flags, with the dev secret filled in outside production. */
import { dataDir, loadOrCreateDevSecret, needsDevSecret } from '../auth/dev-secret.js';
import type { SwitchboardConfig, SwitchboardConfigInput } from '../config/schema.js';
import { loadConfig } from '../features.js';

export interface CliConfig {
  config: Readonly<SwitchboardConfig>;
  /** Set when a development secret was used (and where it is kept). */
  devSecret?: { path: string; created: boolean };
}

export function loadCliConfig(flags: { config?: string; port?: string; host?: string }): CliConfig {
  const overrides: SwitchboardConfigInput = {};
  if (flags.port !== undefined) overrides.port = Number(flags.port);
  if (flags.host !== undefined) overrides.host = flags.host;
  const base = loadConfig({ file: flags.config, overrides });
  if (!needsDevSecret(base)) return { config: base };
  const { secret, path, created } = loadOrCreateDevSecret(dataDir(base));
  const config = loadConfig({ file: flags.config, overrides: { ...overrides, auth: { jwtSecret: secret } } });
  return { config, devSecret: { path, created } };
}
