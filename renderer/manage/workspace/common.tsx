import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../core/languages.ts';
import type { Venue } from '../../../core/venue.ts';
import { nameOf } from '../../shared/format.ts';
import { reportUrl } from './use-workspace-data.ts';
import type { Slice } from './slicing.ts';

/** What every workspace page gets: the venue's configuration, the view, the language. */
export interface PageContext {
  venueId: string;
  venue: Venue;
  slice: Slice;
  lang: Language;
  /** A link to another view of the workspace (same venue and language). */
  href: (change: Partial<Slice>) => string;
  go: (change: Partial<Slice>) => void;
}

/** What a page drawn from the analytics takes: this view's answer, and the previous period's when it compares. */
export interface AnalyticsPageProps {
  ctx: PageContext;
  analytics: VenueAnalytics | null;
  previous: VenueAnalytics | null;
}

/** Figures as the pages write them (the e2e test applies the same rules to the API's numbers). */
export const showIndex = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : String(Math.round(value));
export const showMean = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : oneDecimal(value);
/** One decimal, without the "-0.0" of a tiny negative. */
export const oneDecimal = (value: number) => {
  const text = value.toFixed(1);
  return text === '-0.0' ? '0.0' : text;
};

/** Names in the page's language for what the analytics name by id; never the id itself. */
export function useNames(venue: Venue, lang: Language) {
  const { t } = useTranslation();
  const touchpoint = (id: string): string => {
    if (id.startsWith('wait:')) return t('manage.waitMoment', { service: nameOf(venue.services, id.slice(5), lang) });
    const known = venue.touchpoints.find((tp) => tp.id === id);
    if (known) return known.name[lang];
    if (id === 'phone') return t('workspace.phoneRating');
    return t('workspace.removedTouchpoint');
  };
  const segment = (id: string | null, unattributed = false): string => {
    if (unattributed) return t('workspace.unattributed');
    if (id === null) return t('workspace.noSegment');
    return venue.segments.find((s) => s.id === id)?.name[lang] ?? t('workspace.removedSegment');
  };
  const service = (id: string) => nameOf(venue.services, id, lang);
  return { touchpoint, segment, service };
}

/**
 * A colour class for a score, from very bad to very good: happy index -100..100, or mean
 * experience -5..5. Each class keeps white text above 4.5:1 (workspace.css).
 */
export function scoreClass(value: number | null | undefined, metric: 'happy' | 'mean'): string {
  if (value === null || value === undefined) return 'score-none';
  const unit = metric === 'happy' ? value / 100 : value / 5;
  if (unit <= -0.4) return 'score-1';
  if (unit < 0) return 'score-2';
  if (unit < 0.3) return 'score-3';
  if (unit < 0.6) return 'score-4';
  return 'score-5';
}

/** A panel of a page with its heading and, for a table, the button that downloads it as CSV. */
export function Panel({
  id,
  title,
  table,
  ctx,
  wide = true,
  children,
}: {
  id: string;
  title: string;
  table?: string;
  ctx: PageContext;
  wide?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={`${id}-heading`} className={wide ? 'panel wide' : 'panel'} data-panel={id}>
      <div className="panel-head">
        <h3 id={`${id}-heading`}>{title}</h3>
        {table && (
          <a
            className="button"
            href={reportUrl(ctx.venueId, ctx.slice, ctx.lang, 'csv', table)}
            download
            data-csv={table}
            aria-label={t('workspace.downloadTable', { table: title })}
          >
            {t('workspace.csv')}
          </a>
        )}
      </div>
      {children}
    </section>
  );
}

/** Shown where a period has nothing to draw. */
export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return <p className="empty">{children ?? t('workspace.noData')}</p>;
}

/** Beside a change: whether the hub's Welch test puts it beyond noise, with the reason in a tooltip. */
export function NoiseMark({ significant }: { significant: boolean }) {
  const { t } = useTranslation();
  const key = significant ? 'beyondNoise' : 'withinNoise';
  return (
    <span className="noise-mark" data-significant={String(significant)} title={t(`workspace.compare.${key}Hint`)}>
      {t(`workspace.compare.${key}`)}
    </span>
  );
}

/** A row of a this-period/previous-period table. */
export interface PeriodRow {
  key: string;
  label: string;
  now: number | null | undefined;
  before: number | null | undefined;
  /** Whether the hub's test puts the change beyond noise; undefined where it tests none (counts). */
  significant?: boolean;
  show: (v: number | null | undefined) => string;
}

const change = ({ now, before, show }: PeriodRow) =>
  now == null || before == null ? '–' : `${now - before >= 0 ? '+' : ''}${show(now - before)}`;

/** Figures of this period beside the previous one's, with the change and its noise mark when `withChange`. */
export function PeriodTable({ name, rows, withChange }: { name: string; rows: PeriodRow[]; withChange?: boolean }) {
  const { t } = useTranslation();
  return (
    <table data-table={name}>
      <thead>
        <tr>
          <th scope="col">{t('workspace.compare.figure')}</th>
          <th scope="col" className="num">
            {t('workspace.compare.thisPeriod')}
          </th>
          <th scope="col" className="num">
            {t('workspace.compare.previousPeriod')}
          </th>
          {withChange && (
            <th scope="col" className="num">
              {t('workspace.compare.change')}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-figure={r.key}>
            <th scope="row">{r.label}</th>
            <td className="num" data-now>
              {r.show(r.now)}
            </td>
            <td className="num" data-before>
              {r.show(r.before)}
            </td>
            {withChange && (
              <td className="num" data-change>
                {change(r)}
                {r.significant !== undefined && r.now != null && r.before != null && (
                  <>
                    {' '}
                    <NoiseMark significant={r.significant} />
                  </>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
