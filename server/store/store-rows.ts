import type { Role } from '../../core/protocol.ts';
import type { DeviceRecord, UserRecord } from './hub-store.ts';

/**
 * Rows of the tables both store implementations share, as their SQL returns them, and how they
 * become the records of the store contract (the column names are the same in SQLite and PostgreSQL).
 */

export interface DeviceRow {
  id: string;
  venue_id: string;
  name: string;
  token_hash: string;
  contiguous_seq: number;
  clock_offset_ms: number;
  last_seen_at: number | null;
}

export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  venue_ids: string;
  departments: string;
}

export function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    venueId: row.venue_id,
    name: row.name,
    tokenHash: row.token_hash,
    contiguousSeq: row.contiguous_seq,
    clockOffsetMs: row.clock_offset_ms,
    lastSeenAt: row.last_seen_at,
  };
}

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    venueIds: JSON.parse(row.venue_ids) as string[],
    departments: JSON.parse(row.departments) as string[],
  };
}
