import { EventEmitter } from 'node:events';
import type { FeedbackLevel } from '../core/events.ts';
import { type Logger, silentLogger } from '../core/logger.ts';
import type {
  ButtonPress,
  DeviceStatus,
  FeedbackButtons,
  PrintResult,
  TicketPrinter,
  TicketToPrint,
  WaitDisplay,
  WaitView,
} from '../drivers/device.ts';
import type { ForwardedKey } from '../drivers/feedback-buttons/keyboard-keys.ts';
import type { KeyboardButtons } from '../drivers/feedback-buttons/keyboard-buttons.ts';

/** The drivers a kiosk runs, already built from its configuration (device-factory.ts). */
export interface KioskDevices {
  buttons: { device: FeedbackButtons; touchpointId: string }[];
  keyboards: { device: KeyboardButtons; touchpointId: string }[];
  printers: TicketPrinter[];
  displays: { device: WaitDisplay; serviceId?: string }[];
}

/** What the host needs from the kiosk: somewhere durable to put presses and status changes. */
export interface DeviceSink {
  press(
    press: { touchpointId: string; level: FeedbackLevel; source: ButtonPress['source'] },
    meta: { deviceId: string; at: number },
  ): void;
  status(deviceId: string, status: DeviceStatus): void;
}

export type DeviceHostEvents = {
  /** A device's state changed (recorded as device.status too): the screen shows printer trouble. */
  status: [deviceId: string, status: DeviceStatus];
};

export interface DeviceSummary {
  id: string;
  kind: 'buttons' | 'printer' | 'display';
  status: DeviceStatus;
}

/** device.status detail is at most 500 characters on the wire (core/events.ts). */
const MAX_DETAIL = 500;

/** No printer could take the ticket: the kiosk shows the customer why and staff get the status. */
export class NoPrinterError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NoPrinterError';
  }
}

/**
 * Runs a kiosk's devices and connects them to the kiosk: presses become feedback events, every
 * status change becomes a device.status event, tickets go to a printer that can take them, and
 * queue views go to the displays. A device failing never stops the others or the kiosk.
 */
export class DeviceHost extends EventEmitter<DeviceHostEvents> {
  private readonly lastRecorded = new Map<string, string>();

  constructor(
    private readonly devices: KioskDevices,
    private readonly sink: DeviceSink,
    private readonly log: Logger = silentLogger,
  ) {
    super();
  }

  async start(): Promise<void> {
    for (const { device, touchpointId } of [...this.devices.buttons, ...this.devices.keyboards]) {
      device.on('press', (press) =>
        this.safely(`press from ${device.id}`, () =>
          this.sink.press(
            { touchpointId, level: press.level, source: press.source },
            { deviceId: device.id, at: press.at },
          ),
        ),
      );
    }
    for (const device of this.all()) {
      device.on('status', (status) => this.recordStatus(device.id, status));
      routeDiagnostics(device, this.log);
      await device
        .start()
        .catch((error: Error) => this.log.error({ device: device.id }, `did not start: ${error.message}`));
      this.recordStatus(device.id, device.status);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((device) => device.stop().catch(() => undefined)));
  }

  summaries(): DeviceSummary[] {
    return [
      ...[...this.devices.buttons, ...this.devices.keyboards].map(({ device }) => ({
        id: device.id,
        kind: 'buttons' as const,
        status: device.status,
      })),
      ...this.devices.printers.map((device) => ({ id: device.id, kind: 'printer' as const, status: device.status })),
      ...this.devices.displays.map(({ device }) => ({
        id: device.id,
        kind: 'display' as const,
        status: device.status,
      })),
    ];
  }

  get hasPrinter(): boolean {
    return this.devices.printers.length > 0;
  }

  /** Keys the kiosk screen must catch and forward (keyboard-mode keypads). */
  keysToCatch(): string[] {
    return [...new Set(this.devices.keyboards.flatMap(({ device }) => device.keys))];
  }

  /** A key the kiosk screen caught; true when a keypad took it as a press. */
  forwardKey(event: ForwardedKey): boolean {
    return this.devices.keyboards.some(({ device }) => device.key(event));
  }

  /**
   * Prints on a ready printer, one whose fonts print the ticket's language as text first (a kiosk
   * may hold a Korean and a Chinese model), else on any that is merely degraded (paper near end
   * still prints). Rejects with NoPrinterError or the printer's own error, whose message says what
   * happened and what to do. The result says whether the text went as text or as images.
   */
  async printTicket(ticket: TicketToPrint): Promise<{ printerId: string; result: PrintResult }> {
    const printers = this.devices.printers;
    if (printers.length === 0) throw new NoPrinterError('no-printer', 'this kiosk has no ticket printer configured');
    const printer =
      printers.find((p) => p.status.state === 'ready' && p.printsAsText(ticket.language)) ??
      printers.find((p) => p.status.state === 'ready') ??
      printers.find((p) => p.status.state === 'degraded') ??
      printers[0]!;
    return { printerId: printer.id, result: await printer.print(ticket) };
  }

  /** Prints a test ticket on one printer (the staff panel's "test print"). */
  async testPrint(printerId: string, ticket: TicketToPrint): Promise<PrintResult> {
    const printer = this.devices.printers.find((p) => p.id === printerId);
    if (!printer) throw new NoPrinterError('no-printer', `this kiosk has no printer "${printerId}"`);
    return printer.print(ticket);
  }

  /**
   * Shows the queue on every display: `viewFor` gets the display's service (undefined for a
   * display bound to none, which shows the venue's first service).
   */
  async showQueue(viewFor: (serviceId: string | undefined) => WaitView | undefined): Promise<void> {
    await Promise.all(
      this.devices.displays.map(async ({ device, serviceId }) => {
        const view = viewFor(serviceId);
        if (view) await device.show(view).catch((error: Error) => this.log.warn({ device: device.id }, error.message));
      }),
    );
  }

  private all() {
    return [
      ...this.devices.buttons.map((b) => b.device),
      ...this.devices.keyboards.map((k) => k.device),
      ...this.devices.printers,
      ...this.devices.displays.map((d) => d.device),
    ];
  }

  /** Records changes only: a flapping cable must not flood the outbox with identical statuses. */
  private recordStatus(deviceId: string, status: DeviceStatus): void {
    const key = `${status.state}|${status.code ?? ''}`;
    if (this.lastRecorded.get(deviceId) === key) return;
    this.lastRecorded.set(deviceId, key);
    const detail =
      status.detail && status.detail.length > MAX_DETAIL ? `${status.detail.slice(0, MAX_DETAIL - 1)}…` : status.detail;
    this.log[status.state === 'ready' ? 'info' : 'warn'](
      { device: deviceId, state: status.state, code: status.code },
      detail ?? status.state,
    );
    this.emit('status', deviceId, status);
    this.safely(`status of ${deviceId}`, () =>
      this.sink.status(deviceId, { ...status, ...(detail === undefined ? {} : { detail }) }),
    );
  }

  private safely(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      // Most likely the disk: say so loudly, keep the other devices running.
      this.log.error(`could not record ${what}: ${(error as Error).message}`);
    }
  }
}

/** A driver's own problem reports (garbage on the line, a failed write), into the kiosk's log. */
function routeDiagnostics(device: { id: string }, log: Logger): void {
  const diagnostics = (device as { diagnostics?: Partial<EventEmitter> }).diagnostics;
  diagnostics?.on?.('problem', (problem: { reason: string; detail: string }) =>
    log.warn({ device: device.id, reason: problem.reason }, problem.detail),
  );
}
