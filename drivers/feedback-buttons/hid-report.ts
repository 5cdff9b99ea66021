/**
 * Reading buttons out of HID input reports. Encoders report state, not presses: every report
 * carries which buttons are down right now, and a press is a button that was up in the previous
 * report and is down in this one. Which byte and bit is which button differs per device, so the
 * layout is configuration (see hid-models.ts for known devices).
 */
interface HidButtonBit {
  /** 1-based, as labelled on the device. */
  button: number;
  /** Index into the report as node-hid delivers it: with numbered reports, byte 0 is the report id. */
  byte: number;
  /** The bit(s) of that byte; the button is down when any of them is active. */
  mask: number;
}

export interface HidReportLayout {
  /** For devices with numbered reports: only reports whose byte 0 is this id carry the buttons. */
  reportId?: number;
  buttons: readonly HidButtonBit[];
  /** Buttons wired to pull-ups read 0 while pressed. */
  activeLow?: boolean;
}

export type HidReportReading =
  | { kind: 'buttons'; down: ReadonlySet<number> }
  /** A report of another id: normal on composite devices, neither a press nor an error. */
  | { kind: 'other-report'; reportId: number }
  | { kind: 'error'; reason: 'short-report'; detail: string };

export function validateHidLayout(layout: HidReportLayout): HidReportLayout {
  if (layout.buttons.length === 0) throw new RangeError('HID layout: list at least one button (button, byte, mask)');
  const seen = new Set<number>();
  for (const { button, byte, mask } of layout.buttons) {
    if (!Number.isInteger(button) || button < 1)
      throw new RangeError(`HID layout: button ${button} must be a number from 1`);
    if (seen.has(button)) throw new RangeError(`HID layout: button ${button} is listed twice`);
    seen.add(button);
    if (!Number.isInteger(byte) || byte < 0)
      throw new RangeError(`HID layout: button ${button} has byte ${byte}; use an index from 0`);
    if (layout.reportId !== undefined && byte === 0)
      throw new RangeError(`HID layout: button ${button} reads byte 0, which holds the report id ${layout.reportId}`);
    if (!Number.isInteger(mask) || mask < 1 || mask > 0xff)
      throw new RangeError(`HID layout: button ${button} has mask ${mask}; use 0x01..0xff`);
  }
  if (
    layout.reportId !== undefined &&
    (!Number.isInteger(layout.reportId) || layout.reportId < 1 || layout.reportId > 0xff)
  ) {
    throw new RangeError(
      `HID layout: report id ${layout.reportId} must be 1..255 (leave it out for devices without numbered reports)`,
    );
  }
  return layout;
}

/** Which buttons one report says are down. Pure; never throws. */
export function readHidReport(layout: HidReportLayout, report: Uint8Array): HidReportReading {
  if (layout.reportId !== undefined && report[0] !== layout.reportId) {
    if (report.length === 0) return { kind: 'error', reason: 'short-report', detail: 'empty report' };
    return { kind: 'other-report', reportId: report[0]! };
  }
  const down = new Set<number>();
  for (const { button, byte, mask } of layout.buttons) {
    const value = report[byte];
    if (value === undefined) {
      return {
        kind: 'error',
        reason: 'short-report',
        detail: `${report.length}-byte report has no byte ${byte} (button ${button})`,
      };
    }
    const active = layout.activeLow ? (~value & mask) !== 0 : (value & mask) !== 0;
    if (active) down.add(button);
  }
  return { kind: 'buttons', down };
}

/** Buttons down now and not before, in button order. */
export function pressEdges(before: ReadonlySet<number>, now: ReadonlySet<number>): number[] {
  return [...now].filter((button) => !before.has(button)).sort((a, b) => a - b);
}
