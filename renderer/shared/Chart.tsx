import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { visibleWindow, zoneOffsetMs } from './format.ts';

// Only the parts the manager's pages draw (heat maps, scatter, bars, time series): the rest of
// ECharts stays out of the bundle. SVG draws crisp text at any zoom and needs no canvas.
echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/** Colours on the dark panels (renderer/shared/base.css), readable against #1e293b. */
const CHART_TEXT = '#cbd5e1';
const CHART_LINE = '#334155';
export const SERIES_COLOURS = ['#38bdf8', '#facc15', '#4ade80', '#f472b6', '#fb923c', '#a78bfa'];

/** Axis and legend styling every manager chart shares. */
export const AXIS_STYLE = {
  axisLine: { lineStyle: { color: CHART_TEXT } },
  axisLabel: { color: CHART_TEXT },
  splitLine: { lineStyle: { color: CHART_LINE } },
  nameTextStyle: { color: CHART_TEXT },
};
export const TOOLTIP_STYLE = {
  backgroundColor: '#0b1220',
  borderColor: '#475569',
  textStyle: { color: '#f8fafc' },
};

// Times are drawn in UTC after a shift into the venue's zone (venueTime): axes read the venue's clock.
const BASE_OPTION = { animation: false, useUTC: true, textStyle: { color: CHART_TEXT } };

/**
 * One ECharts chart sized to its container. Pages build the whole option (series names, axis
 * labels and tooltip formatters already in the page's language); the chart is only redrawn when
 * the option changes by value. `title` names the picture for screen readers.
 */
export function Chart({ title, option, height = 280 }: { title: string; option: ChartOption; height?: number }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    chart.current = echarts.init(element, null, { renderer: 'svg', height });
    chart.current.setOption({ ...BASE_OPTION, ...latest.current });
    const resize = new ResizeObserver(() => chart.current?.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [height]);

  useEffect(() => {
    chart.current?.setOption({ ...BASE_OPTION, ...option }, { notMerge: true });
  }, [option]);

  return <div className="chart" ref={container} role="img" aria-label={title} style={{ height }} />;
}

/** A time as the venue's clock reads it, for a chart drawn in UTC (see zoneOffsetMs). */
export const venueTime = (at: number, timeZone: string | undefined) => at + zoneOffsetMs(timeZone, at);

/** "12-04 09:30" of a shifted time (venueTime), for tooltips. */
export function formatShifted(lang: string, shifted: number, withDate = true): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'UTC',
    ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  }).format(shifted);
}

export interface TimeSeries {
  name: string;
  color: string;
  /** [ms since the epoch, value]; a null value leaves a gap. */
  points: [number, number | null][];
  /** Dots only (e.g. one per ticket) instead of a line. */
  dots?: boolean;
}

/** A time-series chart's option: x in the venue's time, tooltips with the page's series names. */
export function timeSeriesOption({
  series,
  timeZone,
  lang,
  xRange,
  yName,
}: {
  series: TimeSeries[];
  timeZone: string | undefined;
  lang: string;
  xRange?: [number, number];
  yName?: string;
}): ChartOption {
  // A fixed window (e.g. today so far), from the hour before the first point so a day's few
  // points do not crowd its right edge.
  const xs = series.flatMap((s) => s.points.map(([at]) => at));
  const first = xs.length ? Math.min(...xs) / 1000 : null;
  const window = xRange ? visibleWindow([xRange[0] / 1000, xRange[1] / 1000], first).map((x) => x * 1000) : null;
  return {
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    legend: { top: 0, textStyle: { color: CHART_TEXT } },
    tooltip: {
      trigger: 'axis',
      ...TOOLTIP_STYLE,
      axisPointer: { label: { formatter: (p: { value: number }) => formatShifted(lang, p.value) } },
      valueFormatter: (value: unknown) => (typeof value === 'number' ? String(Math.round(value * 10) / 10) : '–'),
    },
    xAxis: {
      type: 'time',
      ...AXIS_STYLE,
      ...(window ? { min: venueTime(window[0]!, timeZone), max: venueTime(window[1]!, timeZone) } : {}),
    },
    yAxis: { type: 'value', name: yName, ...AXIS_STYLE },
    series: series.map((s) => ({
      name: s.name,
      type: s.dots ? 'scatter' : 'line',
      color: s.color,
      symbolSize: 8,
      connectNulls: false,
      data: s.points.map(([at, value]) => [venueTime(at, timeZone), value]),
    })),
  };
}
