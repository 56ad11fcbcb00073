import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { migrations } from './migrations.js';

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Runs all pending migrations; throws with the failing migration's name. On
 * PostgreSQL pass the schema: without it Kysely looks for its migration tables in
 * every schema, and another schema's tables (a parallel test run) make it skip
 * creating its own ("relation kysely_migration_lock does not exist").
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function runMigrations(db: Kysely<any>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableSchema: schema,
    // Migrations are numbered in ranges per feature (docs/architecture.md), so a
    // feature merged later may add a number below one a store already ran.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
