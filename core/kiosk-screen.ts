import type { EventEnvelope } from './events.ts';
import type { Language } from './languages.ts';
import type { PublicNoteView, QueueSnapshot, TicketView } from './protocol.ts';
import type { PublicVenue } from './venue.ts';

/**
 * The contract between a kiosk runtime and its own screen (renderer/kiosk), over the local API on
 * 127.0.0.1: requests over HTTP, and live news as server-sent events named after this map's keys,
 * each carrying one JSON value.
 */

/** What the screen shows of the kiosk itself (the admin panel, and the offline banner). */
export interface KioskStatusView {
  venueId: string;
  deviceId: string;
  sync: string;
  syncReason: string | null;
  lastSeq: number;
  hubContiguousSeq: number;
  /** Events recorded here and not yet held by the hub. */
  outbox: number;
}

export interface KioskDeviceView {
  id: string;
  kind: 'buttons' | 'printer' | 'display';
  /** 'ready' | 'degraded' | 'offline' | 'error' ... as the driver reports it. */
  state: string;
  code?: string;
  detail?: string;
}

/** How this kiosk's screen behaves (the kiosk configuration's `screen` section). */
export interface KioskScreenSettings {
  /** The touchpoint whose smileys the screen shows; none: the screen only issues tickets. */
  touchpointId: string | null;
  /** Services offered on this kiosk, in order; empty: every service of the venue. */
  services: string[];
  /** Whether an admin PIN is set (the PIN itself never leaves the kiosk runtime). */
  adminPinSet: boolean;
  /** Seconds before an untouched screen goes back to idle. */
  idleSeconds: number;
  /** Keys of keyboard-mode keypads the screen must catch and forward to /local/keys. */
  keysToCatch: string[];
}

/**
 * The answer to POST /local/feedback: the press as recorded. The screen thanks the customer for
 * this press and sends its id with the reason they pick; presses on button boxes never reach the
 * screen (the box is a different person, and a reason must never land on their press).
 */
export type RecordedPress = EventEnvelope<'feedback.pressed'>;

export interface KioskScreenEvents {
  status: KioskStatusView;
  venue: PublicVenue;
  queue: QueueSnapshot;
  devices: KioskDeviceView[];
  notes: PublicNoteView[];
}

/** How the ticket reached the customer: on paper, or only on the screen (and why). */
export type PrintOutcome =
  | { printed: true; printerId: string }
  | { printed: false; code: string; staffMessage: string; customerMessage: Record<Language, string> };

/** The answer to POST /local/tickets. */
export interface TakenTicket {
  ticket: TicketView;
  print: PrintOutcome;
  /** Issued from the kiosk's reserved numbers while the hub was unreachable; joins the queue on sync. */
  offline: boolean;
  /** The phone page (/t/<ticket id>) the QR code opens. */
  phoneUrl: string;
}
