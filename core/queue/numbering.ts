import type { QueueRules, QueueState, ServiceNumbering } from './types.ts';
import { MINUTE_MS } from './types.ts';

/**
 * Ticket numbers: per service, restarting every local day (A-001, A-002 ...). The hub hands out
 * numbers in sequence; a kiosk may reserve a block (ARCHITECTURE.md "Queue authority") and issue from it
 * while it cannot reach the hub. Blocks come out of the same sequence, so numbers never collide.
 */

/** Local calendar day (YYYY-MM-DD) of a moment, for a venue at UTC + utcOffsetMin. Pure: no Date zone lookups. */
export function dayKey(at: number, utcOffsetMin: number): string {
  return new Date(at + utcOffsetMin * MINUTE_MS).toISOString().slice(0, 10);
}

export function formatNumber(prefix: string, seq: number, digits: number): string {
  return `${prefix}-${String(seq).padStart(digits, '0')}`;
}

/** The numbering of a service as it stands on `day` (a new day starts from 1 with no blocks). */
export function numberingKey(serviceId: string, day: string): string {
  return `${serviceId}/${day}`;
}

export function numberingOn(state: QueueState, serviceId: string, day: string): ServiceNumbering {
  return state.numbering[numberingKey(serviceId, day)] ?? { serviceId, day, next: 1, blocks: [], used: [] };
}

export function blockOf(numbering: ServiceNumbering, kioskId: string, seq: number) {
  return numbering.blocks.find((b) => b.kioskId === kioskId && seq >= b.from && seq <= b.to);
}

/** The next number the hub itself may hand out: skips any number already used. */
export function nextHubNumber(numbering: ServiceNumbering): number {
  let seq = numbering.next;
  const used = new Set(numbering.used);
  while (used.has(seq) || numbering.blocks.some((b) => seq >= b.from && seq <= b.to)) seq += 1;
  return seq;
}

export function dayOf(rules: Pick<QueueRules, 'utcOffsetMin'>, at: number): string {
  return dayKey(at, rules.utcOffsetMin);
}

/**
 * Where the next kiosk block starts: from the upper half of the number range (A-500 with three
 * digits) and past every earlier block, so the hub's own numbers run on naturally from A-001
 * and a number issued offline is recognisable at a glance. Once the hub's own numbers reach
 * that range, blocks simply follow them; the hub skips reserved numbers (nextHubNumber).
 */
export function nextBlockStart(numbering: ServiceNumbering, digits: number): number {
  const offlineRangeStart = 5 * 10 ** Math.max(0, digits - 1);
  const pastBlocks = Math.max(0, ...numbering.blocks.map((b) => b.to)) + 1;
  const pastUsed = Math.max(0, ...numbering.used) + 1;
  return Math.max(offlineRangeStart, pastBlocks, numbering.next, pastUsed);
}
