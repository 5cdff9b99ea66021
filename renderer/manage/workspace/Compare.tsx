import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import type { Venue } from '../../../core/venue.ts';
import { AXIS_STYLE, Chart, TOOLTIP_STYLE } from '../../shared/Chart.tsx';
import { type PageContext, Panel, showIndex, showMean, useNames } from './common.tsx';
import { previousRange } from './slicing.ts';
import { analyticsQuery, analyticsUrl, useAnswer } from './use-workspace-data.ts';

interface Figure {
  key: string;
  label: string;
  value: (a: VenueAnalytics) => number | null;
  show: (v: number | null) => string;
}

const delta = (now: number | null, before: number | null, show: (v: number | null) => string) =>
  now === null || before === null ? '–' : `${now - before >= 0 ? '+' : ''}${show(now - before)}`;

/**
 * The view's figures against the previous period of the same length, and (for a manager of
 * several venues) against another venue over the same days.
 */
export function ComparePage({
  ctx,
  analytics,
  previous,
  venues,
}: {
  ctx: PageContext;
  analytics: VenueAnalytics | null;
  previous: VenueAnalytics | null;
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
  const count = (v: number | null) => (v === null ? '–' : String(v));

  const touchpointIds = [...new Set((analytics?.touchpoints ?? []).map((r) => r.touchpointId))].filter(
    (tp) => !ctx.slice.touchpoint || tp === ctx.slice.touchpoint,
  );
  const indexOf = (a: VenueAnalytics | null, tp: string) =>
    a?.touchpoints.find((r) => r.touchpointId === tp && r.segmentId === null)?.happyIndex ?? null;
  const figures: Figure[] = [
    { key: 'responses', label: t('workspace.compare.moments'), value: (a) => a.baseline.volume, show: count },
    { key: 'mean', label: t('workspace.meanExperience'), value: (a) => a.baseline.meanExperience, show: showMean },
    { key: 'visits', label: t('workspace.peakend.visits'), value: (a) => a.journeys.count, show: count },
    { key: 'peakEnd', label: t('workspace.peakend.meanPeakEnd'), value: (a) => a.journeys.meanPeakEnd, show: showMean },
    ...touchpointIds.map((tp) => ({
      key: `index:${tp}`,
      label: t('workspace.compare.indexAt', { touchpoint: names.touchpoint(tp) }),
      value: (a: VenueAnalytics) => indexOf(a, tp),
      show: showIndex,
    })),
  ];
  const value = (a: VenueAnalytics | null, f: Figure) => (a ? f.value(a) : null);

  const bars = {
    grid: { left: 48, right: 24, top: 40, bottom: 64 },
    legend: { top: 0, textStyle: { color: '#cbd5e1' } },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => showIndex(v as number | null) },
    xAxis: {
      type: 'category',
      data: touchpointIds.map(names.touchpoint),
      axisLabel: { color: '#cbd5e1', interval: 0 },
      axisLine: AXIS_STYLE.axisLine,
    },
    yAxis: { type: 'value', min: -100, max: 100, ...AXIS_STYLE },
    series: [
      {
        type: 'bar',
        name: t('workspace.compare.thisPeriod'),
        color: '#38bdf8',
        data: touchpointIds.map((tp) => indexOf(analytics, tp)),
      },
      {
        type: 'bar',
        name: t('workspace.compare.previousPeriod'),
        color: '#a78bfa',
        data: touchpointIds.map((tp) => indexOf(previous, tp)),
      },
    ],
  };

  return (
    <>
      <Panel id="compare-period" title={t('workspace.compare.againstPrevious', before)} ctx={ctx}>
        <Chart title={t('workspace.compare.indexChart')} option={bars} />
        <table data-table="compare">
          <thead>
            <tr>
              <th scope="col">{t('workspace.compare.figure')}</th>
              <th scope="col" className="num">
                {t('workspace.compare.thisPeriod')}
              </th>
              <th scope="col" className="num">
                {t('workspace.compare.previousPeriod')}
              </th>
              <th scope="col" className="num">
                {t('workspace.compare.change')}
              </th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr key={f.key} data-figure={f.key}>
                <th scope="row">{f.label}</th>
                <td className="num" data-now>
                  {f.show(value(analytics, f))}
                </td>
                <td className="num" data-before>
                  {f.show(value(previous, f))}
                </td>
                <td className="num">{delta(value(analytics, f), value(previous, f), f.show)}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
                {figures.slice(0, 4).map((f) => (
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
