/** Zod failures as VALIDATION_FAILED with the offending fields named. */
import type { z } from 'zod';
import { SwitchboardError } from '../core/errors.js';

export function validationError(error: z.ZodError): SwitchboardError {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.') || '(payload)', message: issue.message }));
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'Payload failed validation';
  return new SwitchboardError('VALIDATION_FAILED', message, { details: { issues } });
}

/** Parses or throws VALIDATION_FAILED. */
export function parseOrFail<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
