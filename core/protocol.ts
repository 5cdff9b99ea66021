import type { Task } from './alerts/tasks.ts';
import type { AnyEventEnvelope, EventRejectionCode, FeedbackLevel } from './events.ts';
import type { CounterBoardRow, ServiceBoardRow } from './queue/views.ts';
import type {
  QueueCommand,
  QueueEvent,
  QueueRefusalCode,
  RefusalParams,
  ReturnWindow,
  TicketStatus,
} from './queue/types.ts';
import type { PublicVenue, Venue } from './venue.ts';

/**
 * Socket contracts for every namespace, shared by the hub, the kiosk runtime and the screens.
 * Both directions are typed, and every request carries an ack with a typed result.
 */

/** A batch larger than this is refused whole; the kiosk sends ~512 KB at most. */
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_BATCH_EVENTS = 2000;

type ProtocolErrorCode =
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
  | 'board-token-invalid'
  | 'ticket-unknown';

export interface AuthErrorData {
  code: AuthErrorCode;
}

// ---------- /kiosk ----------

export interface KioskAuth {
  deviceId: string;
  token: string;
}

interface HelloRequest {
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

interface EventBatch {
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
  'ticket.quote': (request: TicketQuoteRequest, ack: (result: TicketQuote | QueueFailure) => void) => void;
  'ticket.take': (request: TicketTakeRequest, ack: (result: QueueCommandResult) => void) => void;
  'numbers.reserve': (
    request: { serviceId: string; size: number },
    ack: (result: NumbersReserved | QueueFailure) => void,
  ) => void;
  /** A return-time holder is back (scanned their ticket at the kiosk): they join the line now. */
  'ticket.check-in': (request: { ticketId: string }, ack: (result: QueueCommandResult) => void) => void;
}

/** A block of numbers for a kiosk to issue from while it cannot reach the hub. */
export interface NumbersReserved {
  ok: true;
  serviceId: string;
  day: string;
  prefix: string;
  digits: number;
  utcOffsetMin: number;
  from: number;
  to: number;
}

export interface KioskServerToClient {
  'venue.updated': (venue: Venue) => void;
  /** A message the hub could not answer on its ack (it had none): unknown, or a request sent without one. */
  'message.refused': (failure: Failure) => void;
  'queue.snapshot': (snapshot: QueueSnapshot) => void;
  /** What the venue tells customers it changed, for the idle screen: every note showing now. */
  notes: (notes: PublicNoteView[]) => void;
}

// ---------- queues (hub -> kiosks, boards, staff, phones) ----------

/** One service's line as customers see it: how many wait, who is next, what we promise. */
interface ServiceWait extends ServiceBoardRow {
  /** The calibrated promise for someone taking a ticket now; null while no counter serves it. */
  postedWaitMin: number | null;
  /** The point estimate behind it. */
  pointWaitMin: number | null;
  /** The return window a new arrival would be offered now, if the line is long enough for one. */
  returnWindow: ReturnWindow | null;
}

export interface QueueSnapshot {
  venueId: string;
  /** Events in the venue's queue log so far: a client ignores a snapshot older than one it holds. */
  version: number;
  at: number;
  counters: CounterBoardRow[];
  services: ServiceWait[];
  /** The latest call, so boards can chime and highlight it. */
  lastCall: { number: string; counterId: string; at: number } | null;
  /**
   * The latest calls and recalls, oldest first (at most RECENT_CALLS): a board announces each one
   * it has not announced yet, in order, so calls that come together are all heard.
   */
  recentCalls: CallNotice[];
}

/** How many calls a queue snapshot carries (core/calls): more than can come between two snapshots. */
export const RECENT_CALLS = 8;

/** One call of a ticket to a counter, as boards announce it. */
export interface CallNotice {
  /** The queue log's version right after the call: unique and rising within the venue. */
  id: number;
  number: string;
  serviceId: string;
  counterId: string;
  at: number;
  /** A recall ("again"), not the first call. */
  recall: boolean;
}

/** A called ticket's promise and its actual wait (GET /api/venues/:venueId/queue/waits). */
export interface WaitRecord {
  ticketId: string;
  number: string;
  serviceId: string;
  calledAt: number;
  postedWaitMin: number | null;
  actualWaitMin: number;
}

/** One ticket as its holder sees it (phone page, kiosk receipt). */
export interface TicketView {
  ticketId: string;
  /** As printed, e.g. "A-007". */
  number: string;
  /** The number part, unique per service and local day. */
  seq: number;
  /** The venue's local day (YYYY-MM-DD) the number belongs to. */
  day: string;
  serviceId: string;
  status: TicketStatus;
  /** 1-based place in line while waiting, else null. */
  position: number | null;
  ahead: number;
  postedWaitMin: number | null;
  pointWaitMin: number | null;
  counterId: string | null;
  issuedAt: number;
  returnWindow: ReturnWindow | null;
  /** The holder said "I'm on my way". */
  onTheWay: boolean;
  /** "I need more time" may still be asked (not past its limit, and somebody is behind). */
  canDefer: boolean;
}

export type QueueFailureCode = QueueRefusalCode | 'invalid-command' | 'no-queue' | 'forbidden-command' | 'busy';

export interface QueueFailure {
  ok: false;
  code: QueueFailureCode;
  /** English, for logs and tools; screens say the code's text in their language with `params`. */
  message: string;
  params?: RefusalParams;
}

interface QueueCommandOk {
  ok: true;
  version: number;
  events: QueueEvent[];
  /** The ticket the command was about, after it. */
  ticket: TicketView | null;
}

export type QueueCommandResult = QueueCommandOk | QueueFailure;

/** What staff may do at a counter (issue, check-in and blocks belong to kiosks). */
const STAFF_COMMANDS = [
  'open-counter',
  'close-counter',
  'break-counter',
  'plan-counter',
  'call-next',
  'call',
  'recall',
  'serve',
  'no-show',
  'transfer',
  'park',
  'rejoin',
  'cancel',
] as const;
export type StaffCommand = Extract<QueueCommand, { type: (typeof STAFF_COMMANDS)[number] }>;

export interface TicketQuoteRequest {
  serviceId: string;
  segmentId?: string;
}

export interface TicketQuote {
  ok: true;
  serviceId: string;
  postedWaitMin: number | null;
  pointWaitMin: number | null;
  /** Where the customer would stand: 1 = next. */
  position: number;
  returnWindow: ReturnWindow | null;
}

export interface TicketTakeRequest {
  /** Minted by the kiosk (UUIDv7), so a retried take cannot issue two tickets. */
  ticketId: string;
  serviceId: string;
  segmentId?: string;
  /** The window the customer accepted instead of the line. */
  returnWindow?: ReturnWindow;
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
  venue: PublicVenue;
  touchpoints: TouchpointCounts[];
  devices: DeviceHealth[];
  /** The latest status of each component (printer, button box, display) the kiosks reported. */
  components: ComponentHealth[];
  /** What the venue tells customers it changed (verified tasks' public notes still showing). */
  notes: PublicNoteView[];
}

/** A verified fix told to customers ("You said ...; we fixed ..."), shown until `until`. */
export interface PublicNoteView {
  taskId: string;
  note: { text: { ko: string; zh: string; en: string }; until: number };
}

/** A kiosk's device as its last device.status event described it (paper out, cable pulled...). */
export interface ComponentHealth {
  deviceId: string;
  component: string;
  state: 'ready' | 'degraded' | 'offline';
  code?: string;
  detail?: string;
  at: number;
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
  'component.health': (health: ComponentHealth) => void;
  'queue.snapshot': (snapshot: QueueSnapshot) => void;
  /** The venue's configuration was saved (a new version). */
  'venue.updated': (venue: PublicVenue) => void;
  /** The public notes changed: every note showing now. */
  notes: (notes: PublicNoteView[]) => void;
}

export type BoardClientToServer = Record<string, never>;

// ---------- /manage ----------

export interface ManageServerToClient {
  welcome: (info: { venueId: string; username: string; role: Role }) => void;
  'queue.snapshot': (snapshot: QueueSnapshot) => void;
  'touchpoint.counts': (update: { venueId: string; touchpoints: TouchpointCounts[] }) => void;
  /** On connect, every task not yet verified; then each change. */
  'task.updated': (task: Task) => void;
}

export type ManageClientToServer = Record<string, never>;

// ---------- /ticket (the phone page behind a ticket's QR code) ----------

/** The ticket's id is the key: unguessable, printed only on that ticket. */
export interface TicketAuth {
  venueId: string;
  ticketId: string;
}

export interface TicketServerToClient {
  'ticket.updated': (ticket: TicketView) => void;
  /** A message the hub could not answer on its ack (it had none): unknown, or a request sent without one. */
  'message.refused': (failure: Failure) => void;
  /** On connect: the venue's names (services, counters) in every language, without its secrets. */
  venue: (venue: PublicVenue) => void;
}

export interface TicketClientToServer {
  /** "I need more time": let the next few people go first. */
  'ticket.defer': (ack: (result: QueueCommandResult) => void) => void;
  /** "I'm on my way" (after the call, or before it). */
  'ticket.on-my-way': (ack: (result: QueueCommandResult) => void) => void;
}

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
  /** A message the hub could not answer on its ack (it had none): unknown, or a request sent without one. */
  'message.refused': (failure: Failure) => void;
  'queue.snapshot': (snapshot: QueueSnapshot) => void;
  /** A task for the venue was opened, moved or escalated (core/alerts/tasks.ts). */
  'task.updated': (task: Task) => void;
}

export interface StaffClientToServer {
  'queue.command': (command: StaffCommand, ack: (result: QueueCommandResult) => void) => void;
}

export function emptyLevelCounts(): LevelCounts {
  return { 1: 0, 2: 0, 3: 0, 4: 0 };
}
