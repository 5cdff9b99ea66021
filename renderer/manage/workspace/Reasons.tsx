import { useTranslation } from 'react-i18next';
import { AXIS_STYLE, Chart, TOOLTIP_STYLE } from '../../shared/Chart.tsx';
import { Empty, type PageContext, Panel, useNames, type AnalyticsPageProps } from './common.tsx';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';

interface ReasonTotal {
  touchpointId: string;
  reasonId: string;
  count: number;
}

/** Reasons summed over segments, per touchpoint and reason, most given first; the view's filters applied. */
export function reasonTotals(ctx: PageContext, analytics: VenueAnalytics | null, touchpointId?: string): ReasonTotal[] {
  const totals = new Map<string, ReasonTotal>();
  for (const row of analytics?.reasons.rows ?? []) {
    if (touchpointId && row.touchpointId !== touchpointId) continue;
    if (ctx.slice.touchpoint && row.touchpointId !== ctx.slice.touchpoint) continue;
    if (ctx.slice.stage && row.stage !== ctx.slice.stage) continue;
    const key = `${row.touchpointId}\u0000${row.reasonId}`;
    const total = totals.get(key) ?? { touchpointId: row.touchpointId, reasonId: row.reasonId, count: 0 };
    total.count += row.count;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => b.count - a.count);
}

/** A reason's name as the touchpoint offers it (the kiosk's follow-up question), in the page's language. */
function useReasonName(ctx: PageContext) {
  const { t } = useTranslation();
  return (touchpointId: string, reasonId: string) => {
    const own = ctx.venue.touchpoints.find((tp) => tp.id === touchpointId)?.reasons.find((r) => r.id === reasonId);
    const any = ctx.venue.touchpoints.flatMap((tp) => tp.reasons).find((r) => r.id === reasonId);
    return (own ?? any)?.name[ctx.lang] ?? t('workspace.reasons.removed');
  };
}

/** The reasons given at one touchpoint (or all), with their counts (and the previous period's when comparing). */
export function ReasonsTable({
  ctx,
  analytics,
  previous,
  touchpointId,
}: AnalyticsPageProps & { touchpointId?: string }) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const reasonName = useReasonName(ctx);
  const rows = reasonTotals(ctx, analytics, touchpointId);
  const comparing = ctx.slice.compare;
  const before = new Map(
    reasonTotals(ctx, previous, touchpointId).map((r) => [`${r.touchpointId}/${r.reasonId}`, r.count]),
  );
  if (rows.length === 0) return <Empty>{t('workspace.reasons.none')}</Empty>;
  return (
    <table data-table="reasons">
      <thead>
        <tr>
          {!touchpointId && <th scope="col">{t('board.touchpoint')}</th>}
          <th scope="col">{t('workspace.reasons.reason')}</th>
          <th scope="col" className="num">
            {t('workspace.reasons.count')}
          </th>
          {comparing && (
            <th scope="col" className="num">
              {t('workspace.compare.previousPeriod')}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.touchpointId}/${row.reasonId}`} data-reason={`${row.touchpointId}/${row.reasonId}`}>
            {!touchpointId && <td>{names.touchpoint(row.touchpointId)}</td>}
            <th scope="row">{reasonName(row.touchpointId, row.reasonId)}</th>
            <td className="num" data-count>
              {row.count}
            </td>
            {comparing && (
              <td className="num" data-previous>
                {previous ? (before.get(`${row.touchpointId}/${row.reasonId}`) ?? 0) : '–'}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why people pressed what they pressed: the follow-up reasons by touchpoint, most given first. */
export function ReasonsPage({ ctx, analytics, previous }: AnalyticsPageProps) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const reasonName = useReasonName(ctx);
  const rows = reasonTotals(ctx, analytics).slice(0, 12);
  const option = {
    grid: { left: 220, right: 24, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE },
    xAxis: { type: 'value', minInterval: 1, ...AXIS_STYLE },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => `${reasonName(r.touchpointId, r.reasonId)} · ${names.touchpoint(r.touchpointId)}`),
      ...AXIS_STYLE,
    },
    series: [{ type: 'bar', name: t('workspace.reasons.count'), color: '#fb923c', data: rows.map((r) => r.count) }],
  };
  return (
    <Panel id="reasons" title={t('workspace.pages.reasons.title')} table="reasons" ctx={ctx}>
      {rows.length > 0 && (
        <Chart title={t('workspace.pages.reasons.title')} option={option} height={Math.max(160, 36 * rows.length)} />
      )}
      <ReasonsTable ctx={ctx} analytics={analytics} previous={previous} />
    </Panel>
  );
}
