import { join } from 'node:path';
import { runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { runDisplayEmulator } from '../drivers/emulators/display-emulator.ts';
import { runPrinterEmulator } from '../drivers/emulators/printer-emulator.ts';
import { createPtyPair, SocatMissingError, type PtyPair } from '../drivers/emulators/pty-pair.ts';
import type { DeviceConfigInput } from '../kiosk/device-config.ts';
import type { DemoKiosk } from './demo-venue.ts';

/** What one demo kiosk gets: its device configuration and, without pseudo-terminals, a stand-in. */
export interface DemoKioskDevices {
  devices: DeviceConfigInput[];
  simulate?: { pressesPerMinute: number; touchpoints: string[] };
  /** Where the emulated printer saves what it printed. */
  printerOut: string;
}

/**
 * The far ends of every demo kiosk's cables, run inside the demo process: smiley boxes and a
 * 2x20 display on real pseudo-terminal pairs, a ticket printer on real TCP (port 9100 style).
 * Where no pseudo-terminal can be made (socat missing), presses come from the in-process
 * simulated source instead and the display is left out; the printer stays on TCP.
 */
export class DemoDevices {
  private readonly abort = new AbortController();
  private readonly pairs: PtyPair[] = [];
  private readonly closers: (() => Promise<void>)[] = [];
  private ptyUnavailable: string | undefined;
  /** Kiosks closing their ends hang the lines up: expected once the demo is stopping. */
  private stopping = false;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Set when the demo fell back from pseudo-terminals, with the reason. */
  get fallbackReason(): string | undefined {
    return this.ptyUnavailable;
  }

  async forKiosk(kiosk: DemoKiosk): Promise<DemoKioskDevices> {
    const printerOut = join(this.dataDir, `${kiosk.deviceId}-printer`);
    const printer = await runPrinterEmulator({
      tcpPort: 0,
      outDir: printerOut,
      signal: this.abort.signal,
      log: (line) => this.log(`[${kiosk.deviceId} printer] ${line.split('\n')[0]}`),
    });
    this.closers.push(() => printer.close());
    const devices: DemoKioskDevices['devices'] = [
      {
        kind: 'printer',
        id: `${kiosk.deviceId}-printer`,
        connection: { type: 'tcp', host: '127.0.0.1', port: printer.tcpPort! },
      },
    ];

    const boxes: { path: string; pressesPerMinute: number }[] = [];
    for (const { touchpointId, pressesPerMinute } of kiosk.smileyBoxes) {
      const pair = await this.pair();
      if (!pair) break;
      const id = `${kiosk.deviceId}-${touchpointId}-smileys`;
      devices.push({ kind: 'buttons', id, touchpointId, connection: { type: 'serial', path: pair.a, baudRate: 9600 } });
      boxes.push({ path: pair.b, pressesPerMinute });
    }
    const displayPair = boxes.length ? await this.pair() : undefined;
    if (displayPair) {
      const display = await runDisplayEmulator({ path: displayPair.b, kind: kiosk.display, signal: this.abort.signal });
      this.closers.push(() => display.close());
      devices.push({
        kind: 'display',
        id: `${kiosk.deviceId}-display`,
        protocol: kiosk.display,
        connection: { type: 'serial', path: displayPair.a, baudRate: 9600 },
      });
    }
    // Each box is pressed by its own passers-by, at its own rate.
    for (const { path, pressesPerMinute } of boxes) {
      runButtonsEmulator({ path, rate: pressesPerMinute, signal: this.abort.signal }).catch((error: Error) => {
        if (!this.stopping) this.log(`[${kiosk.deviceId}] button box stopped: ${error.message}`);
      });
    }
    // The in-process stand-in presses a random one of the kiosk's touchpoints at their total rate.
    if (boxes.length === 0)
      return {
        devices,
        printerOut,
        simulate: {
          pressesPerMinute: kiosk.smileyBoxes.reduce((sum, box) => sum + box.pressesPerMinute, 0),
          touchpoints: kiosk.smileyBoxes.map((box) => box.touchpointId),
        },
      };
    return { devices, printerOut };
  }

  /** Call before stopping the kiosks, so their hang-ups are not reported as faults. */
  prepareStop(): void {
    this.stopping = true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await Promise.all(this.closers.map((close) => close().catch(() => undefined)));
    await Promise.all(this.pairs.map((pair) => pair.dispose().catch(() => undefined)));
  }

  private async pair(): Promise<PtyPair | undefined> {
    if (this.ptyUnavailable) return undefined;
    try {
      const pair = await createPtyPair();
      this.pairs.push(pair);
      return pair;
    } catch (error) {
      this.ptyUnavailable =
        error instanceof SocatMissingError
          ? error.message
          : `could not make a pseudo-terminal pair: ${(error as Error).message}`;
      return undefined;
    }
  }
}
