import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

/** Migrations by name; names sort by their numeric prefix (Kysely applies them in name order). */
export type Migrations = Readonly<Record<string, Migration>>;

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Migrations) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations };
  }
}

/**
 * Runs all pending migrations; throws with the failing migration's name. On
 * PostgreSQL pass the schema: without it Kysely looks for its migration tables in
 * every schema, and another schema's tables (a parallel test run) make it skip
 * creating its own ("relation kysely_migration_lock does not exist").
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function runMigrations(db: Kysely<any>, migrations: Migrations, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    migrationTableSchema: schema,
    // Migrations are numbered in ranges per feature (docs/architecture.md), so a
    // feature merged later may add a number below one a store already ran.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const what = failed ? `migration ${failed.migrationName} failed` : 'the store could not be migrated';
    throw new Error(`${what}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
