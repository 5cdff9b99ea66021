import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../core/languages.ts';
import type { Venue } from '../../../core/venue.ts';
import { requestJson } from '../../shared/http.ts';
import { describeError } from '../../shared/refusals.ts';
import { ComparePage } from './Compare.tsx';
import type { PageContext } from './common.tsx';
import { HeatMapPage } from './HeatMap.tsx';
import { JourneyMapPage } from './JourneyMap.tsx';
import { MomentsPage } from './Moments.tsx';
import { OverviewPage } from './Overview.tsx';
import { PeakEndPage } from './PeakEnd.tsx';
import { ReasonsPage } from './Reasons.tsx';
import { SliceBar } from './SliceBar.tsx';
import { parseSlice, type Slice, sliceSearch, venueToday, WORKSPACE_PAGES } from './slicing.ts';
import { TaskBoardPage } from './TaskBoard.tsx';
import { useWorkspaceData, reportUrl } from './use-workspace-data.ts';
import { WaitsPage } from './Waits.tsx';
import './workspace.css';
import { managePageHref } from '../manage-links.ts';

/**
 * The manager's customer-experience workspace: an overview of the instruments, each on a page of
 * its own, all sliced by the same venue days and filters kept in the URL (docs/customer-experience.md).
 */
export function Workspace({ venueId, lang }: { venueId: string; lang: Language }) {
  const { t } = useTranslation();
  const [venues, setVenues] = useState<Venue[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [search, setSearch] = useState(window.location.search);

  useEffect(() => {
    requestJson<Venue[]>('/api/venues').then(setVenues, setLoadError);
    const back = () => setSearch(window.location.search);
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  const venue = venues?.find((v) => v.id === venueId) ?? null;
  const timeZone = venue?.timezone;
  // The venue's today, read once per page view: a view's preset names venue days.
  const today = useMemo(() => venueToday(timeZone, Date.now()), [timeZone]);
  const slice = useMemo(() => parseSlice(search, today), [search, today]);
  const data = useWorkspaceData(venueId, slice, timeZone, venue !== null);

  const href = (change: Partial<Slice>) => sliceSearch({ ...slice, ...change }, { venue: venueId, lang });
  const go = (change: Partial<Slice>) => {
    const next = href(change);
    window.history.pushState(null, '', next);
    setSearch(next);
  };

  if (loadError) return <p role="alert">{describeError(t, loadError, null, lang)}</p>;
  if (!venues) return <p className="loading">{t('common.connecting')}</p>;
  if (!venue) return <p role="alert">{t('common.venueMissing')}</p>;

  const ctx: PageContext = { venueId, venue, slice, lang, href, go };
  const errors = [
    data.analytics.error,
    slice.compare ? data.previous.error : null,
    slice.compare ? data.previousOperations.error : null,
  ].filter(Boolean);
  const late = (data.tasks.value ?? []).filter((task) => task.state !== 'verified' && task.escalation > 0);

  return (
    <div className="workspace">
      <header className="ws-header">
        <div>
          <h1>{venue.name}</h1>
          <p className="subtitle">{t('workspace.title')}</p>
        </div>
        <nav aria-label={t('workspace.otherPages')} className="ws-links">
          <a className="button" data-link="live" href={managePageHref(venueId, lang, 'live')}>
            {t('workspace.live')}
          </a>
          <a className="button" data-link="operations" href={managePageHref(venueId, lang, 'operations')}>
            {t('operations.openOperations')}
          </a>
          <a className="button" data-download="xlsx" href={reportUrl(venueId, slice, lang, 'xlsx')} download>
            {t('workspace.downloadXlsx')}
          </a>
          <a className="button" data-download="pdf" href={reportUrl(venueId, slice, lang, 'pdf')} download>
            {t('workspace.downloadPdf')}
          </a>
        </nav>
      </header>
      <div className="ws-body">
        <nav aria-label={t('workspace.instruments')} className="ws-nav">
          <ul>
            {WORKSPACE_PAGES.map((page) => (
              <li key={page}>
                <a
                  href={href({ page })}
                  data-page-link={page}
                  aria-current={page === slice.page ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    go({ page });
                  }}
                >
                  {t(`workspace.pages.${page}.title`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main
          className="ws-main"
          data-page={slice.page}
          data-range={`${slice.from}/${slice.to}`}
          data-query={data.query}
          data-loading={data.analytics.loading || data.analytics.value === null ? 'true' : 'false'}
        >
          {/* Alerts first: they ask for action, the rest is for reading (docs/screens.md). */}
          {errors.map((error, i) => (
            <p role="alert" className="banner bad" key={String(i)}>
              {describeError(t, error, venue, lang)}
            </p>
          ))}
          {late.length > 0 && slice.page !== 'tasks' && (
            <p role="alert" className="banner warn" data-late-tasks={late.length}>
              {t('workspace.lateTasks', { count: late.length })}{' '}
              <a href={href({ page: 'tasks' })}>{t('workspace.pages.tasks.title')}</a>
            </p>
          )}
          <SliceBar ctx={ctx} />
          <h2 className="page-title">{t(`workspace.pages.${slice.page}.title`)}</h2>
          <p className="page-lead">{t(`workspace.pages.${slice.page}.lead`)}</p>
          <Page ctx={ctx} data={data} venues={venues} />
        </main>
      </div>
    </div>
  );
}

function Page({ ctx, data, venues }: { ctx: PageContext; data: ReturnType<typeof useWorkspaceData>; venues: Venue[] }) {
  const analytics = data.analytics.value;
  switch (ctx.slice.page) {
    case 'overview':
      return <OverviewPage ctx={ctx} data={data} />;
    case 'journey':
      return <JourneyMapPage ctx={ctx} analytics={analytics} previous={data.previous.value} />;
    case 'mots':
    case 'pain':
    case 'sweet':
      return <MomentsPage ctx={ctx} analytics={analytics} previous={data.previous.value} focus={ctx.slice.page} />;
    case 'heatmap':
      return <HeatMapPage ctx={ctx} analytics={analytics} previous={data.previous.value} />;
    case 'peakend':
      return <PeakEndPage ctx={ctx} analytics={analytics} previous={data.previous.value} />;
    case 'reasons':
      return <ReasonsPage ctx={ctx} analytics={analytics} previous={data.previous.value} />;
    case 'waits':
      return <WaitsPage ctx={ctx} data={data} />;
    case 'tasks':
      return <TaskBoardPage ctx={ctx} data={data} />;
    case 'compare':
      return <ComparePage ctx={ctx} analytics={analytics} venues={venues} />;
  }
}
