import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { describe, expect } from 'vitest';
import { type Cleanup, test } from '../../test/support/test-fixtures.ts';
import { waitFor } from '../../test/support/wait.ts';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport.ts';
import type { TransportState } from './transport.ts';

/** TcpTransport against real loopback sockets: a server we can drop, stop and restart. */
const FAST = { baseMs: 20, maxMs: 200, jitter: 0.2 };

interface TestServer {
  server: Server;
  port: number;
  sockets: Set<Socket>;
  received(): string;
  close(): Promise<void>;
}

async function listen(cleanups: Cleanup[], port = 0): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let text = '';
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(() => (server.listening ? close() : undefined));
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    sockets,
    received: () => text,
    close,
  };
}

function transportTo(cleanups: Cleanup[], options: TcpTransportOptions) {
  const transport = new TcpTransport({ backoff: FAST, ...options });
  const states: [TransportState, string | undefined][] = [];
  let text = '';
  transport.on('state', (state, reason) => states.push([state, reason]));
  transport.on('data', (chunk) => (text += chunk.toString('latin1')));
  cleanups.push(() => transport.close());
  return { transport, states, text: () => text };
}

describe('TcpTransport over loopback', () => {
  test('connects, carries bytes both ways, and describes itself', async ({ cleanups }) => {
    const server = await listen(cleanups);
    const { transport, states, text } = transportTo(cleanups, { host: '127.0.0.1', port: server.port });
    expect(transport.description).toBe(`tcp 127.0.0.1:${server.port}`);
    await transport.open();
    expect(transport.state).toBe('open');
    await transport.write(Buffer.from([0x10, 0x04, 0x01]));
    await waitFor(() => server.received() === '\x10\x04\x01', { what: 'bytes at the server', timeoutMs: 5000 });
    for (const socket of server.sockets) socket.write('\x12');
    await waitFor(() => text() === '\x12', { what: 'bytes from the server', timeoutMs: 5000 });
    expect(states.map(([s]) => s)).toEqual(['connecting', 'open']);
  });

  test('a dropped socket reconnects by itself', async ({ cleanups }) => {
    const server = await listen(cleanups);
    const { transport, states } = transportTo(cleanups, { host: '127.0.0.1', port: server.port });
    await transport.open();
    for (const socket of server.sockets) socket.destroy();
    await waitFor(() => states.some(([s]) => s === 'reconnecting'), {
      what: 'reconnecting after the drop',
      timeoutMs: 5000,
    });
    expect(states.find(([s]) => s === 'reconnecting')![1]).toMatch(
      /127\.0\.0\.1:\d+ (closed the connection|reset the connection)/,
    );
    await transport.waitUntilOpen(5000);
    await waitFor(() => server.sockets.size === 1, { what: 'one new connection at the server', timeoutMs: 5000 });
    await transport.write(Buffer.from('after'));
    await waitFor(() => server.received() === 'after', { what: 'bytes after the reconnect', timeoutMs: 5000 });
  });

  test('a printer switched off says so, and is picked up when it comes back on the same port', async ({ cleanups }) => {
    const server = await listen(cleanups);
    const port = server.port;
    const { transport, states } = transportTo(cleanups, { host: '127.0.0.1', port });
    await transport.open();
    await server.close();
    await waitFor(
      () =>
        states.some(([, reason]) =>
          /nothing accepts connections at 127\.0\.0\.1:\d+: is the printer switched on/.test(reason ?? ''),
        ),
      {
        what: 'a refused reconnect explained',
        timeoutMs: 5000,
      },
    );
    await expect(transport.write(Buffer.from('x'))).rejects.toThrow(/is not connected \(reconnecting\)/);
    await listen(cleanups, port);
    await transport.waitUntilOpen(5000);
  });

  test('gives up on a connect that hangs after the connect timeout', async ({ cleanups }) => {
    // A listener with a full accept queue: the kernel drops further SYNs, as a vanished host does.
    const python = spawn(
      'python3',
      [
        '-c',
        [
          'import socket, time',
          's = socket.socket()',
          's.bind(("127.0.0.1", 0))',
          's.listen(0)',
          'print(s.getsockname()[1], flush=True)',
          'time.sleep(60)',
        ].join('\n'),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => void python.kill('SIGKILL'));
    const port = await new Promise<number>((resolve, reject) => {
      python.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      python.once('error', reject);
    });
    const fillers: Socket[] = [];
    cleanups.push(() => {
      for (const filler of fillers) filler.destroy();
    });
    for (let i = 0; i < 2; i += 1) {
      const filler = connect(port, '127.0.0.1');
      filler.on('error', () => undefined);
      fillers.push(filler);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { transport, states } = transportTo(cleanups, { host: '127.0.0.1', port, connectTimeoutMs: 300 });
    await transport.open();
    expect(transport.state).toBe('reconnecting');
    expect(states.at(-1)![1]).toBe(
      `127.0.0.1:${port} did not answer within 300 ms: is the printer on this network and switched on?`,
    );
  });

  test('close stops for good', async ({ cleanups }) => {
    const server = await listen(cleanups);
    const { transport, states } = transportTo(cleanups, { host: '127.0.0.1', port: server.port });
    await transport.open();
    await transport.close();
    await waitFor(() => server.sockets.size === 0, { what: 'the server to see the close', timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(states.map(([s]) => s)).toEqual(['connecting', 'open', 'closed']);
    expect(server.sockets.size).toBe(0);
  });
});
