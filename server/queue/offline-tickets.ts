import { offlineTicketOf } from '../../core/events.ts';
import { type Logger, silentLogger } from '../../core/logger.ts';
import type { HubEvents } from '../hub-events.ts';
import type { QueueCommands } from './queue-commands.ts';

/**
 * Tickets a kiosk numbered from its reserved block while offline reach the hub in its batches
 * (core/events.ts offlineTicketOf). Once stored, they join the queue at the time they were taken:
 * the kiosk's clock corrected by the offset it measured at hello, the batch's clockOffsetMs. So
 * they keep their place among the tickets the hub issued meanwhile.
 */
export function mergeOfflineTickets(
  deps: { events: HubEvents; commands: QueueCommands },
  options: { log?: Logger } = {},
): void {
  const { events, commands } = deps;
  const log = options.log ?? silentLogger;
  events.on('events.stored', ({ venueId, deviceId, events: stored, clockOffsetMs }) => {
    const offline = stored.flatMap((event) => {
      const ticket = offlineTicketOf(event);
      return ticket ? [{ ...ticket, issuedAt: event.occurredAt + clockOffsetMs }] : [];
    });
    if (offline.length === 0) return;
    void (async () => {
      for (const ticket of offline) {
        const result = await commands.execute(venueId, {
          type: 'issue',
          ticketId: ticket.ticketId,
          serviceId: ticket.serviceId,
          kioskId: deviceId,
          offline: { seq: ticket.seq, issuedAt: ticket.issuedAt },
          ...(ticket.segmentId ? { segmentId: ticket.segmentId } : {}),
          ...(ticket.postedWaitMin === undefined ? {} : { postedWaitMin: ticket.postedWaitMin }),
        });
        if (!result.ok)
          log.warn(
            { venueId, deviceId, ticketId: ticket.ticketId, code: result.code },
            `offline ticket ${ticket.number} from ${deviceId} was not merged: ${result.message}`,
          );
      }
    })().catch((error: Error) => events.emit('fault', { where: 'offline tickets', error }));
  });
}
