import type { Pool } from 'pg';

/**
 * PostgreSQL hub schema: the same tables, keys and meaning as sqlite-migrations.ts, so one
 * contract suite holds for both stores. JSON documents (venue configs, event payloads, queue
 * events, tasks) stay TEXT written by JSON.stringify, as in SQLite: the stores then hold the same
 * bytes, and TEXT accepts a "\u0000" escape in a kiosk's free-text detail where JSONB would refuse
 * the whole batch. Queries that look inside a payload cast it to jsonb where they need to.
 */
const POSTGRES_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE venues (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        board_token_hash TEXT
      );
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        venue_id TEXT NOT NULL REFERENCES venues (id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        contiguous_seq BIGINT NOT NULL DEFAULT 0,
        clock_offset_ms BIGINT NOT NULL DEFAULT 0,
        last_seen_at BIGINT
      );
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        venue_id TEXT NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices (id),
        seq BIGINT NOT NULL,
        type TEXT NOT NULL,
        v INTEGER NOT NULL,
        occurred_at BIGINT NOT NULL,
        corrected_at BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (device_id, seq)
      );
      CREATE INDEX events_venue_time ON events (venue_id, corrected_at);
      CREATE TABLE touchpoint_counts (
        venue_id TEXT NOT NULL,
        touchpoint_id TEXT NOT NULL,
        level INTEGER NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (venue_id, touchpoint_id, level)
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
        venue_ids TEXT NOT NULL
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id),
        expires_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- The queue's event log. (venue_id, version) is the optimistic-concurrency key: two hubs
      -- that read the same version both insert version + 1, and the primary key lets one commit.
      CREATE TABLE queue_events (
        venue_id TEXT NOT NULL,
        version BIGINT NOT NULL,
        type TEXT NOT NULL,
        at BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (venue_id, version)
      );
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        venue_id TEXT NOT NULL,
        cause_key TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_at BIGINT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX tasks_venue ON tasks (venue_id, opened_at);
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE venue_versions (
        venue_id TEXT NOT NULL,
        version BIGINT NOT NULL,
        saved_at BIGINT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (venue_id, version)
      );
    `,
  },
  {
    version: 5,
    sql: `
      ALTER TABLE users ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 6,
    sql: `
      CREATE TABLE component_status (
        venue_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        component TEXT NOT NULL,
        state TEXT NOT NULL,
        code TEXT,
        detail TEXT,
        at BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (venue_id, device_id, component)
      );
    `,
  },
  {
    version: 7,
    sql: `
      ALTER TABLE queue_events ADD COLUMN ticket_id TEXT;
      -- Ticket ids are UUIDs or slugs (core/ids.ts); a pattern, not a jsonb cast, so no other text
      -- in a body (a NUL escape jsonb refuses) can stop the migration.
      UPDATE queue_events SET ticket_id = substring(body from '"ticketId":"([A-Za-z0-9._-]+)"');
      CREATE INDEX queue_events_ticket ON queue_events (ticket_id);
    `,
  },
];

/** Schema names we create and put on search_path: plain identifiers, nothing to quote or inject. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Brings the schema up to date. Everything runs in one transaction under an advisory lock keyed
 * by the schema name, so two hubs starting at once apply each migration exactly once: the second
 * waits for the first to commit, then finds nothing left to do. DDL is transactional in
 * PostgreSQL, so a failed migration leaves the schema as it was.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<number> {
  if (!SCHEMA_NAME.test(schema))
    throw new Error(`"${schema}" is not a usable schema name: use lower-case letters, digits and _`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`waitwell.migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations
       (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
    );
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT MAX(version) AS v FROM ${schema}.schema_migrations`,
    );
    const current = rows[0]?.v ?? 0;
    for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version > current)) {
      // Unqualified names in the migration text land in `schema` (first on this transaction's path).
      await client.query(`SET LOCAL search_path TO ${schema}`);
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, applied_at) VALUES ($1, $2)`, [
        migration.version,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
    return POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
