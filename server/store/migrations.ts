import type { Migration } from '../../storage/migration.ts';
import { pressColumns, ticketIdOf } from './store-rows.ts';

/** Migration 12's columns, and an index for follow-up reasons (few beside presses), in both dialects. */
const PRESS_COLUMNS = `
  ALTER TABLE events ADD COLUMN touchpoint_id TEXT;
  ALTER TABLE events ADD COLUMN level INTEGER;
  ALTER TABLE events ADD COLUMN misuse INTEGER;
  CREATE INDEX events_reasons ON events (venue_id, corrected_at) WHERE type = 'feedback.reason';
`;

const PRESS_MINUTES = `
  CREATE TABLE press_minutes (
    venue_id TEXT NOT NULL,
    minute BIGINT NOT NULL,
    touchpoint_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    misuse INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (venue_id, minute, touchpoint_id, level, misuse)
  );
  INSERT INTO press_minutes (venue_id, minute, touchpoint_id, level, misuse, count)
    SELECT venue_id, corrected_at - (corrected_at % 60000), touchpoint_id, level, misuse, count(*)
      FROM events WHERE type = 'feedback.pressed'
     GROUP BY venue_id, corrected_at - (corrected_at % 60000), touchpoint_id, level, misuse;
`;

/**
 * Writes a group of batches: locks the devices in id order, and writes nothing (answers -1) unless
 * each holds the contiguous_seq the caller planned against; then inserts the events, and if an id
 * is held already (another device's event) raises, so nothing of the group is kept; then bumps
 * counts, hours and minutes, keeps newer component status, advances the devices. Answers events written.
 */
const INGEST_GROUP_FUNCTION = `
  CREATE FUNCTION ingest_group(
    device_ids text[], planned_seqs bigint[], new_seqs bigint[], offsets_ms bigint[], seen_at bigint[],
    e_id text[], e_venue text[], e_device text[], e_seq bigint[], e_type text[], e_v int[], e_occurred bigint[],
    e_corrected bigint[], e_received bigint[], e_payload text[], e_touchpoint text[], e_level int[], e_misuse int[],
    c_venue text[], c_touchpoint text[], c_level int[], c_count bigint[],
    h_venue text[], h_hour bigint[], h_touchpoint text[], h_level int[], h_misuse int[], h_count bigint[],
    m_venue text[], m_minute bigint[], m_touchpoint text[], m_level int[], m_misuse int[], m_count bigint[],
    s_venue text[], s_device text[], s_component text[], s_state text[], s_code text[], s_detail text[],
    s_at bigint[], s_seq bigint[]
  ) RETURNS integer LANGUAGE plpgsql AS $$
  DECLARE
    matched integer;
    written integer;
  BEGIN
    PERFORM 1 FROM devices WHERE id = ANY(device_ids) ORDER BY id FOR UPDATE;
    SELECT count(*) INTO matched
      FROM devices JOIN unnest(device_ids, planned_seqs) AS planned (id, seq) ON devices.id = planned.id
     WHERE devices.contiguous_seq = planned.seq;
    IF matched <> cardinality(device_ids) THEN
      RETURN -1;
    END IF;
    INSERT INTO events (id, venue_id, device_id, seq, type, v, occurred_at, corrected_at, received_at, payload,
                        touchpoint_id, level, misuse)
      SELECT * FROM unnest(e_id, e_venue, e_device, e_seq, e_type, e_v, e_occurred, e_corrected, e_received,
                           e_payload, e_touchpoint, e_level, e_misuse)
      ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written <> cardinality(e_id) THEN
      RAISE EXCEPTION 'an event id of the group is held already' USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO touchpoint_counts (venue_id, touchpoint_id, level, count)
      SELECT * FROM unnest(c_venue, c_touchpoint, c_level, c_count)
      ON CONFLICT (venue_id, touchpoint_id, level) DO UPDATE SET count = touchpoint_counts.count + excluded.count;
    INSERT INTO press_hours (venue_id, hour, touchpoint_id, level, misuse, count)
      SELECT * FROM unnest(h_venue, h_hour, h_touchpoint, h_level, h_misuse, h_count)
      ON CONFLICT (venue_id, hour, touchpoint_id, level, misuse)
        DO UPDATE SET count = press_hours.count + excluded.count;
    INSERT INTO press_minutes (venue_id, minute, touchpoint_id, level, misuse, count)
      SELECT * FROM unnest(m_venue, m_minute, m_touchpoint, m_level, m_misuse, m_count)
      ON CONFLICT (venue_id, minute, touchpoint_id, level, misuse)
        DO UPDATE SET count = press_minutes.count + excluded.count;
    INSERT INTO component_status (venue_id, device_id, component, state, code, detail, at, seq)
      SELECT * FROM unnest(s_venue, s_device, s_component, s_state, s_code, s_detail, s_at, s_seq)
      ON CONFLICT (venue_id, device_id, component) DO UPDATE SET
        state = excluded.state, code = excluded.code, detail = excluded.detail, at = excluded.at, seq = excluded.seq
      WHERE excluded.seq > component_status.seq;
    UPDATE devices SET contiguous_seq = d.seq, clock_offset_ms = d.offset_ms, last_seen_at = d.seen_at
      FROM unnest(device_ids, new_seqs, offsets_ms, seen_at) AS d (id, seq, offset_ms, seen_at)
     WHERE devices.id = d.id;
    RETURN written;
  END
  $$;
`;

/**
 * The hub's schema, one list for SQLite and PostgreSQL: SQL both accept (ON CONFLICT, no
 * AUTOINCREMENT, no dialect-only types), and where a step really differs, each dialect's own.
 * JSON documents (venue configs, event payloads, queue events, tasks) are TEXT written by
 * JSON.stringify, so both hold the same bytes, and TEXT takes a "\u0000" escape in a kiosk's
 * free-text detail where PostgreSQL's JSONB would refuse the whole batch. SQLite records the
 * version in PRAGMA user_version, PostgreSQL in schema_migrations. Existing databases carry on
 * from the version they hold: never edit a released step, add one.
 */
export const HUB_MIGRATIONS: readonly Migration[] = [
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
      -- The queue's event log (core/queue): the live queue state is a fold of these rows.
      -- (venue_id, version) is the optimistic-concurrency key: two writers that read the same
      -- version cannot both append after it.
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
      -- Tasks from bad moments (core/alerts/tasks.ts), one row per task, the task itself as JSON.
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
      -- Every saved version of a venue's configuration (journey map, queues), for audit and undo.
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
      -- The departments a user works in (tasks for their department reach them); [] = all.
      ALTER TABLE users ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 6,
    sql: `
      -- The latest device.status of each kiosk component, kept at ingest (boards ask for it on
      -- connect, whichever hub they reach and however long it has run). Not filled from older
      -- events: kiosks report every component's state when they start, and on every change.
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
      -- The ticket a queue event is about, so a ticket's link (/t/<ticket id>) finds its venue
      -- without loading every venue's queue.
      ALTER TABLE queue_events ADD COLUMN ticket_id TEXT;
      CREATE INDEX queue_events_ticket ON queue_events (ticket_id);
    `,
    // Filled by the function appends use, so both dialects hold the same ids whatever a body holds
    // (SQL's JSON functions differ between them, and PostgreSQL's refuse a "\u0000" escape).
    fill: {
      table: 'queue_events',
      from: 'body',
      columns: { ticket_id: 'text' },
      values: (body) => ({ ticket_id: ticketIdOf(JSON.parse(body)) }),
    },
  },
  {
    version: 8,
    sql: `
      -- The phones' after-visit ratings (visit.rated, core/events.ts), one per ticket: the primary
      -- key is what makes the rating one-shot, on every hub at once.
      CREATE TABLE visit_ratings (
        ticket_id TEXT PRIMARY KEY,
        venue_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX visit_ratings_venue_time ON visit_ratings (venue_id, at);
    `,
  },
  {
    version: 9,
    sql: `
      -- Webhook deliveries waiting, done or given up: an outbox any hub drains, so a hub that dies
      -- after a failed attempt does not take the retry with it. One row per delivery and URL.
      CREATE TABLE webhook_deliveries (
        id TEXT NOT NULL,
        url TEXT NOT NULL,
        venue_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        claimed_until BIGINT,
        last_status INTEGER,
        last_error TEXT,
        settled_at BIGINT,
        PRIMARY KEY (id, url)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
      CREATE INDEX webhook_deliveries_venue ON webhook_deliveries (venue_id, created_at);
    `,
  },
  {
    version: 10,
    sql: `
      -- Weekly reports sent (docs/analytics.md "Weekly report"): the primary key makes a week's
      -- report go out once, however many hubs look at the clock and however often they restart.
      CREATE TABLE weekly_reports (
        venue_id TEXT NOT NULL,
        period_to TEXT NOT NULL,
        period_from TEXT NOT NULL,
        sent_at BIGINT NOT NULL,
        PRIMARY KEY (venue_id, period_to)
      );
    `,
  },
  {
    version: 11,
    sql: `
      -- One open task per rule, venue and subject, whichever hub opens it (docs/customer-experience.md):
      -- a partial unique index over tasks not verified yet (SQLite and PostgreSQL both take it as
      -- written). Open duplicates an older release may hold keep their rows, set apart by their id.
      UPDATE tasks SET cause_key = cause_key || '#' || id
       WHERE state <> 'verified'
         AND EXISTS (SELECT 1 FROM tasks first
                      WHERE first.venue_id = tasks.venue_id AND first.cause_key = tasks.cause_key
                        AND first.state <> 'verified' AND first.id < tasks.id);
      CREATE UNIQUE INDEX tasks_open_cause ON tasks (venue_id, cause_key) WHERE state <> 'verified';
    `,
  },
  {
    version: 12,
    // A press's touchpoint, level and misuse flag as columns (NULL on other events), written by every
    // insert and filled here for presses stored before, so nothing parses a payload to count presses.
    // SQLite also indexes them for analytics (docs/analytics.md "How fast"); PostgreSQL does not:
    // there the index cost a clustered hub more ingest than it saved reports (capacity 469/s vs 1,585/s).
    sql: {
      sqlite: `${PRESS_COLUMNS}
        CREATE INDEX events_presses ON events (venue_id, touchpoint_id, corrected_at, level, misuse, device_id)
          WHERE type = 'feedback.pressed';`,
      postgres: PRESS_COLUMNS,
    },
    fill: {
      table: 'events',
      from: 'payload',
      where: "type = 'feedback.pressed'",
      columns: { touchpoint_id: 'text', level: 'integer', misuse: 'integer' },
      values: (payload) => pressColumns(JSON.parse(payload)),
    },
  },
  {
    version: 13,
    sql: `
      -- Presses counted per hour (touchpoint, level, misuse), bumped in each batch's transaction as
      -- touchpoint_counts is: a month's report reads thousands of rows, not a million presses.
      CREATE TABLE press_hours (
        venue_id TEXT NOT NULL,
        hour BIGINT NOT NULL,
        touchpoint_id TEXT NOT NULL,
        level INTEGER NOT NULL,
        misuse INTEGER NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (venue_id, hour, touchpoint_id, level, misuse)
      );
      INSERT INTO press_hours (venue_id, hour, touchpoint_id, level, misuse, count)
        SELECT venue_id, corrected_at - (corrected_at % 3600000), touchpoint_id, level, misuse, count(*)
          FROM events WHERE type = 'feedback.pressed'
         GROUP BY venue_id, corrected_at - (corrected_at % 3600000), touchpoint_id, level, misuse;
    `,
  },
  {
    version: 14,
    // Presses counted per minute, bumped in each batch's transaction as press_hours is: an alert
    // run reads its two hours of them, not every press of a busy venue's last minutes. PostgreSQL
    // also gets ingest_group, a group of batches written by one call (postgres-ingest-group.ts).
    sql: { sqlite: PRESS_MINUTES, postgres: `${PRESS_MINUTES}${INGEST_GROUP_FUNCTION}` },
  },
];
