import { EventEmitter } from 'node:events';
import type { HidApi, HidDeviceInfo, HidHandle } from './hid-transport.ts';

type FakeHidDeviceEvents = {
  data: [report: Buffer];
  error: [error: Error];
};

/**
 * One open handle of a FakeHid device: behaves like node-hid's HIDAsync (reports as 'data',
 * a read failure as 'error', writes rejected once closed) and records what was written.
 */
export class FakeHidDevice extends EventEmitter<FakeHidDeviceEvents> implements HidHandle {
  readonly writes: Buffer[] = [];
  private open = true;

  constructor(readonly info: HidDeviceInfo) {
    super();
  }

  get isOpen(): boolean {
    return this.open;
  }

  get lastWrite(): Buffer | undefined {
    return this.writes.at(-1);
  }

  /** The device sends an input report. */
  emitData(report: Uint8Array | number[]): void {
    if (!this.open) throw new Error(`FakeHid: ${this.info.path} is closed; it cannot send a report`);
    this.emit('data', Buffer.from(report));
  }

  async write(values: number[] | Buffer): Promise<number> {
    if (!this.open) throw new Error('Cannot write to hid device');
    const bytes = Buffer.from(values);
    this.writes.push(bytes);
    return bytes.length;
  }

  async close(): Promise<void> {
    this.open = false;
    this.removeAllListeners();
  }

  /** What node-hid does when the device vanishes under a pending read. */
  fail(message = 'could not read from HID device'): void {
    if (!this.open) return;
    this.emit('error', new Error(message));
  }
}

/**
 * An in-process HID bus with test controls, in the manner of serialport's MockBinding: plug and
 * unplug devices, find the handle the code under test opened, make the next opens fail.
 */
export class FakeHid implements HidApi {
  private readonly present = new Map<string, HidDeviceInfo>();
  private readonly handles = new Map<string, FakeHidDevice>();
  private failures: string[] = [];
  /** Every open attempt, for asserting on reconnect behaviour. */
  readonly openAttempts: string[] = [];

  constructor(devices: HidDeviceInfo[] = []) {
    for (const device of devices) this.plug(device);
  }

  plug(device: HidDeviceInfo): void {
    if (!device.path) throw new Error('FakeHid: a device needs a path');
    this.present.set(device.path, { ...device });
  }

  /** The device leaves the bus; a handle open on it fails its read, as on Linux hidraw. */
  unplug(path: string): void {
    this.present.delete(path);
    const handle = this.handles.get(path);
    this.handles.delete(path);
    handle?.fail();
  }

  /** The handle currently open on `path`, if any. */
  opened(path: string): FakeHidDevice | undefined {
    const handle = this.handles.get(path);
    return handle?.isOpen ? handle : undefined;
  }

  /** The next open attempts fail with these messages, one each (e.g. a permission error). */
  failNextOpens(...messages: string[]): void {
    this.failures.push(...messages);
  }

  async devicesAsync(): Promise<HidDeviceInfo[]> {
    return [...this.present.values()].map((device) => ({ ...device }));
  }

  async open(path: string): Promise<HidHandle> {
    this.openAttempts.push(path);
    const failure = this.failures.shift();
    if (failure !== undefined) throw new Error(failure);
    const info = this.present.get(path);
    if (!info) throw new Error(`cannot open device with path ${path}`);
    const handle = new FakeHidDevice(info);
    this.handles.set(path, handle);
    return handle;
  }
}
