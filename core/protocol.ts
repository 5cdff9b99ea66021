import type { AnyEventEnvelope, EventRejectionCode, FeedbackLevel } from './events.ts';
import type { Venue } from './venue.ts';

/**
 * Socket contracts for every namespace, shared by the hub, the kiosk runtime and the screens.
 * Both directions are typed, and every request carries an ack with a typed result.
 */

/** A batch larger than this is refused whole; the kiosk sends ~512 KB at most. */
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_BATCH_EVENTS = 2000;

export type ProtocolErrorCode =
  | EventRejectionCode
  | 'invalid-message'
  | 'unknown-message'
  | 'batch-too-large'
  | 'device-mismatch'
  | 'venue-mismatch'
  | 'seq-order'
  | 'seq-gap'
  | 'seq-conflict'
  | 'id-conflict'
  | 'hello-required'
  | 'internal';

export interface Failure {
  ok: false;
  code: ProtocolErrorCode;
  message: string;
}

/** Why a socket was refused at connect (the `data` of socket.io's connect_error). */
export type AuthErrorCode =
  | 'device-token-missing'
  | 'device-token-invalid'
  | 'session-missing'
  | 'session-invalid'
  | 'forbidden-venue'
  | 'forbidden-role'
  | 'board-token-invalid';

export interface AuthErrorData {
  code: AuthErrorCode;
}

// ---------- /kiosk ----------

export interface KioskAuth {
  deviceId: string;
  token: string;
}

export interface HelloRequest {
  /** Highest seq in the kiosk's own store. */
  lastSeq: number;
  /** The kiosk's clock when it sent hello, for the NTP-style offset. */
  clientTime: number;
  software?: string;
}

export interface HelloOk {
  ok: true;
  /** The hub holds every event of this device with seq <= contiguousSeq. */
  contiguousSeq: number;
  hubTime: number;
  venue: Venue;
}

export interface EventBatch {
  events: AnyEventEnvelope[];
  /** hub clock - kiosk clock, as the kiosk measured it at hello. */
  clockOffsetMs?: number;
}

export interface BatchOk {
  ok: true;
  contiguousSeq: number;
  accepted: number;
  duplicates: number;
}

export type BatchFailure = Failure & {
  /** Where the hub stands, so the kiosk can resume from there. */
  contiguousSeq?: number;
  /** Index in the batch of the event that was refused, when one was. */
  eventIndex?: number;
};

export interface KioskClientToServer {
  hello: (request: HelloRequest, ack: (result: HelloOk | Failure) => void) => void;
  'events.batch': (batch: EventBatch, ack: (result: BatchOk | BatchFailure) => void) => void;
}

export interface KioskServerToClient {
  'venue.updated': (venue: Venue) => void;
}

// ---------- /board ----------

export interface BoardAuth {
  venueId: string;
  /** A venue's read-only board token; a signed-in user's session works too. */
  token?: string;
}

export type LevelCounts = Record<FeedbackLevel, number>;

export interface TouchpointCounts {
  touchpointId: string;
  counts: LevelCounts;
  total: number;
}

export interface BoardSnapshot {
  venue: Venue;
  touchpoints: TouchpointCounts[];
  devices: DeviceHealth[];
}

export interface DeviceHealth {
  deviceId: string;
  name: string;
  connected: boolean;
  lastSeenAt: number | null;
  contiguousSeq: number;
}

export interface BoardServerToClient {
  snapshot: (snapshot: BoardSnapshot) => void;
  'touchpoint.counts': (update: { venueId: string; touchpoints: TouchpointCounts[] }) => void;
  'device.health': (health: DeviceHealth) => void;
}

export type BoardClientToServer = Record<string, never>;

// ---------- /staff ----------

export const ROLES = ['staff', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffAuth {
  venueId: string;
  /** Session token; browsers send the session cookie instead. */
  session?: string;
}

export interface StaffServerToClient {
  welcome: (info: { venueId: string; username: string; role: Role }) => void;
}

export type StaffClientToServer = Record<string, never>;

export function emptyLevelCounts(): LevelCounts {
  return { 1: 0, 2: 0, 3: 0, 4: 0 };
}
