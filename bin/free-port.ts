import { createServer } from 'node:net';

/**
 * A loopback port free right now, for a process that must be told its port before it starts
 * (a kiosk's screen API in the demo, a hub restarted on the same address in tests).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` on loopback can be listened on right now (a saved port may have been taken since). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first port from `start` (up to 100 on) that is free and not in `taken`, else any free port.
 * Below the ephemeral range (32768 and up on Linux) a port stays free across restarts: no
 * outgoing connection or port-0 listener is ever given it.
 */
export async function freePortFrom(start: number, taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let port = start; port < start + 100 && port <= 65535; port += 1)
    if (!taken.has(port) && (await portIsFree(port))) return port;
  return freePort();
}
