import type { ExtendedError } from 'socket.io';

type Next = (error?: ExtendedError) => void;

/**
 * socket.io ignores what a handshake middleware returns, so a check that rejects would leave the
 * client waiting for an answer that never comes: the rejection is passed to `next` instead.
 */
export function handshakeCheck<S>(check: (socket: S, next: Next) => Promise<void>): (socket: S, next: Next) => void {
  return (socket, next) => {
    check(socket, next).catch((error: unknown) => next(error instanceof Error ? error : new Error(String(error))));
  };
}

/** Admits a namespace's sockets by an asynchronous check (see handshakeCheck). */
export function admitBy<S>(
  namespace: { use(middleware: (socket: S, next: Next) => void): unknown },
  check: (socket: S, next: Next) => Promise<void>,
): void {
  namespace.use(handshakeCheck(check));
}
