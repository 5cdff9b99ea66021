import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ColumnFill, type Migration, migrationSql, pendingMigrations } from './migration.ts';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /** Applied in order, each in its own transaction; PRAGMA user_version records the last one. */
  migrations: readonly Migration[];
}

/**
 * Opens a SQLite file for durable storage, the one way kiosks and hubs open theirs: WAL so readers
 * never block the writer, synchronous=FULL so a commit acknowledged to a caller survives a power
 * cut, not only a crash (~0.15 ms per single-row commit on a kiosk), foreign keys enforced, and a
 * busy timeout so another process's short write makes this one wait instead of fail.
 */
export function openSqlite(file: string, options: OpenSqliteOptions): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Another process (or another store object in this one) holds the lock of a file: see holdFileLock. */
export class FileLockedError extends Error {
  constructor(readonly lockFile: string) {
    super(`${lockFile} is held by another process`);
    this.name = 'FileLockedError';
  }
}

/**
 * Holds an exclusive lock on `lockFile` (a small SQLite file beside the data) until `release`, or
 * until the process dies: the kernel drops the lock then, so a crash leaves no stale lock. A second
 * holder, in another process or this one, gets FileLockedError at once. The data file itself stays
 * open to readers (tests and tools read a kiosk's file while it runs).
 */
export function holdFileLock(lockFile: string): { release(): void } {
  mkdirSync(dirname(lockFile), { recursive: true });
  const db = new Database(lockFile);
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new FileLockedError(lockFile);
    throw error;
  }
  return { release: () => db.close() };
}

function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of pendingMigrations(migrations, current)) {
    db.transaction(() => {
      db.exec(migrationSql(migration, 'sqlite'));
      if (migration.fill) fill(db, migration.fill);
      db.pragma(`user_version = ${Number(migration.version)}`);
    })();
  }
}

function fill(db: SqliteDatabase, { table, from, where, columns, values }: ColumnFill): void {
  const rows = db
    .prepare<[], { id: number; source: string }>(
      `SELECT rowid AS id, ${from} AS source FROM ${table}${where ? ` WHERE ${where}` : ''}`,
    )
    .all();
  const names = Object.keys(columns);
  const update = db.prepare(`UPDATE ${table} SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE rowid = ?`);
  for (const row of rows) {
    const filled = values(row.source);
    update.run(...names.map((name) => filled[name] ?? null), row.id);
  }
}
