import type { Server } from 'socket.io';
import type { ManageClientToServer, ManageServerToClient } from '../../core/protocol.ts';
import { type NamespaceDeps, namespaceOf } from './namespace-deps.ts';
import { onQueueChange } from './queue-changes.ts';
import { requireSessionRole, type SessionSocketData } from './session-auth.ts';
import type { CountsAudience } from './touchpoint-counts.ts';
import { credentialRooms } from './revocations.ts';

const room = (venueId: string) => `venue:${venueId}`;

/**
 * /manage: a venue's managers watching it live: queues, touchpoint counts, and every task as it
 * opens, moves or escalates. Read-only; managers act over the HTTP API.
 */
export function attachManageNamespace(io: Server, deps: NamespaceDeps): { counts: CountsAudience } {
  const namespace = namespaceOf<ManageClientToServer, ManageServerToClient, SessionSocketData>(io, '/manage');
  onQueueChange(deps.queues.live, ({ venueId, snapshot }) =>
    namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot),
  );
  deps.alerts.on('task', ({ venueId, task }) => namespace.to(room(venueId)).emit('task.updated', task));

  namespace.use(requireSessionRole(deps.accounts, 'manager'));
  namespace.on('connection', async (socket) => {
    const { venueId, username, role } = socket.data;
    await socket.join([room(venueId), ...credentialRooms(socket.data.credential)]);
    socket.emit('welcome', { venueId, username, role });
    const [snapshot, tasks] = await Promise.all([
      deps.queues.reads.snapshot(venueId).catch(() => undefined),
      deps.store.tasks(venueId),
    ]);
    if (snapshot) socket.emit('queue.snapshot', snapshot);
    for (const task of tasks.filter((t) => t.state !== 'verified')) socket.emit('task.updated', task);
  });

  return {
    counts: {
      watchingHere: (venueId) => Boolean(namespace.adapter.rooms.get(room(venueId))?.size),
      push: (update) => namespace.local.to(room(update.venueId)).emit('touchpoint.counts', update),
    },
  };
}
