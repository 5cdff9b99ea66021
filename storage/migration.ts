/**
 * One schema change, as every store's migration runner applies it: `sql` first, then `fill`, in one
 * transaction, after which the database records `version`. Versions only ever grow.
 */
export interface Migration {
  version: number;
  sql: string;
  fill?: ColumnFill;
}

/**
 * Data a migration computes in code rather than in SQL, so every dialect derives the same value:
 * `column` of each row of `table` becomes `value(row[from])`. The runners address rows by their
 * physical id (SQLite's rowid, PostgreSQL's ctid), so a fill needs no knowledge of the table's keys.
 */
export interface ColumnFill {
  table: string;
  from: string;
  column: string;
  value(from: string): string | null;
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
