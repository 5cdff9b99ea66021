import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import { AXIS_STYLE, Chart, TOOLTIP_STYLE } from '../../shared/Chart.tsx';
import { Empty, oneDecimal, type PageContext, Panel, showMean, useNames } from './common.tsx';
import { ReasonsTable } from './Reasons.tsx';

type Focus = 'mots' | 'pain' | 'sweet';
type Standout = VenueAnalytics['mots'][number];

/** The moments a page lists: all ranked by |impact|, or only the significant pain points or sweet spots. */
export function standoutsOf(analytics: VenueAnalytics | null, focus: Focus, ctx: PageContext): Standout[] {
  if (!analytics) return [];
  const list = focus === 'pain' ? analytics.painPoints : focus === 'sweet' ? analytics.sweetSpots : analytics.mots;
  const stageOf = (id: string) =>
    id.startsWith('wait:') ? 'during' : ctx.venue.touchpoints.find((tp) => tp.id === id)?.stage;
  return list.filter(
    (s) =>
      (!ctx.slice.touchpoint || s.touchpointId === ctx.slice.touchpoint) &&
      (!ctx.slice.stage || stageOf(s.touchpointId) === ctx.slice.stage),
  );
}

/** Impact as written on the page: one decimal, like the mean. */
const showImpact = oneDecimal;

/**
 * Moments of truth: touchpoints ranked by impact (volume x distance from the venue's mean), the
 * significant pain points and sweet spots marked, each with the reasons people gave.
 */
export function MomentsPage({
  ctx,
  analytics,
  previous,
  focus,
}: {
  ctx: PageContext;
  analytics: VenueAnalytics | null;
  /** The previous period's analytics when the view compares. */
  previous: VenueAnalytics | null;
  focus: Focus;
}) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const list = standoutsOf(analytics, focus, ctx);
  const pain = new Set(analytics?.painPoints.map((s) => s.touchpointId));
  const sweet = new Set(analytics?.sweetSpots.map((s) => s.touchpointId));
  const mark = (id: string) =>
    pain.has(id) ? t('workspace.mots.pain') : sweet.has(id) ? t('workspace.mots.sweet') : t('workspace.mots.neither');
  const table = focus === 'mots' ? 'mots' : focus;
  const comparing = ctx.slice.compare;
  const previousImpact = (id: string) => previous?.mots.find((s) => s.touchpointId === id)?.impact;

  const option = useMemo(
    () => ({
      grid: { left: 160, right: 24, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => showImpact(Number(v)) },
      xAxis: { type: 'value', name: t('workspace.mots.impact'), nameLocation: 'middle', nameGap: 24, ...AXIS_STYLE },
      yAxis: {
        type: 'category',
        inverse: true,
        data: list.map((s) => names.touchpoint(s.touchpointId)),
        ...AXIS_STYLE,
      },
      series: [
        {
          type: 'bar',
          name: t('workspace.mots.impact'),
          data: list.map((s) => ({ value: s.impact, itemStyle: { color: s.impact < 0 ? '#f87171' : '#4ade80' } })),
        },
      ],
    }),
    [list, names, t],
  );

  return (
    <>
      <Panel id="mots" title={t(`workspace.pages.${focus}.title`)} table={table} ctx={ctx}>
        <p className="note">
          {t('workspace.mots.baseline', {
            mean: showMean(analytics?.baseline.meanExperience),
            volume: analytics?.baseline.volume ?? 0,
          })}
        </p>
        {list.length === 0 ? (
          <Empty>{focus === 'mots' ? t('workspace.noData') : t('workspace.mots.noneSignificant')}</Empty>
        ) : (
          <>
            <Chart
              title={t(`workspace.pages.${focus}.title`)}
              option={option}
              height={Math.max(160, 40 * list.length)}
            />
            <div className="table-scroll">
              <table className="mots-table" data-table="mots">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      {t('workspace.mots.rank')}
                    </th>
                    <th scope="col">{t('board.touchpoint')}</th>
                    <th scope="col" className="num">
                      {t('manage.volume')}
                    </th>
                    <th scope="col" className="num">
                      {t('workspace.meanExperience')}
                    </th>
                    <th scope="col" className="num">
                      {t('workspace.mots.distance')}
                    </th>
                    <th scope="col" className="num">
                      {t('workspace.mots.impact')}
                    </th>
                    {comparing && (
                      <th scope="col" className="num">
                        {t('workspace.mots.previousImpact')}
                      </th>
                    )}
                    <th scope="col">{t('workspace.mots.mark')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s, i) => (
                    <tr key={s.touchpointId} data-mot={s.touchpointId}>
                      <td className="num" data-rank>
                        {i + 1}
                      </td>
                      <th scope="row">{names.touchpoint(s.touchpointId)}</th>
                      <td className="num" data-volume>
                        {s.volume}
                      </td>
                      <td className="num">{showMean(s.meanExperience)}</td>
                      <td className="num">
                        {showMean(
                          s.meanExperience === null || analytics?.baseline.meanExperience == null
                            ? null
                            : s.meanExperience - analytics.baseline.meanExperience,
                        )}
                      </td>
                      <td className="num" data-impact>
                        {showImpact(s.impact)}
                      </td>
                      {comparing && (
                        <td className="num" data-previous>
                          {previousImpact(s.touchpointId) === undefined
                            ? '–'
                            : showImpact(previousImpact(s.touchpointId)!)}
                        </td>
                      )}
                      <td data-mark={pain.has(s.touchpointId) ? 'pain' : sweet.has(s.touchpointId) ? 'sweet' : 'none'}>
                        {mark(s.touchpointId)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Panel>
      {list.slice(0, 5).map((s) => (
        <Panel
          key={s.touchpointId}
          id={`why-${s.touchpointId.replace(/[^a-z0-9-]/g, '-')}`}
          title={t('workspace.mots.why', { touchpoint: names.touchpoint(s.touchpointId) })}
          ctx={ctx}
          wide={false}
        >
          <ReasonsTable ctx={ctx} analytics={analytics} previous={previous} touchpointId={s.touchpointId} />
        </Panel>
      ))}
    </>
  );
}
