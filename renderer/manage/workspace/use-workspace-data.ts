import { useEffect, useState } from 'react';
import type { Task } from '../../../core/alerts/tasks.ts';
import type { OperationsReport } from '../../../core/analytics/operations.ts';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import type { WaitRecord } from '../../../core/protocol.ts';
import { addDays } from './slicing.ts';
import { venueDayStart } from '../../shared/format.ts';
import { requestJson } from '../../shared/http.ts';
import { previousRange, type Slice } from './slicing.ts';

/** One answer of the hub: its value, or the error that kept it away. */
export interface Answer<T> {
  value: T | null;
  error: unknown;
  loading: boolean;
}

/** GET a URL whenever it changes (null: nothing to ask); an earlier answer never overwrites a later one. */
export function useAnswer<T>(url: string | null, refresh = 0): Answer<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ value: null, error: null, loading: url !== null });
  // biome-ignore lint/correctness/useExhaustiveDependencies(refresh): a new refresh count asks again
  useEffect(() => {
    if (!url) return;
    let current = true;
    setAnswer((previous) => ({ ...previous, loading: true }));
    requestJson<T>(url).then(
      (value) => current && setAnswer({ value, error: null, loading: false }),
      (error: unknown) => current && setAnswer({ value: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [url, refresh]);
  return answer;
}

const venuePath = (venueId: string) => `/api/venues/${encodeURIComponent(venueId)}`;

/**
 * The analytics query of a view: the venue days as the instants that bound them in the venue's
 * zone, and the filters. The page shows exactly what this query answers (the e2e test asks the
 * same URL and compares).
 */
export function analyticsQuery(
  range: { from: string; to: string },
  slice: Pick<Slice, 'segment' | 'stage' | 'touchpoint'>,
  timeZone: string | undefined,
): URLSearchParams {
  const q = new URLSearchParams({
    from: String(venueDayStart(range.from, timeZone)),
    to: String(venueDayStart(addDays(range.to, 1), timeZone)),
  });
  if (slice.segment) q.set('segment', slice.segment);
  if (slice.stage) q.set('stage', slice.stage);
  if (slice.touchpoint) q.set('touchpoint', slice.touchpoint);
  return q;
}

export function analyticsUrl(venueId: string, query: URLSearchParams): string {
  return `${venuePath(venueId)}/analytics?${query.toString()}`;
}

/**
 * The downloads of the CX report (GET .../reports/cx) for the view's days, in the page's language.
 * The report covers the whole venue: the route takes days, format, language and table only.
 */
export function reportUrl(
  venueId: string,
  slice: Pick<Slice, 'from' | 'to'>,
  lang: string,
  format: 'csv' | 'xlsx' | 'pdf',
  table?: string,
): string {
  const q = new URLSearchParams({ from: slice.from, to: slice.to, format, lang });
  if (table) q.set('table', table);
  return `${venuePath(venueId)}/reports/cx?${q.toString()}`;
}

/**
 * Pages that compare figures the hub's compare=previous block does not carry (happy index, impact,
 * the visits' average, heat map cells, reasons): these still read the previous period's whole analytics.
 */
const NEEDS_PREVIOUS: ReadonlySet<Slice['page']> = new Set([
  'journey',
  'mots',
  'pain',
  'sweet',
  'peakend',
  'heatmap',
  'reasons',
]);

/** What every workspace page reads for a view: the analytics (and the previous period's), tasks, waits, operations. */
export function useWorkspaceData(venueId: string, slice: Slice, timeZone: string | undefined, ready: boolean) {
  const query = analyticsQuery(slice, slice, timeZone);
  // The hub tests each change against noise (compare=previous): the Compare page reads that block.
  if (slice.compare || slice.page === 'compare') query.set('compare', 'previous');
  const analytics = useAnswer<VenueAnalytics>(ready ? analyticsUrl(venueId, query) : null);
  const previous = useAnswer<VenueAnalytics>(
    ready && slice.compare && NEEDS_PREVIOUS.has(slice.page)
      ? analyticsUrl(venueId, analyticsQuery(previousRange(slice), slice, timeZone))
      : null,
  );
  const [taskRefresh, setTaskRefresh] = useState(0);
  const tasks = useAnswer<Task[]>(ready ? `${venuePath(venueId)}/tasks` : null, taskRefresh);
  const waits = useAnswer<WaitRecord[]>(
    ready && (slice.page === 'waits' || slice.page === 'overview')
      ? `${venuePath(venueId)}/queue/waits?from=${query.get('from')}`
      : null,
  );
  const operations = useAnswer<OperationsReport>(
    ready && slice.page === 'waits'
      ? `${venuePath(venueId)}/reports/operations?from=${slice.from}&to=${slice.to}`
      : null,
  );
  // Promises kept and their error over the previous period's days, when the waits page compares.
  const before = previousRange(slice);
  const previousOperations = useAnswer<OperationsReport>(
    ready && slice.compare && slice.page === 'waits'
      ? `${venuePath(venueId)}/reports/operations?from=${before.from}&to=${before.to}`
      : null,
  );
  return {
    query: query.toString(),
    analytics,
    previous,
    tasks,
    waits,
    operations,
    previousOperations,
    refreshTasks: () => setTaskRefresh((n) => n + 1),
  };
}

export type WorkspaceData = ReturnType<typeof useWorkspaceData>;
