import { type AnyEventEnvelope, offlineTicketOf } from '../../core/events.ts';
import { type Logger, silentLogger } from '../../core/logger.ts';
import { MINUTE_MS } from '../../core/queue/types.ts';
import { ticketById } from '../../core/queue/views.ts';
import type { HubEvents } from '../hub-events.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { LiveQueues } from './live-queues.ts';
import type { QueueCommands } from './queue-commands.ts';

/** How far back a kiosk's hello looks for offline tickets its hub may have stored but not merged. */
const CATCH_UP_MS = 36 * 60 * MINUTE_MS;

/**
 * Tickets a kiosk numbered from its reserved block while offline reach the hub in its batches
 * (core/events.ts offlineTicketOf). Once stored, they join the queue at the time they were taken:
 * the kiosk's clock corrected by the offset it measured at hello, the batch's clockOffsetMs. So
 * they keep their place among the tickets the hub issued meanwhile. A ticket the hub had numbered
 * already under the same id is renumbered to the kiosk's printed number (docs/queues.md).
 */
export function mergeOfflineTickets(
  deps: { events: HubEvents; commands: QueueCommands },
  options: { log?: Logger } = {},
): void {
  const { events, commands } = deps;
  const log = options.log ?? silentLogger;
  events.on('events.stored', ({ venueId, deviceId, events: stored, clockOffsetMs }) => {
    const records = stored.map((event) => ({ event, correctedAt: event.occurredAt + clockOffsetMs }));
    mergeEach(commands, venueId, deviceId, records, log).catch((error: Error) =>
      events.emit('fault', { where: 'offline tickets', error }),
    );
  });
}

/**
 * A hub killed after storing a batch and before merging its offline tickets would leave them out
 * of the queue for good (the kiosk does not send a batch the hub holds). So at each hello the
 * hub checks the device's recent ticket records against the queue and merges what is missing or
 * numbered otherwise; a ticket already in the queue under its printed number is left alone.
 */
export async function catchUpOfflineTickets(
  deps: { store: HubStore; live: LiveQueues; commands: QueueCommands },
  device: { venueId: string; deviceId: string; now: number },
  log: Logger = silentLogger,
): Promise<void> {
  const { venueId, deviceId, now } = device;
  const queue = await deps.live.get(venueId);
  if (!queue) return;
  const records = await deps.store.deviceTicketRecords(deviceId, now - CATCH_UP_MS);
  const missing = records.filter(({ event }) => {
    const ticket = offlineTicketOf(event);
    return ticket && ticketById(queue.state, ticket.ticketId)?.number !== ticket.number;
  });
  await mergeEach(deps.commands, venueId, deviceId, missing, log);
}

async function mergeEach(
  commands: QueueCommands,
  venueId: string,
  deviceId: string,
  records: readonly { event: AnyEventEnvelope; correctedAt: number }[],
  log: Logger,
): Promise<void> {
  for (const { event, correctedAt } of records) {
    const ticket = offlineTicketOf(event);
    if (!ticket) continue;
    const result = await commands.execute(venueId, {
      type: 'issue',
      ticketId: ticket.ticketId,
      serviceId: ticket.serviceId,
      kioskId: deviceId,
      offline: { seq: ticket.seq, issuedAt: correctedAt },
      ...(ticket.segmentId ? { segmentId: ticket.segmentId } : {}),
      ...(ticket.postedWaitMin === undefined ? {} : { postedWaitMin: ticket.postedWaitMin }),
    });
    if (!result.ok)
      log.warn(
        { venueId, deviceId, ticketId: ticket.ticketId, code: result.code },
        `offline ticket ${ticket.number} from ${deviceId} was not merged: ${result.message}`,
      );
  }
}
