import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../core/alerts/tasks.ts';
import type { Language } from '../../core/languages.ts';
import type { ManageClientToServer, ManageServerToClient } from '../../core/protocol.ts';
import { Chart, SERIES_COLOURS, timeSeriesOption } from '../shared/Chart.tsx';
import { ConnectionStatus } from '../shared/components.tsx';
import { nameOf, startOfDayIn } from '../shared/format.ts';
import { ServiceWaits } from '../shared/QueuePanels.tsx';
import { TaskList, upsertTask } from '../shared/TaskList.tsx';
import { useSocket } from '../shared/use-socket.ts';
import { useVenueLive } from '../shared/venue-state.ts';
import { JourneyEditor } from './JourneyEditor.tsx';
import { ProgrammeEditor } from './ProgrammeEditor.tsx';
import { useTodayAnalytics, useTodayWaits } from './use-analytics.ts';
import { managePageHref } from './manage-links.ts';

/**
 * The manager's view of one venue, live: waits (posted vs actual), counters, touchpoint scores
 * and their trend, device health, and the alerts and tasks of the closed loop.
 */
export function Dashboard({ venueId, lang }: { venueId: string | null; lang: Language }) {
  const { t } = useTranslation();
  const { data, connection } = useVenueLive(venueId, null);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [error, setError] = useState<string | null>(null);
  useSocket<ManageServerToClient, ManageClientToServer>('/manage', venueId ? { venueId } : null, (socket) => {
    socket.on('task.updated', (task) => setTasks((list) => upsertTask(list, task)));
  });
  // "Today" is the venue's day, wherever the manager's browser is.
  const today = useMemo(() => startOfDayIn(data.venue?.timezone), [data.venue?.timezone]);
  // Today until the end of the current hour (ms); moves on as the data does.
  // biome-ignore lint/correctness/useExhaustiveDependencies: new data is the moment to read the clock again
  const todayRange = useMemo(
    (): [number, number] => [today, Math.ceil(Date.now() / 3_600_000) * 3_600_000],
    [today, data.queue?.version, data.counts],
  );
  const analytics = useTodayAnalytics(venueId ?? '', today, data.counts);
  const waits = useTodayWaits(venueId ?? '', today, data.queue?.version);
  const venue = data.venue;
  const name = (list: Parameters<typeof nameOf>[0], id: string) => nameOf(list, id, lang);

  // Waiting is scored as a moment of its own per service ("wait:<service id>", core/analytics).
  const momentName = (id: string) =>
    id.startsWith('wait:')
      ? t('manage.waitMoment', { service: name(venue?.services, id.slice(5)) })
      : name(venue?.touchpoints, id);

  const timeZone = venue?.timezone;
  const waitChart = useMemo(
    () =>
      timeSeriesOption({
        series: [
          {
            name: t('manage.posted'),
            color: '#38bdf8',
            dots: true,
            points: waits.map((w) => [w.calledAt, w.postedWaitMin]),
          },
          {
            name: t('manage.actual'),
            color: '#facc15',
            dots: true,
            points: waits.map((w) => [w.calledAt, w.actualWaitMin]),
          },
        ],
        timeZone,
        lang,
        xRange: todayRange,
      }),
    [waits, t, timeZone, lang, todayRange],
  );

  const overall = analytics?.touchpoints.filter((row) => row.segmentId === null) ?? [];
  // biome-ignore lint/correctness/useExhaustiveDependencies: the analytics answer is what changes the trend
  const trendChart = useMemo(
    () =>
      timeSeriesOption({
        series: overall.map((row, i) => ({
          name: momentName(row.touchpointId),
          color: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
          points: row.trend.map((p): [number, number | null] => [p.from, p.meanExperience]),
        })),
        timeZone,
        lang,
        xRange: todayRange,
      }),
    [analytics, timeZone, lang, todayRange],
  );

  if (!venueId) return <p role="alert">{t('common.venueMissing')}</p>;

  return (
    <div className="dashboard">
      <header className="dashboard-header">
        <div>
          <h1>{venue?.name ?? venueId}</h1>
          <p className="subtitle">{t('manage.title')}</p>
        </div>
        <nav aria-label={t('operations.pages')} className="dashboard-nav">
          <a className="button" data-link="workspace" href={managePageHref(venueId, lang)}>
            {t('workspace.title')}
          </a>
          <a className="button" data-link="operations" href={managePageHref(venueId, lang, 'operations')}>
            {t('operations.openOperations')}
          </a>
          <ConnectionStatus connection={connection} />
        </nav>
      </header>
      {error && (
        <p role="alert" className="banner bad">
          {error}
        </p>
      )}
      <main className="dashboard-grid">
        {/* Alerts first: they ask for action, the rest is for reading (docs/screens.md). */}
        <section aria-labelledby="tasks-heading" className="wide">
          <h2 id="tasks-heading">{t('manage.tasks')}</h2>
          <TaskList venueId={venueId} tasks={tasks} lang={lang} venue={venue} onError={setError} />
        </section>
        <section aria-labelledby="waits-live">
          <h2 id="waits-live" className="visually-hidden">
            {t('manage.waits')}
          </h2>
          {data.queue && <ServiceWaits queue={data.queue} venue={venue} lang={lang} />}
        </section>

        <section aria-labelledby="posted-heading">
          <h2 id="posted-heading">{t('manage.postedVsActual')}</h2>
          <Chart title={t('manage.postedVsActual')} option={waitChart} />
        </section>

        <section aria-labelledby="counters-heading">
          <h2 id="counters-heading">{t('manage.counters')}</h2>
          <table>
            <tbody>
              {data.queue?.counters.map((counter) => (
                <tr key={counter.counterId} data-counter={counter.counterId}>
                  <th scope="row">{name(venue?.counters, counter.counterId)}</th>
                  <td data-status={counter.status}>{t(`common.counterStatus.${counter.status}`)}</td>
                  <td>{counter.nowServing ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="scores-heading">
          <h2 id="scores-heading">{t('manage.scores')}</h2>
          <table className="scores">
            <thead>
              <tr>
                <th scope="col">{t('board.touchpoint')}</th>
                <th scope="col" className="num">
                  {t('manage.happyIndex')}
                </th>
                <th scope="col" className="num">
                  {t('manage.volume')}
                </th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {(venue?.touchpoints ?? []).map((touchpoint) => {
                const row = overall.find((r) => r.touchpointId === touchpoint.id);
                const index = row?.happyIndex ?? null;
                const target = touchpoint.target;
                return (
                  <tr
                    key={touchpoint.id}
                    data-touchpoint={touchpoint.id}
                    className={index !== null && target !== undefined && index < target ? 'below-target' : ''}
                  >
                    <th scope="row">{touchpoint.name[lang]}</th>
                    <td className="num" data-happy-index>
                      {index === null ? '–' : Math.round(index)}
                    </td>
                    <td className="num" data-volume>
                      {row?.volume ?? 0}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="trend-heading">
          <h2 id="trend-heading">{t('manage.trend')}</h2>
          <Chart title={t('manage.trend')} option={trendChart} />
        </section>

        <section aria-labelledby="devices-heading">
          <h2 id="devices-heading">{t('manage.devices')}</h2>
          <ul className="health">
            {data.devices.map((device) => (
              <li key={device.deviceId} data-device={device.deviceId} className={device.connected ? 'ok' : 'bad'}>
                {device.name}: {device.connected ? t('board.connected') : t('board.offline')}
              </li>
            ))}
            {data.components
              .filter((c) => c.state !== 'ready')
              .map((component) => (
                <li
                  key={`${component.deviceId}/${component.component}`}
                  data-component={component.component}
                  data-state={component.state}
                  className="bad"
                >
                  {component.deviceId} / {component.component}:{' '}
                  {t(`kiosk.adminStates.codes.${component.code ?? component.state}`, {
                    defaultValue: t(`kiosk.adminStates.device.${component.state}`, { defaultValue: component.state }),
                  })}
                </li>
              ))}
          </ul>
        </section>

        {venue && (
          <section aria-labelledby="journey-heading" className="wide">
            <h2 id="journey-heading">{t('manage.journey.title')}</h2>
            <JourneyEditor venueId={venueId} venue={venue} lang={lang} />
          </section>
        )}
        {venue && (
          <section aria-labelledby="programme-heading" className="wide">
            <h2 id="programme-heading">{t('manage.programme.title')}</h2>
            <ProgrammeEditor venueId={venueId} venue={venue} lang={lang} />
          </section>
        )}
      </main>
    </div>
  );
}
