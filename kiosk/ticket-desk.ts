import { setTimeout as delay } from 'node:timers/promises';
import { newerSnapshot } from '../core/queue/newer-snapshot.ts';
import { newEventId } from '../core/ids.ts';
import { type Clock, systemClock } from '../core/logger.ts';
import { formatNumber } from '../core/queue/numbering.ts';
import type { Language } from '../core/languages.ts';
import type {
  QueueCommandResult,
  QueueFailure,
  QueueSnapshot,
  TicketQuote,
  TicketTakeRequest,
  TicketView,
} from '../core/protocol.ts';
import type { ReturnWindow } from '../core/queue/types.ts';
import { PRINTER_TROUBLE_TEXTS } from '../core/ticket-texts.ts';
import type { Venue } from '../core/venue.ts';
import type { PrintOutcome, TakenTicket } from '../core/kiosk-screen.ts';

export type { PrintOutcome, TakenTicket };
import type { WaitView } from '../drivers/device.ts';
import type { DeviceHost } from './device-host.ts';
import type { LocalStore } from './local-store.ts';
import { HubUnreachableError, type SyncClient } from './sync-client.ts';

export interface TicketDeskOptions {
  sync: SyncClient;
  store: LocalStore;
  devices: DeviceHost;
  hubUrl: string;
  /** The kiosk's venue (held by the runtime): its services, names and time zone. */
  venue: () => Venue | undefined;
  log: (line: string) => void;
  clock?: Clock;
  /** How long to ask the hub for a take before issuing offline (TAKE_DEADLINE_MS). */
  takeDeadlineMs?: number;
}

export interface TakeTicketRequest {
  serviceId: string;
  segmentId?: string;
  language: Language;
  returnWindow?: ReturnWindow;
}

/** How long a customer waits for the hub to answer a take before the kiosk issues offline. */
const TAKE_DEADLINE_MS = 4000;
/** Between two asks of the same take the hub answered "busy" (a reconnect is waited for instead). */
const RETRY_PAUSE_MS = 250;
/** Hub answers that mean "not now" (its store failed): the same take is asked again. */
const RETRIED: ReadonlySet<string> = new Set(['busy', 'internal']);

/** Keep at least this many reserved numbers per service; top up with a block of REFILL. */
const LOW_WATER = 10;
const REFILL = 30;

/** The hub said no (unknown service, no counter...) with a reason the screen can show. */
export class TicketRefused extends Error {
  constructor(readonly failure: QueueFailure) {
    super(failure.message);
    this.name = 'TicketRefused';
  }
}

/**
 * The kiosk's ticket flow: quote, take (the hub numbers it), record, print. A printer that fails
 * does not lose the ticket: the customer is given the number on screen in their language, staff
 * get the printer's status as a device.status event, and the screen says what happened.
 */
export class TicketDesk {
  private lastSnapshot: QueueSnapshot | undefined;
  /** Tickets issued offline since the last snapshot: each stands behind the previous one. */
  private offlineIssued = 0;
  private toppingUp: Promise<void> | undefined;
  private readonly sync: SyncClient;
  private readonly store: LocalStore;
  private readonly devices: DeviceHost;
  private readonly hubUrl: string;
  private readonly venue: () => Venue | undefined;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private readonly takeDeadlineMs: number;

  constructor(options: TicketDeskOptions) {
    this.sync = options.sync;
    this.store = options.store;
    this.devices = options.devices;
    this.hubUrl = options.hubUrl;
    this.venue = options.venue;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.takeDeadlineMs = options.takeDeadlineMs ?? TAKE_DEADLINE_MS;
    // Hello brings the venue (its services): the moment to make sure numbers are reserved.
    this.sync.on('venue', () => void this.topUpNumbers());
    this.sync.on('queue', (snapshot) => this.queueChanged(snapshot));
  }

  /** Reserves numbers for the services running low, so the kiosk can keep issuing offline. */
  topUpNumbers(): Promise<void> {
    this.toppingUp ??= this.reserveWhereLow().finally(() => {
      this.toppingUp = undefined;
    });
    return this.toppingUp;
  }

  private async reserveWhereLow(): Promise<void> {
    for (const service of this.venue()?.services ?? []) {
      if (this.numbersLeft(service.id) >= LOW_WATER) continue;
      try {
        const block = await this.sync.reserveNumbers(service.id, REFILL);
        if (!block.ok) {
          this.log(`could not reserve offline numbers for ${service.id} (${block.code}): ${block.message}`);
          continue;
        }
        this.store.saveNumberBlock({
          serviceId: block.serviceId,
          day: block.day,
          prefix: block.prefix,
          digits: block.digits,
          utcOffsetMin: block.utcOffsetMin,
          first: block.from,
          last: block.to,
        });
      } catch (error) {
        this.log(`could not reserve offline numbers for ${service.id}: ${(error as Error).message}`);
        return;
      }
    }
  }

  /** Reserved numbers left for a service today, to issue while the hub cannot be reached. */
  numbersLeft(serviceId: string): number {
    return this.store.numbersLeft(serviceId, this.clock.now());
  }

  /** The latest queue state the hub sent, for the screen. */
  get snapshot(): QueueSnapshot | undefined {
    return this.lastSnapshot;
  }

  /** The phone page of a ticket: its QR code on paper and on the screen. */
  phoneUrl(ticketId: string): string {
    return new URL(`/t/${ticketId}`, this.hubUrl).toString();
  }

  async quote(serviceId: string, segmentId?: string): Promise<TicketQuote> {
    const quote = await this.sync.quoteTicket({ serviceId, ...(segmentId ? { segmentId } : {}) });
    if (!quote.ok) throw new TicketRefused(quote);
    return quote;
  }

  /**
   * Takes a ticket; its number is the one on paper and on every screen (docs/queues.md, "One ticket,
   * one number"). A take the hub may have received is asked again with the same id until the hub
   * answers or the deadline passes; then, or at once when the hub was never reached, the ticket is
   * issued from this kiosk's reserved numbers under that id, and the hub adopts that number.
   */
  async take(request: TakeTicketRequest): Promise<TakenTicket> {
    const ticketId = newEventId();
    const result = await this.askHub({
      ticketId,
      serviceId: request.serviceId,
      ...(request.segmentId ? { segmentId: request.segmentId } : {}),
      ...(request.returnWindow ? { returnWindow: request.returnWindow } : {}),
    });
    if (!result) {
      // The hub is the queue's authority; without it, a number from this kiosk's reserved block.
      const offline = this.takeOffline(ticketId, request);
      if (!offline) throw new HubUnreachableError(this.sync.state);
      return {
        ticket: offline,
        print: await this.print(offline, request.language),
        offline: true,
        phoneUrl: this.phoneUrl(offline.ticketId),
      };
    }
    if (!result.ok) throw new TicketRefused(result);
    void this.topUpNumbers();
    const ticket = result.ticket!;
    // The kiosk's own record: which language and segment took which ticket, for the journey.
    this.store.append(
      'ticket.taken',
      {
        ticketId,
        serviceId: ticket.serviceId,
        number: ticket.number,
        seq: ticket.seq,
        day: ticket.day,
        lang: request.language,
        ...(request.segmentId ? { segmentId: request.segmentId } : {}),
        ...(ticket.postedWaitMin === null ? {} : { postedWaitMin: ticket.postedWaitMin }),
        ...(ticket.position === null ? {} : { position: ticket.position }),
        offline: false,
      },
      this.clock.now(),
    );
    return {
      ticket,
      print: await this.print(ticket, request.language),
      offline: false,
      phoneUrl: this.phoneUrl(ticket.ticketId),
    };
  }

  /**
   * The hub's answer to a take, or undefined when there is none to wait for: the hub was not
   * reached at all, or did not answer by the deadline (then it may hold the take: same id, see take).
   */
  private async askHub(take: TicketTakeRequest): Promise<QueueCommandResult | undefined> {
    // Elapsed time, not the venue clock: a deadline for the customer at the screen.
    const deadline = performance.now() + this.takeDeadlineMs;
    let sent = false;
    for (;;) {
      if (this.sync.state === 'online') {
        sent = true;
        try {
          const result = await this.sync.takeTicket(take, Math.max(1, deadline - performance.now()));
          if (result.ok || !RETRIED.has(result.code)) return result;
        } catch {
          // No answer (timeout, the hub went away meanwhile): ask again under the same id.
        }
      } else if (!sent) return undefined;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      if (this.sync.state === 'online') await delay(Math.min(left, RETRY_PAUSE_MS));
      else await this.sync.waitUntilOnline(left);
    }
  }

  /** A customer back for their return window scans the ticket: they join the line now. */
  async checkIn(ticketId: string): Promise<TicketView> {
    const result = await this.sync.checkInTicket(ticketId);
    if (!result.ok) throw new TicketRefused(result);
    return result.ticket!;
  }

  /**
   * Issues from the reserved block and records it; the posted wait and position come from the
   * last queue state the hub sent (plus the tickets issued here since), the best the kiosk knows.
   */
  private takeOffline(ticketId: string, request: TakeTicketRequest): TicketView | undefined {
    const now = this.clock.now();
    const number = this.store.takeReservedNumber(request.serviceId, now);
    if (!number) return undefined;
    const service = this.lastSnapshot?.services.find((s) => s.serviceId === request.serviceId);
    this.offlineIssued += 1;
    const position = (service?.waiting ?? 0) + this.offlineIssued;
    const ticket: TicketView = {
      ticketId,
      number: formatNumber(number.prefix, number.seq, number.digits),
      seq: number.seq,
      day: number.day,
      serviceId: request.serviceId,
      status: 'waiting',
      position,
      ahead: position - 1,
      onTheWay: false,
      canDefer: false,
      postedWaitMin: service?.postedWaitMin ?? null,
      pointWaitMin: service?.pointWaitMin ?? null,
      counterId: null,
      issuedAt: now,
      returnWindow: null,
    };
    this.store.append(
      'ticket.taken',
      {
        ticketId,
        serviceId: request.serviceId,
        number: ticket.number,
        seq: number.seq,
        day: number.day,
        lang: request.language,
        ...(request.segmentId ? { segmentId: request.segmentId } : {}),
        ...(ticket.postedWaitMin === null ? {} : { postedWaitMin: ticket.postedWaitMin }),
        position,
        offline: true,
      },
      now,
    );
    this.log(`hub unreachable: issued ${ticket.number} from this kiosk's reserved numbers`);
    return ticket;
  }

  private async print(ticket: TicketView, language: Language): Promise<PrintOutcome> {
    if (!this.devices.hasPrinter)
      return {
        printed: false,
        code: 'no-printer',
        staffMessage: 'this kiosk has no ticket printer',
        customerMessage: this.screenOnly(ticket.number, language),
      };
    const venue = this.venue();
    const service = venue?.services.find((s) => s.id === ticket.serviceId);
    try {
      const { printerId } = await this.devices.printTicket({
        ticketId: ticket.ticketId,
        language,
        venueName: venue?.name ?? '',
        serviceName: service?.name[language] ?? ticket.serviceId,
        number: ticket.number,
        postedWaitMin: ticket.postedWaitMin,
        position: Math.max(0, (ticket.position ?? 1) - 1),
        issuedAt: ticket.issuedAt,
        url: this.phoneUrl(ticket.ticketId),
        ...(ticket.returnWindow ? { returnWindow: ticket.returnWindow } : {}),
        ...(venue?.timezone ? { timeZone: venue.timezone } : {}),
      });
      return { printed: true, printerId };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'print-failed';
      this.log(`ticket ${ticket.number} did not print (${code}): ${(error as Error).message}`);
      return {
        printed: false,
        code,
        staffMessage: (error as Error).message,
        customerMessage: this.screenOnly(ticket.number, language, code === 'partial'),
      };
    }
  }

  private screenOnly(number: string, language: Language, partial = false): Record<Language, string> {
    const texts = (lang: Language) => {
      const trouble = PRINTER_TROUBLE_TEXTS[lang];
      return `${partial ? trouble.partial : trouble.notPrinted} ${trouble.showNumber(number)}`;
    };
    // The customer's language first for the screen; all three for staff and signage.
    return { ko: texts('ko'), zh: texts('zh'), en: texts('en'), [language]: texts(language) } as Record<
      Language,
      string
    >;
  }

  private queueChanged(snapshot: QueueSnapshot): void {
    if (newerSnapshot(this.lastSnapshot, snapshot) !== snapshot) return;
    this.lastSnapshot = snapshot;
    this.offlineIssued = 0;
    const fallback = snapshot.services[0]?.serviceId;
    void this.devices.showQueue((serviceId) => {
      const shown = serviceId ?? fallback;
      return shown === undefined ? undefined : waitViewOf(snapshot, shown);
    });
  }
}

/** What a wait display of one service shows: the number last called for it, and the promise. */
function waitViewOf(snapshot: QueueSnapshot, serviceId: string): WaitView {
  const service = snapshot.services.find((s) => s.serviceId === serviceId);
  const counters = snapshot.counters.filter((c) => c.services.includes(serviceId));
  const serving =
    counters.find((c) => c.nowServing !== null && c.nowServing === snapshot.lastCall?.number) ??
    counters.find((c) => c.nowServing !== null);
  const view: WaitView = {
    ...(serving?.nowServing ? { nowServing: serving.nowServing, counterName: serving.counterId } : {}),
    postedWaitMin: service?.postedWaitMin ?? null,
    waiting: service?.waiting ?? 0,
  };
  if (counters.length > 0 && counters.every((c) => c.status !== 'open')) {
    view.message = counters.some((c) => c.status === 'break') ? 'Counters on break' : 'Closed';
  }
  return view;
}
