import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { boxed, emulateDisplay } from '../bin/emulate-display.ts';
import type { DeviceStatus, WaitView } from '../drivers/device.ts';
import { runDisplayEmulator, type DisplayEmulator, type DisplayKind } from '../drivers/emulators/display-emulator.ts';
import { createPtyPair, type PtyPair } from '../drivers/emulators/pty-pair.ts';
import { SerialTransport } from '../drivers/transport/serial-transport.ts';
import { TcpTransport } from '../drivers/transport/tcp-transport.ts';
import type { Transport } from '../drivers/transport/transport.ts';
import { encodeWriteString } from '../drivers/wait-display/alpha-codec.ts';
import { AlphaSign } from '../drivers/wait-display/alpha-sign.ts';
import { DmdDisplay } from '../drivers/wait-display/dmd-display.ts';
import type { TransportDisplay } from '../drivers/wait-display/transport-display.ts';
import { layoutWaitView } from '../drivers/wait-display/wait-view-text.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';
import { waitFor } from './support/wait.ts';

/** Each wait-display driver against its emulator, across a real pseudo-terminal pair and real TCP. */
const FAST = { baseMs: 20, maxMs: 200, jitter: 0.2 };

const A042: WaitView = { nowServing: 'A-042', postedWaitMin: 15, waiting: 6 };
const A043: WaitView = { nowServing: 'A-043', postedWaitMin: 12, waiting: 5 };
const A044: WaitView = { nowServing: 'A-044', postedWaitMin: 9, waiting: 4 };

async function emulator(
  cleanups: Cleanup[],
  kind: DisplayKind,
  where: { path: string } | { tcpPort: number },
): Promise<DisplayEmulator> {
  const display = await runDisplayEmulator({ kind, ...where });
  cleanups.push(() => display.close());
  return display;
}

function driver(cleanups: Cleanup[], kind: DisplayKind, transport: Transport, refreshMs = 0): TransportDisplay {
  const display =
    kind === 'dmd'
      ? new DmdDisplay({ id: 'display-1', transport, refreshMs })
      : new AlphaSign({ id: 'sign-1', transport, refreshMs, configureDelayMs: 0 });
  cleanups.push(() => display.stop());
  return display;
}

function statusesOf(display: TransportDisplay): string[] {
  const seen: string[] = [];
  display.on('status', (status: DeviceStatus) => seen.push(`${status.state}${status.code ? `:${status.code}` : ''}`));
  return seen;
}

/** A check that turns true once the emulator's end of the line has opened again. */
function reconnected(display: DisplayEmulator): () => boolean {
  let back = false;
  display.on('connection', (connected) => {
    if (connected) back = true;
  });
  return () => back;
}

const dmdScreen = (view: WaitView) => layoutWaitView(view);

/**
 * A serial line whose kiosk end appears only when the test says, as a USB device's path does on
 * replug. Both ends of a pty flush on open, so bytes the kiosk writes before the display's end is
 * open are lost; the display end is back first here, as on a real replug.
 */
async function unpluggableLine(
  cleanups: Cleanup[],
  dir: string,
): Promise<{
  line: PtyPair;
  kioskPath: string;
  connectKiosk: () => void;
  disconnectKiosk: () => void;
}> {
  const line = await createPtyPair();
  cleanups.push(() => line.dispose());
  const kioskPath = join(dir, 'kiosk');
  return {
    line,
    kioskPath,
    connectKiosk: () => symlinkSync(line.a, kioskPath),
    disconnectKiosk: () => rmSync(kioskPath, { force: true }),
  };
}

describe('DM-D 2x20 display over a pseudo-terminal pair', () => {
  test('shows a view as two padded lines and updates in place without blanking', async ({ cleanups }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    const screen = await emulator(cleanups, 'dmd', { path: line.b });
    const display = driver(cleanups, 'dmd', new SerialTransport({ path: line.a, baudRate: 9600, backoff: FAST }));
    await display.start();
    expect(display.status).toEqual({ state: 'ready' });
    await display.show(A042);
    await waitFor(() => screen.screen().join('|') === dmdScreen(A042).join('|'), {
      what: 'the first view',
      timeoutMs: 5000,
    });
    expect(screen.screen()).toEqual(['NOW SERVING  A-042  ', 'WAIT ~15 MIN        ']);
    const blanksAfterSetup = screen.counters().blanks;

    for (const view of [A043, { ...A044, message: 'Closed - back 14:00' }]) await display.show(view);
    await waitFor(() => screen.screen()[1] === 'Closed - back 14:00 ', {
      what: 'the message in place of the wait',
      timeoutMs: 5000,
    });
    expect(screen.screen()[0]).toBe('NOW SERVING  A-044  ');
    expect(screen.counters()).toMatchObject({ blanks: blanksAfterSetup, problems: 0 });
  });

  test('unplug -> offline, a view shown meanwhile is kept; replug -> ready and the display shows it', async ({
    cleanups,
    dir,
  }) => {
    const { line, kioskPath, connectKiosk, disconnectKiosk } = await unpluggableLine(cleanups, dir);
    connectKiosk();
    const screen = await emulator(cleanups, 'dmd', { path: line.b });
    const display = driver(cleanups, 'dmd', new SerialTransport({ path: kioskPath, baudRate: 9600, backoff: FAST }));
    const statuses = statusesOf(display);
    await display.start();
    await display.show(A042);
    await waitFor(() => screen.screen()[0]!.includes('A-042'), { what: 'the view before the unplug', timeoutMs: 5000 });

    disconnectKiosk();
    await line.unplug();
    await waitFor(() => display.status.state === 'offline', { what: 'offline after the unplug', timeoutMs: 5000 });
    expect(display.status.code).toBe('disconnected');
    expect(display.status.detail).toMatch(
      /reconnecting by itself, and the display will show the latest queue once it is back/,
    );
    // While offline, show() resolves (the outage is in the status), and the view is kept.
    await display.show(A043);
    expect(display.lastView).toEqual(A043);
    expect(screen.screen()[0]).toContain('A-042');

    const back = reconnected(screen);
    await line.plug();
    await waitFor(back, { what: 'the display end of the line to reopen', timeoutMs: 5000 });
    connectKiosk();
    await waitFor(() => display.status.state === 'ready', { what: 'ready after the replug', timeoutMs: 5000 });
    await waitFor(() => screen.screen().join('|') === dmdScreen(A043).join('|'), {
      what: 'the view shown while unplugged',
      timeoutMs: 5000,
    });
    expect(statuses).toEqual(['offline:connecting', 'ready', 'offline:disconnected', 'ready']);
  });

  test('a display switched on after the kiosk wrote catches up on the next refresh', async ({ cleanups }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    const display = driver(cleanups, 'dmd', new SerialTransport({ path: line.a, baudRate: 9600, backoff: FAST }), 150);
    await display.start();
    await display.show(A042); // nobody listens at the far end yet: these bytes are lost
    const screen = await emulator(cleanups, 'dmd', { path: line.b });
    await waitFor(() => screen.screen().join('|') === dmdScreen(A042).join('|'), {
      what: 'the refreshed view',
      timeoutMs: 5000,
    });
    // Refreshes rewrite in place: more bytes arrive, but no clear (bytes of the setup still inside
    // socat when the display opened may or may not have arrived, so blanks are counted from here).
    const { blanks, bytes } = screen.counters();
    await waitFor(() => screen.counters().bytes >= bytes + 2 * 44, { what: 'two more refreshes', timeoutMs: 5000 });
    expect(screen.counters().blanks).toBe(blanks);
    expect(screen.screen()).toEqual(dmdScreen(A042));
  });
});

describe('Alpha LED sign over a pseudo-terminal pair', () => {
  test('configures memory once, writes the TEXT once, then updates only the STRINGs (no blanking)', async ({
    cleanups,
  }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    const sign = await emulator(cleanups, 'alpha', { path: line.b });
    const display = driver(
      cleanups,
      'alpha',
      new SerialTransport({ path: line.a, baudRate: 9600, dataBits: 7, parity: 'even', backoff: FAST }),
    );
    await display.start();
    await display.show(A042);
    await waitFor(() => sign.screen()[0] === 'NOW SERVING A-042  WAIT ~15 MIN', {
      what: 'the first view',
      timeoutMs: 5000,
    });

    await display.show(A043);
    await display.show(A044);
    await display.show({ ...A044, counterName: 'Counter 2', message: 'Closed - back 14:00' });
    await waitFor(() => sign.screen()[0] === 'NOW SERVING A-044  Counter 2  Closed - back 14:00', {
      what: 'the last view',
      timeoutMs: 5000,
    });
    expect(sign.counters()).toMatchObject({ memoryConfigurations: 1, textWrites: 1, problems: 0 });
    // Two strings for the first view, then one or two per change: never a TEXT rewrite.
    expect(sign.counters().stringUpdates).toBe(2 + 2 + 2 + 2);
    // An unchanged view writes nothing.
    await display.show({ ...A044, counterName: 'Counter 2', message: 'Closed - back 14:00' });
    expect(sign.counters().stringUpdates).toBe(8);
  });

  test('unplug and replug: the sign is configured again on the new connection and shows the latest view', async ({
    cleanups,
    dir,
  }) => {
    const { line, kioskPath, connectKiosk, disconnectKiosk } = await unpluggableLine(cleanups, dir);
    connectKiosk();
    const sign = await emulator(cleanups, 'alpha', { path: line.b });
    const display = driver(cleanups, 'alpha', new SerialTransport({ path: kioskPath, baudRate: 9600, backoff: FAST }));
    const statuses = statusesOf(display);
    await display.start();
    await display.show(A042);
    await waitFor(() => sign.screen()[0]?.includes('A-042'), { what: 'the view before the unplug', timeoutMs: 5000 });

    disconnectKiosk();
    await line.unplug();
    await waitFor(() => display.status.code === 'disconnected', { what: 'offline after the unplug', timeoutMs: 5000 });
    await display.show(A044);

    const back = reconnected(sign);
    await line.plug();
    await waitFor(back, { what: 'the sign end of the line to reopen', timeoutMs: 5000 });
    connectKiosk();
    await waitFor(() => sign.screen()[0] === 'NOW SERVING A-044  WAIT ~9 MIN', {
      what: 'the view shown while unplugged',
      timeoutMs: 5000,
    });
    expect(sign.counters()).toMatchObject({ memoryConfigurations: 2, textWrites: 2, problems: 0 });
    expect(statuses).toEqual(['offline:connecting', 'ready', 'offline:disconnected', 'ready']);
  });

  test('the emulated sign rejects bad packets with reasons and keeps the good ones', async ({ cleanups }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    const sign = await emulator(cleanups, 'alpha', { path: line.b });
    const problems: string[] = [];
    sign.on('problem', (problem) => problems.push(`${problem.reason}: ${problem.detail}`));
    const host = new SerialPort({ path: line.a, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => host.open((error) => (error ? reject(error) : resolve())));
    cleanups.push(() => new Promise<void>((resolve) => (host.isOpen ? host.close(() => resolve()) : resolve())));

    const good = encodeWriteString('1', 'A-042');
    const corrupted = Buffer.from(good);
    corrupted[12] = 0x58; // a data byte changed: the checksum no longer matches
    // The factory memory has no STRING file 1 until configured.
    host.write(Buffer.concat([Buffer.from('noise'), corrupted, good]));
    await waitFor(() => problems.length >= 3, { what: 'three problems', timeoutMs: 5000 });
    expect(problems[0]).toMatch(/^garbage: bytes outside any packet: 6E 6F 69 73 65/);
    expect(problems[1]).toMatch(/^bad-checksum: checksum 0181 does not match/);
    expect(problems[2]).toMatch(/^unallocated-file: command G wrote STRING file "1"/);
    expect(sign.counters().stringUpdates).toBe(0);
  });
});

describe('wait displays over TCP', () => {
  for (const kind of ['dmd', 'alpha'] as const) {
    test(`${kind}: shows a view, and shows it again on a device that restarted blank`, async ({ cleanups }) => {
      const first = await runDisplayEmulator({ kind, tcpPort: 0 });
      cleanups.push(() => first.close());
      const port = first.port!;
      const display = driver(
        cleanups,
        kind,
        new TcpTransport({ host: '127.0.0.1', port, backoff: FAST, keepAliveMs: 0 }),
      );
      await display.start();
      await display.show(A042);
      const shows = (screen: DisplayEmulator, number: string) => () => screen.screen().some((l) => l.includes(number));
      await waitFor(shows(first, 'A-042'), { what: 'the view over TCP', timeoutMs: 5000 });
      await first.close();
      await waitFor(() => display.status.code === 'disconnected', {
        what: 'offline once the far end closed',
        timeoutMs: 5000,
      });

      // The device comes back on the same port, blank (it was power-cycled); the queue did not
      // change meanwhile, so only the reconnection can put the view back.
      const second = await emulator(cleanups, kind, { tcpPort: port });
      await waitFor(shows(second, 'A-042'), { what: 'the same view on the restarted device', timeoutMs: 5000 });
      expect(display.status.state).toBe('ready');
      expect(second.counters().problems).toBe(0);
    });
  }
});

describe('waitwell emulate display', () => {
  test('prints the boxed 2x20 content whenever it changes, and stops on abort', async ({ cleanups }) => {
    const output: string[] = [];
    const stop = new AbortController();
    const running = emulateDisplay(
      { tcp: '127.0.0.1:0', kind: 'dmd' },
      { out: (text) => output.push(text), signal: stop.signal },
    );
    const banner = await waitFor(() => output.find((l) => /DM-D 2x20 customer display on 127\.0\.0\.1:\d+/.test(l)), {
      what: 'the banner',
      timeoutMs: 5000,
    });
    const port = Number(/:(\d+);/.exec(banner)![1]);
    const display = driver(
      cleanups,
      'dmd',
      new TcpTransport({ host: '127.0.0.1', port, backoff: FAST, keepAliveMs: 0 }),
    );
    await display.start();
    await display.show(A042);
    const box = boxed(['NOW SERVING  A-042  ', 'WAIT ~15 MIN        ']);
    await waitFor(() => output.includes(box), { what: 'the boxed screen', timeoutMs: 5000 });
    expect(box).toBe(
      ['+--------------------+', '|NOW SERVING  A-042  |', '|WAIT ~15 MIN        |', '+--------------------+'].join(
        '\n',
      ),
    );
    await display.stop();
    stop.abort();
    await running;
    expect(output.at(-1)).toMatch(/^stopped; clears \d+, problems 0$/);
  });

  it('says what is wrong with its arguments', async () => {
    await expect(emulateDisplay({ kind: 'vfd', tcp: '0' })).rejects.toThrow(
      '--kind must be dmd (Epson DM-D 2x20 customer display) or alpha (Alpha-protocol LED sign), got "vfd"',
    );
    await expect(emulateDisplay({})).rejects.toThrow(/give --path .* or --tcp \[host:\]port/);
    await expect(emulateDisplay({ tcp: 'abc' })).rejects.toThrow(/--tcp must be a port or host:port/);
  });
});
