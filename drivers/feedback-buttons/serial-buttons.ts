import { ButtonBoxDecoder, HELLO_REQUEST, type DecodeResult } from './button-box-codec.ts';
import { TransportButtons, type ButtonDriverOptions } from './transport-buttons.ts';

export interface SerialButtonsOptions extends ButtonDriverOptions {
  maxLineLength?: number;
}

/**
 * A serial button box speaking the line protocol of README.md, over any byte transport (a
 * SerialTransport in a venue; the same code reads a box behind a TCP serial server).
 */
export class SerialButtons extends TransportButtons {
  protected readonly source = 'serial' as const;
  private readonly decoder: ButtonBoxDecoder;
  private lastFirmware: string | undefined;
  /** The box's uptime in its last press or hello: a hello below it means the box rebooted. */
  private lastUptimeMs: number | undefined;

  constructor(options: SerialButtonsOptions) {
    super(options);
    this.decoder = new ButtonBoxDecoder(options.maxLineLength);
  }

  /** The firmware id from the box's last hello, if it sent one. */
  get firmware(): string | undefined {
    return this.lastFirmware;
  }

  protected override receive(chunk: Buffer): void {
    for (const result of this.decoder.feed(chunk)) this.handle(result, true);
  }

  protected override linkChanged(open: boolean): void {
    // A half line from before an unplug never completes: expected, so it does not degrade.
    for (const result of this.decoder.reset()) this.handle(result, false);
    // Boxes send a hello at boot; asking covers a host restart while the box kept running.
    if (open) this.transport.write(Buffer.from(`${HELLO_REQUEST}\n`)).catch(() => undefined);
  }

  private handle(result: DecodeResult, counts: boolean): void {
    if (!result.ok) {
      this.problem({
        reason: result.error.reason,
        detail: `${this.transport.description} sent "${result.error.line}"`,
        counts,
      });
      return;
    }
    const message = result.message;
    switch (message.type) {
      case 'press':
        this.lastUptimeMs = message.uptimeMs ?? this.lastUptimeMs;
        this.edge(message.button, message.uptimeMs);
        return;
      case 'hello':
        // Hellos are also heartbeats; one with an uptime below the last seen is a reboot, whose
        // first press may carry the very uptime of the last press before it, and is not bounce.
        if (message.uptimeMs !== undefined && message.uptimeMs < (this.lastUptimeMs ?? 0)) this.boxRestarted();
        this.lastUptimeMs = message.uptimeMs ?? this.lastUptimeMs;
        if (message.firmware !== this.lastFirmware) {
          this.lastFirmware = message.firmware;
          this.diagnostics.emit('firmware', message.firmware);
        }
        return;
      case 'comment':
        return;
    }
  }
}
