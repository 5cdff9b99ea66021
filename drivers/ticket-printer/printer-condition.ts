import type { DeviceStatus } from '../device.ts';
import type { PrinterCondition } from './escpos-status.ts';
import type { PrinterErrorCode } from './printer-error.ts';

/**
 * What a printer's reported condition means for the kiosk: can it print, and what should staff
 * do. One cause is named even when several hold (an open cover also reads as paper end on many
 * models), in the order staff should fix them.
 */
export interface Blocker {
  code: Extract<PrinterErrorCode, 'cover-open' | 'paper-out' | 'fault' | 'offline'>;
  /** Staff sentence: what happened and what to do. */
  advice: string;
}

export function blockerOf(condition: PrinterCondition): Blocker | undefined {
  if (condition.coverOpen)
    return { code: 'cover-open', advice: 'the printer cover is open: close it firmly (check the roll sits right)' };
  if (condition.paperOut)
    return { code: 'paper-out', advice: 'the printer is out of paper: put in a new roll and close the cover' };
  if (condition.faults.length > 0) {
    const which = condition.faults.join(', ');
    const advice = condition.faults.includes('autocutter')
      ? `the printer reports a cutter error (${which}): open the cover, clear any jammed paper, close it`
      : condition.faults.includes('unrecoverable')
        ? `the printer reports an unrecoverable error (${which}): switch it off and on; call service if it stays`
        : `the printer reports an error (${which}): open and close the cover, or switch it off and on`;
    return { code: 'fault', advice };
  }
  if (condition.offline)
    return {
      code: 'offline',
      advice: condition.waitingForRecovery
        ? 'the printer is offline, waiting for recovery: press its FEED button or open and close the cover'
        : 'the printer is offline: check its lights, press FEED, or switch it off and on',
    };
  return undefined;
}

/** The device.status a condition gives once the link is open: offline for a blocker, degraded for a low roll. */
export function statusOfCondition(condition: PrinterCondition, where: string): DeviceStatus {
  const blocker = blockerOf(condition);
  if (blocker) return { state: 'offline', code: blocker.code, detail: `${where}: ${blocker.advice}` };
  if (condition.paperNearEnd)
    return {
      state: 'degraded',
      code: 'paper-near-end',
      detail: `${where}: the paper roll is nearly used up: put in a new roll soon`,
    };
  return { state: 'ready' };
}

export function mergeCondition(base: PrinterCondition, update: Partial<PrinterCondition>): PrinterCondition {
  return { ...base, ...update, faults: update.faults ?? base.faults };
}
