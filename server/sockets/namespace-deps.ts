import type { Namespace, Server } from 'socket.io';
import type { Clock } from '../../core/logger.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { Accounts } from '../auth/access.ts';
import type { DevicePresence } from '../cluster/device-presence.ts';
import type { HubEvents } from '../hub-events.ts';
import type { HubQueues } from '../queue/hub-queues.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { Received } from './socket-requests.ts';

/** socket.io's constraint on an event map (its EventsMap, which it does not export). */
// biome-ignore lint/suspicious/noExplicitAny: an interface meets an index signature of `any` only
type EventsMap = { [event: string]: any };

/** What every namespace is attached with: the hub's services, one object for all of them. */
export interface NamespaceDeps {
  store: HubStore;
  accounts: Accounts;
  events: HubEvents;
  queues: HubQueues;
  alerts: AlertService;
  presence: DevicePresence;
  clock: Clock;
}

/** A namespace typed by its maps in core/protocol.ts: what it receives (unchecked) and what it sends. */
export type HubNamespace<ClientToServer, ServerToClient extends EventsMap, SocketData> = Namespace<
  Received<ClientToServer>,
  ServerToClient,
  Record<string, never>,
  SocketData
>;

/**
 * The namespace `name` of the hub's server, typed by its own maps. socket.io types one event map
 * per Server (a Namespace refers back to its Server, so the types cannot be narrowed per
 * namespace); each of the hub's namespaces has its own maps in core/protocol.ts, and this is the
 * one place that says which.
 */
export function namespaceOf<ClientToServer, ServerToClient extends EventsMap, SocketData>(
  io: Server,
  name: string,
): HubNamespace<ClientToServer, ServerToClient, SocketData> {
  return io.of(name) as unknown as HubNamespace<ClientToServer, ServerToClient, SocketData>;
}
