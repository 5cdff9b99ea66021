import type { BackoffPolicy } from '../../core/backoff.ts';
import { ReconnectingTransport, type Link, type LinkHandlers } from './reconnecting-transport.ts';

/**
 * The part of node-hid 3 this transport uses, as an interface: `HIDAsync` handles and the module's
 * `devicesAsync` / `HIDAsync.open`. The real module satisfies it (see loadNodeHid); tests pass
 * FakeHid, a working implementation with test controls, since no HID device can exist here.
 */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release: number;
  interface: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

export interface HidHandle {
  /** One input report per event; node-hid starts reading when the first 'data' listener is added. */
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  /** A failed read: on Linux, this is how an unplug shows. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'data', listener: (report: Buffer) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  /** Byte 0 is the report id (0 for devices without numbered reports). */
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface HidApi {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

/** A failure to load node-hid's native part, in words that say what to install. */
export function explainHidLoadError(error: Error): string {
  const raw = error.message;
  if (/libusb/i.test(raw)) return `node-hid cannot load libusb: apt-get install libusb-1.0-0 (${raw})`;
  if (/libudev/i.test(raw)) return `node-hid cannot load libudev: apt-get install libudev1 (${raw})`;
  return (
    `node-hid cannot load its native module ` +
    `(reinstall with "npm ci"; prebuilds exist for Linux, macOS and Windows on x64/arm64): ${raw}`
  );
}

/** node-hid itself, loaded on first use so a kiosk without HID buttons never needs its native part. */
export async function loadNodeHid(): Promise<HidApi> {
  try {
    const hid = await import('node-hid');
    const api: HidApi = { devicesAsync: () => hid.devicesAsync(), open: (path) => hid.HIDAsync.open(path) };
    return api;
  } catch (error) {
    throw new Error(explainHidLoadError(error as Error));
  }
}

/** Which device to open. Paths (/dev/hidrawN) change on replug, so ids are the stable choice. */
interface HidSelector {
  path?: string;
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  /** Picks the button interface of a composite device (e.g. 0xFF00 vendor page, not its keyboard). */
  usagePage?: number;
  interface?: number;
}

export interface HidTransportOptions extends HidSelector {
  /** node-hid unless given (tests pass a FakeHid). */
  api?: HidApi;
  backoff?: BackoffPolicy;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

function describeHid(selector: HidSelector): string {
  if (selector.vendorId !== undefined) {
    const ids = `${hex4(selector.vendorId)}:${selector.productId === undefined ? '*' : hex4(selector.productId)}`;
    const serial = selector.serialNumber ? ` #${selector.serialNumber}` : '';
    const page = selector.usagePage === undefined ? '' : ` page ${hex4(selector.usagePage)}`;
    return `hid ${ids}${serial}${page}`;
  }
  return `hid ${selector.path ?? '(no device selected)'}`;
}

function matchesHid(selector: HidSelector, device: HidDeviceInfo): boolean {
  return (
    device.path !== undefined &&
    (selector.path === undefined || device.path === selector.path) &&
    (selector.vendorId === undefined || device.vendorId === selector.vendorId) &&
    (selector.productId === undefined || device.productId === selector.productId) &&
    (selector.serialNumber === undefined || device.serialNumber === selector.serialNumber) &&
    (selector.usagePage === undefined || device.usagePage === selector.usagePage) &&
    (selector.interface === undefined || device.interface === selector.interface)
  );
}

async function openHidLink(options: HidTransportOptions, handlers: LinkHandlers, description: string): Promise<Link> {
  const api = options.api ?? (await loadNodeHid());
  let path = options.path;
  if (options.vendorId !== undefined || path === undefined) {
    const found = (await api.devicesAsync()).find((device) => matchesHid(options, device));
    if (!found) throw new Error(`${description} is not connected (not in the HID device list)`);
    path = found.path!;
  }
  let handle: HidHandle;
  try {
    handle = await api.open(path);
  } catch (error) {
    // Listed but not openable is nearly always the hidraw node's permissions.
    throw new Error(
      `cannot open ${path}: ${(error as Error).message} ` +
        `(if it is listed, give the kiosk's user access with a udev rule, see drivers/feedback-buttons/README.md)`,
    );
  }

  let gone = false;
  const onData = (report: Buffer) => handlers.onData(report);
  const onError = (error: Error) => {
    if (gone) return;
    gone = true;
    handle.off('data', onData);
    handlers.onClose(`${path}: ${error.message}`);
    handle.close().catch(() => undefined);
  };
  handle.on('error', onError);
  handle.on('data', onData);
  return {
    write: async (data) => {
      await handle.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    },
    close: async () => {
      if (gone) return;
      gone = true;
      handle.off('data', onData);
      await handle.close();
    },
  };
}

/** A HID device's input reports as data chunks (one report each); reopens after an unplug. */
export class HidTransport extends ReconnectingTransport {
  constructor(readonly options: HidTransportOptions) {
    const description = describeHid(options);
    super(description, (handlers) => openHidLink(options, handlers, description), options.backoff);
  }
}
