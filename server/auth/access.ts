import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ROLES, type Role } from '../../core/protocol.ts';
import type { HubStore, UserRecord } from '../store/hub-store.ts';
import type { Revoked } from '../sockets/revocations.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts';
import { systemClock } from '../../core/logger.ts';

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const RANK: Record<Role, number> = Object.fromEntries(ROLES.map((role, index) => [role, index])) as Record<
  Role,
  number
>;

/** Who may do what: roles are ordered (staff < manager < admin); staff and managers are bound to their venues. */
function mayActFor(user: Pick<UserRecord, 'role' | 'venueIds'>, venueId: string, minimumRole: Role = 'staff'): boolean {
  if (RANK[user.role] < RANK[minimumRole]) return false;
  return user.role === 'admin' || user.venueIds.includes(venueId);
}

export class AccessDenied extends Error {
  constructor(
    readonly code: 'login-failed' | 'session-missing' | 'session-invalid' | 'forbidden-venue' | 'forbidden-role',
    message: string,
  ) {
    super(message);
    this.name = 'AccessDenied';
  }
}

/** Sessions ended: the hub disconnects the sockets they admitted (server/sockets/revocations.ts). */
type AccountsEvents = { revoked: [revoked: Revoked] };

export class Accounts extends EventEmitter<AccountsEvents> {
  constructor(
    private readonly store: HubStore,
    private readonly now: () => number = systemClock.now,
  ) {
    super();
  }

  async createUser(input: {
    username: string;
    password: string;
    role: Role;
    venueIds?: string[];
    departments?: string[];
  }): Promise<UserRecord> {
    if (input.password.length < 8) throw new Error('a password needs at least 8 characters');
    if (await this.store.getUserByUsername(input.username)) throw new Error(`user "${input.username}" already exists`);
    const user: UserRecord = {
      id: randomUUID(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      venueIds: input.venueIds ?? [],
      departments: input.departments ?? [],
    };
    await this.store.createUser(user);
    return user;
  }

  /** Returns a new session token, or throws one message for unknown user and wrong password alike. */
  async login(username: string, password: string): Promise<{ token: string; user: UserRecord; expiresAt: number }> {
    const user = await this.store.getUserByUsername(username);
    // Verify against a dummy hash for unknown users too, so timing does not reveal which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw new AccessDenied('login-failed', 'wrong username or password');
    const token = newToken();
    const expiresAt = this.now() + SESSION_TTL_MS;
    await this.store.createSession({ tokenHash: hashToken(token), userId: user.id, expiresAt });
    return { token, user, expiresAt };
  }

  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    await this.store.deleteSession(tokenHash);
    this.emit('revoked', { session: tokenHash });
  }

  /** Ends every session of a user (a lost phone, someone who left): their screens disconnect on every hub. */
  async signOutEverywhere(username: string): Promise<number> {
    const user = await this.store.getUserByUsername(username);
    if (!user) throw new Error(`user "${username}" does not exist`);
    const ended = await this.store.deleteSessionsOfUser(user.id);
    this.emit('revoked', { user: user.id });
    return ended;
  }

  async userForSession(token: string | undefined): Promise<UserRecord> {
    if (!token) throw new AccessDenied('session-missing', 'sign in first: no session token or cookie was sent');
    const session = await this.store.getSession(hashToken(token));
    if (!session || session.expiresAt < this.now()) {
      throw new AccessDenied('session-invalid', 'your session has expired or was signed out: sign in again');
    }
    const user = await this.store.getUser(session.userId);
    if (!user) throw new AccessDenied('session-invalid', 'the account behind this session no longer exists');
    return user;
  }

  async requireVenue(token: string | undefined, venueId: string, minimumRole: Role = 'staff'): Promise<UserRecord> {
    const user = await this.userForSession(token);
    if (RANK[user.role] < RANK[minimumRole]) {
      throw new AccessDenied('forbidden-role', `this needs the ${minimumRole} role; ${user.username} is ${user.role}`);
    }
    if (!mayActFor(user, venueId, minimumRole)) {
      throw new AccessDenied('forbidden-venue', `${user.username} does not work for venue "${venueId}"`);
    }
    return user;
  }
}

// A real scrypt hash of a random password: verifying against it costs the same as a real check.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
