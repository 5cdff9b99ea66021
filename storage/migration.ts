/**
 * One schema change, as every store's migration runner applies it: `sql` first, then `fill`, in one
 * transaction, after which the database records `version`. Versions only ever grow.
 */
export interface Migration {
  version: number;
  /** SQL both dialects take, or each its own where the step really differs. */
  sql: string | { sqlite: string; postgres: string };
  fill?: ColumnFill;
}

/** A migration's SQL for one dialect. */
export const migrationSql = (migration: Migration, dialect: 'sqlite' | 'postgres'): string =>
  typeof migration.sql === 'string' ? migration.sql : migration.sql[dialect];

/**
 * Data a migration computes in code rather than in SQL, so every dialect derives the same values:
 * each of `columns` of each row of `table` (those `where` selects) takes its value in
 * `values(row[from])`. The runners address rows by their physical id (SQLite's rowid, PostgreSQL's
 * ctid), so a fill needs no knowledge of the table's keys.
 */
export interface ColumnFill {
  table: string;
  from: string;
  /** A condition both dialects read alike, limiting the rows filled; all rows without one. */
  where?: string;
  /** Each filled column with its SQL type: PostgreSQL is sent the values as text and casts them. */
  columns: Readonly<Record<string, 'text' | 'integer'>>;
  values(from: string): Readonly<Record<string, string | number | null>>;
}

/** The migrations after `current`, in order; a list that repeats or reorders versions is a bug. */
export function pendingMigrations<M extends Migration>(migrations: readonly M[], current: number): M[] {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version >= migration.version)
      throw new Error(`migration ${migration.version} follows ${previous.version}: keep versions in increasing order`);
  });
  return migrations.filter((migration) => migration.version > current);
}
