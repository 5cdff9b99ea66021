import { describe, expect, it } from 'vitest';
import { type Cleanup, test } from '../../test/support/test-fixtures.ts';
import { waitFor } from '../../test/support/wait.ts';
import type { ButtonPress, DeviceStatus } from '../device.ts';
import { FakeHid } from '../transport/fake-hid.ts';
import { HidTransport } from '../transport/hid-transport.ts';
import { HidButtons } from './hid-buttons.ts';
import { findHidButtonModel } from './hid-models.ts';
import type { ButtonProblem } from './transport-buttons.ts';

const FAST = { baseMs: 10, maxMs: 100, jitter: 0.2 };
const encoder = {
  vendorId: 0x0079,
  productId: 0x0006,
  release: 0x0107,
  interface: 0,
  manufacturer: 'DragonRise Inc.',
  product: 'Generic   USB  Joystick',
};
const layout = findHidButtonModel(0x0079, 0x0006)!.layout;
/** A DragonRise report with these buttons (1-4) down, sticks centred. */
const report = (...buttons: number[]) => [
  0x7f,
  0x7f,
  0x7f,
  0x7f,
  0x7f,
  buttons.reduce((byte, b) => byte | (0x08 << b), 0x0f),
  0,
  0,
];

function setup(
  cleanups: Cleanup[],
  options: { clock?: () => number; garbage?: { threshold: number; windowMs: number } } = {},
) {
  const hid = new FakeHid([{ ...encoder, path: '/dev/hidraw3' }]);
  const transport = new HidTransport({ vendorId: 0x0079, productId: 0x0006, api: hid, backoff: FAST });
  const buttons = new HidButtons({
    id: 'buttons-exit',
    transport,
    layout,
    ...(options.clock ? { now: options.clock } : {}),
    ...(options.garbage ? { garbage: options.garbage } : {}),
  });
  const presses: ButtonPress[] = [];
  const statuses: DeviceStatus[] = [];
  const problems: ButtonProblem[] = [];
  buttons.on('press', (press) => presses.push(press));
  buttons.on('status', (status) => statuses.push(status));
  buttons.diagnostics.on('problem', (problem) => problems.push(problem));
  cleanups.push(() => buttons.stop());
  return { hid, transport, buttons, presses, statuses, problems };
}

describe('HidButtons over HidTransport (fake node-hid)', () => {
  test('turns reports into presses with levels: one per push, none while held or on release', async ({ cleanups }) => {
    let now = 1_000_000;
    const { hid, buttons, presses } = setup(cleanups, { clock: () => now });
    await buttons.start();
    expect(buttons.status).toEqual({ state: 'ready' });
    const device = hid.opened('/dev/hidraw3')!;
    device.emitData(report(4));
    device.emitData(report(4));
    now += 100;
    device.emitData(report());
    now += 100;
    device.emitData(report(1, 4));
    now += 100;
    device.emitData(report(2));
    expect(presses.map((p) => [p.button, p.level, p.source])).toEqual([
      [4, 4, 'hid'],
      [1, 1, 'hid'],
      [4, 4, 'hid'],
      [2, 2, 'hid'],
    ]);
    expect(presses[0]!.at).toBe(1_000_000);
  });

  test('debounces a chattering contact', async ({ cleanups }) => {
    let now = 0;
    const { hid, buttons, presses } = setup(cleanups, { clock: () => now });
    await buttons.start();
    const device = hid.opened('/dev/hidraw3')!;
    for (const state of [[3], [], [3], [], [3]]) {
      device.emitData(report(...state));
      now += 5;
    }
    expect(presses.map((p) => p.button)).toEqual([3]);
  });

  test('goes offline on unplug and comes back by itself when replugged on another hidraw node', async ({
    cleanups,
  }) => {
    const { hid, transport, buttons, presses, statuses } = setup(cleanups);
    await buttons.start();
    hid.unplug('/dev/hidraw3');
    expect(buttons.status).toMatchObject({ state: 'offline', code: 'disconnected' });
    expect(buttons.status.detail).toContain('could not read from HID device');
    expect(transport.state).toBe('reconnecting');
    hid.plug({ ...encoder, path: '/dev/hidraw7' });
    await waitFor(() => buttons.status.state === 'ready', { what: 'buttons ready after replug', timeoutMs: 5000 });
    // Encoders report on change: the first report after a replug is a press.
    hid.opened('/dev/hidraw7')!.emitData(report(1));
    expect(presses.map((p) => p.level)).toEqual([1]);
    expect(statuses.map((s) => s.state)).toEqual(['offline', 'ready', 'offline', 'ready']);
  });

  test('waits for a device that is not there yet, and says what it waits for', async ({ cleanups }) => {
    const { hid, buttons } = setup(cleanups);
    hid.unplug('/dev/hidraw3');
    await buttons.start();
    expect(buttons.status.state).toBe('offline');
    expect(buttons.status.detail).toMatch(/hid 0079:0006 is not connected/);
    hid.plug({ ...encoder, path: '/dev/hidraw1' });
    await waitFor(() => buttons.status.state === 'ready', { what: 'buttons ready once plugged', timeoutMs: 5000 });
  });

  test('explains an open failure of a listed device (hidraw permissions) and keeps trying', async ({ cleanups }) => {
    const { hid, buttons } = setup(cleanups);
    hid.failNextOpens('cannot open device with path /dev/hidraw3');
    await buttons.start();
    expect(buttons.status.detail).toMatch(/udev rule/);
    await waitFor(() => buttons.status.state === 'ready', {
      what: 'buttons ready after the failed open',
      timeoutMs: 5000,
    });
    expect(hid.openAttempts.length).toBeGreaterThanOrEqual(2);
  });

  test('reports short reports and turns degraded while they keep coming, then recovers', async ({ cleanups }) => {
    const { hid, buttons, problems } = setup(cleanups, { garbage: { threshold: 3, windowMs: 300 } });
    await buttons.start();
    const device = hid.opened('/dev/hidraw3')!;
    device.emitData([0x7f, 0x7f]);
    device.emitData([0x7f]);
    expect(buttons.status.state).toBe('ready');
    device.emitData([]);
    expect(buttons.status).toMatchObject({ state: 'degraded', code: 'garbage' });
    expect(problems[0]).toMatchObject({ reason: 'short-report', counts: true });
    expect(problems[0]!.detail).toMatch(/2-byte report has no byte 5/);
    await waitFor(() => buttons.status.state === 'ready', { what: 'ready once the garbage stops', timeoutMs: 5000 });
  });

  test('ignores reports of other ids, and reports presses of unmapped buttons', async ({ cleanups }) => {
    const hid = new FakeHid([{ ...encoder, path: '/dev/hidraw0' }]);
    const transport = new HidTransport({ path: '/dev/hidraw0', api: hid, backoff: FAST });
    const buttons = new HidButtons({
      id: 'pad',
      transport,
      layout: {
        reportId: 1,
        buttons: [
          { button: 1, byte: 1, mask: 1 },
          { button: 9, byte: 1, mask: 2 },
        ],
      },
      levels: { 1: 3 },
    });
    cleanups.push(() => buttons.stop());
    const presses: ButtonPress[] = [];
    const problems: ButtonProblem[] = [];
    buttons.on('press', (p) => presses.push(p));
    buttons.diagnostics.on('problem', (p) => problems.push(p));
    await buttons.start();
    const device = hid.opened('/dev/hidraw0')!;
    device.emitData([2, 0xff]);
    device.emitData([1, 0x03]);
    expect(presses.map((p) => [p.button, p.level])).toEqual([[1, 3]]);
    expect(problems.map((p) => p.reason)).toEqual(['unmapped-button']);
  });

  test('a throwing press listener costs neither the other presses nor the device status', async ({ cleanups }) => {
    const { hid, buttons, presses, problems } = setup(cleanups);
    buttons.on('press', () => {
      throw new Error('listener bug');
    });
    await buttons.start();
    hid.opened('/dev/hidraw3')!.emitData(report(2, 3));
    expect(problems).toMatchObject([
      { reason: 'driver-error', counts: false },
      { reason: 'driver-error', counts: false },
    ]);
    expect(presses.map((p) => p.button)).toEqual([2, 3]);
    expect(buttons.status.state).toBe('ready');
  });
});

describe('HidTransport', () => {
  it('writes reports and stops for good on close', async () => {
    const hid = new FakeHid([{ ...encoder, path: '/dev/hidraw3' }]);
    const transport = new HidTransport({ vendorId: 0x0079, api: hid, backoff: FAST });
    expect(transport.description).toBe('hid 0079:*');
    await transport.open();
    await transport.write(Uint8Array.from([0, 1, 2]));
    const device = hid.opened('/dev/hidraw3')!;
    expect([...device.lastWrite!]).toEqual([0, 1, 2]);
    await transport.close();
    expect(device.isOpen).toBe(false);
    await expect(transport.write(Uint8Array.from([0]))).rejects.toThrow(/not connected/);
    hid.plug({ ...encoder, path: '/dev/hidraw4' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hid.openAttempts).toEqual(['/dev/hidraw3']);
  });

  it('picks the interface by usage page on a composite device', async () => {
    const hid = new FakeHid([
      { ...encoder, path: '/dev/hidraw0', usagePage: 0x0001 },
      { ...encoder, path: '/dev/hidraw1', usagePage: 0xff00 },
    ]);
    const transport = new HidTransport({
      vendorId: 0x0079,
      productId: 0x0006,
      usagePage: 0xff00,
      api: hid,
      backoff: FAST,
    });
    await transport.open();
    expect(hid.opened('/dev/hidraw1')).toBeDefined();
    await transport.close();
  });
});
