import type { Server } from 'socket.io';
import type { TicketClientToServer, TicketServerToClient } from '../../core/protocol.ts';
import { publicVenue } from '../../core/venue.ts';
import { authError } from './kiosk-namespace.ts';
import { type NamespaceDeps, namespaceOf } from './namespace-deps.ts';
import { onQueueChange } from './queue-changes.ts';
import { QUEUE_ANSWERS, SocketRequests } from './socket-requests.ts';
import { admitBy } from './handshake.ts';

const ROOM_PREFIX = 'ticket:';
const room = (venueId: string, ticketId: string) => `${ROOM_PREFIX}${venueId}:${ticketId}`;

/**
 * /ticket: one ticket's holder, on the phone page the ticket's QR code opens. The unguessable
 * ticket id is the only key, and it acts only on its own ticket ("I need more time", "I'm on my
 * way"). Every queue change re-estimates the tickets someone is watching and pushes them.
 */
export function attachTicketNamespace(io: Server, deps: NamespaceDeps): void {
  const { queues, store, events } = deps;
  const namespace = namespaceOf<TicketClientToServer, TicketServerToClient, { venueId: string; ticketId: string }>(
    io,
    '/ticket',
  );
  admitBy(namespace, async (socket, next) => {
    const { venueId, ticketId } = (socket.handshake.auth ?? {}) as { venueId?: unknown; ticketId?: unknown };
    if (
      typeof venueId !== 'string' ||
      typeof ticketId !== 'string' ||
      !(await queues.reads.ticket(venueId, ticketId).catch(() => undefined))
    ) {
      return next(authError('ticket-unknown', 'no such ticket: scan the QR code on your ticket again'));
    }
    socket.data = { venueId, ticketId };
    next();
  });

  namespace.on('connection', async (socket) => {
    const { venueId, ticketId } = socket.data;
    new SocketRequests<TicketClientToServer>(socket, events)
      .onAck('ticket.defer', QUEUE_ANSWERS, () => queues.commands.execute(venueId, { type: 'defer', ticketId }))
      .onAck('ticket.on-my-way', QUEUE_ANSWERS, () => queues.commands.execute(venueId, { type: 'on-my-way', ticketId }))
      .answerUnknown('/ticket');
    await socket.join(room(venueId, ticketId));
    const venue = await store.getVenue(venueId);
    if (venue) socket.emit('venue', publicVenue(venue));
    const view = await queues.reads.ticket(venueId, ticketId);
    if (view) socket.emit('ticket.updated', view);
  });

  // Each hub re-estimates the tickets watched on its own sockets (its adapter's rooms are exactly
  // those, with or without Redis) and pushes to them only: every hub hears of every change.
  onQueueChange(queues.live, ({ venueId }) => {
    const prefix = `${ROOM_PREFIX}${venueId}:`;
    const watched = [...namespace.adapter.rooms]
      .filter(([name, members]) => name.startsWith(prefix) && members.size > 0)
      .map(([name]) => name.slice(prefix.length));
    if (watched.length === 0) return;
    void queues.reads
      .tickets(venueId, watched)
      .catch(() => [])
      .then((views) => {
        for (const view of views) namespace.local.to(room(venueId, view.ticketId)).emit('ticket.updated', view);
      });
  });
}
