import { z } from 'zod';

/**
 * Alert rules (docs/customer-experience.md rule 7, "close the loop"): what counts as a bad moment worth a task.
 * Pure: `evaluate` reads a snapshot of recent observations and says which causes fire now. The
 * cause key identifies "the same problem", so one open task per cause, never a pile of them.
 */

export const alertRuleSchema = z.discriminatedUnion('kind', [
  /** Too many unhappy presses (levels 1-2) at a touchpoint in a rolling window. */
  z.strictObject({
    kind: z.literal('unhappy-share'),
    windowMin: z.number().positive().default(30),
    minVolume: z.number().int().min(1).default(10),
    maxShare: z.number().min(0).max(1).default(0.4),
  }),
  /** The happy index (-100..100) of a touchpoint under a threshold over a window. */
  z.strictObject({
    kind: z.literal('happy-index-below'),
    windowMin: z.number().positive().default(60),
    minVolume: z.number().int().min(1).default(20),
    threshold: z.number().min(-100).max(100).default(0),
  }),
  /** Far more (or no) presses than usual: the last window against the windows before it. */
  z.strictObject({
    kind: z.literal('feedback-anomaly'),
    windowMin: z.number().positive().default(15),
    history: z.number().int().min(2).default(8),
    minExpected: z.number().positive().default(5),
  }),
  /** A customer called later than promised by more than a margin. */
  z.strictObject({ kind: z.literal('wait-over-promise'), marginMin: z.number().nonnegative().default(10) }),
  /** A device offline for longer than a grace period. */
  z.strictObject({ kind: z.literal('device-down'), afterMin: z.number().nonnegative().default(5) }),
  /**
   * Praise worth passing on (docs/customer-experience.md, "Praise is answered"): a sweet spot (the
   * happy index at or over `minIndex` with `minVolume` presses in the window) or a run of `run`
   * delighted presses (level 4) one after the other. A note for the owning team, no deadline.
   */
  z.strictObject({
    kind: z.literal('praise'),
    windowMin: z.number().positive().default(60),
    minVolume: z.number().int().min(1).default(20),
    minIndex: z.number().min(-100).max(100).default(60),
    run: z.number().int().min(2).default(8),
  }),
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const DEFAULT_ALERT_RULES: AlertRule[] = [
  { kind: 'unhappy-share', windowMin: 30, minVolume: 10, maxShare: 0.4 },
  { kind: 'happy-index-below', windowMin: 60, minVolume: 20, threshold: 0 },
  { kind: 'feedback-anomaly', windowMin: 15, history: 8, minExpected: 5 },
  { kind: 'wait-over-promise', marginMin: 10 },
  { kind: 'device-down', afterMin: 5 },
];

export interface Observations {
  /** Presses (misuse already left out), any order. */
  /**
   * Presses (misuse already left out), any order; `count` presses at once when the store hands
   * them grouped per minute (many presses are not moved one by one).
   */
  presses: readonly { at: number; touchpointId: string; level: 1 | 2 | 3 | 4; count?: number }[];
  /** Tickets called, with their promise (each call once: the hub that called it reports it). */
  calls: readonly { at: number; ticketId: string; serviceId: string; postedWaitMin: number; actualMin: number }[];
  /** Devices now offline, since when. */
  offline: readonly { deviceId: string; since: number; detail?: string }[];
}

export interface Cause {
  /** Same key = same problem: at most one open task per key. */
  key: string;
  rule: AlertRule['kind'];
  /** The touchpoint (or `wait:<service>`, or `device:<id>`) whose owner gets the task. */
  subject: string;
  /** One sentence for the person who gets the task: what happened, with the numbers (English, for logs). */
  summary: string;
  /** The same numbers for screens, which say `summary` in their own language (renderer/shared/TaskList.tsx). */
  facts: TaskFacts;
}

/** The numbers of a cause; percentages are whole numbers (12 = 12%). */
export interface TaskFacts {
  variant?: 'own-target' | 'silent' | 'run';
  /** Late customers of a service counted on its one open wait task. */
  customers?: number;
  /** Delighted presses in a row (praise). */
  run?: number;
  share?: number;
  limit?: number;
  presses?: number;
  windowMin?: number;
  index?: number;
  threshold?: number;
  current?: number;
  expected?: number;
  serviceId?: string;
  actualMin?: number;
  postedMin?: number;
  deviceId?: string;
  offlineMin?: number;
}

const MIN = 60_000;

/** The cause key of a rule about a subject: one open task per rule, venue and subject (the store enforces it). */
function causeKey(rule: AlertRule['kind'], subject: string): string {
  return `${rule}:${subject}`;
}

/**
 * `targets`: per-touchpoint happy-index targets; where one is set, the happy-index rule holds
 * that touchpoint to its own target instead of the rule's venue-wide threshold.
 * `fixedAt`: by cause key, when a task for it was last resolved; presses at or before it are not
 * held against the fix, so a verified task is not reopened by the moments that opened it.
 */
export function evaluate(
  rules: readonly AlertRule[],
  seen: Observations,
  now: number,
  targets: Readonly<Record<string, number>> = {},
  fixedAt: Readonly<Record<string, number>> = {},
): Cause[] {
  const causes: Cause[] = [];
  const pressesFor = (rule: AlertRule, from: number) =>
    Array.from(
      groupBy(
        seen.presses.filter((p) => p.at > from && p.at <= now),
        (p) => p.touchpointId,
      ),
      ([touchpointId, all]) => {
        const fix = fixedAt[causeKey(rule.kind, touchpointId)];
        const presses = fix === undefined ? all : all.filter((p) => p.at > fix);
        return [touchpointId, presses, presses.reduce((sum, p) => sum + (p.count ?? 1), 0)] as const;
      },
    );
  for (const rule of rules) {
    switch (rule.kind) {
      case 'praise': {
        for (const [touchpointId, presses, total] of pressesFor(rule, now - rule.windowMin * MIN)) {
          const run = delightedRun(presses);
          const index = happyIndex(presses, total);
          const sweet = total >= rule.minVolume && index >= rule.minIndex;
          if (!sweet && run < rule.run) continue;
          causes.push({
            key: causeKey(rule.kind, touchpointId),
            rule: rule.kind,
            subject: touchpointId,
            summary: sweet
              ? `happy index ${Math.round(index)} at ${touchpointId} over the last ${rule.windowMin} min ` +
                `(${total} presses): a sweet spot, pass the praise on`
              : `${run} delighted presses in a row at ${touchpointId}: pass the praise on`,
            facts: sweet
              ? { index: Math.round(index), presses: total, windowMin: rule.windowMin }
              : { variant: 'run', run },
          });
        }
        break;
      }
      case 'unhappy-share':
      case 'happy-index-below': {
        for (const [touchpointId, presses, total] of pressesFor(rule, now - rule.windowMin * MIN)) {
          if (total < rule.minVolume) continue;
          const n = [0, 0, 0, 0, 0];
          for (const p of presses) n[p.level]! += p.count ?? 1;
          if (rule.kind === 'unhappy-share') {
            const share = (n[1]! + n[2]!) / total;
            if (share > rule.maxShare) {
              causes.push({
                key: causeKey(rule.kind, touchpointId),
                rule: rule.kind,
                subject: touchpointId,
                summary:
                  `${Math.round(share * 100)}% of ${total} presses at ${touchpointId} ` +
                  `in the last ${rule.windowMin} min were unhappy (limit ${Math.round(rule.maxShare * 100)}%)`,
                facts: {
                  share: Math.round(share * 100),
                  presses: total,
                  windowMin: rule.windowMin,
                  limit: Math.round(rule.maxShare * 100),
                },
              });
            }
          } else {
            const index = happyIndex(presses, total);
            const target = targets[touchpointId];
            const threshold = target ?? rule.threshold;
            if (index < threshold) {
              causes.push({
                key: causeKey(rule.kind, touchpointId),
                rule: rule.kind,
                subject: touchpointId,
                summary:
                  `happy index ${Math.round(index)} at ${touchpointId} over the last ${rule.windowMin} min ` +
                  `(${total} presses), under ${target === undefined ? '' : 'its target '}${threshold}`,
                facts: {
                  ...(target === undefined ? {} : { variant: 'own-target' }),
                  index: Math.round(index),
                  windowMin: rule.windowMin,
                  presses: total,
                  threshold,
                },
              });
            }
          }
        }
        break;
      }
      case 'feedback-anomaly': {
        const width = rule.windowMin * MIN;
        const start = now - width * (rule.history + 1);
        for (const [touchpointId, presses] of pressesFor(rule, start)) {
          const counts = new Array<number>(rule.history + 1).fill(0);
          for (const p of presses)
            counts[Math.min(rule.history, Math.floor((p.at - start - 1) / width))]! += p.count ?? 1;
          const current = counts[rule.history]!;
          const expected = counts.slice(0, rule.history).reduce((a, b) => a + b, 0) / rule.history;
          if (expected < rule.minExpected) continue;
          // Poisson: about 3 standard deviations off what the previous windows lead one to expect.
          const limit = 3 * Math.sqrt(expected);
          if (Math.abs(current - expected) > limit) {
            causes.push({
              key: causeKey(rule.kind, touchpointId),
              rule: rule.kind,
              subject: touchpointId,
              summary:
                `${current} presses at ${touchpointId} in the last ${rule.windowMin} min ` +
                `where about ${expected.toFixed(1)} are usual${current === 0 ? ': is the terminal working?' : ''}`,
              facts: {
                ...(current === 0 ? { variant: 'silent' } : {}),
                current,
                windowMin: rule.windowMin,
                expected: Math.round(expected * 10) / 10,
              },
            });
          }
        }
        break;
      }
      case 'wait-over-promise': {
        // One cause per service, counting its late customers: not one task per customer.
        const late = seen.calls.filter((call) => call.actualMin > call.postedWaitMin + rule.marginMin);
        for (const [serviceId, calls] of groupBy(late, (call) => call.serviceId)) {
          const worst = calls.reduce((a, b) => (b.actualMin - b.postedWaitMin > a.actualMin - a.postedWaitMin ? b : a));
          causes.push({
            key: causeKey(rule.kind, `wait:${serviceId}`),
            rule: rule.kind,
            subject: `wait:${serviceId}`,
            summary:
              `${calls.length} customer(s) of ${serviceId} waited longer than promised, the longest ` +
              `${Math.round(worst.actualMin)} min where ${worst.postedWaitMin} were promised`,
            facts: {
              serviceId,
              customers: calls.length,
              actualMin: Math.round(worst.actualMin),
              postedMin: worst.postedWaitMin,
            },
          });
        }
        break;
      }
      case 'device-down':
        for (const device of seen.offline) {
          if (now - device.since >= rule.afterMin * MIN) {
            causes.push({
              key: causeKey(rule.kind, `device:${device.deviceId}`),
              rule: rule.kind,
              subject: `device:${device.deviceId}`,
              summary:
                `${device.deviceId} has been offline for ${Math.round((now - device.since) / MIN)} min` +
                `${device.detail ? `: ${device.detail}` : ''}`,
              facts: { deviceId: device.deviceId, offlineMin: Math.round((now - device.since) / MIN) },
            });
          }
        }
        break;
    }
  }
  return causes;
}

/** The happy index (-100..100): very happy +1, happy +0.5, unhappy -0.5, very unhappy -1, per press. */
function happyIndex(presses: Observations['presses'], total: number): number {
  const weight = { 1: -1, 2: -0.5, 3: 0.5, 4: 1 } as const;
  return (100 * presses.reduce((sum, p) => sum + weight[p.level] * (p.count ?? 1), 0)) / total;
}

/**
 * Delighted presses (level 4) since the last press that was not one. Presses handed over at one
 * time (a minute's group) count only if all of that time's presses were delighted.
 */
function delightedRun(presses: Observations['presses']): number {
  const byTime = [...groupBy(presses, (p) => String(p.at)).values()].sort((a, b) => b[0]!.at - a[0]!.at);
  let run = 0;
  for (const group of byTime) {
    if (group.some((p) => p.level !== 4)) break;
    run += group.reduce((sum, p) => sum + (p.count ?? 1), 0);
  }
  return run;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
