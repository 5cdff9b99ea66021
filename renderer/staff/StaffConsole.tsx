import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../core/alerts/tasks.ts';
import type { Language } from '../../core/languages.ts';
import { newerSnapshot } from '../../core/queue/newer-snapshot.ts';
import type {
  QueueCommandResult,
  QueueSnapshot,
  StaffAuth,
  StaffClientToServer,
  StaffCommand,
  StaffServerToClient,
} from '../../core/protocol.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { ConnectionStatus } from '../shared/components.tsx';
import { formatWait, nameOf } from '../shared/format.ts';
import { requestJson } from '../shared/http.ts';
import { describeFailure } from '../shared/refusals.ts';
import { TaskList, upsertTask } from '../shared/TaskList.tsx';
import { useSocket } from '../shared/use-socket.ts';

/** Keyboard shortcuts: a counter clerk keeps their hands on the keyboard. */
const SHORTCUTS: Record<string, StaffCommand['type']> = {
  n: 'call-next',
  r: 'recall',
  s: 'serve',
  x: 'no-show',
  p: 'park',
  o: 'open-counter',
  c: 'close-counter',
  b: 'break-counter',
};

/** One counter's console: its queue, the ticket at the desk, the commands, and live tasks. */
export function StaffConsole({
  venueId,
  initialCounter,
  departments,
  lang,
}: {
  venueId: string | null;
  initialCounter: string | null;
  departments: readonly string[];
  lang: Language;
}) {
  const { t } = useTranslation();
  const [queue, setQueue] = useState<QueueSnapshot | null>(null);
  const [venue, setVenue] = useState<PublicVenue | null>(null);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [counterId, setCounterId] = useState<string | null>(initialCounter);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [transferTo, setTransferTo] = useState('');
  // How long a break lasts, said to the hub so boards show when the counter is back and waits account for it.
  const [breakMinutes, setBreakMinutes] = useState(15);
  const auth: StaffAuth | null = venueId ? { venueId } : null;
  const { socket, connection } = useSocket<StaffServerToClient, StaffClientToServer>(
    '/staff',
    auth as Record<string, unknown> | null,
    (opened) => {
      opened.on('queue.snapshot', (snapshot) => setQueue((held) => newerSnapshot(held, snapshot)));
      opened.on('task.updated', (task) => setTasks((list) => upsertTask(list, task)));
    },
  );

  useEffect(() => {
    if (!venueId) return;
    requestJson<PublicVenue[]>('/api/venues').then(
      (venues) => setVenue(venues.find((v) => v.id === venueId) ?? null),
      () => undefined,
    );
  }, [venueId]);

  const run = useCallback(
    (command: StaffCommand) => {
      socket?.emit('queue.command', command, (result: QueueCommandResult) => {
        setMessage(
          result.ok
            ? {
                ok: true,
                text: t(`staff.commandDone.${command.type}`, {
                  ticket: result.ticket?.number ?? '',
                  defaultValue: t('staff.commandDone.other'),
                }),
              }
            : { ok: false, text: describeFailure(t, result, venue, lang) },
        );
      });
    },
    [socket, t, venue, lang],
  );

  const counter = queue?.counters.find((c) => c.counterId === counterId) ?? null;
  const command = useCallback(
    (type: StaffCommand['type']) => {
      if (!counterId) return;
      if (type === 'transfer') {
        if (transferTo) run({ type: 'transfer', counterId, toServiceId: transferTo });
        return;
      }
      if (type === 'break-counter') {
        run({ type, counterId, minutes: breakMinutes });
        return;
      }
      run({ type, counterId } as StaffCommand);
    },
    [counterId, run, transferTo, breakMinutes],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        event.target instanceof HTMLInputElement ||
        event.target instanceof HTMLSelectElement ||
        event.ctrlKey ||
        event.metaKey ||
        event.altKey
      )
        return;
      const type = SHORTCUTS[event.key.toLowerCase()];
      if (!type) return;
      event.preventDefault();
      command(type);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [command]);

  if (!venueId) return <p role="alert">{t('common.venueMissing')}</p>;
  const name = (list: Parameters<typeof nameOf>[0], id: string) => nameOf(list, id, lang);
  // The tasks of this clerk's departments (their account's, or ?department=); none set: all.
  const mine = tasks.filter((task) => departments.length === 0 || departments.includes(task.owner));

  return (
    <div className="staff">
      <header className="staff-header">
        <h1>{counterId ? name(venue?.counters, counterId) : t('staff.title')}</h1>
        <ConnectionStatus connection={connection} />
      </header>

      {!counter ? (
        <section aria-labelledby="choose-heading">
          <h2 id="choose-heading">{t('staff.chooseCounter')}</h2>
          <div className="counter-choice">
            {queue?.counters.map((c) => (
              <button
                key={c.counterId}
                type="button"
                data-counter={c.counterId}
                onClick={() => setCounterId(c.counterId)}
              >
                {name(venue?.counters, c.counterId)}
              </button>
            ))}
          </div>
        </section>
      ) : (
        <main className="staff-main">
          <section
            className="desk"
            aria-labelledby="desk-heading"
            data-counter={counter.counterId}
            data-status={counter.status}
          >
            <h2 id="desk-heading">{t('staff.atDesk')}</h2>
            <p className="counter-status">{t(`common.counterStatus.${counter.status}`)}</p>
            <p className={counter.nowServing ? 'desk-number' : 'desk-number desk-empty'} data-desk-number>
              {counter.nowServing ?? t('staff.nobody')}
            </p>
            {counter.onTheWay && <p className="on-the-way">{t('staff.onTheWay')}</p>}
            <div className="commands">
              <button
                type="button"
                className="primary"
                data-command="call-next"
                onClick={() => command('call-next')}
                aria-keyshortcuts="N"
              >
                {t('staff.callNext')}
              </button>
              <button type="button" data-command="recall" onClick={() => command('recall')} aria-keyshortcuts="R">
                {t('staff.recall')}
              </button>
              <button type="button" data-command="serve" onClick={() => command('serve')} aria-keyshortcuts="S">
                {t('staff.serve')}
              </button>
              <button type="button" data-command="no-show" onClick={() => command('no-show')} aria-keyshortcuts="X">
                {t('staff.noShow')}
              </button>
              <button type="button" data-command="park" onClick={() => command('park')} aria-keyshortcuts="P">
                {t('staff.park')}
              </button>
              <span className="transfer">
                <select
                  className="transfer-to"
                  aria-label={t('staff.transfer')}
                  value={transferTo}
                  onChange={(event) => setTransferTo(event.target.value)}
                >
                  <option value="">{t('staff.transfer')}</option>
                  {queue?.services.map((s) => (
                    <option key={s.serviceId} value={s.serviceId}>
                      {name(venue?.services, s.serviceId)}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  data-command="transfer"
                  disabled={!transferTo}
                  onClick={() => command('transfer')}
                >
                  {t('staff.transfer')}
                </button>
              </span>
            </div>
            <div className="commands">
              <button
                type="button"
                data-command="open-counter"
                onClick={() => command('open-counter')}
                aria-keyshortcuts="O"
              >
                {t('staff.open')}
              </button>
              <span className="transfer">
                <select
                  aria-label={t('staff.breakLength')}
                  value={breakMinutes}
                  onChange={(event) => setBreakMinutes(Number(event.target.value))}
                >
                  {[5, 10, 15, 30, 45, 60].map((minutes) => (
                    <option key={minutes} value={minutes}>
                      {t('common.minutes', { count: minutes })}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  data-command="break-counter"
                  onClick={() => command('break-counter')}
                  aria-keyshortcuts="B"
                >
                  {t('staff.break')}
                </button>
              </span>
              <button
                type="button"
                data-command="close-counter"
                onClick={() => command('close-counter')}
                aria-keyshortcuts="C"
              >
                {t('staff.close')}
              </button>
            </div>
            <p className="shortcuts">{t('staff.shortcuts')}</p>
            {message && (
              <p
                role={message.ok ? 'status' : 'alert'}
                className={message.ok ? 'result' : 'result error'}
                data-result={message.ok ? 'ok' : 'refused'}
              >
                {message.text}
              </p>
            )}
          </section>

          <section className="staff-queue" aria-labelledby="queue-heading">
            <h2 id="queue-heading">{t('staff.queue')}</h2>
            <table className="staff-queue-table">
              <thead>
                <tr>
                  <th scope="col">{t('board.service')}</th>
                  <th scope="col" className="num">
                    {t('board.waiting')}
                  </th>
                  <th scope="col">{t('board.nextNumbers')}</th>
                  <th scope="col">{t('board.postedWait')}</th>
                </tr>
              </thead>
              <tbody>
                {queue?.services
                  .filter((s) => counter.services.includes(s.serviceId))
                  .map((s) => (
                    <tr key={s.serviceId} data-service={s.serviceId}>
                      <th scope="row">{name(venue?.services, s.serviceId)}</th>
                      <td className="num" data-waiting>
                        {s.waiting}
                      </td>
                      <td data-next>
                        {s.next.map((number) => (
                          <span key={number} className="ticket-number" data-number>
                            {number}
                          </span>
                        ))}
                      </td>
                      <td className="wait">{formatWait(t, s.postedWaitMin)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>

          <section className="staff-tasks" aria-labelledby="tasks-heading" aria-live="polite">
            <h2 id="tasks-heading">{t('staff.tasks')}</h2>
            <TaskList
              venueId={venueId}
              tasks={mine}
              lang={lang}
              venue={venue}
              onError={(text) => setMessage({ ok: false, text })}
            />
          </section>
        </main>
      )}
    </div>
  );
}
