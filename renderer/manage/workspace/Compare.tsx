import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import type { Venue } from '../../../core/venue.ts';
import { AXIS_STYLE, Chart, TOOLTIP_STYLE } from '../../shared/Chart.tsx';
import { type PageContext, Panel, type PeriodRow, PeriodTable, showMean, useNames } from './common.tsx';
import { previousRange } from './slicing.ts';
import { analyticsQuery, analyticsUrl, useAnswer } from './use-workspace-data.ts';

/** A figure of the venue-against-venue table, read from either venue's answer. */
interface Figure {
  key: string;
  label: string;
  value: (a: VenueAnalytics) => number | null;
  show: (v: number | null) => string;
}

/**
 * The view's figures against the previous period of the same length (the hub's compare=previous,
 * each change tested against noise), and (for a manager of several venues) against another venue
 * over the same days.
 */
export function ComparePage({
  ctx,
  analytics,
  venues,
}: {
  ctx: PageContext;
  analytics: VenueAnalytics | null;
  venues: Venue[];
}) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const id = useId();
  const others = venues.filter((v) => v.id !== ctx.venueId);
  const against = others.find((v) => v.id === ctx.slice.against) ?? null;
  const other = useAnswer<VenueAnalytics>(
    against ? analyticsUrl(against.id, analyticsQuery(ctx.slice, ctx.slice, against.timezone)) : null,
  );
  const before = previousRange(ctx.slice);
  const count = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
  const compare = analytics?.compare ?? null;

  const touchpoints = (compare?.touchpoints ?? []).filter(
    (r) => !ctx.slice.touchpoint || r.touchpointId === ctx.slice.touchpoint,
  );
  const stages = (compare?.stages ?? []).filter((r) => !ctx.slice.stage || r.stage === ctx.slice.stage);
  const rows: PeriodRow[] = [
    {
      key: 'responses',
      label: t('workspace.compare.moments'),
      now: analytics?.baseline.volume ?? null,
      before: compare?.baseline.volume ?? null,
      show: count,
    },
    {
      key: 'mean',
      label: t('workspace.meanExperience'),
      now: analytics?.baseline.meanExperience ?? null,
      before: compare?.baseline.meanExperience ?? null,
      show: showMean,
    },
    {
      key: 'visits',
      label: t('workspace.peakend.visits'),
      now: compare?.journeys.count ?? null,
      before: compare?.journeys.previousCount ?? null,
      show: count,
    },
    {
      key: 'peakEnd',
      label: t('workspace.peakend.meanPeakEnd'),
      now: compare?.journeys.meanPeakEnd ?? null,
      before: compare?.journeys.previousMeanPeakEnd ?? null,
      ...(compare ? { significant: compare.journeys.significant } : {}),
      show: showMean,
    },
    ...stages.map((r) => ({
      key: `stage:${r.stage}`,
      label: t('workspace.compare.stageMean', { stage: t(`manage.journey.stages.${r.stage}`) }),
      now: r.meanExperience,
      before: r.previousMeanExperience,
      significant: r.significant,
      show: showMean,
    })),
    ...touchpoints.map((r) => ({
      key: `mean:${r.touchpointId}`,
      label: t('workspace.compare.meanAt', { touchpoint: names.touchpoint(r.touchpointId) }),
      now: r.meanExperience,
      before: r.previousMeanExperience,
      significant: r.significant,
      show: showMean,
    })),
  ];
  const figures: Figure[] = [
    { key: 'responses', label: t('workspace.compare.moments'), value: (a) => a.baseline.volume, show: count },
    { key: 'mean', label: t('workspace.meanExperience'), value: (a) => a.baseline.meanExperience, show: showMean },
    { key: 'visits', label: t('workspace.peakend.visits'), value: (a) => a.journeys.count, show: count },
    { key: 'peakEnd', label: t('workspace.peakend.meanPeakEnd'), value: (a) => a.journeys.meanPeakEnd, show: showMean },
  ];
  const value = (a: VenueAnalytics | null, f: Figure) => (a ? f.value(a) : null);

  const bars = {
    grid: { left: 48, right: 24, top: 40, bottom: 64 },
    legend: { top: 0, textStyle: { color: '#cbd5e1' } },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => showMean(v as number | null) },
    xAxis: {
      type: 'category',
      data: touchpoints.map((r) => names.touchpoint(r.touchpointId)),
      axisLabel: { color: '#cbd5e1', interval: 0 },
      axisLine: AXIS_STYLE.axisLine,
    },
    yAxis: { type: 'value', min: -5, max: 5, interval: 1, ...AXIS_STYLE },
    series: [
      {
        type: 'bar',
        name: t('workspace.compare.thisPeriod'),
        color: '#38bdf8',
        data: touchpoints.map((r) => r.meanExperience),
      },
      {
        type: 'bar',
        name: t('workspace.compare.previousPeriod'),
        color: '#a78bfa',
        data: touchpoints.map((r) => r.previousMeanExperience),
      },
    ],
  };

  return (
    <>
      <Panel id="compare-period" title={t('workspace.compare.againstPrevious', before)} ctx={ctx}>
        <Chart title={t('workspace.compare.meanChart')} option={bars} />
        <PeriodTable name="compare" rows={rows} withChange />
      </Panel>
      {others.length > 0 && (
        <Panel id="compare-venue" title={t('operations.venueAgainstVenue')} ctx={ctx}>
          <label htmlFor={`${id}-venue`} className="inline-label">
            {t('workspace.compare.otherVenue')}
            <select
              id={`${id}-venue`}
              value={against?.id ?? ''}
              onChange={(e) => ctx.go({ against: e.target.value || null })}
            >
              <option value="">{t('workspace.compare.chooseVenue')}</option>
              {others.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
          {against && (
            <table data-table="compare-venue">
              <thead>
                <tr>
                  <th scope="col">{t('workspace.compare.figure')}</th>
                  <th scope="col" className="num">
                    {ctx.venue.name}
                  </th>
                  <th scope="col" className="num">
                    {against.name}
                  </th>
                </tr>
              </thead>
              <tbody>
                {figures.map((f) => (
                  <tr key={f.key} data-figure={f.key}>
                    <th scope="row">{f.label}</th>
                    <td className="num">{f.show(value(analytics, f))}</td>
                    <td className="num" data-other>
                      {f.show(value(other.value, f))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      )}
    </>
  );
}
