import type { PressWindow } from '../../core/analytics/visits.ts';
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
  /** Signs a user out everywhere; returns how many sessions ended. */
  deleteSessionsOfUser(userId: string): Promise<number>;

  /**
   * Stores a batch of one device's events atomically: new ids are inserted and projected,
   * events the hub already holds are counted as duplicates, and anything that would break the
   * device's gap-free sequence refuses the whole batch.
   */
  ingest(deviceId: string, events: readonly AnyEventEnvelope[], context: IngestContext): Promise<IngestOutcome>;
  touchpointCounts(venueId: string, touchpointIds?: readonly string[]): Promise<TouchpointCounts[]>;
  /** touchpointCounts of several venues in one read, each venue's limited to the touchpoints asked. */
  touchpointCountsOfVenues(
    touchpointsByVenue: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, TouchpointCounts[]>>;
  /** One device's stored events in seq order (audits and tests). */
  deviceEvents(deviceId: string): Promise<StoredEventRef[]>;
  /**
   * The tickets one device recorded (ticket.taken, and the ticket.issued of older kiosks) whose
   * corrected time is `since` or later, in seq order: what a restarted hub checks against its queue.
   */
  deviceTicketRecords(deviceId: string, since: number): Promise<StoredTicketRecord[]>;

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
  /**
   * A venue's smiley presses in the windows (touchpoints, corrected times in [from, to), a kiosk
   * if named), oldest first, from the press columns (migration 12), never the payloads. A press in
   * two windows is listed twice: callers pass windows that do not overlap.
   */
  feedbackPresses(venueId: string, windows: readonly PressWindow[]): Promise<PressRecord[]>;
  /**
   * A venue's presses in [from, to) counted per touchpoint, level, misuse flag and time bucket
   * (analytics over millions of presses without moving each one).
   */
  feedbackSummary(
    venueId: string,
    range: { from: number; to: number },
    options: { bucketMs: number },
  ): Promise<PressGroup[]>;
  /**
   * A venue's follow-up reasons (feedback.reason) with corrected times in [from, to), oldest first,
   * each with the press it names as the hub holds it (null: no such press of this venue).
   */
  feedbackReasons(venueId: string, range: { from: number; to: number }): Promise<ReasonRecord[]>;
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
  /**
   * Inserts or replaces a task (core/alerts/tasks.ts) and, in the same transaction, queues its
   * webhook deliveries (a delivery already queued under the same id and URL is kept as it is).
   */
  saveTask(venueId: string, task: Task, deliveries?: readonly NewWebhookDelivery[], at?: number): Promise<void>;
  /**
   * Opens a task unless one for the same cause key is still open (not verified) at the venue,
   * whichever hub opened it: the store's unique index decides, so two hubs never open two. The
   * deliveries are queued only with a task that was opened. Returns the task open for the cause.
   */
  openTask(
    venueId: string,
    task: Task,
    deliveries?: readonly NewWebhookDelivery[],
    at?: number,
  ): Promise<{ task: Task; created: boolean }>;
  /**
   * Up to `limit` pending deliveries due at `now` that no hub holds, each held for `leaseMs` by
   * the caller: two hubs never attempt one delivery at once, and a hub that dies lets go.
   */
  claimWebhookDeliveries(now: number, options: { limit: number; leaseMs: number }): Promise<WebhookDelivery[]>;
  /** The outcome of one attempt: delivered, tried again at `nextAttemptAt`, or given up (dead). */
  settleWebhookDelivery(delivery: { id: string; url: string }, outcome: DeliveryOutcome): Promise<void>;
  /** A venue's deliveries, newest first; `state` narrows them (admins look for 'dead'). */
  webhookDeliveries(venueId: string, state?: WebhookDeliveryState): Promise<WebhookDelivery[]>;
  /** A venue's tasks, newest first. */
  tasks(venueId: string): Promise<Task[]>;
  /**
   * Claims one venue's weekly report for the week `period` and, in the same transaction, queues its
   * webhook deliveries: false (nothing queued) when a hub already claimed that week.
   */
  claimWeeklyReport(
    venueId: string,
    period: { from: string; to: string },
    deliveries: readonly NewWebhookDelivery[],
    at: number,
  ): Promise<boolean>;
  /** The weekly reports a venue sent, newest first. */
  weeklyReports(venueId: string): Promise<{ from: string; to: string; sentAt: number }[]>;
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
  /** Corrected time (device clock + measured offset). */
  at: number;
  /** The kiosk that recorded it. */
  deviceId: string;
  touchpointId: string;
  level: 1 | 2 | 3 | 4;
  misuse: boolean;
}

export interface ReasonRecord {
  id: string;
  at: number;
  deviceId: string;
  touchpointId: string;
  pressId: string;
  reasonId: string;
  /** The press as the hub holds it; a press is told apart by device, touchpoint and time. */
  press: { touchpointId: string; deviceId: string; at: number } | null;
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

export interface StoredTicketRecord {
  event: AnyEventEnvelope;
  /** The device's time of the event corrected by its measured clock offset. */
  correctedAt: number;
}

export interface StoredEventRef {
  id: string;
  seq: number;
  type: string;
  occurredAt: number;
  correctedAt: number;
  receivedAt: number;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'dead';

export interface NewWebhookDelivery {
  /** The delivery id the receiver sees on every attempt (X-Waitwell-Delivery). */
  id: string;
  url: string;
  /** The JSON body, as sent. */
  payload: string;
}

export interface WebhookDelivery extends NewWebhookDelivery {
  venueId: string;
  state: WebhookDeliveryState;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  settledAt: number | null;
}

export type DeliveryOutcome = { at: number; status?: number; error?: string } & (
  | { state: 'delivered' | 'dead' }
  | { state: 'pending'; nextAttemptAt: number }
);
