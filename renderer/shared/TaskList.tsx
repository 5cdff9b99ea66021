import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { DEFAULT_TASK_OWNER, type Task } from '../../core/alerts/tasks.ts';
import type { Language } from '../../core/languages.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { formatClock, nameOf } from './format.ts';
import { requestJson } from './http.ts';
import { describeError } from './refusals.ts';

/** Folds a pushed task into the list: newest first, a task replaced in place when it moves. */
export function upsertTask(tasks: readonly Task[], task: Task): Task[] {
  const rest = tasks.filter((t) => t.id !== task.id);
  return [task, ...rest].sort((a, b) => b.openedAt - a.openedAt);
}

const NEXT_ACTION: Partial<Record<Task['state'], { action: string; label: string }>> = {
  open: { action: 'acknowledge', label: 'staff.acknowledge' },
  acknowledged: { action: 'resolve', label: 'staff.resolve' },
};

/** What a subject id names: a touchpoint, `wait:<service>` or `device:<id>`, in the screen's language. */
function subjectName(subject: string, venue: PublicVenue | null | undefined, lang: Language): string {
  if (subject.startsWith('wait:')) return nameOf(venue?.services, subject.slice(5), lang);
  if (subject.startsWith('device:')) return subject.slice(7);
  return nameOf(venue?.touchpoints, subject, lang);
}

/**
 * A task's sentence in the screen's language, from its numbers (core/alerts/rules.ts TaskFacts);
 * a task opened before tasks carried them gets its rule's short text.
 */
export function taskText(t: TFunction, task: Task, venue: PublicVenue | null | undefined, lang: Language): string {
  const subject = subjectName(task.subject, venue, lang);
  const facts = task.facts;
  if (!facts) return t(`tasks.rules.${task.rule}`, { subject });
  const key = facts.variant
    ? `${task.rule}-${facts.variant}`
    : task.rule === 'wait-over-promise' && (facts.customers ?? 1) > 1
      ? 'wait-over-promise-customers'
      : task.rule;
  return t(`tasks.summaries.${key}`, {
    ...facts,
    subject,
    service: facts.serviceId === undefined ? subject : nameOf(venue?.services, facts.serviceId, lang),
    device: facts.deviceId ?? subject,
  });
}

/** Who a late task went to, in the screen's language (the venue's own names as they are). */
export function escalationText(t: TFunction, task: Task): string | null {
  const to = task.escalatedTo;
  if (task.escalation === 0 || !to) return null;
  if (!to.manager) return t('tasks.escalatedTo', { name: to.name });
  return to.name === null ? t('tasks.escalatedToManager') : t('tasks.escalatedToManagerNamed', { name: to.name });
}

/** Open tasks with their deadlines; staff acknowledge and resolve them here (the hub pushes the change back). */
export function TaskList({
  venueId,
  tasks,
  lang,
  venue,
  timeZone,
  onError,
}: {
  venueId: string;
  tasks: readonly Task[];
  lang: Language;
  venue?: PublicVenue | null;
  timeZone?: string;
  onError: (message: string) => void;
}) {
  const { t } = useTranslation();
  const shown = tasks.filter((task) => task.state !== 'verified');
  if (shown.length === 0) return <p className="empty">{t('staff.noTasks')}</p>;
  return (
    <ul className="tasks">
      {shown.map((task) => {
        const next = NEXT_ACTION[task.state];
        const deadline = task.state === 'open' ? task.ackDeadline : task.resolveDeadline;
        const escalated = escalationText(t, task);
        return (
          <li
            key={task.id}
            data-task={task.id}
            data-state={task.state}
            className={`task escalation-${task.escalation}`}
          >
            <p className="task-summary">{taskText(t, task, venue, lang)}</p>
            <p className="task-meta">
              {task.owner === DEFAULT_TASK_OWNER ? t('tasks.defaultOwner') : task.owner} ·{' '}
              <span data-task-state>{t(`tasks.states.${task.state}`)}</span> ·{' '}
              {deadline === null
                ? t('tasks.note')
                : t('staff.due', { time: formatClock(lang, deadline, timeZone ?? venue?.timezone) })}
            </p>
            {escalated && <p className="task-escalation">{escalated}</p>}
            {next && (
              <button
                type="button"
                data-action={next.action}
                onClick={() =>
                  void requestJson(
                    `/api/venues/${encodeURIComponent(venueId)}/tasks/${encodeURIComponent(task.id)}/${next.action}`,
                    { body: {} },
                  ).catch((error: unknown) => onError(describeError(t, error, venue, lang)))
                }
              >
                {t(next.label)}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
