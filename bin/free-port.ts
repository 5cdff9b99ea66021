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
