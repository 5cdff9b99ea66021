import { useEffect, useState } from 'react';
import type { EventsMap } from '@socket.io/component-emitter';
import { io, type Socket } from 'socket.io-client';

export type Connection =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting' }
  /** The hub refused the socket; `message` (from the hub) says what to do. */
  | { state: 'refused'; message: string };

// socket.io-client's own constraint on event maps.
type EventMap = EventsMap;

/**
 * One socket.io namespace of the hub that served the page, kept open while the screen shows.
 * `listen` attaches the page's handlers; a screen on a wall has nobody to press "retry", so a
 * socket the hub closed is reopened too (a revoked token then shows the hub's refusal).
 */
export function useSocket<S2C extends EventMap, C2S extends EventMap>(
  namespace: string,
  auth: Record<string, unknown> | null,
  listen: (socket: Socket<S2C, C2S>) => void,
): { socket: Socket<S2C, C2S> | null; connection: Connection } {
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const [socket, setSocket] = useState<Socket<S2C, C2S> | null>(null);
  const authKey = auth ? JSON.stringify(auth) : null;

  // biome-ignore lint/correctness/useExhaustiveDependencies(listen): the page's wiring, fixed for the socket's life
  useEffect(() => {
    if (authKey === null) return;
    const opened: Socket<S2C, C2S> = io(namespace, { auth: JSON.parse(authKey) as Record<string, unknown> });
    const events = opened as unknown as Socket;
    events.on('connect', () => setConnection({ state: 'live' }));
    events.on('connect_error', (error: Error) => {
      // An inactive socket was refused by the hub's middleware and will not retry by itself;
      // an active one failed to reach the hub and keeps retrying with backoff.
      setConnection(opened.active ? { state: 'reconnecting' } : { state: 'refused', message: error.message });
    });
    events.on('disconnect', (reason: string) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') opened.connect();
      setConnection({ state: 'reconnecting' });
    });
    listen(opened);
    setSocket(opened);
    return () => {
      opened.disconnect();
      setSocket(null);
    };
  }, [namespace, authKey]);

  return { socket, connection };
}
