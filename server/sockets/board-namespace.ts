import { publicVenue } from '../../core/venue.ts';
import type { Server } from 'socket.io';
import type { BoardClientToServer, BoardServerToClient, DeviceHealth } from '../../core/protocol.ts';
import { AccessDenied } from '../auth/access.ts';
import { sessionTokenFrom } from '../auth/credentials.ts';
import { hashToken, tokenMatches } from '../auth/secrets.ts';
import { type Credential, credentialRooms } from './revocations.ts';
import type { DeviceRecord } from '../store/hub-store.ts';
import { componentStatusUpdates, toComponentHealth } from '../store/store-rows.ts';
import { authError } from './kiosk-namespace.ts';
import { type NamespaceDeps, namespaceOf } from './namespace-deps.ts';
import { onQueueChange } from './queue-changes.ts';
import type { CountsAudience } from './touchpoint-counts.ts';
import { admitBy } from './handshake.ts';

const room = (venueId: string) => `venue:${venueId}`;

/**
 * /board: read-only live view of one venue, for wall screens (venue board token) and signed-in
 * staff. A snapshot on connect, then changes as they are committed.
 *
 * With several hubs, what a kiosk sends reaches the hub it is connected to, and that hub
 * broadcasts it through the Redis adapter to boards on every hub; queue snapshots are the
 * exception (every hub applies every change and pushes to its own boards). Touchpoint counts come
 * from the hub's count feed, for which the namespace is an audience.
 */
export function attachBoardNamespace(io: Server, deps: NamespaceDeps): { counts: CountsAudience } {
  const { store, accounts, events, queues, presence, alerts } = deps;
  const namespace = namespaceOf<BoardClientToServer, BoardServerToClient, { venueId: string; credential: Credential }>(
    io,
    '/board',
  );
  onQueueChange(queues.live, ({ venueId, snapshot }) =>
    namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot),
  );

  // An unknown venue is refused in the same words as a wrong token, so a stranger cannot learn
  // which venue ids exist; only a signed-in admin is told that a venue is missing.
  admitBy(namespace, async (socket, next) => {
    const { venueId, token } = (socket.handshake.auth ?? {}) as { venueId?: unknown; token?: unknown };
    const refuse = (code: 'board-token-invalid' | 'forbidden-venue', message?: string) =>
      next(
        authError(
          code,
          message ??
            `this board link is not valid for venue "${String(venueId)}": ` +
              'ask a manager for a new board link, or sign in',
        ),
      );
    if (typeof venueId !== 'string' || !venueId) return refuse('board-token-invalid');
    const boardHash = await store.getBoardTokenHash(venueId);
    if (typeof token === 'string' && boardHash && tokenMatches(token, boardHash)) {
      socket.data = { venueId, credential: { board: venueId, tokenHash: boardHash } };
      return next();
    }
    try {
      const session = sessionTokenFrom(
        socket.handshake.headers,
        (socket.handshake.auth as { session?: unknown }).session,
      );
      const user = await accounts.requireVenue(session, venueId);
      if (!(await store.getVenue(venueId))) return refuse('forbidden-venue', `no venue "${venueId}" on this hub`);
      socket.data = { venueId, credential: { session: hashToken(session!), user: user.id } };
      next();
    } catch (error) {
      refuse(
        error instanceof AccessDenied && error.code === 'forbidden-venue' ? 'forbidden-venue' : 'board-token-invalid',
      );
    }
  });

  namespace.on('connection', async (socket) => {
    const { venueId } = socket.data;
    await socket.join([room(venueId), ...credentialRooms(socket.data.credential)]);
    const [venue, touchpoints, devices, connected, components, notes] = await Promise.all([
      store.getVenue(venueId),
      store.touchpointCounts(venueId),
      store.listDevices(venueId),
      presence.connected(venueId),
      store.componentHealth(venueId),
      alerts.publicNotes(venueId),
    ]);
    if (!venue) return;
    socket.emit('snapshot', {
      venue: publicVenue(venue),
      touchpoints,
      devices: devices.map((d) => health(d, connected.has(d.id))),
      components,
      notes,
    });
    const queue = await queues.reads.snapshot(venueId).catch(() => undefined);
    if (queue) socket.emit('queue.snapshot', queue);
  });

  // What the store now holds for each component the batch moved (store-rows.ts), pushed live.
  events.on('events.stored', ({ venueId, events: stored }) => {
    for (const row of componentStatusUpdates(stored))
      namespace.to(room(venueId)).emit('component.health', toComponentHealth(row));
  });

  // A note set here reaches boards on every hub (the adapter); expiry is the board's to apply.
  alerts.on('task', ({ venueId, task }) => {
    if (task.publicNote)
      void alerts
        .publicNotes(venueId)
        .then((notes) => namespace.to(room(venueId)).emit('notes', notes))
        .catch(() => undefined); // a board that missed it reads the notes again when it reconnects
  });

  const announce = async ({ venueId, deviceId }: { venueId: string; deviceId: string }, connected: boolean) => {
    const device = await store.getDevice(deviceId);
    if (device) namespace.to(room(venueId)).emit('device.health', health(device, connected));
  };
  // The hub holding the kiosk announces it; a connect relayed from another hub is not announced
  // twice. 'device.disconnected' comes only once no hub holds the kiosk (kiosk namespace).
  events.on('device.connected', (info) => {
    if (presence.isHere(info.deviceId)) void announce(info, true);
  });
  events.on('device.disconnected', (info) => void announce(info, false));

  return {
    counts: {
      watchingHere: (venueId) => Boolean(namespace.adapter.rooms.get(room(venueId))?.size),
      push: (update) => namespace.local.to(room(update.venueId)).emit('touchpoint.counts', update),
    },
  };
}

function health(device: DeviceRecord, connected: boolean): DeviceHealth {
  return {
    deviceId: device.id,
    name: device.name,
    connected,
    lastSeenAt: device.lastSeenAt,
    contiguousSeq: device.contiguousSeq,
  };
}
