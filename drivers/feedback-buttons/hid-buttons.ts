import { pressEdges, readHidReport, validateHidLayout, type HidReportLayout } from './hid-report.ts';
import { TransportButtons, type ButtonDriverOptions } from './transport-buttons.ts';

export interface HidButtonsOptions extends ButtonDriverOptions {
  /** Which byte and bit is which button (hid-models.ts has known devices). */
  layout: HidReportLayout;
}

/**
 * A HID button encoder over a HidTransport. HID is message-oriented: each data chunk is one whole
 * input report, so the report boundary is the framing and readHidReport the codec.
 */
export class HidButtons extends TransportButtons {
  protected readonly source = 'hid' as const;
  private readonly layout: HidReportLayout;
  private down: ReadonlySet<number> = new Set();

  constructor(options: HidButtonsOptions) {
    super(options);
    this.layout = validateHidLayout(options.layout);
  }

  protected override receive(report: Buffer): void {
    const reading = readHidReport(this.layout, report);
    switch (reading.kind) {
      case 'other-report':
        return;
      case 'error':
        this.problem({
          reason: reading.reason,
          detail: `${this.transport.description}: ${reading.detail}; check the report layout`,
          counts: true,
        });
        return;
      case 'buttons': {
        const edges = pressEdges(this.down, reading.down);
        this.down = reading.down;
        for (const button of edges) this.edge(button);
      }
    }
  }

  protected override linkChanged(): void {
    // Encoders report on change, so the first report after a replug is usually a press: it
    // must count as one, hence nothing is assumed held.
    this.down = new Set();
  }
}
