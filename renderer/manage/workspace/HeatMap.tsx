import { useTranslation } from 'react-i18next';
import { DEFAULT_REPORT_OPTIONS } from '../../../core/analytics/report.ts';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import { AXIS_STYLE, Chart, TOOLTIP_STYLE } from '../../shared/Chart.tsx';
import { Empty, Panel, scoreClass, showIndex, showMean, useNames, type AnalyticsPageProps } from './common.tsx';

type Cell = VenueAnalytics['heatMap'][number];

/** A cell under this many moments is marked "too little data" (the same bar as a pain point's). */
const MIN_CELL_VOLUME = DEFAULT_REPORT_OPTIONS.minVolume;

/** Column key of a heat map cell: a segment id, "none" (no segment) or "unattributed". */
const columnKey = (cell: Pick<Cell, 'segmentId' | 'unattributed'>) =>
  cell.unattributed ? 'unattributed' : (cell.segmentId ?? 'none');

/**
 * Touchpoint x segment: each cell coloured by happy index or mean experience (switchable), its
 * volume written in it, and cells with too little data marked as such. When the view compares,
 * each cell also carries the previous period's value and volume.
 */
export function HeatMapPage({ ctx, analytics, previous }: AnalyticsPageProps) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const metric = ctx.slice.metric;
  const cells = (analytics?.heatMap ?? []).filter(
    (c) => !ctx.slice.touchpoint || c.touchpointId === ctx.slice.touchpoint,
  );
  const stageOf = (id: string) =>
    id.startsWith('wait:') ? 'during' : ctx.venue.touchpoints.find((tp) => tp.id === id)?.stage;
  const shownCells = cells.filter((c) => !ctx.slice.stage || stageOf(c.touchpointId) === ctx.slice.stage);
  const rows = [...new Set(shownCells.map((c) => c.touchpointId))];
  const columns = [...new Set(shownCells.map(columnKey))].sort((a, b) => {
    const order = (k: string) => (k === 'unattributed' ? 2 : k === 'none' ? 1 : 0);
    return order(a) - order(b) || a.localeCompare(b);
  });
  const columnName = (key: string) =>
    key === 'unattributed' ? names.segment(null, true) : names.segment(key === 'none' ? null : key);
  const cellAt = (row: string, column: string) =>
    shownCells.find((c) => c.touchpointId === row && columnKey(c) === column);
  const previousAt = (row: string, column: string) =>
    previous?.heatMap.find((c) => c.touchpointId === row && columnKey(c) === column);
  const metricOf = (cell: Cell | undefined) => (metric === 'happy' ? cell?.happyIndex : cell?.meanExperience) ?? null;
  const show = metric === 'happy' ? showIndex : showMean;

  const option = {
    grid: { left: 160, right: 24, top: 16, bottom: 80 },
    tooltip: {
      ...TOOLTIP_STYLE,
      formatter: (p: { data: [number, number, number | null, number] }) =>
        `${names.touchpoint(rows[p.data[1]]!)} · ${columnName(columns[p.data[0]]!)}<br/>` +
        `${t(metric === 'happy' ? 'manage.happyIndex' : 'workspace.meanExperience')}: ${show(p.data[2])}<br/>` +
        `${t('manage.volume')}: ${p.data[3]}`,
    },
    xAxis: { type: 'category', data: columns.map(columnName), ...AXIS_STYLE },
    yAxis: { type: 'category', data: rows.map(names.touchpoint), ...AXIS_STYLE },
    visualMap: {
      min: metric === 'happy' ? -100 : -5,
      max: metric === 'happy' ? 100 : 5,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      textStyle: { color: '#cbd5e1' },
      inRange: { color: ['#b91c1c', '#475569', '#15803d'] },
    },
    series: [
      {
        type: 'heatmap',
        name: t('workspace.pages.heatmap.title'),
        data: rows.flatMap((row, y) =>
          columns.map((column, x) => {
            const cell = cellAt(row, column);
            return [x, y, metricOf(cell), cell?.volume ?? 0];
          }),
        ),
        label: { show: true, color: '#fff', formatter: (p: { data: number[] }) => String(p.data[3]) },
      },
    ],
  };

  return (
    <Panel id="heatmap" title={t('workspace.pages.heatmap.title')} table="heatmap" ctx={ctx}>
      <fieldset className="metric-switch">
        <legend className="visually-hidden">{t('workspace.heatmap.colourBy')}</legend>
        <button
          type="button"
          data-metric="happy"
          aria-pressed={metric === 'happy'}
          onClick={() => ctx.go({ metric: 'happy' })}
        >
          {t('manage.happyIndex')}
        </button>
        <button
          type="button"
          data-metric="mean"
          aria-pressed={metric === 'mean'}
          onClick={() => ctx.go({ metric: 'mean' })}
        >
          {t('workspace.meanExperience')}
        </button>
      </fieldset>
      {rows.length === 0 ? (
        <Empty />
      ) : (
        <>
          <Chart
            title={t('workspace.pages.heatmap.title')}
            option={option}
            height={Math.max(200, 48 * rows.length + 100)}
          />
          <div className="table-scroll">
            <table className="heat-table" data-table="heatmap" data-metric={metric}>
              <caption className="visually-hidden">{t('workspace.heatmap.caption', { min: MIN_CELL_VOLUME })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('board.touchpoint')}</th>
                  {columns.map((column) => (
                    <th scope="col" key={column} data-column={column}>
                      {columnName(column)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row} data-row={row}>
                    <th scope="row">{names.touchpoint(row)}</th>
                    {columns.map((column) => {
                      const cell = cellAt(row, column);
                      const thin = !cell || cell.volume < MIN_CELL_VOLUME;
                      return (
                        <td
                          key={column}
                          data-cell={`${row}/${column}`}
                          data-thin={thin ? 'true' : 'false'}
                          className={`heat-cell ${scoreClass(metricOf(cell), metric)}${thin ? ' thin' : ''}`}
                        >
                          <span data-value>{show(metricOf(cell))}</span>
                          <span className="cell-volume">
                            {t('workspace.heatmap.n')} <span data-volume>{cell?.volume ?? 0}</span>
                          </span>
                          {thin && <span className="cell-thin">{t('workspace.heatmap.thin')}</span>}
                          {ctx.slice.compare && (
                            <span className="cell-previous" data-previous>
                              <span data-previous-value>
                                {t('workspace.previousValue', { value: show(metricOf(previousAt(row, column))) })}
                              </span>{' '}
                              <span>
                                {t('workspace.heatmap.n')}{' '}
                                <span data-previous-volume>{previousAt(row, column)?.volume ?? 0}</span>
                              </span>
                            </span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Panel>
  );
}
