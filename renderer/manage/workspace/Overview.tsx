import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../shared/Chart.tsx';
import { oneDecimal, type PageContext, showMean } from './common.tsx';
import { journeyCards } from './JourneyMap.tsx';
import { standoutsOf } from './Moments.tsx';
import { reasonTotals } from './Reasons.tsx';
import type { WorkspacePage } from './slicing.ts';
import { tasksInView } from './TaskBoard.tsx';
import type { WorkspaceData } from './use-workspace-data.ts';
import { waitsInView } from './Waits.tsx';

const GOOD = '#4ade80';
const BAD = '#f87171';
const NEUTRAL = '#38bdf8';

/** A picture the size of a card: no axes, no legend, the shape of the data only. */
function mini(series: ChartOption[]): ChartOption {
  return {
    grid: { left: 4, right: 4, top: 4, bottom: 4 },
    xAxis: { type: 'category', show: false },
    yAxis: { type: 'value', show: false },
    series,
  };
}
const bars = (values: (number | null)[], colour: (v: number) => string = () => NEUTRAL) =>
  mini([{ type: 'bar', silent: true, data: values.map((v) => ({ value: v, itemStyle: { color: colour(v ?? 0) } })) }]);
const signed = (v: number) => (v < 0 ? BAD : GOOD);

/** The landing page: a card per instrument with a small picture of the view's data; each opens its page. */
export function OverviewPage({ ctx, data }: { ctx: PageContext; data: WorkspaceData }) {
  const { t } = useTranslation();
  const a = data.analytics.value;
  const cards = journeyCards(ctx, a, null);
  const mots = standoutsOf(a, 'mots', ctx).slice(0, 6);
  const pain = standoutsOf(a, 'pain', ctx);
  const sweet = standoutsOf(a, 'sweet', ctx);
  const heat = a?.heatMap ?? [];
  const visits = a?.journeys.items ?? [];
  const reasons = reasonTotals(ctx, a).slice(0, 6);
  const waits = waitsInView(ctx, data.waits.value).filter((w) => w.postedWaitMin !== null);
  const tasks = tasksInView(ctx, data.tasks.value);
  const states = ['open', 'acknowledged', 'resolved', 'verified'] as const;

  const heatRows = [...new Set(heat.map((c) => c.touchpointId))];
  const heatColumns = [...new Set(heat.map((c) => (c.unattributed ? '\u0001' : (c.segmentId ?? ''))))];
  const heatOption: ChartOption = {
    grid: { left: 4, right: 4, top: 4, bottom: 4 },
    xAxis: { type: 'category', show: false, data: heatColumns },
    yAxis: { type: 'category', show: false, data: heatRows },
    visualMap: { show: false, min: -100, max: 100, inRange: { color: ['#b91c1c', '#475569', '#15803d'] } },
    series: [
      {
        type: 'heatmap',
        silent: true,
        data: heat.map((c) => [
          heatColumns.indexOf(c.unattributed ? '\u0001' : (c.segmentId ?? '')),
          heatRows.indexOf(c.touchpointId),
          c.happyIndex,
        ]),
      },
    ],
  };
  const scatter = (points: number[][], colour: string): ChartOption => ({
    grid: { left: 4, right: 4, top: 4, bottom: 4 },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'value', show: false },
    series: [{ type: 'scatter', silent: true, symbolSize: 6, color: colour, data: points }],
  });

  const instruments: { page: WorkspacePage; figure: string; picture: ChartOption | null }[] = [
    {
      page: 'journey',
      figure: t('workspace.overview.touchpoints', { count: cards.length }),
      picture: bars(
        cards.map((c) => c.happyIndex),
        signed,
      ),
    },
    {
      page: 'mots',
      figure: mots[0]
        ? t('workspace.overview.topImpact', { value: oneDecimal(mots[0].impact) })
        : t('workspace.noData'),
      picture: bars(
        mots.map((s) => s.impact),
        signed,
      ),
    },
    {
      page: 'pain',
      figure: t('workspace.overview.count', { count: pain.length }),
      picture: bars(
        pain.map((s) => -s.impact),
        () => BAD,
      ),
    },
    {
      page: 'sweet',
      figure: t('workspace.overview.count', { count: sweet.length }),
      picture: bars(
        sweet.map((s) => s.impact),
        () => GOOD,
      ),
    },
    {
      page: 'heatmap',
      figure: t('workspace.overview.cells', { count: heat.length }),
      picture: heat.length ? heatOption : null,
    },
    {
      page: 'peakend',
      figure: t('workspace.overview.peakEnd', {
        peakEnd: showMean(a?.journeys.meanPeakEnd),
        average: showMean(a?.journeys.meanAverage),
      }),
      picture: visits.length
        ? scatter(
            visits.map((v) => [v.average, v.peakEnd]),
            NEUTRAL,
          )
        : null,
    },
    {
      page: 'reasons',
      figure: t('workspace.overview.count', { count: reasons.reduce((n, r) => n + r.count, 0) }),
      picture: reasons.length
        ? bars(
            reasons.map((r) => r.count),
            () => '#fb923c',
          )
        : null,
    },
    {
      page: 'waits',
      figure: t('workspace.overview.waits', { count: waits.length }),
      picture: waits.length
        ? scatter(
            waits.map((w) => [w.postedWaitMin ?? 0, w.actualWaitMin]),
            '#facc15',
          )
        : null,
    },
    {
      page: 'tasks',
      figure: t('workspace.overview.openTasks', { count: tasks.filter((task) => task.state !== 'verified').length }),
      picture: tasks.length ? bars(states.map((s) => tasks.filter((task) => task.state === s).length)) : null,
    },
    {
      page: 'compare',
      figure: t('workspace.overview.mean', { value: showMean(a?.baseline.meanExperience) }),
      picture: bars(
        cards.map((c) => c.happyIndex),
        () => '#a78bfa',
      ),
    },
  ];

  return (
    <ul className="overview-cards">
      {instruments.map(({ page, figure, picture }) => (
        <li key={page}>
          <a
            className="overview-card"
            href={ctx.href({ page })}
            data-card={page}
            onClick={(event) => {
              event.preventDefault();
              ctx.go({ page });
            }}
          >
            <span className="card-title">{t(`workspace.pages.${page}.title`)}</span>
            <span className="card-figure">{figure}</span>
            {picture ? (
              <Chart title={t(`workspace.pages.${page}.title`)} option={picture} height={90} />
            ) : (
              <span className="card-empty">{t('workspace.noData')}</span>
            )}
          </a>
        </li>
      ))}
    </ul>
  );
}
