import { describe, expect, it } from 'vitest';
import { DeviceDiscoveryError, listHidDevices, listSerialPorts } from './discovery.ts';
import { FakeHid } from './transport/fake-hid.ts';
import { explainHidLoadError } from './transport/hid-transport.ts';
import { explainSerialOpenError } from './transport/serial-transport.ts';

describe('device discovery', () => {
  it('lists serial ports as plain data with lower-case ids', async () => {
    const ports = await listSerialPorts(async () => [
      {
        path: '/dev/ttyACM0',
        manufacturer: 'Arduino (www.arduino.cc)',
        serialNumber: '8503',
        pnpId: 'usb-Arduino_Uno_8503-if00',
        locationId: undefined,
        vendorId: '2341',
        productId: '0043',
      },
      {
        path: '/dev/ttyS0',
        manufacturer: undefined,
        serialNumber: undefined,
        pnpId: undefined,
        locationId: undefined,
        vendorId: undefined,
        productId: undefined,
      },
    ]);
    expect(ports).toEqual([
      {
        path: '/dev/ttyACM0',
        manufacturer: 'Arduino (www.arduino.cc)',
        serialNumber: '8503',
        pnpId: 'usb-Arduino_Uno_8503-if00',
        vendorId: '2341',
        productId: '0043',
      },
      { path: '/dev/ttyS0' },
    ]);
  });

  it('says to install udev when udevadm is missing', async () => {
    const missing = Object.assign(new Error('spawn udevadm ENOENT'), {
      code: 'ENOENT',
      syscall: 'spawn udevadm',
      path: 'udevadm',
    });
    const error = await listSerialPorts(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceDiscoveryError);
    expect((error as Error).message).toMatch(/apt-get install udev/);
    expect((error as Error).message).toMatch(/give the port path directly/);
  });

  it('lists the real serial ports of this machine, or says what to install', async () => {
    const result = await listSerialPorts().catch((e: Error) => e);
    if (result instanceof Error) expect(result.message).toMatch(/apt-get install udev/);
    else expect(Array.isArray(result)).toBe(true);
  });

  it('lists HID devices with ids in hex and names known button models', async () => {
    const hid = new FakeHid([
      {
        vendorId: 0x0079,
        productId: 0x0006,
        path: '/dev/hidraw2',
        release: 0x107,
        interface: 0,
        product: 'Generic   USB  Joystick',
      },
    ]);
    expect(await listHidDevices(hid)).toEqual([
      {
        path: '/dev/hidraw2',
        vendorId: '0079',
        productId: '0006',
        product: 'Generic   USB  Joystick',
        interface: 0,
        knownModel: 'DragonRise "zero delay" arcade encoder (Generic USB Joystick)',
      },
    ]);
  });

  it('lists the real HID devices through node-hid (usually none here)', async () => {
    expect(Array.isArray(await listHidDevices())).toBe(true);
  });

  it('turns native errors into what to do', () => {
    expect(explainHidLoadError(new Error('libusb-1.0.so.0: cannot open shared object file'))).toMatch(
      /apt-get install libusb-1.0-0/,
    );
    const enoent = Object.assign(new Error('Error: No such file or directory, cannot open /dev/ttyACM0'), {
      code: 'ENOENT',
    });
    expect(explainSerialOpenError(enoent, '/dev/ttyACM0')).toMatch(
      /^\/dev\/ttyACM0 is not there \(unplugged, or the wrong path\)/,
    );
    expect(
      explainSerialOpenError(new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), '/dev/ttyUSB0'),
    ).toMatch(/dialout/);
  });
});
