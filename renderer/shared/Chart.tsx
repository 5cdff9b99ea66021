import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { visibleWindow } from './format.ts';

export interface ChartSeries {
  label: string;
  color: string;
  /** Points only (e.g. one dot per ticket) instead of a line. */
  points?: boolean;
}

/**
 * A uPlot time chart sized to its container. x values are seconds since the epoch (uPlot's
 * convention); a null y leaves a gap. The axis reads in `timeZone` (the venue's), as the rest of the page.
 */
export function TimeChart({
  title,
  series,
  data,
  xRange,
  timeZone,
  height = 260,
}: {
  title: string;
  series: ChartSeries[];
  data: [number[], ...(number | null)[][]];
  xRange?: [number, number];
  timeZone?: string;
  height?: number;
}) {
  const { t } = useTranslation();
  const timeLabel = t('common.time');
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The chart is rebuilt only when its series, window or height change (compared by value, as
  // pages pass fresh arrays each render); data updates go through setData below.
  const seriesKey = JSON.stringify(series);
  const rangeKey = JSON.stringify(xRange ?? null);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const series = JSON.parse(seriesKey) as ChartSeries[];
    const xRange = JSON.parse(rangeKey) as [number, number] | null;
    const options: uPlot.Options = {
      width: Math.max(300, element.clientWidth),
      height,
      ...(timeZone ? { tzDate: (seconds: number) => venueDate(seconds, timeZone) } : {}),
      // A fixed window (e.g. today so far): one point would otherwise stretch the axis over years.
      ...(xRange
        ? {
            scales: {
              x: {
                time: true,
                range: (_u: uPlot, dataMin: number | null): uPlot.Range.MinMax => visibleWindow(xRange, dataMin),
              },
            },
          }
        : {}),
      axes: [
        { stroke: '#cbd5e1', grid: { stroke: '#334155' } },
        { stroke: '#cbd5e1', grid: { stroke: '#334155' } },
      ],
      series: [
        { label: timeLabel }, // uPlot's legend would say "Time" in English
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(s.points ? { paths: () => null, points: { show: true, size: 8, fill: s.color } } : {}),
        })),
      ],
    };
    plot.current = new uPlot(options, latestData.current as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(300, element.clientWidth), height }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [seriesKey, rangeKey, height, timeZone, timeLabel]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return <div className="chart" ref={container} role="img" aria-label={title} />;
}

/** uPlot draws a Date's local fields: a Date whose local fields are the venue's clock. */
function venueDate(seconds: number, timeZone: string): Date {
  try {
    return uPlot.tzDate(new Date(seconds * 1000), timeZone);
  } catch {
    return new Date(seconds * 1000); // an unknown zone: the browser's, rather than no chart
  }
}
