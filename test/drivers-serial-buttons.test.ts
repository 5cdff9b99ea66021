import { SerialPort } from 'serialport';
import { describe, expect } from 'vitest';
import { mulberry32 } from '../core/simulation/random.ts';
import type { ButtonPress, DeviceStatus } from '../drivers/device.ts';
import { ButtonsEmulator, EMULATOR_FIRMWARE, runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { createPtyPair, type PtyPair } from '../drivers/emulators/pty-pair.ts';
import { SerialButtons, type SerialButtonsOptions } from '../drivers/feedback-buttons/serial-buttons.ts';
import type { ButtonProblem } from '../drivers/feedback-buttons/transport-buttons.ts';
import { SerialTransport } from '../drivers/transport/serial-transport.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';
import { waitFor } from './support/wait.ts';

/** The serial button-box driver against its emulator, across a real pseudo-terminal pair. */
const FAST = { baseMs: 20, maxMs: 200, jitter: 0.2 };

async function rig(
  cleanups: Cleanup[],
  options: Partial<SerialButtonsOptions> = {},
  beforeStart?: (line: PtyPair) => Promise<void>,
) {
  const line: PtyPair = await createPtyPair();
  cleanups.push(() => line.dispose());
  await beforeStart?.(line);
  const transport = new SerialTransport({ path: line.a, baudRate: 9600, backoff: FAST });
  const buttons = new SerialButtons({ id: 'buttons-exit', transport, ...options });
  const presses: ButtonPress[] = [];
  const statuses: DeviceStatus[] = [];
  const problems: ButtonProblem[] = [];
  const firmware: string[] = [];
  buttons.on('press', (press) => presses.push(press));
  buttons.on('status', (status) => statuses.push(status));
  buttons.diagnostics.on('problem', (problem) => problems.push(problem));
  buttons.diagnostics.on('firmware', (id) => firmware.push(id));
  cleanups.push(() => buttons.stop());
  await buttons.start();
  return { line, transport, buttons, presses, statuses, problems, firmware };
}

async function emulatorOn(
  cleanups: Cleanup[],
  path: string,
  options: Partial<Parameters<typeof ButtonsEmulator.open>[0]> = {},
) {
  const emulator = await ButtonsEmulator.open({ path, ...options });
  cleanups.push(() => emulator.close());
  return emulator;
}

describe('SerialButtons over a pseudo-terminal pair', () => {
  test('presses arrive with their levels; the box introduces itself', async ({ cleanups }) => {
    const { line, buttons, presses, firmware } = await rig(cleanups);
    expect(buttons.status).toEqual({ state: 'ready' });
    const box = await emulatorOn(cleanups, line.b);
    for (const button of [1, 2, 3, 4]) await box.press(button);
    await waitFor(() => presses.length === 4, { what: '4 presses', timeoutMs: 5000 });
    expect(presses.map((p) => [p.button, p.level, p.source])).toEqual([
      [1, 1, 'serial'],
      [2, 2, 'serial'],
      [3, 3, 'serial'],
      [4, 4, 'serial'],
    ]);
    expect(firmware).toEqual([EMULATOR_FIRMWARE]);
    expect(buttons.firmware).toBe(EMULATOR_FIRMWARE);
  });

  test('maps buttons as configured, with checksums on the line', async ({ cleanups }) => {
    const { line, presses } = await rig(cleanups, { levels: { 1: 4, 2: 3, 3: 2, 4: 1 } });
    const box = await emulatorOn(cleanups, line.b, { checksum: true });
    await box.press(1);
    await box.press(4);
    await waitFor(() => presses.length === 2, { what: '2 presses', timeoutMs: 5000 });
    expect(presses.map((p) => p.level)).toEqual([4, 1]);
  });

  test('asks the box for a hello on every open, and learns its firmware from it', async ({ cleanups }) => {
    let device: SerialPort | undefined;
    let heard = '';
    const { firmware } = await rig(cleanups, {}, async (line) => {
      // The box's end is open first, so the driver's request cannot be lost before it opens.
      device = new SerialPort({ path: line.b, baudRate: 9600, autoOpen: false });
      device.on('data', (chunk: Buffer) => (heard += chunk.toString('latin1')));
      await new Promise<void>((resolve, reject) => device!.open((error) => (error ? reject(error) : resolve())));
      cleanups.push(() => new Promise((resolve) => (device!.isOpen ? device!.close(() => resolve()) : resolve())));
    });
    await waitFor(() => heard === '?\n', { what: 'the hello request', timeoutMs: 5000 });
    device!.write('H box-7/2.1 81234\n');
    await waitFor(() => firmware.includes('box-7/2.1'), { what: 'the firmware id', timeoutMs: 5000 });
  });

  test('the emulated box answers a hello request', async ({ cleanups }) => {
    const line = await createPtyPair();
    cleanups.push(() => line.dispose());
    const host = new SerialPort({ path: line.a, baudRate: 9600, autoOpen: false });
    let heard = '';
    host.on('data', (chunk: Buffer) => (heard += chunk.toString('latin1')));
    await new Promise<void>((resolve, reject) => host.open((error) => (error ? reject(error) : resolve())));
    cleanups.push(() => new Promise((resolve) => (host.isOpen ? host.close(() => resolve()) : resolve())));
    await emulatorOn(cleanups, line.b, { firmware: 'box-9/1' });
    await waitFor(() => heard.split('\n').filter((l) => l.startsWith('H box-9/1')).length === 1, {
      what: 'the hello sent on open',
      timeoutMs: 5000,
    });
    host.write('?\n');
    await waitFor(() => heard.split('\n').filter((l) => l.startsWith('H box-9/1')).length === 2, {
      what: 'the answer to ?',
      timeoutMs: 5000,
    });
  });

  test('debounces with the box clock: a bouncing button is one press', async ({ cleanups }) => {
    const { line, presses } = await rig(cleanups);
    const box = await emulatorOn(cleanups, line.b);
    await box.sendRaw('P 2 1000\nP 2 1004\nP 2 1030\nP 3 1031\nP 2 1200\n');
    await waitFor(() => presses.length === 3, { what: '3 presses', timeoutMs: 5000 });
    expect(presses.map((p) => p.button)).toEqual([2, 3, 2]);
  });

  test('a box that restarted and pressed at the same uptime as before is a new press, not bounce', async ({
    cleanups,
  }) => {
    const { line, presses } = await rig(cleanups);
    const box = await emulatorOn(cleanups, line.b);
    await box.sendRaw('P 1 20\n');
    await waitFor(() => presses.length === 1, { what: 'the first press', timeoutMs: 5000 });
    await box.sendRaw('H box-1/1 12\nP 1 20\nP 1 21\n');
    await waitFor(() => presses.length === 2, { what: 'the press after the restart', timeoutMs: 5000 });
    await box.sendRaw('P 3 500\n');
    await waitFor(() => presses.length === 3, { what: 'a later press', timeoutMs: 5000 });
    expect(presses.map((p) => p.button)).toEqual([1, 1, 3]);
  });

  test('reports garbage with reasons, keeps the valid presses around it, and degrades while it goes on', async ({
    cleanups,
  }) => {
    const { line, buttons, presses, problems, statuses } = await rig(cleanups, {
      garbage: { threshold: 3, windowMs: 400 },
    });
    const box = await emulatorOn(cleanups, line.b);
    await box.sendRaw('P 9x\n\u00ff\u00fe\u0001\nP 1\n');
    await waitFor(() => presses.length === 1, { what: 'the press after garbage', timeoutMs: 5000 });
    expect(buttons.status.state).toBe('ready');
    await box.sendRaw(`Z 1\nP 4 1*00\n${'x'.repeat(300)}\nP 4\n`);
    await waitFor(() => presses.length === 2, { what: 'the press after more garbage', timeoutMs: 5000 });
    expect(problems.map((p) => p.reason)).toEqual([
      'bad-button',
      'non-ascii',
      'unknown-command',
      'bad-checksum',
      'line-too-long',
    ]);
    expect(problems[0]!.detail).toBe(`serial ${line.a} @ 9600 8N1 sent "P 9x"`);
    expect(statuses.some((s) => s.state === 'degraded' && s.code === 'garbage')).toBe(true);
    await waitFor(() => buttons.status.state === 'ready', { what: 'ready once the garbage stops', timeoutMs: 5000 });
  });

  test('unplug -> offline; replug (new socat, same link names) -> ready, and presses flow again', async ({
    cleanups,
  }) => {
    const { line, transport, buttons, presses, problems, statuses } = await rig(cleanups);
    let received = '';
    transport.on('data', (chunk) => (received += chunk.toString('latin1')));
    // No answer to the driver's `?`: a late hello would complete the half line below.
    const first = await emulatorOn(cleanups, line.b, { answerHelloRequests: false });
    await first.press(4);
    await first.sendRaw('P 1'); // a half line, cut by the unplug
    await waitFor(() => presses.length === 1 && received.endsWith('P 1'), {
      what: 'the press and the half line before the unplug',
      timeoutMs: 5000,
    });

    await line.unplug();
    await waitFor(() => buttons.status.state === 'offline', { what: 'offline after the unplug', timeoutMs: 5000 });
    expect(buttons.status.code).toBe('disconnected');
    // The event carries the cause; the status getter then follows each retry's reason.
    expect(statuses.find((s) => s.code === 'disconnected')!.detail).toMatch(
      /disconnected: the line hung up; reconnecting by itself/,
    );
    await waitFor(() => first.closed, { what: 'the emulator to see the line drop', timeoutMs: 5000 });
    await waitFor(() => problems.some((p) => p.reason === 'truncated'), {
      what: 'the cut half line reported',
      timeoutMs: 5000,
    });
    expect(problems.find((p) => p.reason === 'truncated')!.counts).toBe(false);

    await line.plug();
    await waitFor(() => buttons.status.state === 'ready', { what: 'ready after the replug', timeoutMs: 5000 });
    const second = await emulatorOn(cleanups, line.b);
    await second.press(2);
    await waitFor(() => presses.length === 2, { what: 'a press after the replug', timeoutMs: 5000 });
    expect(presses.map((p) => p.level)).toEqual([4, 2]);
    expect(statuses.map((s) => `${s.state}${s.code ? `:${s.code}` : ''}`)).toEqual([
      'offline:connecting',
      'ready',
      'offline:disconnected',
      'ready',
    ]);
  });

  test('runs a scripted session end to end', async ({ cleanups }) => {
    const { line, presses } = await rig(cleanups);
    const sent: string[] = [];
    const result = await runButtonsEmulator({ path: line.b, script: '4@0, 3@60, 1@60', log: (l) => sent.push(l) });
    expect(result).toEqual({ presses: 3 });
    await waitFor(() => presses.length === 3, { what: 'the scripted presses', timeoutMs: 5000 });
    expect(presses.map((p) => p.level)).toEqual([4, 3, 1]);
    expect(sent.filter((l) => l.startsWith('P')).map((l) => l.split(' ')[1])).toEqual(['4', '3', '1']);
  });

  test('runs random presses at a rate, and stops on abort', async ({ cleanups }) => {
    const { line, presses } = await rig(cleanups);
    const random = mulberry32(7);
    const counted = await runButtonsEmulator({ path: line.b, rate: 6000, count: 8, random });
    expect(counted).toEqual({ presses: 8 });
    // Random picks can repeat a button within the debounce window; what arrived was sent.
    await waitFor(() => presses.length >= 1, { what: 'random presses', timeoutMs: 5000 });
    const aborter = new AbortController();
    const running = runButtonsEmulator({ path: line.b, rate: 60, signal: aborter.signal, random });
    aborter.abort();
    await expect(running).resolves.toMatchObject({ presses: expect.any(Number) });
  });

  test('the emulator rejects when the line drops under it', async ({ cleanups }) => {
    const { line, firmware } = await rig(cleanups);
    // Settled into a value at once: the rejection may come while the unplug is still awaited.
    const outcome = runButtonsEmulator({ path: line.b, rate: 1 }).then(
      () => new Error('the emulator finished instead of rejecting'),
      (error: Error) => error,
    );
    await waitFor(() => firmware.length > 0, { what: 'the emulator to be running (its hello)', timeoutMs: 5000 });
    await line.unplug();
    expect((await outcome).message).toMatch(/the line .* dropped/);
  });
});
