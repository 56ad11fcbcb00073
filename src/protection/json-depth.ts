/**
 * Nesting depth of decoded JSON, measured without recursion: a 100,000-level payload
 * would overflow the stack of any recursive walk (zod's, the encoder's) and answer
 * INTERNAL; it is VALIDATION_FAILED instead (issue 12).
 */
import { fail } from '../core/errors.js';

/** Whether `value` nests objects/arrays deeper than `max` levels (a scalar is depth 0). */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object' || Buffer.isBuffer(item)) continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Throws VALIDATION_FAILED when any of `values` nests deeper than `max`. */
export function assertDepth(values: readonly unknown[], max: number): void {
  for (const value of values) {
    if (deeperThan(value, max)) throw fail('VALIDATION_FAILED', `Payload nests deeper than ${max} levels`, { maxJsonDepth: max });
  }
}
