import type { EventEmitter } from 'node:events';
import type { FeedbackLevel } from '../core/events.ts';
import type { Language } from '../core/languages.ts';

/**
 * The device kinds' interfaces (ARCHITECTURE.md "Contracts"). Every driver reports a state, which the
 * kiosk records as device.status events; every request expecting a reply waits with a matcher
 * and a timeout whose error names what it waited for.
 */
type DeviceState = 'ready' | 'degraded' | 'offline';

export interface DeviceStatus {
  state: DeviceState;
  /** Stable machine-readable cause: 'paper-near-end', 'paper-out', 'cover-open', 'disconnected', ... */
  code?: string;
  /** A sentence for staff: what happened and what to do. */
  detail?: string;
}

// Event maps are type aliases: EventEmitter's generic needs an index-compatible map.
export type DeviceEvents = {
  status: [status: DeviceStatus];
};

export interface Device<Events extends DeviceEvents & Record<keyof Events, unknown[]> = DeviceEvents>
  extends EventEmitter<Events> {
  readonly id: string;
  readonly status: DeviceStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ButtonPress {
  level: FeedbackLevel;
  /** Which physical button (1-based as labelled on the device), for diagnostics. */
  button: number;
  /** Device time of the press, ms since the epoch. */
  at: number;
  source: 'serial' | 'hid' | 'keyboard';
}

export type FeedbackButtonsEvents = DeviceEvents & {
  press: [press: ButtonPress];
};

export type FeedbackButtons = Device<FeedbackButtonsEvents>;

/** What a ticket shows; the texts around these values come from core/ticket-texts.ts. */
export interface TicketToPrint {
  ticketId: string;
  language: Language;
  venueName: string;
  serviceName: string;
  /** "A-042" */
  number: string;
  /** Minutes as posted to the customer (already rounded); null when no estimate exists yet. */
  postedWaitMin: number | null;
  /** How many are ahead. */
  position: number;
  /** ms since the epoch. */
  issuedAt: number;
  /** The phone page, /t/<ticket id>, encoded in the QR. */
  url: string;
  /** Set when the customer took a return time instead of standing in line. */
  returnWindow?: { from: number; to: number };
  /** IANA zone for the printed clock times; the kiosk's own zone when absent. */
  timeZone?: string;
}

/** How a ticket went to the printer. */
export interface PrintResult {
  /** The printer model the bytes were made for (drivers/ticket-printer/printer-models.ts). */
  model: string;
  /** 'text': every line in the printer's own fonts; 'image': lines in a script it has no font for went as images. */
  renderedAs: 'text' | 'image';
  /** Lines sent as images (the QR code not counted). */
  imageLines: number;
  /** Bytes sent for the ticket. */
  bytes: number;
}

export interface TicketPrinter extends Device {
  /** Resolves once the printer confirmed a good status after printing; rejects with a PrinterError. */
  print(ticket: TicketToPrint): Promise<PrintResult>;
  /** Whether a ticket in this language prints in the printer's own fonts (fast, sharp) rather than as images. */
  printsAsText(language: Language): boolean;
}

/** What a wait display shows: the latest queue state the kiosk received from the hub. */
export interface WaitView {
  /** "A-042", or absent while nobody is being served. */
  nowServing?: string;
  counterName?: string;
  /** Posted wait for a new arrival, minutes. */
  postedWaitMin?: number | null;
  waiting?: number;
  /** Replaces the wait line, e.g. "Closed - back 14:00". */
  message?: string;
}

export interface WaitDisplay extends Device {
  show(view: WaitView): Promise<void>;
}
