import type { Generated, Kysely, Selectable } from 'kysely';
import type { ComponentHealth, Role } from '../../core/protocol.ts';
import type { WebhookDeliveryState } from './hub-store.ts';

/**
 * The hub's tables as both dialects hold them (server/store/migrations.ts), for Kysely's types.
 * BIGINT columns are read as numbers in both (PostgresHubStore sets the parser): they hold ms
 * timestamps and sequence numbers, far below 2^53.
 */
export interface HubTables {
  venues: {
    id: string;
    name: string;
    config: string;
    board_token_hash: string | null;
  };
  venue_versions: {
    venue_id: string;
    version: number;
    saved_at: number;
    config: string;
  };
  devices: {
    id: string;
    venue_id: string;
    name: string;
    token_hash: string;
    contiguous_seq: Generated<number>;
    clock_offset_ms: Generated<number>;
    last_seen_at: number | null;
  };
  events: {
    id: string;
    venue_id: string;
    device_id: string;
    seq: number;
    type: string;
    v: number;
    occurred_at: number;
    corrected_at: number;
    received_at: number;
    payload: string;
    /** A press's touchpoint, level and misuse (0/1); NULL on other events (migration 12). */
    touchpoint_id: string | null;
    level: number | null;
    misuse: number | null;
  };
  press_hours: {
    venue_id: string;
    /** Start of the hour (ms, UTC). */
    hour: number;
    touchpoint_id: string;
    level: number;
    misuse: number;
    count: number;
  };
  press_minutes: {
    venue_id: string;
    /** Start of the minute (ms, UTC). */
    minute: number;
    touchpoint_id: string;
    level: number;
    misuse: number;
    count: number;
  };
  touchpoint_counts: {
    venue_id: string;
    touchpoint_id: string;
    level: 1 | 2 | 3 | 4;
    count: number;
  };
  users: {
    id: string;
    username: string;
    password_hash: string;
    role: Role;
    venue_ids: string;
    departments: Generated<string>;
  };
  sessions: {
    token_hash: string;
    user_id: string;
    expires_at: number;
  };
  queue_events: {
    venue_id: string;
    version: number;
    type: string;
    at: number;
    body: string;
    ticket_id: string | null;
  };
  tasks: {
    id: string;
    venue_id: string;
    cause_key: string;
    state: string;
    opened_at: number;
    body: string;
  };
  visit_ratings: {
    ticket_id: string;
    venue_id: string;
    at: number;
    body: string;
  };
  component_status: {
    venue_id: string;
    device_id: string;
    component: string;
    state: ComponentHealth['state'];
    code: string | null;
    detail: string | null;
    at: number;
    seq: number;
  };
  webhook_deliveries: {
    id: string;
    url: string;
    venue_id: string;
    payload: string;
    state: WebhookDeliveryState;
    attempts: Generated<number>;
    created_at: number;
    next_attempt_at: number;
    claimed_until: number | null;
    last_status: number | null;
    last_error: string | null;
    settled_at: number | null;
  };
  weekly_reports: {
    venue_id: string;
    /** First and last day of the week reported, YYYY-MM-DD in the venue's calendar. */
    period_from: string;
    period_to: string;
    sent_at: number;
  };
}

/** The hub's database, or one transaction or connection of it. */
export type HubDb = Kysely<HubTables>;

export type DeviceRow = Selectable<HubTables['devices']>;
export type UserRow = Selectable<HubTables['users']>;
export type ComponentStatusRow = HubTables['component_status'];
export type WebhookDeliveryRow = Selectable<HubTables['webhook_deliveries']>;
