import type { Namespace } from 'socket.io';
import type { QueueCommandResult, StaffClientToServer, StaffServerToClient } from '../../core/protocol.ts';
import type { Accounts } from '../auth/access.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import { staffCommandSchema } from '../queue/command-schema.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import { queueBusyReported, type QueueService } from '../queue/queue-service.ts';
import type { HubEvents } from '../hub-events.ts';
import { requireSessionRole, type SessionSocketData } from './session-auth.ts';
import { onQueueChange } from './queue-changes.ts';
import type { HubStore } from '../store/hub-store.ts';

const room = (venueId: string) => `venue:${venueId}`;
/** Tasks go to the staff of the department that owns them, and to staff of no particular department. */
const departmentRoom = (venueId: string, department: string) => `venue:${venueId}:department:${department}`;
const everyDepartmentRoom = (venueId: string) => `venue:${venueId}:every-department`;

export type StaffNamespace = Namespace<
  StaffClientToServer,
  StaffServerToClient,
  Record<string, never>,
  SessionSocketData
>;

/**
 * /staff: signed-in staff acting for one venue: counter actions on its queue, and its live
 * snapshot. The venue is fixed at the handshake (checked against the user's venues), so no
 * action can ever reach another venue's state.
 */
export function attachStaffNamespace(
  namespace: StaffNamespace,
  accounts: Accounts,
  queues: QueueService,
  alerts: AlertService,
  store: HubStore,
  events: HubEvents,
): void {
  const queueFailed = queueBusyReported(events);
  onQueueChange(queues, ({ venueId, snapshot }) => namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot));
  alerts.on('task', ({ venueId, task }) =>
    namespace.to([departmentRoom(venueId, task.owner), everyDepartmentRoom(venueId)]).emit('task.updated', task),
  );

  namespace.use(requireSessionRole(accounts, 'staff'));

  namespace.on('connection', async (socket) => {
    const { venueId } = socket.data;
    socket.on('queue.command', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: QueueCommandResult) => void;
      const command = staffCommandSchema.safeParse(raw);
      if (!command.success)
        return reply({ ok: false, code: 'invalid-command', message: describeZodIssues(command.error) });
      reply(await queues.execute(venueId, command.data).catch(queueFailed));
    });
    const { departments } = socket.data;
    await socket.join([
      room(venueId),
      ...(departments.length === 0
        ? [everyDepartmentRoom(venueId)]
        : departments.map((d) => departmentRoom(venueId, d))),
    ]);
    socket.emit('welcome', { venueId, username: socket.data.username, role: socket.data.role });
    const snapshot = await queues.snapshot(venueId).catch(() => undefined);
    if (snapshot) socket.emit('queue.snapshot', snapshot);
    // The tasks still open for this clerk's departments, so a console opened later is not empty.
    for (const task of await store.tasks(venueId).catch(() => [])) {
      if (task.state !== 'verified' && (departments.length === 0 || departments.includes(task.owner)))
        socket.emit('task.updated', task);
    }
  });
}
