import type { Namespace } from 'socket.io';
import type { ManageClientToServer, ManageServerToClient } from '../../core/protocol.ts';
import type { Accounts } from '../auth/access.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { HubEvents } from '../hub-events.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { HubStore } from '../store/hub-store.ts';
import { requireSessionRole, type SessionSocketData } from './session-auth.ts';

export type ManageNamespace = Namespace<ManageClientToServer, ManageServerToClient, Record<string, never>, SessionSocketData>;

const room = (venueId: string) => `venue:${venueId}`;

/**
 * /manage: a venue's managers watching it live: queues, touchpoint counts, and every task as it
 * opens, moves or escalates. Read-only; managers act over the HTTP API.
 */
export function attachManageNamespace(namespace: ManageNamespace, deps: { accounts: Accounts; store: HubStore; events: HubEvents; queues: QueueService; alerts: AlertService }): void {
  deps.queues.on('changed', ({ venueId, snapshot }) => namespace.to(room(venueId)).emit('queue.snapshot', snapshot));
  deps.alerts.on('task', ({ venueId, task }) => namespace.to(room(venueId)).emit('task.updated', task));
  deps.events.on('events.stored', async ({ venueId, touchpointsChanged }) => {
    if (touchpointsChanged.length === 0 || !namespace.adapter.rooms.get(room(venueId))?.size) return;
    namespace.to(room(venueId)).emit('touchpoint.counts', { venueId, touchpoints: await deps.store.touchpointCounts(venueId, touchpointsChanged) });
  });

  namespace.use(requireSessionRole(deps.accounts, 'manager'));
  namespace.on('connection', async (socket) => {
    const { venueId, username, role } = socket.data;
    await socket.join(room(venueId));
    socket.emit('welcome', { venueId, username, role });
    const [snapshot, tasks] = await Promise.all([deps.queues.snapshot(venueId).catch(() => undefined), deps.store.tasks(venueId)]);
    if (snapshot) socket.emit('queue.snapshot', snapshot);
    for (const task of tasks.filter((t) => t.state !== 'verified')) socket.emit('task.updated', task);
  });
}
