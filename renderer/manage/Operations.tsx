import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FigureGroup, OUTCOMES, type OperationsReport } from '../../core/analytics/operations.ts';
import type { Language } from '../../core/languages.ts';
import type { Venue } from '../../core/venue.ts';
import { AXIS_STYLE, Chart, TOOLTIP_STYLE } from '../shared/Chart.tsx';
import { nameOf } from '../shared/format.ts';
import { ApiError, requestJson } from '../shared/http.ts';
import './operations.css';
import { managePageHref } from './manage-links.ts';

interface VenueRow {
  venueId: string;
  name: string;
  total: FigureGroup;
}

/** A figure as the API gives it (already rounded), so the page and the API show the same numbers. */
const shown = (value: number | null) => (value === null ? '–' : String(value));

/** The figure columns every table shares: outcomes, then wait and service time. */
const FIELDS: { field: string; value: (g: FigureGroup) => number | null }[] = [
  { field: 'tickets', value: (g) => g.tickets },
  ...OUTCOMES.map((o) => ({ field: `outcomes.${o}`, value: (g: FigureGroup) => g.outcomes[o] })),
  { field: 'wait.meanMin', value: (g) => g.wait.meanMin },
  { field: 'wait.medianMin', value: (g) => g.wait.medianMin },
  { field: 'wait.p90Min', value: (g) => g.wait.p90Min },
  { field: 'wait.withinPostedPct', value: (g) => g.wait.withinPostedPct },
  { field: 'service.meanMin', value: (g) => g.service.meanMin },
  { field: 'service.medianMin', value: (g) => g.service.medianMin },
];

function FiguresTable({
  id,
  title,
  groups,
  nameOfGroup,
  extra,
}: {
  id: string;
  title: string;
  groups: FigureGroup[];
  nameOfGroup: (key: string) => string;
  /** More columns after the shared ones (a counter's open, break and idle time). */
  extra?: { title: string; field: string; value: (key: string) => number | null }[];
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={`${id}-heading`} className="wide">
      <h2 id={`${id}-heading`}>{title}</h2>
      <div className="table-scroll">
        <table className="figures" data-section={id}>
          <thead>
            <tr>
              <th scope="col">{t('operations.name')}</th>
              {FIELDS.map(({ field }) => (
                <th scope="col" className="num" key={field}>
                  {t(`operations.columns.${field.replace('.', '_')}`)}
                </th>
              ))}
              {extra?.map((column) => (
                <th scope="col" className="num" key={column.field}>
                  {column.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.key} data-group={group.key}>
                <th scope="row">{nameOfGroup(group.key)}</th>
                {FIELDS.map(({ field, value }) => (
                  <td className="num" key={field} data-field={field}>
                    {shown(value(group))}
                  </td>
                ))}
                {extra?.map((column) => (
                  <td className="num" key={column.field} data-field={column.field}>
                    {shown(column.value(group.key))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Tickets per hour of the day as bars; the busiest hours are also written out beside them. */
function HourBars({ report }: { report: OperationsReport }) {
  const { t } = useTranslation();
  const busiest = report.busiestHours.map((h) => t('operations.hourTickets', { hour: h.hour, count: h.tickets }));
  const option = {
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE },
    xAxis: { type: 'category', data: report.byHour.map((h) => h.key), ...AXIS_STYLE },
    yAxis: { type: 'value', minInterval: 1, ...AXIS_STYLE },
    series: [
      {
        type: 'bar',
        name: t('operations.columns.tickets'),
        color: '#38bdf8',
        data: report.byHour.map((h) => h.tickets),
      },
    ],
  };
  return (
    <section aria-labelledby="busiest-heading" className="wide">
      <h2 id="busiest-heading">{t('operations.busiestHours')}</h2>
      <p data-busiest>{busiest.length > 0 ? busiest.join(' · ') : t('operations.noTickets')}</p>
      <Chart title={`${t('operations.ticketsByHour')}: ${busiest.join(', ')}`} option={option} height={220} />
    </section>
  );
}

/**
 * Operations statistics of one venue over whole days of its calendar (docs/operations.md):
 * rendered from GET /api/venues/:id/reports/operations, the same numbers the API and its CSV and
 * XLSX files give.
 */
export function Operations({ venueId, lang }: { venueId: string | null; lang: Language }) {
  const { t } = useTranslation();
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [report, setReport] = useState<OperationsReport | null>(null);
  const [venues, setVenues] = useState<Venue[]>([]);
  const [comparison, setComparison] = useState<VenueRow[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    requestJson<Venue[]>('/api/venues').then(setVenues, () => undefined);
  }, []);

  const query = new URLSearchParams(
    Object.entries(range).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  useEffect(() => {
    if (!venueId) return;
    const failed = (failure: unknown) => setError(failure instanceof ApiError ? failure.message : String(failure));
    requestJson<OperationsReport>(`/api/venues/${encodeURIComponent(venueId)}/reports/operations?${query}`).then(
      (next) => {
        setReport(next);
        setError(null);
      },
      failed,
    );
    requestJson<{ venues: VenueRow[] }>(`/api/reports/operations?${query}`).then(
      (next) => setComparison(next.venues),
      failed,
    );
  }, [venueId, query]);

  if (!venueId) return <p role="alert">{t('common.venueMissing')}</p>;
  const venue = venues.find((v) => v.id === venueId);
  const fileUrl = (format: 'csv' | 'xlsx') =>
    `/api/venues/${encodeURIComponent(venueId)}/reports/operations?` +
    new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(query)), format, lang }).toString();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setRange({ from: String(form.get('from') ?? ''), to: String(form.get('to') ?? '') });
  }

  const times = (counterId: string) => report?.counters.find((c) => c.counterId === counterId);
  const counterIds = report
    ? [...new Set([...report.byCounter.map((g) => g.key), ...report.counters.map((c) => c.counterId)])]
    : [];
  const emptyGroup = (key: string): FigureGroup => ({
    key,
    tickets: 0,
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as FigureGroup['outcomes'],
    wait: { count: 0, meanMin: null, medianMin: null, p90Min: null, withinPostedPct: null, postedCount: 0 },
    service: { count: 0, meanMin: null, medianMin: null },
    promise: { promised: 0, kept: 0, keptPct: null, maeMin: null, longWaits: { count: 0, meanActualOverPosted: null } },
  });

  return (
    <div className="dashboard operations">
      <header className="dashboard-header">
        <div>
          <h1>{venue?.name ?? venueId}</h1>
          <p className="subtitle">{t('operations.title')}</p>
        </div>
        <nav aria-label={t('operations.pages')}>
          <a className="button" href={managePageHref(venueId, lang)}>
            {t('operations.backToDashboard')}
          </a>
        </nav>
      </header>
      <form className="range-form" onSubmit={submit} key={report ? `${report.from}/${report.to}` : 'none'}>
        <label>
          {t('operations.from')}
          <input type="date" name="from" defaultValue={report?.from} required />
        </label>
        <label>
          {t('operations.to')}
          <input type="date" name="to" defaultValue={report?.to} required />
        </label>
        <button type="submit" className="primary">
          {t('operations.show')}
        </button>
        <a className="button" href={fileUrl('csv')} download data-download="csv">
          {t('operations.downloadCsv')}
        </a>
        <a className="button" href={fileUrl('xlsx')} download data-download="xlsx">
          {t('operations.downloadXlsx')}
        </a>
      </form>
      {error && (
        <p role="alert" className="banner bad">
          {error}
        </p>
      )}
      {report && (
        <main className="dashboard-grid" data-range={`${report.from}/${report.to}`}>
          <FiguresTable
            id="total"
            title={t('operations.total')}
            groups={[report.total]}
            nameOfGroup={() => t('operations.allTickets')}
          />
          <FiguresTable
            id="service"
            title={t('operations.byService')}
            groups={report.byService}
            nameOfGroup={(key) => nameOf(venue?.services, key, lang)}
          />
          <FiguresTable
            id="counter"
            title={t('operations.byCounter')}
            groups={counterIds.map((id) => report.byCounter.find((g) => g.key === id) ?? emptyGroup(id))}
            nameOfGroup={(key) => nameOf(venue?.counters, key, lang)}
            extra={[
              { title: t('operations.openMin'), field: 'openMin', value: (id) => times(id)?.openMin ?? null },
              { title: t('operations.breakMin'), field: 'breakMin', value: (id) => times(id)?.breakMin ?? null },
              { title: t('operations.idleMin'), field: 'idleMin', value: (id) => times(id)?.idleMin ?? null },
            ]}
          />
          {report.byClerk && (
            <FiguresTable
              id="clerk"
              title={t('operations.byClerk')}
              groups={report.byClerk}
              nameOfGroup={(key) => key}
            />
          )}
          <HourBars report={report} />
          <FiguresTable
            id="hour"
            title={t('operations.byHour')}
            groups={report.byHour.filter((h) => h.tickets > 0)}
            nameOfGroup={(key) => `${key}:00`}
          />
          <FiguresTable id="day" title={t('operations.byDay')} groups={report.byDay} nameOfGroup={(key) => key} />
          {comparison.length > 1 && (
            <FiguresTable
              id="venue"
              title={t('operations.venueAgainstVenue')}
              groups={comparison.map((row) => ({ ...row.total, key: row.venueId }))}
              nameOfGroup={(key) => comparison.find((row) => row.venueId === key)?.name ?? key}
            />
          )}
        </main>
      )}
    </div>
  );
}
