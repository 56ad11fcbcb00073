/**
 * Loads config once at start: file (SWITCHBOARD_CONFIG, JSON) then environment on
 * top, validated by the schema; every problem is listed with its key, and the result
 * is frozen so no module can change it later.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import {
  CONFIG_FILE_VARIABLE,
  configSchema,
  ENV_VARIABLES,
  type EnvVariable,
  type SwitchboardConfig,
  type SwitchboardConfigInput,
} from './schema.js';

/** The default `default` rate limit: 10 events/s per user, as the chat seed has it. */
export const DEFAULT_RATE_LIMIT = { points: 10, perSeconds: 1 };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Environment to read; @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Config file path; @default env.SWITCHBOARD_CONFIG */
  file?: string;
  /** Values applied over file and environment (programmatic use and tests). */
  overrides?: SwitchboardConfigInput;
}

function parseEnvValue(variable: EnvVariable, raw: string): unknown {
  switch (variable.kind) {
    case 'int': {
      const value = Number(raw);
      if (!Number.isInteger(value)) throw new ConfigError([`${variable.name}: expected a whole number, got "${raw}"`]);
      return value;
    }
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError([`${variable.name}: expected true or false, got "${raw}"`]);
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge where `over` wins; arrays are replaced, not concatenated. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeConfig(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${CONFIG_FILE_VARIABLE}: cannot read ${file} (${(err as Error).message})`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isPlainObject(parsed)) throw new Error('the file must hold a JSON object');
    return parsed;
  } catch (err) {
    throw new ConfigError([`${CONFIG_FILE_VARIABLE}: ${file} is not valid JSON (${(err as Error).message})`]);
  }
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
      return issue.keys.map((k) => `${prefix}${k}: unknown key`).join('; ');
    }
    return `${key}: ${issue.message}`;
  });
}

/** Checks that only make sense on the whole config. */
function crossChecks(config: SwitchboardConfig): string[] {
  const problems: string[] = [];
  const keySources = [config.auth.jwtSecret, config.auth.jwtPublicKey, config.auth.jwksUrl].filter(Boolean);
  if (config.auth.jwtPublicKey && config.auth.jwksUrl) {
    problems.push('auth: set jwtPublicKey or jwksUrl, not both');
  }
  if (config.env === 'production') {
    if (keySources.length === 0) {
      problems.push('auth.jwtSecret: production needs a real secret, public key or JWKS URL (SWITCHBOARD_JWT_SECRET, …)');
    }
    const origins = config.cors.origins;
    if (!origins || origins.length === 0 || origins.includes('*')) {
      problems.push('cors.origins: production needs explicit origins (SWITCHBOARD_CORS_ORIGINS), not *');
    }
  }
  return problems;
}

/** Builds the final, frozen config or throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<SwitchboardConfig> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};

  const file = options.file ?? env[CONFIG_FILE_VARIABLE];
  if (file) raw = readConfigFile(file);

  const fromEnv: Record<string, unknown> = {};
  for (const variable of ENV_VARIABLES) {
    const value = env[variable.name];
    if (value === undefined || value === '') continue;
    // NODE_ENV values other than the three modes (e.g. "staging") are treated as development.
    if (variable.name === 'NODE_ENV' && !['development', 'production', 'test'].includes(value)) continue;
    try {
      setPath(fromEnv, variable.path, parseEnvValue(variable, value));
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
    }
  }
  raw = mergeConfig(raw, fromEnv);
  if (options.overrides) raw = mergeConfig(raw, options.overrides as Record<string, unknown>);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) problems.push(...formatIssues(parsed.error));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const config = parsed.data;
  config.rateLimits = { default: DEFAULT_RATE_LIMIT, ...config.rateLimits };
  if (!config.cors.origins && config.env !== 'production') config.cors.origins = ['*'];
  if (config.testEndpoints === undefined) config.testEndpoints = config.env !== 'production';

  const cross = crossChecks(config);
  if (cross.length > 0) throw new ConfigError(cross);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
