import { useEffect, useReducer, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { BoardAuth, BoardClientToServer, BoardServerToClient } from '../../core/protocol.ts';
import { boardReducer, EMPTY_BOARD, type BoardData } from './board-state.ts';

export type Connection =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting' }
  /** The hub refused the board; `message` (from the hub) says what to do. */
  | { state: 'refused'; message: string };

/** The /board socket of the hub that served this page: a snapshot, then live updates. */
export function useBoardSocket(venueId: string | null, token: string | null): { data: BoardData; connection: Connection } {
  const [data, dispatch] = useReducer(boardReducer, EMPTY_BOARD);
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });

  useEffect(() => {
    if (!venueId) return;
    // Without a token the hub may still accept a signed-in user's session cookie.
    const auth: BoardAuth = token ? { venueId, token } : { venueId };
    const socket: Socket<BoardServerToClient, BoardClientToServer> = io('/board', { auth });
    socket.on('connect', () => setConnection({ state: 'live' }));
    socket.on('snapshot', (snapshot) => dispatch({ type: 'snapshot', snapshot }));
    socket.on('touchpoint.counts', (update) => dispatch({ type: 'counts', update }));
    socket.on('device.health', (health) => dispatch({ type: 'device', health }));
    socket.on('connect_error', (error) => {
      // An inactive socket was refused by the hub's middleware and will not retry by itself;
      // an active one failed to reach the hub and keeps retrying with backoff.
      setConnection(socket.active ? { state: 'reconnecting' } : { state: 'refused', message: error.message });
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      // A wall screen has nobody to press "retry": even when the hub closed the socket, try again
      // (a revoked token then shows the hub's refusal).
      if (reason === 'io server disconnect') socket.connect();
      setConnection({ state: 'reconnecting' });
    });
    return () => {
      socket.disconnect();
    };
  }, [venueId, token]);

  return { data, connection };
}
