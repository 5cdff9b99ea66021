import { addValue, emptyMoments, mean, welchT, type Moments } from '../analytics/stats.ts';
import type { Cause, TaskFacts } from './rules.ts';

/**
 * Tasks: a bad moment becomes a task for the department that owns the touchpoint, tracked to a
 * verified fix (docs/customer-experience.md rules 7, 8). Pure reducer over an explicit clock, so deadlines and
 * escalation are tested on a virtual clock.
 *
 *   open -> acknowledged -> resolved -> verified
 *
 * Deadlines: acknowledge within `ackWithinMin` (default 60: a complaining customer expects an
 * answer within the hour), resolve within `resolveWithinMin` of opening. A passed deadline
 * escalates the task once per deadline (level 1: acknowledge late, level 2: resolve late).
 */

export type TaskState = 'open' | 'acknowledged' | 'resolved' | 'verified';

export interface Task {
  id: string;
  causeKey: string;
  rule: Cause['rule'];
  subject: string;
  summary: string;
  /** The numbers of `summary`, for screens to say it in their language; absent on tasks opened before it existed. */
  facts?: TaskFacts;
  /** Department owning the subject. */
  owner: string;
  state: TaskState;
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  verifiedAt: number | null;
  /** Null on a praise note: it asks for no answer by any time. */
  ackDeadline: number | null;
  resolveDeadline: number | null;
  /**
   * 0 = on time; 1 = acknowledgement late; 2 = resolution late; each further acknowledgement
   * period without a fix one more step up the department's chain, ending at the venue's manager.
   */
  escalation: number;
  /** Who the last escalation went to (absent while on time). */
  escalatedTo?: Recipient;
  /** Set when the task closed itself (a device that came back): kept in history. */
  autoResolved?: boolean;
  /** What customers are told changed, shown on boards and the kiosk's idle screen until `until`. */
  publicNote?: PublicNote;
}

export interface PublicNote {
  text: { ko: string; zh: string; en: string };
  until: number;
}

/** Who an escalation goes to: a name of the department's chain, or the venue's manager (named or not). */
export interface Recipient {
  name: string | null;
  manager: boolean;
}

/**
 * The escalation chain of a department: its own people in order, then the venue's manager
 * (docs/customer-experience.md, "Escalation"). `chains` and `manager` come from the venue's programme.
 */
export function escalationChain(
  owner: string,
  programme: { chains?: Readonly<Record<string, readonly string[]>>; manager?: string } | undefined,
): Recipient[] {
  return [
    ...(programme?.chains?.[owner] ?? []).map((name) => ({ name, manager: false })),
    { name: programme?.manager ?? null, manager: true },
  ];
}

export interface TaskPolicy {
  ackWithinMin: number;
  resolveWithinMin: number;
}

/** The department of a task whose subject no touchpoint owns (a service's waits, a device); screens translate it. */
export const DEFAULT_TASK_OWNER = 'operations';

export const DEFAULT_TASK_POLICY: TaskPolicy = { ackWithinMin: 60, resolveWithinMin: 24 * 60 };

const MIN = 60_000;

export class TaskTransitionError extends Error {
  constructor(task: Task, wanted: TaskState) {
    super(
      `task ${task.id} is ${task.state}; it cannot become ${wanted} (open -> acknowledged -> resolved -> verified)`,
    );
    this.name = 'TaskTransitionError';
  }
}

/** A task for a cause, unless one is still open (not verified) for the same cause: then that one. */
export function openTask(
  tasks: readonly Task[],
  cause: Cause,
  owner: string,
  now: number,
  newId: () => string,
  policy: TaskPolicy = DEFAULT_TASK_POLICY,
): { task: Task; created: boolean } {
  const existing = tasks.find((t) => t.causeKey === cause.key && t.state !== 'verified');
  if (existing) return { task: existing, created: false };
  const note = cause.rule === 'praise';
  return {
    created: true,
    task: {
      id: newId(),
      causeKey: cause.key,
      rule: cause.rule,
      subject: cause.subject,
      summary: cause.summary,
      facts: cause.facts,
      owner,
      state: 'open',
      openedAt: now,
      acknowledgedAt: null,
      resolvedAt: null,
      verifiedAt: null,
      ackDeadline: note ? null : now + policy.ackWithinMin * MIN,
      resolveDeadline: note ? null : now + policy.resolveWithinMin * MIN,
      escalation: 0,
    },
  };
}

const NEXT: Record<TaskState, TaskState | null> = {
  open: 'acknowledged',
  acknowledged: 'resolved',
  resolved: 'verified',
  verified: null,
};

export function advance(task: Task, to: Exclude<TaskState, 'open'>, now: number): Task {
  if (NEXT[task.state] !== to) throw new TaskTransitionError(task, to);
  if (to === 'acknowledged') return { ...task, state: to, acknowledgedAt: now };
  if (to === 'resolved') return { ...task, state: to, resolvedAt: now };
  return { ...task, state: to, verifiedAt: now };
}

/** A verified task's note to customers, shown for `days` from `now` (only a verified fix is announced). */
export function withPublicNote(task: Task, text: PublicNote['text'], days: number, now: number): Task {
  if (task.state !== 'verified') throw new TaskTransitionError(task, 'verified');
  return { ...task, publicNote: { text, until: now + days * 24 * 60 * MIN } };
}

/** What boards and kiosks show customers now: the notes of verified tasks not yet expired, newest first. */
export function publicNotes(tasks: readonly Task[], now: number): { taskId: string; note: PublicNote }[] {
  return tasks
    .filter((t) => t.state === 'verified' && t.publicNote !== undefined && t.publicNote.until > now)
    .sort((a, b) => (b.verifiedAt ?? 0) - (a.verifiedAt ?? 0))
    .map((t) => ({ taskId: t.id, note: t.publicNote! }));
}

/**
 * Late customers counted on the open task of their service: the same task, its count and its
 * longest wait grown (undefined when the cause adds nothing new).
 */
export function countCustomers(task: Task, cause: Cause): Task | undefined {
  const more = cause.facts.customers ?? 0;
  if (task.rule !== 'wait-over-promise' || more === 0) return undefined;
  const facts = task.facts ?? {};
  const longer = (cause.facts.actualMin ?? 0) > (facts.actualMin ?? 0);
  return {
    ...task,
    facts: {
      ...facts,
      customers: (facts.customers ?? 1) + more,
      ...(longer ? { actualMin: cause.facts.actualMin, postedMin: cause.facts.postedMin } : {}),
    },
  };
}

/** A device-down task whose device is back closes itself: resolved and verified at once, kept in history. */
export function resolveDeviceBack(task: Task, now: number): Task {
  return {
    ...task,
    state: 'verified',
    resolvedAt: task.resolvedAt ?? now,
    verifiedAt: now,
    autoResolved: true,
  };
}

/**
 * Tasks whose deadline passed since they were last escalated, each at the level it has reached
 * and naming who it now goes to (`chainOf`, see escalationChain). Praise notes never escalate.
 */
export function escalate(tasks: readonly Task[], now: number, chainOf: (task: Task) => Recipient[]): Task[] {
  const changed: Task[] = [];
  for (const task of tasks) {
    if (task.ackDeadline === null || task.resolveDeadline === null) continue;
    if (task.state !== 'open' && task.state !== 'acknowledged') continue;
    const chain = chainOf(task);
    let level = task.state === 'open' && now > task.ackDeadline ? 1 : 0;
    if (now > task.resolveDeadline) {
      const step = Math.max(MIN, task.ackDeadline - task.openedAt);
      level = 2 + Math.floor((now - task.resolveDeadline - 1) / step);
    }
    level = Math.min(level, Math.max(2, chain.length));
    if (level <= task.escalation) continue;
    changed.push({ ...task, escalation: level, escalatedTo: chain[Math.min(level, chain.length) - 1]! });
  }
  return changed;
}

/** One measure before the task against after its fix. */
interface EffectMeasure {
  before: number | null;
  after: number | null;
  /** after - before; null until both windows have data. */
  change: number | null;
  nBefore: number;
  nAfter: number;
  /** Welch's t of after against before; null below two values a side or without spread. */
  t: number | null;
}

type EffectVerdict = 'not-resolved' | 'not-enough-data' | 'improved' | 'worse' | 'no-change';

export interface EffectCheck {
  verdict: EffectVerdict;
  /** Touchpoint tasks: experience on the venue's scale. */
  experience?: EffectMeasure;
  /** Wait tasks: the share of customers called within their promise (0..1)... */
  promisesKept?: EffectMeasure;
  /** ...and wait surprise, posted - actual minutes (positive = sooner than promised). */
  waitSurprise?: EffectMeasure;
  /** Device tasks: minutes offline in the window before against the window after. */
  offlineMin?: { before: number; after: number | null };
}

export interface EffectData {
  moments?: readonly { at: number; experience: number }[];
  calls?: readonly { at: number; postedWaitMin: number; actualMin: number }[];
  /** Spans a device was offline; `to` null while it still is. */
  outages?: readonly { from: number; to: number | null }[];
}

export interface EffectOptions {
  windowMin?: number;
  /** Values needed on each side before saying anything. */
  minMoments?: number;
  /** |t| needed to call a change real (the analytics' standouts use the same test). */
  significanceT?: number;
}

/**
 * Did the fix work? The subject's measures in a window before the task opened against the
 * same-length window after it was resolved, scored honestly: at least `minMoments` values on each
 * side and a Welch t of at least `significanceT`, else "not enough data yet" or "no change".
 */
export function effectCheck(task: Task, data: EffectData, now: number, options: EffectOptions = {}): EffectCheck {
  const { windowMin = 24 * 60, minMoments = 10, significanceT = 2 } = options;
  if (task.resolvedAt === null) return { verdict: 'not-resolved' };
  const width = windowMin * MIN;
  const beforeFrom = task.openedAt - width;
  const afterTo = task.resolvedAt + width;
  const inBefore = (at: number) => at >= beforeFrom && at < task.openedAt;
  const inAfter = (at: number) => at >= task.resolvedAt! && at < afterTo;
  const measure = <T extends { at: number }>(items: readonly T[], value: (item: T) => number): EffectMeasure => {
    const fold = (keep: (at: number) => boolean) =>
      items.reduce<Moments>((m, item) => (keep(item.at) ? addValue(m, value(item)) : m), emptyMoments());
    const b = fold(inBefore);
    const a = fold(inAfter);
    const before = mean(b);
    const after = mean(a);
    return {
      before,
      after,
      change: before === null || after === null ? null : after - before,
      nBefore: b.n,
      nAfter: a.n,
      t: welchT(a, b),
    };
  };
  const judge = (measures: EffectMeasure[]): EffectVerdict => {
    if (measures.some((m) => m.nBefore < minMoments || m.nAfter < minMoments)) return 'not-enough-data';
    const up = measures.some((m) => m.t !== null && m.t >= significanceT);
    const down = measures.some((m) => m.t !== null && m.t <= -significanceT);
    return up && !down ? 'improved' : down && !up ? 'worse' : 'no-change';
  };
  if (task.rule === 'device-down') {
    const offline = (from: number, to: number) =>
      (data.outages ?? []).reduce(
        (sum, o) => sum + Math.max(0, Math.min(o.to ?? now, to) - Math.max(o.from, from)),
        0,
      ) / MIN;
    const before = offline(beforeFrom, task.openedAt);
    // The window after must have passed in full before its minutes say anything.
    const after = now >= afterTo ? offline(task.resolvedAt, afterTo) : null;
    const verdict =
      after === null ? 'not-enough-data' : after < before ? 'improved' : after > before ? 'worse' : 'no-change';
    return { verdict, offlineMin: { before, after } };
  }
  if (task.rule === 'wait-over-promise') {
    const calls = data.calls ?? [];
    const promisesKept = measure(calls, (c) => (c.actualMin <= c.postedWaitMin ? 1 : 0));
    const waitSurprise = measure(calls, (c) => c.postedWaitMin - c.actualMin);
    return { verdict: judge([promisesKept, waitSurprise]), promisesKept, waitSurprise };
  }
  const experience = measure(data.moments ?? [], (m) => m.experience);
  return { verdict: judge([experience]), experience };
}
