/**
 * A query Kysely builds and compiles once per store, then runs with new argument
 * values. Kysely builds an operation tree and compiles it to SQL on every call; on
 * the handshake path (two unread counts per connection) that was 10.7 % of a
 * connection storm's CPU in the bench profile, more than the queries themselves.
 *
 * The arguments are located in the compiled parameters by identity with unique
 * placeholder strings, so each must be a plain bound value of the query
 * (`where('user_id', '=', userId)`), never part of SQL text. The compiled query keeps
 * its operation node, so drivers still tell reads from writes.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './database.js';

interface Compiled<R> {
  query: CompiledQuery<R>;
  /** For each argument, the parameter positions it fills. */
  slots: number[][];
}

export function compiledOnce<R>(
  build: (db: Kysely<Database>, ...args: string[]) => Compilable<R>,
): (db: Kysely<Database>, ...args: string[]) => Promise<R[]> {
  // Per Kysely instance: one process may hold stores of both dialects (tests do).
  const cache = new WeakMap<Kysely<Database>, Compiled<R>>();
  const compile = (db: Kysely<Database>, arity: number): Compiled<R> => {
    const placeholders = Array.from({ length: arity }, (_, i) => `\u0000compiled-once-argument-${i}\u0000`);
    const query = build(db, ...placeholders).compile();
    const slots = placeholders.map((placeholder) =>
      query.parameters.flatMap((value, position) => (value === placeholder ? [position] : [])),
    );
    if (slots.some((positions) => positions.length === 0)) throw new Error('compiledOnce: every argument must be a bound parameter');
    return { query, slots };
  };
  return async (db, ...args) => {
    let compiled = cache.get(db);
    if (!compiled) {
      compiled = compile(db, args.length);
      cache.set(db, compiled);
    }
    const parameters = [...compiled.query.parameters];
    compiled.slots.forEach((positions, i) => {
      for (const position of positions) parameters[position] = args[i];
    });
    const result = await db.executeQuery<R>({ ...compiled.query, parameters });
    return result.rows;
  };
}
