import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Task, TaskState } from '../../../core/alerts/tasks.ts';
import type { Language } from '../../../core/languages.ts';
import { formatClock, venueDayStart } from '../../shared/format.ts';
import { requestJson } from '../../shared/http.ts';
import { describeError } from '../../shared/refusals.ts';
import { taskText } from '../../shared/TaskList.tsx';
import { Empty, type PageContext, Panel, showMean } from './common.tsx';
import { addDays, previousRange } from './slicing.ts';
import { useAnswer, type WorkspaceData } from './use-workspace-data.ts';

const STATES: TaskState[] = ['open', 'acknowledged', 'resolved', 'verified'];
const ACTION: Partial<Record<TaskState, 'acknowledge' | 'resolve' | 'verify'>> = {
  open: 'acknowledge',
  acknowledged: 'resolve',
  resolved: 'verify',
};

/** Whether a task's subject passes the view's stage and touchpoint filters. */
function subjectInView(ctx: PageContext, task: Task): boolean {
  const stageOf = (subject: string) =>
    subject.startsWith('wait:') ? 'during' : ctx.venue.touchpoints.find((tp) => tp.id === subject)?.stage;
  return (
    (!ctx.slice.touchpoint || task.subject === ctx.slice.touchpoint) &&
    (!ctx.slice.stage || stageOf(task.subject) === ctx.slice.stage)
  );
}

/** Whether a task was opened within venue days from..to (inclusive). */
function openedWithin(ctx: PageContext, task: Task, range: { from: string; to: string }): boolean {
  const from = venueDayStart(range.from, ctx.venue.timezone);
  const to = venueDayStart(addDays(range.to, 1), ctx.venue.timezone);
  return task.openedAt >= from && task.openedAt < to;
}

/** The tasks a view shows: those opened in its days, and every one still not verified; filtered by subject. */
export function tasksInView(ctx: PageContext, tasks: readonly Task[] | null): Task[] {
  return (tasks ?? []).filter(
    (task) => (openedWithin(ctx, task, ctx.slice) || task.state !== 'verified') && subjectInView(ctx, task),
  );
}

/** How many of the view's tasks (by subject) were opened within a range of venue days. */
function openedCount(ctx: PageContext, tasks: readonly Task[] | null, range: { from: string; to: string }): number {
  return (tasks ?? []).filter((task) => openedWithin(ctx, task, range) && subjectInView(ctx, task)).length;
}

/**
 * The closed loop as a board: a column per state (open, acknowledged, resolved, verified), each
 * task with its owner, deadline and escalation, and once resolved the check of its effect.
 */
export function TaskBoardPage({ ctx, data }: { ctx: PageContext; data: WorkspaceData }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const tasks = tasksInView(ctx, data.tasks.value);

  async function move(task: Task, action: 'acknowledge' | 'resolve' | 'verify') {
    try {
      await requestJson(
        `/api/venues/${encodeURIComponent(ctx.venueId)}/tasks/${encodeURIComponent(task.id)}/${action}`,
        { body: {} },
      );
      setError(null);
      data.refreshTasks();
    } catch (failure) {
      setError(describeError(t, failure, ctx.venue, ctx.lang));
    }
  }

  return (
    <Panel id="tasks" title={t('workspace.pages.tasks.title')} table="tasks" ctx={ctx}>
      {error && (
        <p role="alert" className="banner bad">
          {error}
        </p>
      )}
      {ctx.slice.compare && (
        <p className="note" data-opened>
          <span data-now>
            {t('workspace.tasks.openedInPeriod', { count: openedCount(ctx, data.tasks.value, ctx.slice) })}
          </span>{' '}
          ·{' '}
          <span data-before>
            {t('workspace.previousValue', { value: openedCount(ctx, data.tasks.value, previousRange(ctx.slice)) })}
          </span>
        </p>
      )}
      {tasks.length === 0 ? (
        <Empty>{t('manage.noTasks')}</Empty>
      ) : (
        <div className="task-board">
          {STATES.map((state) => (
            <section key={state} aria-labelledby={`tasks-${state}`} data-column={state}>
              <h4 id={`tasks-${state}`}>
                {t(`workspace.tasks.columns.${state}`)} ({tasks.filter((task) => task.state === state).length})
              </h4>
              <ul className="tasks">
                {tasks
                  .filter((task) => task.state === state)
                  .map((task) => (
                    <TaskCard key={task.id} ctx={ctx} task={task} onMove={move} />
                  ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </Panel>
  );
}

type Verdict = 'not-resolved' | 'not-enough-data' | 'improved' | 'worse' | 'no-change';
interface Measure {
  before?: number | null;
  after?: number | null;
}

/**
 * The effect check as a verdict with the measure before and after, from either answer a hub
 * gives: a verdict with its measures, or the older before/after/change/improved.
 */
function effectOf(raw: unknown): { verdict: Verdict; before: number | null; after: number | null } | null {
  if (!raw || typeof raw !== 'object') return null;
  const effect = raw as Measure & {
    verdict?: Verdict;
    improved?: boolean | null;
    change?: number | null;
    experience?: Measure;
    promisesKept?: Measure;
  };
  const measure = effect.experience ?? effect.promisesKept ?? effect;
  const verdict: Verdict =
    effect.verdict ??
    (effect.change === null || effect.change === undefined
      ? 'not-enough-data'
      : effect.change > 0
        ? 'improved'
        : effect.change < 0
          ? 'worse'
          : 'no-change');
  return { verdict, before: measure.before ?? null, after: measure.after ?? null };
}

function TaskCard({
  ctx,
  task,
  onMove,
}: {
  ctx: PageContext;
  task: Task;
  onMove: (task: Task, action: 'acknowledge' | 'resolve' | 'verify') => void;
}) {
  const { t } = useTranslation();
  const action = ACTION[task.state];
  const done = task.state === 'resolved' || task.state === 'verified';
  // The effect of a fix exists once it is resolved: a day before the task against a day after.
  const detail = useAnswer<Task & { effect: unknown }>(
    done ? `/api/venues/${encodeURIComponent(ctx.venueId)}/tasks/${encodeURIComponent(task.id)}` : null,
  );
  const effect = detail.value ? effectOf(detail.value.effect) : null;
  const zone = ctx.venue.timezone;
  const day = new Intl.DateTimeFormat(ctx.lang, { month: '2-digit', day: '2-digit', timeZone: zone });
  const clock = (at: number) => `${day.format(at)} ${formatClock(ctx.lang, at, zone)}`;
  // A task may carry no deadline (a praise note asks for no answer) and escalate past level 2
  // (up a department's chain): both drawn, whatever the hub sends.
  const deadline: number | null = task.state === 'open' ? task.ackDeadline : task.resolveDeadline;
  const note = (task as Task & { publicNote?: { text: Record<Language, string>; until: number } }).publicNote;
  return (
    <li className={`task escalation-${task.escalation}`} data-task={task.id} data-state={task.state}>
      <p className="task-summary">{taskText(t, task, ctx.venue, ctx.lang)}</p>
      <p className="task-meta">
        {t('workspace.tasks.owner', { owner: task.owner })} ·{' '}
        {t('workspace.tasks.opened', { time: clock(task.openedAt) })}
      </p>
      {!done && deadline !== null && (
        <p className="task-meta" data-deadline>
          {t(task.state === 'open' ? 'workspace.tasks.ackBy' : 'workspace.tasks.resolveBy', { time: clock(deadline) })}
        </p>
      )}
      {task.escalation > 0 && (
        <p className="task-escalation" data-escalation={task.escalation}>
          {task.escalation === 1
            ? t('workspace.tasks.escalation1')
            : t('workspace.tasks.escalation2', { level: task.escalation })}
        </p>
      )}
      {done && effect && (
        <p className="task-meta" data-effect={effect.verdict}>
          {t(`workspace.tasks.effect.${effect.verdict}`, {
            before: showMean(effect.before),
            after: showMean(effect.after),
          })}
        </p>
      )}
      {note && (
        <p className="task-note" data-public-note>
          {t('workspace.tasks.publicNote', { note: note.text[ctx.lang] })}
        </p>
      )}
      {action && (
        <button type="button" data-action={action} onClick={() => onMove(task, action)}>
          {t(`workspace.tasks.actions.${action}`)}
        </button>
      )}
    </li>
  );
}
