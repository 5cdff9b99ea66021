import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../test/support/cleanups.ts';
import { tempDir } from '../test/support/fixtures.ts';
import type { Migration } from './migration.ts';
import { openSqlite } from './sqlite.ts';

const NOTES: Migration[] = [
  { version: 1, sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)' },
  { version: 2, sql: 'ALTER TABLE notes ADD COLUMN author TEXT' },
];

describe('openSqlite', () => {
  const cleanups = useCleanups();
  const file = () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    return join(dir.path, 'nested', 'store.db');
  };

  it('opens a file for durable writes: WAL, synchronous=FULL, foreign keys, a busy timeout', () => {
    const db = openSqlite(file(), { migrations: [] });
    cleanups.push(() => {
      db.close();
    });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('applies each migration once, in order, and only the new ones when the list grows', () => {
    const path = file();
    const first = openSqlite(path, { migrations: NOTES.slice(0, 1) });
    first.prepare("INSERT INTO notes (body) VALUES ('kept')").run();
    expect(first.pragma('user_version', { simple: true })).toBe(1);
    first.close();
    const again = openSqlite(path, { migrations: NOTES });
    cleanups.push(() => {
      again.close();
    });
    expect(again.pragma('user_version', { simple: true })).toBe(2);
    expect(again.prepare('SELECT body, author FROM notes').all()).toEqual([{ body: 'kept', author: null }]);
  });

  it('fills a column in code, row by row, in the migration that adds it', () => {
    const path = file();
    openSqlite(path, { migrations: NOTES.slice(0, 1) })
      .exec("INSERT INTO notes (body) VALUES ('by ana'), ('by bo'), ('anonymous')")
      .close();
    const db = openSqlite(path, {
      migrations: [
        ...NOTES.slice(0, 1),
        {
          ...NOTES[1]!,
          fill: {
            table: 'notes',
            from: 'body',
            columns: { author: 'text' },
            values: (body) => ({ author: /by (\w+)/.exec(body)?.[1] ?? null }),
          },
        },
      ],
    });
    cleanups.push(() => {
      db.close();
    });
    expect(db.prepare('SELECT body, author FROM notes ORDER BY id').all()).toEqual([
      { body: 'by ana', author: 'ana' },
      { body: 'by bo', author: 'bo' },
      { body: 'anonymous', author: null },
    ]);
  });

  it('leaves a file at its last good version when a migration fails', () => {
    const path = file();
    openSqlite(path, { migrations: NOTES.slice(0, 1) }).close();
    const broken: Migration = {
      version: 2,
      sql: 'ALTER TABLE notes ADD COLUMN author TEXT; ALTER TABLE nowhere ADD x',
    };
    expect(() => openSqlite(path, { migrations: [NOTES[0]!, broken] })).toThrow(/no such table: nowhere/);
    const db = openSqlite(path, { migrations: NOTES.slice(0, 1) });
    cleanups.push(() => {
      db.close();
    });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM pragma_table_info('notes')").pluck().all()).toEqual(['id', 'body']);
  });

  it('refuses a migration list whose versions do not increase', () => {
    expect(() => openSqlite(file(), { migrations: [NOTES[1]!, NOTES[0]!] })).toThrow(
      /migration 1 follows 2: keep versions in increasing order/,
    );
  });
});
