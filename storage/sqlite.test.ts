import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from '../test/support/test-fixtures.ts';
import type { Migration } from './migration.ts';
import { openSqlite } from './sqlite.ts';

const NOTES: Migration[] = [
  { version: 1, sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)' },
  { version: 2, sql: 'ALTER TABLE notes ADD COLUMN author TEXT' },
];

describe('openSqlite', () => {
  const file = (dir: string) => join(dir, 'nested', 'store.db');

  test('opens a file for durable writes: WAL, synchronous=FULL, foreign keys, a busy timeout', ({ cleanups, dir }) => {
    const db = openSqlite(file(dir), { migrations: [] });
    cleanups.push(() => {
      db.close();
    });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  test('applies each migration once, in order, and only the new ones when the list grows', ({ cleanups, dir }) => {
    const path = file(dir);
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

  test('fills a column in code, row by row, in the migration that adds it', ({ cleanups, dir }) => {
    const path = file(dir);
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

  test('leaves a file at its last good version when a migration fails', ({ cleanups, dir }) => {
    const path = file(dir);
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

  test('refuses a migration list whose versions do not increase', ({ dir }) => {
    expect(() => openSqlite(file(dir), { migrations: [NOTES[1]!, NOTES[0]!] })).toThrow(
      /migration 1 follows 2: keep versions in increasing order/,
    );
  });
});
