import { SerialPort } from 'serialport';
import { findHidButtonModel } from './feedback-buttons/hid-models.ts';
import { loadNodeHid, type HidApi, type HidDeviceInfo } from './transport/hid-transport.ts';

/** What `waitwell devices` shows: plain data, ids as 4-digit lower-case hex like lsusb. */
export interface SerialPortEntry {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  /** The /dev/serial/by-id name: stable across replugs, the one to put in configuration. */
  pnpId?: string;
}

export interface HidDeviceEntry {
  path: string;
  vendorId: string;
  productId: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  usagePage?: string;
  interface: number;
  /** A known button device (hid-models.ts), whose report layout needs no configuration. */
  knownModel?: string;
}

export class DeviceDiscoveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceDiscoveryError';
  }
}

function explainSerialListError(error: Error & { code?: string; path?: string; syscall?: string }): string {
  if (error.code === 'ENOENT' && /udevadm/.test(`${error.path ?? ''} ${error.syscall ?? ''} ${error.message}`)) {
    return (
      'listing serial ports needs udevadm, which is not installed: apt-get install udev (or skip the listing: ' +
      'give the port path directly, e.g. /dev/ttyACM0; "ls /dev/ttyACM* /dev/ttyUSB*" shows candidates)'
    );
  }
  return `could not list serial ports: ${error.message}`;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

function defined<T extends object>(entry: T): T {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as T;
}

type PortLister = () => Promise<Awaited<ReturnType<typeof SerialPort.list>>>;

export async function listSerialPorts(list: PortLister = () => SerialPort.list()): Promise<SerialPortEntry[]> {
  let ports: Awaited<ReturnType<PortLister>>;
  try {
    ports = await list();
  } catch (error) {
    throw new DeviceDiscoveryError(explainSerialListError(error as Error), { cause: error });
  }
  return ports.map((port) =>
    defined({
      path: port.path,
      manufacturer: port.manufacturer,
      serialNumber: port.serialNumber,
      vendorId: port.vendorId?.toLowerCase(),
      productId: port.productId?.toLowerCase(),
      pnpId: port.pnpId,
    }),
  );
}

function describeHidDevice(device: HidDeviceInfo): HidDeviceEntry {
  return defined({
    path: device.path ?? '',
    vendorId: hex4(device.vendorId),
    productId: hex4(device.productId),
    manufacturer: device.manufacturer,
    product: device.product,
    serialNumber: device.serialNumber,
    usagePage: device.usagePage === undefined ? undefined : hex4(device.usagePage),
    interface: device.interface,
    knownModel: findHidButtonModel(device.vendorId, device.productId)?.name,
  });
}

/**
 * HID devices the kiosk's user can see. On Linux an empty list with devices plugged in usually
 * means the hidraw nodes belong to root: the README's udev rule fixes that.
 */
export async function listHidDevices(api?: HidApi): Promise<HidDeviceEntry[]> {
  let devices: HidDeviceInfo[];
  try {
    devices = await (api ?? (await loadNodeHid())).devicesAsync();
  } catch (error) {
    throw new DeviceDiscoveryError(
      (error as Error).message.startsWith('node-hid')
        ? (error as Error).message
        : `could not list HID devices: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return devices.filter((device) => device.path !== undefined).map(describeHidDevice);
}
