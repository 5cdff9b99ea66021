import { describe, expect, it } from 'vitest';
import { alertRuleSchema, evaluate, type Observations } from './rules.ts';
import { advance, effectCheck, escalate, openTask, TaskTransitionError, type Task } from './tasks.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 9, 0);
const none: Observations = { presses: [], calls: [], offline: [] };
const presses = (touchpointId: string, levels: (1 | 2 | 3 | 4)[], at = T0) =>
  levels.map((level, i) => ({ at: at - i * 1000, touchpointId, level }));

describe('alert rules', () => {
  it('fires on an unhappy share over the limit, only with enough volume', () => {
    const rule = alertRuleSchema.parse({ kind: 'unhappy-share', windowMin: 30, minVolume: 5, maxShare: 0.4 });
    // 3 of 5 unhappy = 60% > 40%
    expect(evaluate([rule], { ...none, presses: presses('restroom', [1, 2, 1, 4, 4]) }, T0)).toEqual([
      {
        key: 'unhappy-share:restroom',
        rule: 'unhappy-share',
        subject: 'restroom',
        summary: '60% of 5 presses at restroom in the last 30 min were unhappy (limit 40%)',
        facts: { share: 60, presses: 5, windowMin: 30, limit: 40 },
      },
    ]);
    // 2 of 5 = 40%: not over the limit
    expect(evaluate([rule], { ...none, presses: presses('restroom', [1, 2, 3, 4, 4]) }, T0)).toEqual([]);
    // 3 of 4: too few to believe
    expect(evaluate([rule], { ...none, presses: presses('restroom', [1, 1, 1, 4]) }, T0)).toEqual([]);
    // outside the window
    expect(evaluate([rule], { ...none, presses: presses('restroom', [1, 2, 1, 4, 4], T0 - 31 * MIN) }, T0)).toEqual([]);
  });

  it('fires when the happy index falls under its threshold', () => {
    const rule = alertRuleSchema.parse({ kind: 'happy-index-below', minVolume: 4, threshold: 0 });
    // 100 x (1 + 0.5 - 0.5 - 1) / 4 = 0: not under 0
    expect(evaluate([rule], { ...none, presses: presses('exit', [4, 3, 2, 1]) }, T0)).toEqual([]);
    const causes = evaluate([rule], { ...none, presses: presses('exit', [4, 3, 2, 1, 1]) }, T0);
    // 100 x (1 + 0.5 - 0.5 - 2) / 5 = -20
    expect(causes).toEqual([
      expect.objectContaining({
        key: 'happy-index-below:exit',
        summary: 'happy index -20 at exit over the last 60 min (5 presses), under 0',
        facts: { index: -20, windowMin: 60, presses: 5, threshold: 0 },
      }),
    ]);
    // Per-touchpoint targets replace the venue-wide threshold: -20 is fine where -30 is the aim.
    expect(evaluate([rule], { ...none, presses: presses('exit', [4, 3, 2, 1, 1]) }, T0, { exit: -30 })).toEqual([]);
    expect(evaluate([rule], { ...none, presses: presses('exit', [4, 4, 4, 3, 1]) }, T0, { exit: 80 })[0]?.summary).toBe(
      'happy index 50 at exit over the last 60 min (5 presses), under its target 80',
    );
  });

  it('notices a touchpoint going quiet or flooding against its own recent history', () => {
    const rule = alertRuleSchema.parse({ kind: 'feedback-anomaly', windowMin: 10, history: 4, minExpected: 5 });
    const steady = [0, 1, 2, 3].flatMap((w) =>
      Array.from({ length: 10 }, (_, i) => ({
        at: T0 - (4 - w) * 10 * MIN - i * 30_000 - 1,
        touchpointId: 'entrance',
        level: 4 as const,
      })),
    );
    // 10 per window before, then none: |0 - 10| > 3 x sqrt(10)
    expect(evaluate([rule], { ...none, presses: steady }, T0)).toEqual([
      expect.objectContaining({
        key: 'feedback-anomaly:entrance',
        summary: expect.stringContaining('is the terminal working?'),
        facts: { variant: 'silent', current: 0, windowMin: 10, expected: 10 },
      }),
    ]);
    const normal = [
      ...steady,
      ...Array.from({ length: 9 }, (_, i) => ({ at: T0 - i * 60_000, touchpointId: 'entrance', level: 3 as const })),
    ];
    expect(evaluate([rule], { ...none, presses: normal }, T0)).toEqual([]);
  });

  it('fires for a wait over its promise by more than the margin, and for a device down too long', () => {
    const rules = [
      alertRuleSchema.parse({ kind: 'wait-over-promise', marginMin: 10 }),
      alertRuleSchema.parse({ kind: 'device-down', afterMin: 5 }),
    ];
    const causes = evaluate(
      rules,
      {
        presses: [],
        calls: [
          { at: T0, ticketId: 't1', serviceId: 'loans', postedWaitMin: 15, actualMin: 26 },
          { at: T0, ticketId: 't2', serviceId: 'loans', postedWaitMin: 15, actualMin: 25 },
        ],
        offline: [
          { deviceId: 'printer-1', since: T0 - 6 * MIN, detail: 'paper out' },
          { deviceId: 'smileys-exit', since: T0 - 4 * MIN },
        ],
      },
      T0,
    );
    expect(causes.map((c) => c.key)).toEqual(['wait-over-promise:t1', 'device-down:printer-1']);
    expect(causes[1]!.summary).toBe('printer-1 has been offline for 6 min: paper out');
  });
});

describe('tasks on a virtual clock', () => {
  const cause = {
    key: 'unhappy-share:restroom',
    rule: 'unhappy-share' as const,
    subject: 'restroom',
    summary: 'too many unhappy presses',
    facts: { share: 60, presses: 5, windowMin: 30, limit: 40 },
  };
  let ids = 0;
  const newId = () => `task-${++ids}`;

  it('opens one task per cause while it is not verified', () => {
    const first = openTask([], cause, 'facilities', T0, newId);
    expect(first.created).toBe(true);
    expect(first.task).toMatchObject({ state: 'open', owner: 'facilities', ackDeadline: T0 + 60 * MIN, escalation: 0 });
    const again = openTask([first.task], cause, 'facilities', T0 + MIN, newId);
    expect(again).toEqual({ task: first.task, created: false });
    const resolved = advance(advance(first.task, 'acknowledged', T0 + 2 * MIN), 'resolved', T0 + 3 * MIN);
    expect(openTask([resolved], cause, 'facilities', T0 + 4 * MIN, newId).created).toBe(false);
    const verified = advance(resolved, 'verified', T0 + 5 * MIN);
    expect(openTask([verified], cause, 'facilities', T0 + 6 * MIN, newId).created).toBe(true);
  });

  it('moves only forward, one step at a time', () => {
    const { task } = openTask([], cause, 'facilities', T0, newId);
    expect(() => advance(task, 'resolved', T0)).toThrow(TaskTransitionError);
    expect(() => advance(task, 'verified', T0)).toThrow(/open -> acknowledged -> resolved -> verified/);
  });

  it('escalates once per passed deadline', () => {
    let tasks: Task[] = [
      openTask([], cause, 'facilities', T0, newId, { ackWithinMin: 60, resolveWithinMin: 240 }).task,
    ];
    const apply = (changed: Task[]) => (tasks = tasks.map((t) => changed.find((c) => c.id === t.id) ?? t));
    expect(escalate(tasks, T0 + 60 * MIN)).toEqual([]);
    apply(escalate(tasks, T0 + 61 * MIN));
    expect(tasks[0]!.escalation).toBe(1);
    expect(escalate(tasks, T0 + 62 * MIN)).toEqual([]);
    tasks = [advance(tasks[0]!, 'acknowledged', T0 + 70 * MIN)];
    apply(escalate(tasks, T0 + 241 * MIN));
    expect(tasks[0]!.escalation).toBe(2);
    expect(escalate(tasks, T0 + 300 * MIN)).toEqual([]);
  });

  it('checks the effect: the window before opening against the window after resolving', () => {
    const { task } = openTask([], cause, 'facilities', T0, newId);
    const done = advance(advance(task, 'acknowledged', T0 + MIN), 'resolved', T0 + 2 * 60 * MIN);
    const moments = [
      { at: T0 - 30 * MIN, experience: -4 },
      { at: T0 - 10 * MIN, experience: -2 },
      { at: T0 + 30 * MIN, experience: -4 }, // between opening and resolving: neither window
      { at: T0 + 3 * 60 * MIN, experience: 2 },
      { at: T0 + 4 * 60 * MIN, experience: 4 },
    ];
    expect(effectCheck(done, moments, 60 * 24)).toEqual({ before: -3, after: 3, change: 6, improved: true });
    expect(effectCheck(task, moments)).toEqual({ before: null, after: null, change: null, improved: null });
  });
});
