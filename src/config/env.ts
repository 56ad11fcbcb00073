/**
 * The environment variables of a config schema, read off its `meta({ env })` fields
 * (through zod's JSON Schema, which carries every field's metadata), so the names
 * live beside the keys they set.
 */
import { z } from 'zod';
import type { ConfigFieldMeta } from './schema.js';

export type EnvKind = 'string' | 'int' | 'number' | 'list' | 'bool';

export interface EnvVariable {
  name: string;
  /** The config key it sets. */
  path: string[];
  kind: EnvKind;
  description: string;
  /** For enums: the value used when the variable holds something outside the enum. */
  fallback?: string;
  /** For enums: the allowed values. */
  values?: string[];
}

/** A node of the JSON Schema zod emits, as far as the config needs it. */
export interface JsonSchemaNode extends ConfigFieldMeta {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  enum?: unknown[];
  anyOf?: JsonSchemaNode[];
}

/** The schema as JSON Schema of its input (what a config file may hold). */
export function configJsonSchema(schema: z.ZodType): JsonSchemaNode {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
}

function kindOf(node: JsonSchemaNode): EnvKind {
  switch (node.type) {
    case 'integer':
      return 'int';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    case 'array':
      return 'list';
    default:
      return 'string';
  }
}

function collect(node: JsonSchemaNode, path: string[], out: EnvVariable[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = [...path, key];
    if (child.env) {
      out.push({
        name: child.env,
        path: childPath,
        kind: kindOf(child),
        description: child.description ?? '',
        fallback: child.envFallback,
        values: child.enum?.map(String),
      });
    }
    collect(child, childPath, out);
  }
}

/** Every variable of the schema, in key order. */
export function envVariables(schema: z.ZodType): EnvVariable[] {
  const out: EnvVariable[] = [];
  collect(configJsonSchema(schema), [], out);
  return out;
}
