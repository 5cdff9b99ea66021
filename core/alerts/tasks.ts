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
  ackDeadline: number;
  resolveDeadline: number;
  /** 0 = on time; 1 = acknowledgement late; 2 = resolution late. */
  escalation: 0 | 1 | 2;
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
      ackDeadline: now + policy.ackWithinMin * MIN,
      resolveDeadline: now + policy.resolveWithinMin * MIN,
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

/** Tasks whose deadline passed since they were last escalated, escalated one level. */
export function escalate(tasks: readonly Task[], now: number): Task[] {
  const changed: Task[] = [];
  for (const task of tasks) {
    if (task.escalation < 1 && task.state === 'open' && now > task.ackDeadline)
      changed.push({ ...task, escalation: 1 });
    else if (
      task.escalation < 2 &&
      (task.state === 'open' || task.state === 'acknowledged') &&
      now > task.resolveDeadline
    )
      changed.push({ ...task, escalation: 2 });
  }
  return changed;
}

export interface EffectCheck {
  before: number | null;
  after: number | null;
  /** after - before, in experience points; null until both windows have data. */
  change: number | null;
  improved: boolean | null;
}

/**
 * Did the fix work? The subject's mean experience in a window before the task opened against
 * the same-length window after it was resolved.
 */
export function effectCheck(
  task: Task,
  moments: readonly { at: number; experience: number }[],
  windowMin = 24 * 60,
): EffectCheck {
  if (task.resolvedAt === null) return { before: null, after: null, change: null, improved: null };
  const width = windowMin * MIN;
  const meanIn = (from: number, to: number) => {
    const inside = moments.filter((m) => m.at >= from && m.at < to);
    return inside.length ? inside.reduce((s, m) => s + m.experience, 0) / inside.length : null;
  };
  const before = meanIn(task.openedAt - width, task.openedAt);
  const after = meanIn(task.resolvedAt, task.resolvedAt + width);
  const change = before === null || after === null ? null : after - before;
  return { before, after, change, improved: change === null ? null : change > 0 };
}
