import type { Socket } from 'socket.io';
import type { Role } from '../../core/protocol.ts';
import { AccessDenied, type Accounts } from '../auth/access.ts';
import { sessionTokenFrom } from '../auth/credentials.ts';
import { hashToken } from '../auth/secrets.ts';
import { handshakeCheck } from './handshake.ts';
import type { Credential } from './revocations.ts';
import { authError } from './kiosk-namespace.ts';

export interface SessionSocketData {
  venueId: string;
  username: string;
  role: Role;
  /** Departments whose tasks are this user's; empty: every department. */
  departments: string[];
  /** The session that admitted the socket: signing it (or its user) out disconnects it. */
  credential: Credential;
}

/**
 * Handshake middleware for namespaces of signed-in people (/staff, /manage): a session (cookie or
 * auth.session) of a user of the venue in auth.venueId with at least `role`. The venue is fixed
 * for the connection, so nothing sent on it can reach another venue.
 */
export function requireSessionRole(accounts: Accounts, role: Role) {
  const check = async (socket: Socket, next: (error?: Error) => void) => {
    const { venueId, session } = (socket.handshake.auth ?? {}) as { venueId?: unknown; session?: unknown };
    if (typeof venueId !== 'string' || !venueId)
      return next(authError('forbidden-venue', 'say which venue you work at: auth.venueId'));
    try {
      const token = sessionTokenFrom(socket.handshake.headers, session);
      const user = await accounts.requireVenue(token, venueId, role);
      socket.data = {
        venueId,
        username: user.username,
        role: user.role,
        departments: user.departments ?? [],
        credential: { session: hashToken(token!), user: user.id },
      } satisfies SessionSocketData;
      next();
    } catch (error) {
      if (error instanceof AccessDenied)
        return next(authError(error.code === 'login-failed' ? 'session-invalid' : error.code, error.message));
      next(error as Error);
    }
  };
  return handshakeCheck(check);
}
