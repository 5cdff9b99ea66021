import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { WaitRecord } from '../../../core/protocol.ts';
import { AXIS_STYLE, Chart, SERIES_COLOURS, TOOLTIP_STYLE } from '../../shared/Chart.tsx';
import { venueDayStart } from '../../shared/format.ts';
import { Empty, type PageContext, Panel, PeriodTable, showMean, useNames } from './common.tsx';
import { addDays } from './slicing.ts';
import type { WorkspaceData } from './use-workspace-data.ts';

/** The called tickets of the view's days (the waits route answers from a start; the end is cut here). */
export function waitsInView(ctx: PageContext, waits: readonly WaitRecord[] | null): WaitRecord[] {
  const end = venueDayStart(addDays(ctx.slice.to, 1), ctx.venue.timezone);
  return (waits ?? []).filter((w) => w.calledAt < end);
}

/** A share in percent as the page writes it ("–" when nothing was promised). */
const showPct = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value}%`);

/** A surprise range's label: "over 10 min early", "0 to 5 min late"... (posted - actual, minutes). */
function surpriseLabel(t: TFunction, from: number | null, to: number | null) {
  if (from === null || !Number.isFinite(from)) return t('workspace.waits.surpriseBelow', { to: Math.abs(to ?? 0) });
  if (to === null || !Number.isFinite(to)) return t('workspace.waits.surpriseAbove', { from });
  return t('workspace.waits.surpriseBetween', { from, to });
}

/**
 * Waits and promises: each called ticket's posted against actual wait, promises kept by hour and
 * by service (the operations figures), and how wait surprise goes with the feedback after it.
 */
export function WaitsPage({ ctx, data }: { ctx: PageContext; data: WorkspaceData }) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const waits = waitsInView(ctx, data.waits.value).filter((w) => w.postedWaitMin !== null);
  const report = data.operations.value;
  const before = data.previousOperations.value;
  const surprise = data.analytics.value?.surprise ?? [];
  const most = Math.max(10, ...waits.map((w) => Math.max(w.postedWaitMin ?? 0, w.actualWaitMin)));
  const services = [...new Set(waits.map((w) => w.serviceId))];

  const scatter = {
    grid: { left: 56, right: 24, top: 40, bottom: 48 },
    legend: { top: 0, textStyle: { color: '#cbd5e1' } },
    tooltip: {
      ...TOOLTIP_STYLE,
      formatter: (p: { seriesName: string; data: number[] }) =>
        `${p.seriesName}<br/>${t('manage.posted')}: ${p.data[0]} · ${t('manage.actual')}: ${showMean(p.data[1])}`,
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil(most),
      name: t('workspace.waits.postedMin'),
      nameLocation: 'middle',
      nameGap: 28,
      ...AXIS_STYLE,
    },
    yAxis: { type: 'value', min: 0, max: Math.ceil(most), name: t('workspace.waits.actualMin'), ...AXIS_STYLE },
    series: services.map((serviceId, i) => ({
      type: 'scatter',
      name: names.service(serviceId),
      color: SERIES_COLOURS[i % SERIES_COLOURS.length],
      data: waits.filter((w) => w.serviceId === serviceId).map((w) => [w.postedWaitMin, w.actualWaitMin]),
      ...(i === 0
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              label: { show: false },
              lineStyle: { color: '#cbd5e1', type: 'dashed' },
              data: [[{ coord: [0, 0] }, { coord: [Math.ceil(most), Math.ceil(most)] }]],
            },
          }
        : {}),
    })),
  };

  const hours = report?.byHour.filter((h) => h.wait.postedCount > 0) ?? [];
  const keptOption = (groups: { name: string; pct: number | null }[]) => ({
    grid: { left: 56, right: 24, top: 16, bottom: 48 },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => (v == null ? '–' : `${v}%`) },
    xAxis: { type: 'category', data: groups.map((g) => g.name), ...AXIS_STYLE },
    yAxis: { type: 'value', min: 0, max: 100, ...AXIS_STYLE },
    series: [{ type: 'bar', name: t('workspace.waits.kept'), color: '#4ade80', data: groups.map((g) => g.pct) }],
  });
  const surpriseOption = {
    grid: { left: 56, right: 24, top: 16, bottom: 64 },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => showMean(v as number | null) },
    xAxis: {
      type: 'category',
      data: surprise.map((r) => surpriseLabel(t, r.from, r.to)),
      axisLabel: { color: '#cbd5e1', interval: 0, rotate: 20 },
      axisLine: AXIS_STYLE.axisLine,
    },
    yAxis: { type: 'value', min: -5, max: 5, interval: 1, ...AXIS_STYLE },
    series: [
      {
        type: 'bar',
        name: t('workspace.meanExperience'),
        color: '#38bdf8',
        data: surprise.map((r) => r.meanExperience),
      },
    ],
  };

  return (
    <>
      <Panel id="posted-actual" title={t('workspace.waits.scatter')} ctx={ctx} table="promises">
        {waits.length === 0 ? <Empty /> : <Chart title={t('workspace.waits.scatter')} option={scatter} height={340} />}
      </Panel>
      <Panel id="kept-hour" title={t('workspace.waits.keptByHour')} ctx={ctx} wide={false}>
        {hours.length === 0 ? (
          <Empty />
        ) : (
          <Chart
            title={t('workspace.waits.keptByHour')}
            option={keptOption(hours.map((h) => ({ name: `${h.key}:00`, pct: h.wait.withinPostedPct })))}
          />
        )}
      </Panel>
      <Panel id="kept-service" title={t('workspace.waits.keptByService')} ctx={ctx} wide={false}>
        {!report || report.byService.length === 0 ? (
          <Empty />
        ) : (
          <>
            <Chart
              title={t('workspace.waits.keptByService')}
              option={keptOption(
                report.byService.map((g) => ({ name: names.service(g.key), pct: g.wait.withinPostedPct })),
              )}
            />
            <table data-table="kept-service">
              <thead>
                <tr>
                  <th scope="col">{t('workspace.waits.service')}</th>
                  <th scope="col" className="num">
                    {t('workspace.waits.promised')}
                  </th>
                  <th scope="col" className="num">
                    {t('workspace.waits.kept')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.byService.map((g) => (
                  <tr key={g.key} data-service={g.key}>
                    <th scope="row">{names.service(g.key)}</th>
                    <td className="num">{g.wait.postedCount}</td>
                    <td className="num" data-kept>
                      {showPct(g.wait.withinPostedPct)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Panel>
      {ctx.slice.compare && (
        <Panel id="promises-compare" title={t('workspace.waits.againstPrevious')} ctx={ctx}>
          <PeriodTable
            name="promises-compare"
            rows={[
              {
                key: 'kept',
                label: t('workspace.waits.keptPct'),
                now: report?.total.promise.keptPct,
                before: before?.total.promise.keptPct,
                show: showPct,
              },
              {
                key: 'error',
                label: t('workspace.waits.meanError'),
                now: report?.total.promise.maeMin,
                before: before?.total.promise.maeMin,
                show: showMean,
              },
            ]}
          />
        </Panel>
      )}
      <Panel id="surprise" title={t('workspace.waits.surprise')} ctx={ctx}>
        {surprise.every((r) => r.volume === 0) ? (
          <Empty />
        ) : (
          <Chart title={t('workspace.waits.surprise')} option={surpriseOption} />
        )}
      </Panel>
    </>
  );
}
