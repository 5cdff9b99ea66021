import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { createPtyPair, SocatMissingError, type PtyPair } from '../drivers/emulators/pty-pair.ts';
import { SerialTransport } from '../drivers/transport/serial-transport.ts';
import type { TransportState } from '../drivers/transport/transport.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * SerialTransport over real pseudo-terminal pairs (socat): a serial cable whose far end is ours
 * to write, close and unplug.
 */
const FAST = { baseMs: 20, maxMs: 200, jitter: 0.2 };

async function pair(cleanups: Cleanup[], options?: Parameters<typeof createPtyPair>[0]): Promise<PtyPair> {
  const created = await createPtyPair(options);
  cleanups.push(() => created.dispose());
  return created;
}

function transportOn(cleanups: Cleanup[], path: string) {
  const transport = new SerialTransport({ path, baudRate: 38_400, backoff: FAST });
  const states: [TransportState, string | undefined][] = [];
  const received: Buffer[] = [];
  transport.on('state', (state, reason) => states.push([state, reason]));
  transport.on('data', (chunk) => received.push(chunk));
  cleanups.push(() => transport.close());
  return { transport, states, text: () => Buffer.concat(received).toString('latin1') };
}

async function farEnd(cleanups: Cleanup[], path: string) {
  const port = new SerialPort({ path, baudRate: 38_400, autoOpen: false });
  port.on('error', () => undefined);
  const received: Buffer[] = [];
  port.on('data', (chunk: Buffer) => received.push(chunk));
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  cleanups.push(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  return { port, text: () => Buffer.concat(received).toString('latin1') };
}

describe('SerialTransport over a pseudo-terminal pair', () => {
  test('carries bytes both ways and describes itself', async ({ cleanups }) => {
    const line = await pair(cleanups);
    const { transport, text } = transportOn(cleanups, line.a);
    await transport.open();
    expect(transport.state).toBe('open');
    expect(transport.description).toBe(`serial ${line.a} @ 38400 8N1`);
    const device = await farEnd(cleanups, line.b);
    device.port.write('P 1\n');
    await transport.write(Buffer.from('?\n'));
    await waitFor(() => text() === 'P 1\n', { what: 'bytes from the far end', timeoutMs: 5000 });
    await waitFor(() => device.text() === '?\n', { what: 'bytes at the far end', timeoutMs: 5000 });
  });

  test('unplug -> reconnecting with the reason; replug -> open again, by itself', async ({ cleanups }) => {
    const line = await pair(cleanups);
    const { transport, states, text } = transportOn(cleanups, line.a);
    await transport.open();
    await line.unplug();
    await waitFor(() => transport.state === 'reconnecting', { what: 'reconnecting after the unplug', timeoutMs: 5000 });
    expect(states.find(([state]) => state === 'reconnecting')![1]).toMatch(/disconnected/);
    await expect(transport.write(Buffer.from('x'))).rejects.toThrow(/is not connected \(reconnecting\)/);
    // While unplugged, the path is gone, and attempts say so.
    await waitFor(() => states.some(([, reason]) => /is not there/.test(reason ?? '')), {
      what: 'a failed reopen naming the missing path',
      timeoutMs: 5000,
    });

    await line.plug();
    await transport.waitUntilOpen(5000);
    const device = await farEnd(cleanups, line.b);
    device.port.write('P 2\n');
    await waitFor(() => text().endsWith('P 2\n'), { what: 'bytes after the replug', timeoutMs: 5000 });
  });

  test('a hangup from the master side (what the kernel does on a USB unplug) is an unplug', async ({ cleanups }) => {
    // python holds the master of a fresh pty; killing it closes the master and hangs the line up.
    const python = spawn(
      'python3',
      ['-c', 'import os, pty, sys\nm, s = pty.openpty()\nprint(os.ttyname(s), flush=True)\nsys.stdin.read()'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    cleanups.push(() => void python.kill('SIGKILL'));
    const slave = await new Promise<string>((resolve, reject) => {
      python.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      python.once('error', reject);
    });
    const { transport, states } = transportOn(cleanups, slave);
    await transport.open();
    expect(transport.state).toBe('open');
    python.kill('SIGKILL');
    await waitFor(() => transport.state === 'reconnecting', { what: 'reconnecting after the hangup', timeoutMs: 5000 });
    expect(states.find(([state]) => state === 'reconnecting')![1]).toMatch(/disconnected: the line hung up/);
  });

  test('the device end closing and reopening (a box reset) leaves the kiosk end open', async ({ cleanups }) => {
    const line = await pair(cleanups);
    const { transport, text } = transportOn(cleanups, line.a);
    await transport.open();
    const first = await farEnd(cleanups, line.b);
    await new Promise<void>((resolve) => first.port.close(() => resolve()));
    const second = await farEnd(cleanups, line.b);
    second.port.write('P 3\n');
    await waitFor(() => text() === 'P 3\n', { what: 'bytes from the reopened device end', timeoutMs: 5000 });
    expect(transport.state).toBe('open');
  });

  test('waits for a device that is not plugged in yet', async ({ cleanups, dir }) => {
    const a = join(dir, 'kiosk');
    const { transport, states } = transportOn(cleanups, a);
    await transport.open();
    expect(transport.state).toBe('reconnecting');
    expect(states.at(-1)![1]).toMatch(new RegExp(`${a} is not there \\(unplugged, or the wrong path\\)`));
    await pair(cleanups, { a, b: join(dir, 'device') });
    await transport.waitUntilOpen(5000);
  });

  test('close stops for good: no reconnect when the device comes back', async ({ cleanups }) => {
    const line = await pair(cleanups);
    const { transport, states } = transportOn(cleanups, line.a);
    await transport.open();
    await transport.close();
    await line.unplug();
    await line.plug();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(transport.state).toBe('closed');
    expect(states.map(([state]) => state)).toEqual(['connecting', 'open', 'closed']);
  });
});

describe('pseudo-terminal pairs', () => {
  test('unplug removes both links; plug brings them back under the same names', async ({ cleanups }) => {
    const line = await pair(cleanups);
    expect(line.plugged).toBe(true);
    await line.unplug();
    expect([existsSync(line.a), existsSync(line.b), line.plugged]).toEqual([false, false, false]);
    await line.plug();
    expect([existsSync(line.a), existsSync(line.b), line.plugged]).toEqual([true, true, true]);
  });

  it('says how to install socat when it is missing', async () => {
    await expect(createPtyPair({ command: '/nonexistent/socat' })).rejects.toThrow(SocatMissingError);
    await expect(createPtyPair({ command: '/nonexistent/socat' })).rejects.toThrow(/apt-get install -y socat/);
  });
});
