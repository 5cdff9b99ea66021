import { useTranslation } from 'react-i18next';
import type { Task } from '../../core/alerts/tasks.ts';
import { formatClock } from './format.ts';
import { requestJson } from './http.ts';

/** Folds a pushed task into the list: newest first, a task replaced in place when it moves. */
export function upsertTask(tasks: readonly Task[], task: Task): Task[] {
  const rest = tasks.filter((t) => t.id !== task.id);
  return [task, ...rest].sort((a, b) => b.openedAt - a.openedAt);
}

const NEXT_ACTION: Partial<Record<Task['state'], { action: string; label: string }>> = {
  open: { action: 'acknowledge', label: 'staff.acknowledge' },
  acknowledged: { action: 'resolve', label: 'staff.resolve' },
};

/** Open tasks with their deadlines; staff acknowledge and resolve them here (the hub pushes the change back). */
export function TaskList({
  venueId,
  tasks,
  lang,
  timeZone,
  onError,
}: {
  venueId: string;
  tasks: readonly Task[];
  lang: string;
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
        return (
          <li
            key={task.id}
            data-task={task.id}
            data-state={task.state}
            className={`task escalation-${task.escalation}`}
          >
            <p className="task-summary">{task.summary}</p>
            <p className="task-meta">
              {task.owner} · {task.state} · {t('staff.due', { time: formatClock(lang, deadline, timeZone) })}
            </p>
            {next && (
              <button
                type="button"
                data-action={next.action}
                onClick={() =>
                  void requestJson(
                    `/api/venues/${encodeURIComponent(venueId)}/tasks/${encodeURIComponent(task.id)}/${next.action}`,
                    { body: {} },
                  ).catch((error: Error) => onError(error.message))
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
