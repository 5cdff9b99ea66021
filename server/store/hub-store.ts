import type { Task } from '../../core/alerts/tasks.ts';
import type { QueueEvent } from '../../core/queue/types.ts';
import type { AnyEventEnvelope, VisitRated } from '../../core/events.ts';
import type { ComponentHealth, Role, TouchpointCounts } from '../../core/protocol.ts';
import type { Venue } from '../../core/venue.ts';

/**
 * Everything the hub persists. SQLite implements it for one venue on one machine; the
 * scale-out issue adds PostgreSQL behind the same contract, so every method is async, all SQL
 * stays inside implementations, and the same contract tests run against each.
 */
export interface HubStore {
  close(): Promise<void>;

  /** Saves a venue and keeps the version in its history (venue.version is set by the caller). */
  upsertVenue(venue: Venue): Promise<void>;
  /** A venue's saved versions, newest first. */
  venueVersions(venueId: string): Promise<{ version: number; savedAt: number; venue: Venue }[]>;
  getVenue(venueId: string): Promise<Venue | undefined>;
  listVenues(): Promise<Venue[]>;
  setBoardTokenHash(venueId: string, tokenHash: string): Promise<void>;
  getBoardTokenHash(venueId: string): Promise<string | undefined>;

  addDevice(device: NewDevice): Promise<void>;
  /** Registers many devices in one transaction, all or none (provisioning a fleet, benchmarks). */
  addDevices(devices: readonly NewDevice[]): Promise<void>;
  replaceDeviceToken(deviceId: string, tokenHash: string): Promise<void>;
  getDevice(deviceId: string): Promise<DeviceRecord | undefined>;
  listDevices(venueId: string): Promise<DeviceRecord[]>;
  recordDeviceClock(deviceId: string, clock: { offsetMs: number; seenAt: number }): Promise<void>;

  createUser(user: NewUser): Promise<void>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  countUsers(): Promise<number>;
  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  /**
   * Stores a batch of one device's events atomically: new ids are inserted and projected,
   * events the hub already holds are counted as duplicates, and anything that would break the
   * device's gap-free sequence refuses the whole batch.
   */
  ingest(deviceId: string, events: readonly AnyEventEnvelope[], context: IngestContext): Promise<IngestOutcome>;
  touchpointCounts(venueId: string, touchpointIds?: readonly string[]): Promise<TouchpointCounts[]>;
  /** One device's stored events in seq order (audits and tests). */
  deviceEvents(deviceId: string): Promise<StoredEventRef[]>;

  /**
   * Appends queue events after `expectedVersion` (the number of events the caller's state was
   * built from) in one transaction; throws QueueVersionConflict when another writer got there
   * first, so the caller rebuilds and decides again instead of forking the log.
   */
  appendQueueEvents(venueId: string, expectedVersion: number, events: readonly QueueEvent[]): Promise<number>;
  /** A venue's whole queue log in order. */
  queueEvents(venueId: string): Promise<QueueEvent[]>;
  /** The venue whose queue holds this ticket (its link names only the ticket), if any. */
  ticketVenue(ticketId: string): Promise<string | undefined>;
  /** A venue's smiley presses at the given touchpoints with corrected times in [from, to), oldest first. */
  feedbackPresses(
    venueId: string,
    range: { from: number; to: number },
    touchpointIds: readonly string[],
  ): Promise<PressRecord[]>;
  /**
   * A venue's presses in [from, to) counted per touchpoint, level, misuse flag and time bucket,
   * leaving out `exceptTouchpoints` (analytics over millions of presses without moving each one).
   */
  feedbackSummary(
    venueId: string,
    range: { from: number; to: number },
    options: { bucketMs: number; exceptTouchpoints: readonly string[] },
  ): Promise<PressGroup[]>;
  /**
   * Records a phone's after-visit rating, once per ticket: false (nothing stored) when the ticket
   * already has one. A stored rating also counts at its touchpoint like a press (touchpoint_counts).
   */
  recordVisitRating(venueId: string, rating: VisitRated): Promise<boolean>;
  /** A venue's after-visit ratings made in [from, to), oldest first. */
  visitRatings(venueId: string, range: { from: number; to: number }): Promise<VisitRated[]>;
  /**
   * The latest device.status of each kiosk component of a venue (printer, button box, display),
   * by device and component: kept at ingest, so every hub answers the same, restarted or not.
   */
  componentHealth(venueId: string): Promise<ComponentHealth[]>;
  /** Inserts or replaces a task (core/alerts/tasks.ts). */
  saveTask(venueId: string, task: Task): Promise<void>;
  /** A venue's tasks, newest first. */
  tasks(venueId: string): Promise<Task[]>;
}

export interface PressGroup {
  touchpointId: string;
  level: 1 | 2 | 3 | 4;
  misuse: boolean;
  /** Start of the time bucket, ms. */
  bucket: number;
  count: number;
}

export interface PressRecord {
  id: string;
  /** Corrected time (device clock + measured offset). */
  at: number;
  /** The kiosk that recorded it. */
  deviceId: string;
  touchpointId: string;
  level: 1 | 2 | 3 | 4;
  misuse: boolean;
}

export class QueueVersionConflict extends Error {
  constructor(
    readonly venueId: string,
    readonly expectedVersion: number,
  ) {
    super(
      `the queue of ${venueId} moved past version ${expectedVersion} while deciding; decide again on the new state`,
    );
    this.name = 'QueueVersionConflict';
  }
}

export interface NewDevice {
  id: string;
  venueId: string;
  name: string;
  tokenHash: string;
}

export interface DeviceRecord extends NewDevice {
  contiguousSeq: number;
  clockOffsetMs: number;
  lastSeenAt: number | null;
}

export interface NewUser {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  /** Venues a staff member or manager works for; admins act for every venue. */
  venueIds: string[];
  /** Departments (touchpoint owners) whose tasks reach this user; empty: every department. */
  departments?: string[];
}

export type UserRecord = NewUser & { departments: string[] };

export interface SessionRecord {
  tokenHash: string;
  userId: string;
  expiresAt: number;
}

export interface IngestContext {
  receivedAt: number;
  clockOffsetMs: number;
}

export type IngestOutcome =
  | {
      kind: 'stored';
      contiguousSeq: number;
      inserted: AnyEventEnvelope[];
      duplicates: number;
      touchpointsChanged: string[];
    }
  | { kind: 'seq-gap'; contiguousSeq: number; eventIndex: number; seq: number }
  | { kind: 'seq-conflict'; contiguousSeq: number; eventIndex: number; seq: number }
  | { kind: 'id-conflict'; contiguousSeq: number; eventIndex: number; id: string }
  | { kind: 'unknown-device'; contiguousSeq: 0 };

export interface StoredEventRef {
  id: string;
  seq: number;
  type: string;
  occurredAt: number;
  correctedAt: number;
  receivedAt: number;
}
