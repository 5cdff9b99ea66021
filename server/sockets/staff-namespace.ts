import type { Namespace } from 'socket.io';
import type { Role, StaffClientToServer, StaffServerToClient } from '../../core/protocol.ts';
import { AccessDenied, type Accounts } from '../auth/access.ts';
import { sessionTokenFrom } from '../auth/credentials.ts';
import { authError } from './kiosk-namespace.ts';

export type StaffNamespace = Namespace<StaffClientToServer, StaffServerToClient, Record<string, never>, { venueId: string; username: string; role: Role }>;

/**
 * /staff: signed-in staff acting for one venue. The queue issue adds the counter actions; the
 * venue check lives here so that no action can ever reach another venue's state.
 */
export function attachStaffNamespace(namespace: StaffNamespace, accounts: Accounts): void {
  namespace.use(async (socket, next) => {
    const { venueId, session } = (socket.handshake.auth ?? {}) as { venueId?: unknown; session?: unknown };
    if (typeof venueId !== 'string' || !venueId) return next(authError('forbidden-venue', 'say which venue you work at: auth.venueId'));
    try {
      const user = await accounts.requireVenue(sessionTokenFrom(socket.handshake.headers, session), venueId, 'staff');
      socket.data = { venueId, username: user.username, role: user.role };
      next();
    } catch (error) {
      if (error instanceof AccessDenied) {
        const code = error.code === 'login-failed' ? 'session-invalid' : error.code;
        return next(authError(code, error.message));
      }
      next(error as Error);
    }
  });

  namespace.on('connection', async (socket) => {
    await socket.join(`venue:${socket.data.venueId}`);
    socket.emit('welcome', { venueId: socket.data.venueId, username: socket.data.username, role: socket.data.role });
  });
}
