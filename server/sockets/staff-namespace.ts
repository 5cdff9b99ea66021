import type { Namespace } from 'socket.io';
import type { QueueCommandResult, Role, StaffClientToServer, StaffServerToClient } from '../../core/protocol.ts';
import type { Accounts } from '../auth/access.ts';
import { describeIssues, staffCommandSchema } from '../queue/command-schema.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { QueueService } from '../queue/queue-service.ts';
import { requireSessionRole, type SessionSocketData } from './session-auth.ts';
import { onQueueChange } from './queue-changes.ts';

const room = (venueId: string) => `venue:${venueId}`;

export type StaffNamespace = Namespace<StaffClientToServer, StaffServerToClient, Record<string, never>, SessionSocketData>;

/**
 * /staff: signed-in staff acting for one venue: counter actions on its queue, and its live
 * snapshot. The venue is fixed at the handshake (checked against the user's venues), so no
 * action can ever reach another venue's state.
 */
export function attachStaffNamespace(namespace: StaffNamespace, accounts: Accounts, queues: QueueService, alerts: AlertService): void {
  onQueueChange(queues, ({ venueId, snapshot }) => namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot));
  alerts.on('task', ({ venueId, task }) => namespace.to(room(venueId)).emit('task.updated', task));

  namespace.use(requireSessionRole(accounts, 'staff'));

  namespace.on('connection', async (socket) => {
    const { venueId } = socket.data;
    socket.on('queue.command', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: QueueCommandResult) => void;
      const command = staffCommandSchema.safeParse(raw);
      if (!command.success) return reply({ ok: false, code: 'invalid-command', message: describeIssues(command.error) });
      reply(await queues.execute(venueId, command.data).catch((error: Error) => ({ ok: false as const, code: 'busy' as const, message: `the hub could not carry this out (${error.message}); try again` })));
    });
    await socket.join(room(venueId));
    socket.emit('welcome', { venueId, username: socket.data.username, role: socket.data.role });
    const snapshot = await queues.snapshot(venueId).catch(() => undefined);
    if (snapshot) socket.emit('queue.snapshot', snapshot);
  });
}
