import { useTranslation } from 'react-i18next';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import { AXIS_STYLE, Chart, formatShifted, TOOLTIP_STYLE, venueTime } from '../../shared/Chart.tsx';
import { type AnalyticsPageProps, Empty, NoiseMark, Panel, showMean, useNames } from './common.tsx';

type Visit = VenueAnalytics['journeys']['items'][number];

const showCount = (v: number | undefined) => (v === undefined ? '–' : String(v));

/** The visits of the period, worst remembered first (lowest peak-end, then lowest average). */
const worstVisits = (visits: readonly Visit[], n = 10) =>
  [...visits].sort((a, b) => a.peakEnd - b.peakEnd || a.average - b.average).slice(0, n);

/**
 * Peak-end: what visits are remembered as (the peak and the end) beside their plain average,
 * where the peaks happen, and the worst visits of the period moment by moment.
 */
export function PeakEndPage({ ctx, analytics, previous }: AnalyticsPageProps) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const journeys = analytics?.journeys;
  const visits = journeys?.items ?? [];
  const peaks = new Map<string, number>();
  for (const v of visits) peaks.set(v.peakTouchpointId, (peaks.get(v.peakTouchpointId) ?? 0) + 1);
  const peakRows = [...peaks].sort((a, b) => b[1] - a[1]);

  const scatter = {
    grid: { left: 56, right: 24, top: 24, bottom: 48 },
    tooltip: {
      ...TOOLTIP_STYLE,
      formatter: (p: { data: number[] }) =>
        `${t('workspace.peakend.average')}: ${showMean(p.data[0])}<br/>` +
        `${t('workspace.peakend.peakEnd')}: ${showMean(p.data[1])}`,
    },
    xAxis: {
      type: 'value',
      min: -5,
      max: 5,
      name: t('workspace.peakend.average'),
      nameLocation: 'middle',
      nameGap: 28,
      ...AXIS_STYLE,
    },
    yAxis: { type: 'value', min: -5, max: 5, interval: 1, name: t('workspace.peakend.peakEnd'), ...AXIS_STYLE },
    series: [
      {
        type: 'scatter',
        name: t('workspace.peakend.visits'),
        color: '#38bdf8',
        data: visits.map((v) => [v.average, v.peakEnd]),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#cbd5e1', type: 'dashed' },
          label: { show: false },
          data: [[{ coord: [-5, -5] }, { coord: [5, 5] }]],
        },
      },
    ],
  };
  const peakBars = {
    grid: { left: 160, right: 24, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE },
    xAxis: { type: 'value', minInterval: 1, ...AXIS_STYLE },
    yAxis: { type: 'category', inverse: true, data: peakRows.map(([id]) => names.touchpoint(id)), ...AXIS_STYLE },
    series: [
      { type: 'bar', name: t('workspace.peakend.peaksHere'), color: '#facc15', data: peakRows.map(([, n]) => n) },
    ],
  };

  return (
    <>
      <Panel id="peakend-summary" title={t('workspace.peakend.summary')} table="peakend" ctx={ctx}>
        <dl className="figures-list">
          <div>
            <dt>{t('workspace.peakend.visits')}</dt>
            <dd data-figure="visits">{journeys?.count ?? 0}</dd>
            {ctx.slice.compare && (
              <dd className="previous">
                {t('workspace.previousValue', { value: showCount(analytics?.compare?.journeys.previousCount) })}
              </dd>
            )}
          </div>
          <div>
            <dt>{t('workspace.peakend.meanAverage')}</dt>
            <dd data-figure="meanAverage">{showMean(journeys?.meanAverage)}</dd>
            {ctx.slice.compare && (
              <dd className="previous">
                {t('workspace.previousValue', { value: showMean(previous?.journeys.meanAverage) })}
              </dd>
            )}
          </div>
          <div>
            <dt>{t('workspace.peakend.meanPeakEnd')}</dt>
            <dd data-figure="meanPeakEnd">{showMean(journeys?.meanPeakEnd)}</dd>
            {ctx.slice.compare && (
              <dd className="previous">
                {t('workspace.previousValue', { value: showMean(analytics?.compare?.journeys.previousMeanPeakEnd) })}
                {analytics?.compare && analytics.compare.journeys.change !== null && (
                  <>
                    {' '}
                    <NoiseMark significant={analytics.compare.journeys.significant} />
                  </>
                )}
              </dd>
            )}
          </div>
          <div>
            <dt>{t('workspace.peakend.meanVsExpectation')}</dt>
            <dd data-figure="meanVsExpectation">{showMean(journeys?.meanVsExpectation)}</dd>
            {ctx.slice.compare && (
              <dd className="previous">
                {t('workspace.previousValue', { value: showMean(previous?.journeys.meanVsExpectation) })}
              </dd>
            )}
          </div>
        </dl>
        {visits.length === 0 ? (
          <Empty />
        ) : (
          <Chart title={t('workspace.peakend.scatter')} option={scatter} height={320} />
        )}
      </Panel>
      <Panel id="peaks" title={t('workspace.peakend.wherePeaks')} ctx={ctx} wide={false}>
        {peakRows.length === 0 ? (
          <Empty />
        ) : (
          <Chart
            title={t('workspace.peakend.wherePeaks')}
            option={peakBars}
            height={Math.max(160, 40 * peakRows.length)}
          />
        )}
      </Panel>
      <Panel id="worst" title={t('workspace.peakend.worst')} ctx={ctx} wide={false}>
        {visits.length === 0 ? (
          <Empty />
        ) : (
          <ol className="worst-visits">
            {worstVisits(visits).map((v) => (
              <li key={v.ticketId} data-visit={v.ticketId}>
                <p className="visit-head">
                  <span data-ticket-number>{v.ticketNumber} · </span>
                  {t('workspace.peakend.visitLine', {
                    peakEnd: showMean(v.peakEnd),
                    average: showMean(v.average),
                    segment: names.segment(v.segmentId),
                  })}
                </p>
                <ol className="visit-path">
                  {v.path.map((m, i) => (
                    <li key={String(i)}>
                      {formatShifted(ctx.lang, venueTime(m.at, ctx.venue.timezone), false)}{' '}
                      {names.touchpoint(m.touchpointId)} <strong>{showMean(m.experience)}</strong>
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>
        )}
      </Panel>
    </>
  );
}
