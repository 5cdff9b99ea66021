import type { Namespace } from 'socket.io';
import type { TicketClientToServer, TicketServerToClient } from '../../core/protocol.ts';
import type { QueueService } from '../queue/queue-service.ts';
import { authError } from './kiosk-namespace.ts';

export type TicketNamespace = Namespace<TicketClientToServer, TicketServerToClient, Record<string, never>, { venueId: string; ticketId: string }>;

const ROOM_PREFIX = 'ticket:';
const room = (venueId: string, ticketId: string) => `${ROOM_PREFIX}${venueId}:${ticketId}`;

/**
 * /ticket: one ticket's holder, on the phone page the ticket's QR code opens. The unguessable
 * ticket id is the only key. Every queue change re-estimates the tickets someone is watching
 * and pushes their position and wait.
 */
export function attachTicketNamespace(namespace: TicketNamespace, queues: QueueService): void {
  namespace.use(async (socket, next) => {
    const { venueId, ticketId } = (socket.handshake.auth ?? {}) as { venueId?: unknown; ticketId?: unknown };
    if (typeof venueId !== 'string' || typeof ticketId !== 'string' || !(await queues.ticket(venueId, ticketId).catch(() => undefined))) {
      return next(authError('ticket-unknown', 'no such ticket: scan the QR code on your ticket again'));
    }
    socket.data = { venueId, ticketId };
    next();
  });

  namespace.on('connection', async (socket) => {
    const { venueId, ticketId } = socket.data;
    await socket.join(room(venueId, ticketId));
    const view = await queues.ticket(venueId, ticketId);
    if (view) socket.emit('ticket.updated', view);
  });

  queues.on('changed', async ({ venueId }) => {
    const prefix = `${ROOM_PREFIX}${venueId}:`;
    const watched = [...namespace.adapter.rooms].filter(([name, members]) => name.startsWith(prefix) && members.size > 0).map(([name]) => name.slice(prefix.length));
    if (watched.length === 0) return;
    const views = await queues.tickets(venueId, watched).catch(() => []);
    for (const view of views) namespace.to(room(venueId, view.ticketId)).emit('ticket.updated', view);
  });
}
