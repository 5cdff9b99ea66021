import type { Server } from 'socket.io';
import type { HubStore } from '../store/hub-store.ts';

/** A credential taken back: a session (sign-out), every session of a user, a board link, a kiosk's token. */
export type Revoked = { session: string } | { user: string } | { board: string } | { device: string };

/**
 * What admitted a socket. Tokens are kept as their hashes (server/auth/secrets.ts hashToken), never
 * as themselves, so the periodic check can tell a replaced one.
 */
export type Credential =
  | { session: string; user: string }
  | { board: string; tokenHash: string }
  | { device: string; tokenHash: string };

/** Every namespace of the hub: a revoked credential's sockets are cut on each. */
const NAMESPACES = ['/kiosk', '/board', '/staff', '/manage', '/ticket'] as const;

function roomOf(revoked: Revoked): string {
  if ('session' in revoked) return `credential:session:${revoked.session}`;
  if ('user' in revoked) return `credential:user:${revoked.user}`;
  if ('board' in revoked) return `credential:board:${revoked.board}`;
  return `credential:device:${revoked.device}`;
}

/** The rooms a socket joins on connect, one per way it could be revoked. */
export function credentialRooms(credential: Credential): string[] {
  if ('session' in credential) return [roomOf({ session: credential.session }), roomOf({ user: credential.user })];
  if ('board' in credential) return [roomOf({ board: credential.board })];
  return [roomOf({ device: credential.device })];
}

/**
 * Disconnects the sockets a revoked credential admitted. With several hubs the socket.io Redis
 * adapter carries disconnectSockets to every hub, so a board cut here is cut wherever it is
 * connected; the handshake then refuses the old credential if it comes back.
 */
export function disconnectRevoked(io: Server, revoked: Revoked): void {
  for (const name of NAMESPACES) io.of(name).in(roomOf(revoked)).disconnectSockets(true);
}

/** How often each hub checks its own sockets' credentials against the store. */
export const CREDENTIAL_CHECK_MS = 60_000;

/**
 * Disconnects this hub's sockets whose credential the store no longer holds: a session that
 * expired while its console stayed open, or a token replaced by a command run beside a hub that
 * shares no Redis with it (bin/hub-command.ts). Each credential is read once per check.
 */
export async function disconnectLapsed(io: Server, store: HubStore, now: number): Promise<number> {
  const verdicts = new Map<string, Promise<boolean>>();
  const stillValid = (credential: Credential): Promise<boolean> => {
    const key = JSON.stringify(credential);
    let verdict = verdicts.get(key);
    if (!verdict) {
      verdict = isValid(store, credential, now);
      verdicts.set(key, verdict);
    }
    return verdict;
  };
  let cut = 0;
  for (const name of NAMESPACES) {
    for (const socket of io.of(name).sockets.values()) {
      const credential = (socket.data as { credential?: Credential }).credential;
      if (credential && !(await stillValid(credential).catch(() => true))) {
        socket.disconnect(true);
        cut += 1;
      }
    }
  }
  return cut;
}

async function isValid(store: HubStore, credential: Credential, now: number): Promise<boolean> {
  if ('session' in credential) {
    const session = await store.getSession(credential.session);
    return session !== undefined && session.expiresAt >= now;
  }
  if ('board' in credential) return (await store.getBoardTokenHash(credential.board)) === credential.tokenHash;
  return (await store.getDevice(credential.device))?.tokenHash === credential.tokenHash;
}
