/**
 * Loads config once at start: file (SWITCHBOARD_CONFIG, JSON) then environment on
 * top, validated by the composed schema; every problem is listed with its key, and
 * the result is frozen so no module can change it later. The schema is a parameter:
 * src/features.ts binds it to the built-in features (`loadConfig`).
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { type EnvVariable, envVariables } from './env.js';
import { CONFIG_FILE_VARIABLE, type ConfigSchema, type SwitchboardConfig, type SwitchboardConfigInput } from './schema.js';

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
    case 'number': {
      const value = Number(raw);
      if (!Number.isFinite(value)) throw new ConfigError([`${variable.name}: expected a number, got "${raw}"`]);
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
      if (variable.values && variable.fallback !== undefined && !variable.values.includes(raw)) return variable.fallback;
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

/** Environment variables per schema, read off its metadata once. */
const envCache = new WeakMap<ConfigSchema, EnvVariable[]>();

function envOf(schema: ConfigSchema): EnvVariable[] {
  let variables = envCache.get(schema);
  if (!variables) {
    variables = envVariables(schema);
    envCache.set(schema, variables);
  }
  return variables;
}

/** Builds the final, frozen config from `schema` or throws ConfigError listing every problem. */
export function loadConfigWith(schema: ConfigSchema, options: LoadConfigOptions = {}): Readonly<SwitchboardConfig> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};

  const file = options.file ?? env[CONFIG_FILE_VARIABLE];
  if (file) raw = readConfigFile(file);

  const fromEnv: Record<string, unknown> = {};
  for (const variable of envOf(schema)) {
    const value = env[variable.name];
    if (value === undefined || value === '') continue;
    try {
      setPath(fromEnv, variable.path, parseEnvValue(variable, value));
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
    }
  }
  raw = mergeConfig(raw, fromEnv);
  if (options.overrides) raw = mergeConfig(raw, options.overrides as Record<string, unknown>);

  const parsed = schema.safeParse(raw);
  if (!parsed.success) problems.push(...formatIssues(parsed.error));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
