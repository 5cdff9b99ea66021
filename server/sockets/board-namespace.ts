import { publicVenue } from '../../core/venue.ts';
import type { Namespace } from 'socket.io';
import type { EventEnvelope } from '../../core/events.ts';
import type { BoardClientToServer, BoardServerToClient, ComponentHealth, DeviceHealth } from '../../core/protocol.ts';
import { AccessDenied, type Accounts } from '../auth/access.ts';
import { sessionTokenFrom } from '../auth/credentials.ts';
import { tokenMatches } from '../auth/secrets.ts';
import type { HubEvents } from '../hub-events.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { DeviceRecord, HubStore } from '../store/hub-store.ts';
import { authError } from './kiosk-namespace.ts';

export type BoardNamespace = Namespace<BoardClientToServer, BoardServerToClient, Record<string, never>, { venueId: string }>;

const room = (venueId: string) => `venue:${venueId}`;

/**
 * /board: read-only live view of one venue, for wall screens (venue board token) and signed-in
 * staff. A snapshot on connect, then changes as they are committed.
 */
export function attachBoardNamespace(namespace: BoardNamespace, store: HubStore, accounts: Accounts, events: HubEvents, queues: QueueService): { connectedDevices: Set<string> } {
  const connectedDevices = new Set<string>();
  // The latest status per kiosk component, per venue. In memory: a restarted hub learns them again
  // as kiosks report changes (kiosks report every change, and their state on every start).
  const components = new Map<string, Map<string, ComponentHealth>>();
  queues.on('changed', ({ venueId, snapshot }) => namespace.to(room(venueId)).emit('queue.snapshot', snapshot));

  namespace.use(async (socket, next) => {
    const { venueId, token } = (socket.handshake.auth ?? {}) as { venueId?: unknown; token?: unknown };
    if (typeof venueId !== 'string' || !(await store.getVenue(venueId))) {
      return next(authError('forbidden-venue', `no venue "${String(venueId)}" on this hub: check the board link`));
    }
    const boardHash = await store.getBoardTokenHash(venueId);
    if (typeof token === 'string' && boardHash && tokenMatches(token, boardHash)) {
      socket.data = { venueId };
      return next();
    }
    try {
      await accounts.requireVenue(sessionTokenFrom(socket.handshake.headers, (socket.handshake.auth as { session?: unknown }).session), venueId);
      socket.data = { venueId };
      next();
    } catch (error) {
      const reason = error instanceof AccessDenied && error.code === 'forbidden-venue' ? 'forbidden-venue' : 'board-token-invalid';
      next(authError(reason, `this board link is not valid for venue "${venueId}": ask a manager for a new board link, or sign in`));
    }
  });

  namespace.on('connection', async (socket) => {
    const { venueId } = socket.data;
    await socket.join(room(venueId));
    const [venue, touchpoints, devices] = await Promise.all([store.getVenue(venueId), store.touchpointCounts(venueId), store.listDevices(venueId)]);
    if (!venue) return;
    socket.emit('snapshot', { venue: publicVenue(venue), touchpoints, devices: devices.map((d) => health(d, connectedDevices)), components: [...(components.get(venueId)?.values() ?? [])] });
    const queue = await queues.snapshot(venueId).catch(() => undefined);
    if (queue) socket.emit('queue.snapshot', queue);
  });

  events.on('events.stored', ({ venueId, deviceId, events: stored }) => {
    for (const event of stored) {
      if (event.type !== 'device.status') continue;
      const { component, state, code, detail } = (event as EventEnvelope<'device.status'>).payload;
      const status: ComponentHealth = { deviceId, component, state, ...(code ? { code } : {}), ...(detail ? { detail } : {}), at: event.occurredAt };
      const venueComponents = components.get(venueId) ?? new Map<string, ComponentHealth>();
      venueComponents.set(`${deviceId}/${component}`, status);
      components.set(venueId, venueComponents);
      namespace.to(room(venueId)).emit('component.health', status);
    }
  });

  events.on('events.stored', async ({ venueId, touchpointsChanged }) => {
    // No board watching this venue: skip the query (it was ~8% of the hub's ingest CPU).
    if (touchpointsChanged.length === 0 || !namespace.adapter.rooms.get(room(venueId))?.size) return;
    const touchpoints = await store.touchpointCounts(venueId, touchpointsChanged);
    namespace.to(room(venueId)).emit('touchpoint.counts', { venueId, touchpoints });
  });

  const announce = async ({ venueId, deviceId }: { venueId: string; deviceId: string }) => {
    const device = await store.getDevice(deviceId);
    if (device) namespace.to(room(venueId)).emit('device.health', health(device, connectedDevices));
  };
  events.on('device.connected', (info) => {
    connectedDevices.add(info.deviceId);
    void announce(info);
  });
  events.on('device.disconnected', (info) => {
    connectedDevices.delete(info.deviceId);
    void announce(info);
  });

  return { connectedDevices };
}

function health(device: DeviceRecord, connected: Set<string>): DeviceHealth {
  return {
    deviceId: device.id,
    name: device.name,
    connected: connected.has(device.id),
    lastSeenAt: device.lastSeenAt,
    contiguousSeq: device.contiguousSeq,
  };
}
