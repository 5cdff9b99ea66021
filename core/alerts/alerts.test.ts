import { describe, expect, it } from 'vitest';
import { alertRuleSchema, evaluate, type Observations } from './rules.ts';
import { keptPromises } from './promises.ts';
import {
  advance,
  countCustomers,
  effectCheck,
  escalate,
  escalationChain,
  openTask,
  publicNotes,
  resolveDeviceBack,
  TaskTransitionError,
  withPublicNote,
  type Task,
} from './tasks.ts';

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
          { at: T0, ticketId: 't2', serviceId: 'loans', postedWaitMin: 15, actualMin: 30 },
          { at: T0, ticketId: 't3', serviceId: 'loans', postedWaitMin: 15, actualMin: 25 }, // just within the margin
        ],
        offline: [
          { deviceId: 'printer-1', since: T0 - 6 * MIN, detail: 'paper out' },
          { deviceId: 'smileys-exit', since: T0 - 4 * MIN },
        ],
      },
      T0,
    );
    // One cause for the service, counting both late customers (not one per customer).
    expect(causes.map((c) => c.key)).toEqual(['wait-over-promise:wait:loans', 'device-down:device:printer-1']);
    expect(causes[0]!.facts).toEqual({ serviceId: 'loans', customers: 2, actualMin: 30, postedMin: 15 });
    expect(causes[1]!.summary).toBe('printer-1 has been offline for 6 min: paper out');
  });

  it('does not hold moments from before a fix against it', () => {
    const rule = alertRuleSchema.parse({ kind: 'unhappy-share', windowMin: 30, minVolume: 5, maxShare: 0.4 });
    const seen = { ...none, presses: presses('restroom', [1, 1, 1, 1, 1, 4], T0 - 5 * MIN) };
    expect(evaluate([rule], seen, T0)).toHaveLength(1);
    // The task was resolved 3 minutes ago: the unhappy presses before it cannot reopen it...
    const fixed = { 'unhappy-share:restroom': T0 - 3 * MIN };
    expect(evaluate([rule], seen, T0, {}, fixed)).toEqual([]);
    // ...new unhappy presses after the fix can.
    const after = { ...none, presses: [...seen.presses, ...presses('restroom', [1, 1, 2, 1, 1], T0)] };
    expect(evaluate([rule], after, T0, {}, fixed)).toEqual([
      expect.objectContaining({ key: 'unhappy-share:restroom', facts: expect.objectContaining({ presses: 5 }) }),
    ]);
  });

  it('passes praise on: a sweet spot, or a run of delighted presses', () => {
    const rule = alertRuleSchema.parse({ kind: 'praise', minVolume: 10, minIndex: 60, run: 5 });
    // 9 very happy and 1 happy: index 95 over 10 presses
    expect(evaluate([rule], { ...none, presses: presses('counter', [4, 4, 4, 4, 3, 4, 4, 4, 4, 4]) }, T0)).toEqual([
      expect.objectContaining({
        key: 'praise:counter',
        rule: 'praise',
        facts: { index: 95, presses: 10, windowMin: 60 },
      }),
    ]);
    // five very happy presses in a row (the newest at T0), after unhappy ones: a run, not a sweet spot
    const run = evaluate([rule], { ...none, presses: presses('exit', [4, 4, 4, 4, 4, 1, 1]) }, T0);
    expect(run).toEqual([expect.objectContaining({ key: 'praise:exit', facts: { variant: 'run', run: 5 } })]);
    // the newest press is not delighted: the run is broken
    expect(evaluate([rule], { ...none, presses: presses('exit', [2, 4, 4, 4, 4, 4]) }, T0)).toEqual([]);
  });
});

describe('promises kept', () => {
  it('measures each call from joining the line (issue, or check-in for a return window)', () => {
    const calls = keptPromises([
      { type: 'ticket.issued', ticketId: 'a', serviceId: 'loans', issuedAt: T0, postedWaitMin: 10, returnWindow: null },
      {
        type: 'ticket.issued',
        ticketId: 'b',
        serviceId: 'loans',
        issuedAt: T0,
        postedWaitMin: 30,
        returnWindow: { from: T0 + 60 * MIN, to: T0 + 70 * MIN },
      },
      { type: 'ticket.checked-in', ticketId: 'b', at: T0 + 60 * MIN, postedWaitMin: 5 },
      { type: 'ticket.called', ticketId: 'a', at: T0 + 12 * MIN },
      { type: 'ticket.called', ticketId: 'b', at: T0 + 64 * MIN },
    ] as never);
    expect(calls.map((c) => [c.ticketId, c.postedWaitMin, c.actualMin])).toEqual([
      ['a', 10, 12],
      ['b', 5, 4],
    ]);
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

  it('escalates once per passed deadline, up the department chain to the venue manager', () => {
    const programme = { chains: { facilities: ['Jun (shift lead)', 'Hana (facilities head)'] }, manager: 'Mr Park' };
    const chainOf = (task: Task) => escalationChain(task.owner, programme);
    let tasks: Task[] = [
      openTask([], cause, 'facilities', T0, newId, { ackWithinMin: 60, resolveWithinMin: 240 }).task,
    ];
    const apply = (changed: Task[]) => (tasks = tasks.map((t) => changed.find((c) => c.id === t.id) ?? t));
    expect(escalate(tasks, T0 + 60 * MIN, chainOf)).toEqual([]);
    apply(escalate(tasks, T0 + 61 * MIN, chainOf));
    expect(tasks[0]).toMatchObject({ escalation: 1, escalatedTo: { name: 'Jun (shift lead)', manager: false } });
    expect(escalate(tasks, T0 + 62 * MIN, chainOf)).toEqual([]);
    tasks = [advance(tasks[0]!, 'acknowledged', T0 + 70 * MIN)];
    apply(escalate(tasks, T0 + 241 * MIN, chainOf));
    expect(tasks[0]).toMatchObject({ escalation: 2, escalatedTo: { name: 'Hana (facilities head)', manager: false } });
    expect(escalate(tasks, T0 + 300 * MIN, chainOf)).toEqual([]);
    // another acknowledgement period without a fix: the end of the chain, the venue's manager
    apply(escalate(tasks, T0 + 301 * MIN, chainOf));
    expect(tasks[0]).toMatchObject({ escalation: 3, escalatedTo: { name: 'Mr Park', manager: true } });
    expect(escalate(tasks, T0 + 1000 * MIN, chainOf)).toEqual([]);
    // a department without a chain goes straight to the manager, unnamed when the venue names none
    expect(escalationChain('kitchen', undefined)).toEqual([{ name: null, manager: true }]);
  });

  it('sends praise as a note: no deadline, never escalated', () => {
    const praise = {
      ...cause,
      key: 'praise:restroom',
      rule: 'praise' as const,
      facts: { variant: 'run' as const, run: 8 },
    };
    const { task } = openTask([], praise, 'facilities', T0, newId);
    expect(task).toMatchObject({ ackDeadline: null, resolveDeadline: null });
    expect(escalate([task], T0 + 10_000 * MIN, () => escalationChain('facilities', undefined))).toEqual([]);
  });

  it('counts late customers on the open wait task, and closes a device task when the device is back', () => {
    const late = {
      key: 'wait-over-promise:wait:loans',
      rule: 'wait-over-promise' as const,
      subject: 'wait:loans',
      summary: 'late',
      facts: { serviceId: 'loans', customers: 1, actualMin: 25, postedMin: 10 },
    };
    const { task } = openTask([], late, 'loans-desk', T0, newId);
    const more = countCustomers(task, { ...late, facts: { ...late.facts, customers: 3, actualMin: 40 } });
    expect(more?.facts).toEqual({ serviceId: 'loans', customers: 4, actualMin: 40, postedMin: 10 });
    expect(countCustomers(task, { ...cause })).toBeUndefined();
    const down = openTask(
      [],
      { ...cause, key: 'device-down:device:k1', rule: 'device-down', subject: 'device:k1', facts: { deviceId: 'k1' } },
      'operations',
      T0,
      newId,
    ).task;
    expect(resolveDeviceBack(down, T0 + 9 * MIN)).toMatchObject({
      state: 'verified',
      resolvedAt: T0 + 9 * MIN,
      verifiedAt: T0 + 9 * MIN,
      autoResolved: true,
    });
  });

  it('tells customers what changed, only for a verified fix and only for its days', () => {
    const { task } = openTask([], cause, 'facilities', T0, newId);
    const text = { ko: '난방을 고쳤습니다', zh: '我们修好了暖气', en: 'We fixed the heating' };
    expect(() => withPublicNote(task, text, 7, T0)).toThrow(TaskTransitionError);
    const verified = advance(advance(advance(task, 'acknowledged', T0), 'resolved', T0), 'verified', T0 + MIN);
    const noted = withPublicNote(verified, text, 7, T0 + MIN);
    expect(publicNotes([noted, task], T0 + 2 * MIN)).toEqual([
      { taskId: task.id, note: { text, until: T0 + MIN + 7 * 24 * 60 * MIN } },
    ]);
    expect(publicNotes([noted], T0 + MIN + 7 * 24 * 60 * MIN)).toEqual([]);
  });

  describe('effect check', () => {
    const { task } = openTask([], cause, 'facilities', T0, newId);
    const done = advance(advance(task, 'acknowledged', T0 + MIN), 'resolved', T0 + 2 * 60 * MIN);
    const NOW = T0 + 3 * 24 * 60 * MIN;
    /** n moments a minute apart from `from`, alternating between two values. */
    const series = (from: number, n: number, a: number, b: number) =>
      Array.from({ length: n }, (_, i) => ({ at: from + i * MIN, experience: i % 2 ? a : b }));

    it('says nothing before the fix, and "not enough data yet" below the minimum moments', () => {
      expect(effectCheck(task, {}, NOW)).toEqual({ verdict: 'not-resolved' });
      const few = [...series(T0 - 30 * MIN, 4, -4, -2), ...series(T0 + 3 * 60 * MIN, 4, 2, 4)];
      const check = effectCheck(done, { moments: few }, NOW);
      expect(check.verdict).toBe('not-enough-data');
      // the means are still shown: -3 before, +3 after; a moment between opening and resolving counts in neither
      expect(check.experience).toMatchObject({ before: -3, after: 3, change: 6, nBefore: 4, nAfter: 4 });
    });

    it('says "improved" only when the change is significant, "no change" when it is noise', () => {
      const clear = [...series(T0 - 30 * MIN, 12, -4, -2), ...series(T0 + 3 * 60 * MIN, 12, 2, 4)];
      expect(effectCheck(done, { moments: clear }, NOW).verdict).toBe('improved');
      // the same spread before and after, means 0.5 apart: not a change one can believe
      const noise = [...series(T0 - 30 * MIN, 12, -5, 5), ...series(T0 + 3 * 60 * MIN, 12, -4, 5)];
      expect(effectCheck(done, { moments: noise }, NOW).verdict).toBe('no-change');
      const worse = [...series(T0 - 30 * MIN, 12, 2, 4), ...series(T0 + 3 * 60 * MIN, 12, -4, -2)];
      expect(effectCheck(done, { moments: worse }, NOW).verdict).toBe('worse');
    });

    it('judges a wait task on promises kept and wait surprise', () => {
      const wait = { ...done, rule: 'wait-over-promise' as const, subject: 'wait:loans' };
      const calls = (from: number, n: number, actual: (i: number) => number) =>
        Array.from({ length: n }, (_, i) => ({ at: from + i * MIN, postedWaitMin: 15, actualMin: actual(i) }));
      const data = {
        calls: [...calls(T0 - 60 * MIN, 12, (i) => 20 + (i % 3)), ...calls(T0 + 3 * 60 * MIN, 12, (i) => 10 + (i % 3))],
      };
      const check = effectCheck(wait, data, NOW);
      expect(check.verdict).toBe('improved');
      expect(check.promisesKept).toMatchObject({ before: 0, after: 1, nBefore: 12, nAfter: 12 });
      expect(check.waitSurprise).toMatchObject({ before: -6, after: 4, change: 10 });
    });

    it('judges a device task on its time offline, once the window after has passed', () => {
      const device = { ...done, rule: 'device-down' as const };
      const outages = [
        { from: T0 - 10 * 60 * MIN, to: T0 - 9 * 60 * MIN },
        { from: T0, to: T0 + 2 * 60 * MIN },
        { from: T0 + 5 * 60 * MIN, to: T0 + 5 * 60 * MIN + 10 * MIN },
      ];
      expect(effectCheck(device, { outages }, T0 + 6 * 60 * MIN)).toEqual({
        verdict: 'not-enough-data',
        offlineMin: { before: 60, after: null },
      });
      expect(effectCheck(device, { outages }, NOW)).toEqual({
        verdict: 'improved',
        offlineMin: { before: 60, after: 10 },
      });
    });
  });
});
