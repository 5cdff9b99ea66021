import type { Server } from 'socket.io';
import type { StaffClientToServer, StaffServerToClient } from '../../core/protocol.ts';
import { signedBy, staffCommandSchema } from '../queue/command-schema.ts';
import { type NamespaceDeps, namespaceOf } from './namespace-deps.ts';
import { onQueueChange } from './queue-changes.ts';
import { requireSessionRole, type SessionSocketData } from './session-auth.ts';
import { QUEUE_ANSWERS, SocketRequests } from './socket-requests.ts';
import { credentialRooms } from './revocations.ts';

const room = (venueId: string) => `venue:${venueId}`;
/** Tasks go to the staff of the department that owns them, and to staff of no particular department. */
const departmentRoom = (venueId: string, department: string) => `venue:${venueId}:department:${department}`;
const everyDepartmentRoom = (venueId: string) => `venue:${venueId}:every-department`;

/**
 * /staff: signed-in staff acting for one venue: counter actions on its queue, and its live
 * snapshot. The venue is fixed at the handshake (checked against the user's venues), so no
 * action can ever reach another venue's state.
 */
export function attachStaffNamespace(io: Server, deps: NamespaceDeps): void {
  const { accounts, queues, alerts, store, events } = deps;
  const namespace = namespaceOf<StaffClientToServer, StaffServerToClient, SessionSocketData>(io, '/staff');
  onQueueChange(queues.live, ({ venueId, snapshot }) =>
    namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot),
  );
  alerts.on('task', ({ venueId, task }) =>
    namespace.to([departmentRoom(venueId, task.owner), everyDepartmentRoom(venueId)]).emit('task.updated', task),
  );

  namespace.use(requireSessionRole(accounts, 'staff'));

  namespace.on('connection', async (socket) => {
    const { venueId } = socket.data;
    new SocketRequests<StaffClientToServer>(socket, events)
      .on('queue.command', staffCommandSchema, QUEUE_ANSWERS, (command) =>
        queues.commands.execute(venueId, signedBy(command, socket.data.username)),
      )
      .answerUnknown('/staff');
    const { departments } = socket.data;
    await socket.join([
      room(venueId),
      ...credentialRooms(socket.data.credential),
      ...(departments.length === 0
        ? [everyDepartmentRoom(venueId)]
        : departments.map((d) => departmentRoom(venueId, d))),
    ]);
    socket.emit('welcome', { venueId, username: socket.data.username, role: socket.data.role });
    const snapshot = await queues.reads.snapshot(venueId).catch(() => undefined);
    if (snapshot) socket.emit('queue.snapshot', snapshot);
    // The tasks still open for this clerk's departments, so a console opened later is not empty.
    for (const task of await store.tasks(venueId).catch(() => [])) {
      if (task.state !== 'verified' && (departments.length === 0 || departments.includes(task.owner)))
        socket.emit('task.updated', task);
    }
  });
}
