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
  presses: readonly { at: number; touchpointId: string; level: 1 | 2 | 3 | 4 }[];
  /** Tickets called, with their promise. */
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
  variant?: 'own-target' | 'silent';
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

/**
 * `targets`: per-touchpoint happy-index targets; where one is set, the happy-index rule holds
 * that touchpoint to its own target instead of the rule's venue-wide threshold.
 */
export function evaluate(
  rules: readonly AlertRule[],
  seen: Observations,
  now: number,
  targets: Readonly<Record<string, number>> = {},
): Cause[] {
  const causes: Cause[] = [];
  for (const rule of rules) {
    switch (rule.kind) {
      case 'unhappy-share':
      case 'happy-index-below': {
        const recent = seen.presses.filter((p) => p.at > now - rule.windowMin * MIN && p.at <= now);
        for (const [touchpointId, presses] of groupBy(recent, (p) => p.touchpointId)) {
          if (presses.length < rule.minVolume) continue;
          const n = [0, 0, 0, 0, 0];
          for (const p of presses) n[p.level]! += 1;
          if (rule.kind === 'unhappy-share') {
            const share = (n[1]! + n[2]!) / presses.length;
            if (share > rule.maxShare) {
              causes.push({
                key: `unhappy-share:${touchpointId}`,
                rule: rule.kind,
                subject: touchpointId,
                summary:
                  `${Math.round(share * 100)}% of ${presses.length} presses at ${touchpointId} ` +
                  `in the last ${rule.windowMin} min were unhappy (limit ${Math.round(rule.maxShare * 100)}%)`,
                facts: {
                  share: Math.round(share * 100),
                  presses: presses.length,
                  windowMin: rule.windowMin,
                  limit: Math.round(rule.maxShare * 100),
                },
              });
            }
          } else {
            const index = (100 * (n[4]! + 0.5 * n[3]! - 0.5 * n[2]! - n[1]!)) / presses.length;
            const target = targets[touchpointId];
            const threshold = target ?? rule.threshold;
            if (index < threshold) {
              causes.push({
                key: `happy-index-below:${touchpointId}`,
                rule: rule.kind,
                subject: touchpointId,
                summary:
                  `happy index ${Math.round(index)} at ${touchpointId} over the last ${rule.windowMin} min ` +
                  `(${presses.length} presses), under ${target === undefined ? '' : 'its target '}${threshold}`,
                facts: {
                  ...(target === undefined ? {} : { variant: 'own-target' }),
                  index: Math.round(index),
                  windowMin: rule.windowMin,
                  presses: presses.length,
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
        for (const [touchpointId, presses] of groupBy(
          seen.presses.filter((p) => p.at > start && p.at <= now),
          (p) => p.touchpointId,
        )) {
          const counts = new Array<number>(rule.history + 1).fill(0);
          for (const p of presses) counts[Math.min(rule.history, Math.floor((p.at - start - 1) / width))]! += 1;
          const current = counts[rule.history]!;
          const expected = counts.slice(0, rule.history).reduce((a, b) => a + b, 0) / rule.history;
          if (expected < rule.minExpected) continue;
          // Poisson: about 3 standard deviations off what the previous windows lead one to expect.
          const limit = 3 * Math.sqrt(expected);
          if (Math.abs(current - expected) > limit) {
            causes.push({
              key: `feedback-anomaly:${touchpointId}`,
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
      case 'wait-over-promise':
        for (const call of seen.calls) {
          if (call.actualMin > call.postedWaitMin + rule.marginMin) {
            causes.push({
              key: `wait-over-promise:${call.ticketId}`,
              rule: rule.kind,
              subject: `wait:${call.serviceId}`,
              summary:
                `a customer of ${call.serviceId} waited ${Math.round(call.actualMin)} min ` +
                `where ${call.postedWaitMin} were promised`,
              facts: {
                serviceId: call.serviceId,
                actualMin: Math.round(call.actualMin),
                postedMin: call.postedWaitMin,
              },
            });
          }
        }
        break;
      case 'device-down':
        for (const device of seen.offline) {
          if (now - device.since >= rule.afterMin * MIN) {
            causes.push({
              key: `device-down:${device.deviceId}`,
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
