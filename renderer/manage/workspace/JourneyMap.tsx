import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VenueAnalytics } from '../../../core/analytics/report.ts';
import { phoneTouchpoint } from '../../../core/venue.ts';
import { Chart, SERIES_COLOURS, timeSeriesOption } from '../../shared/Chart.tsx';
import {
  Empty,
  type PageContext,
  Panel,
  scoreClass,
  showIndex,
  showMean,
  useNames,
  type AnalyticsPageProps,
} from './common.tsx';
import { ReasonsTable } from './Reasons.tsx';
import { STAGES, type Stage } from './slicing.ts';

interface Card {
  id: string;
  stage: Stage;
  owner?: string;
  target?: number;
  volume: number;
  happyIndex: number | null;
  meanExperience: number | null;
  previousIndex: number | null;
  /** The phone's whole-visit rating: the journey's end. */
  end: boolean;
}

/** The touchpoints the map shows, in the journey map's order, with the waits in "during". */
export function journeyCards(ctx: PageContext, analytics: VenueAnalytics | null, previous: VenueAnalytics | null) {
  const { venue, slice } = ctx;
  const rowOf = (report: VenueAnalytics | null, id: string) =>
    report?.touchpoints.find((r) => r.touchpointId === id && r.segmentId === null);
  const phone = phoneTouchpoint(venue);
  const ids: { id: string; stage: Stage; owner?: string; target?: number }[] = [
    ...venue.touchpoints.filter((tp) => tp.id !== phone.id),
    ...venue.services.map((s) => ({ id: `wait:${s.id}`, stage: 'during' as const })),
    phone,
  ];
  const cards: Card[] = ids.map((tp) => {
    const row = rowOf(analytics, tp.id);
    return {
      id: tp.id,
      stage: tp.stage,
      owner: tp.owner,
      target: tp.target,
      volume: row?.volume ?? 0,
      happyIndex: row?.happyIndex ?? null,
      meanExperience: row?.meanExperience ?? null,
      previousIndex: rowOf(previous, tp.id)?.happyIndex ?? null,
      end: tp.id === phone.id,
    };
  });
  // The hub answers only the filtered moments; the cards of the rest would only be empty.
  return cards.filter(
    (c) => (!slice.stage || c.stage === slice.stage) && (!slice.touchpoint || c.id === slice.touchpoint),
  );
}

/** A card's colour: its happy index, or for a wait (no smileys) its mean experience. */
const cardColour = (card: Card) =>
  card.happyIndex !== null ? scoreClass(card.happyIndex, 'happy') : scoreClass(card.meanExperience, 'mean');

/**
 * The journey map: before / during / after as columns, a card per touchpoint coloured by its
 * happy index, with volume, owner and target; the phone's whole-visit rating closes the journey.
 */
export function JourneyMapPage({ ctx, analytics, previous }: AnalyticsPageProps) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const [open, setOpen] = useState<string | null>(null);
  const cards = journeyCards(ctx, analytics, previous);
  const targetText = (card: Card) => {
    if (card.target === undefined) return t('workspace.journey.noTarget');
    if (card.happyIndex === null) return t('workspace.journey.targetUnknown', { target: card.target });
    return card.happyIndex >= card.target
      ? t('workspace.journey.targetMet', { target: card.target })
      : t('workspace.journey.targetMissed', { target: card.target });
  };

  return (
    <>
      <Panel id="journey" title={t('workspace.pages.journey.title')} table="journey" ctx={ctx}>
        <div className="journey-columns">
          {STAGES.filter((stage) => !ctx.slice.stage || stage === ctx.slice.stage).map((stage) => (
            <section key={stage} className="journey-stage" aria-labelledby={`stage-${stage}`} data-stage={stage}>
              <h4 id={`stage-${stage}`}>{t(`manage.journey.stages.${stage}`)}</h4>
              <ol className="journey-cards">
                {cards
                  .filter((card) => card.stage === stage)
                  .map((card) => (
                    <li key={card.id}>
                      <button
                        type="button"
                        className={`journey-card ${cardColour(card)}${card.end ? ' journey-end' : ''}`}
                        data-card={card.id}
                        aria-expanded={open === card.id}
                        onClick={() => setOpen(open === card.id ? null : card.id)}
                      >
                        <span className="card-name">{names.touchpoint(card.id)}</span>
                        {card.end && <span className="card-end">{t('workspace.journey.end')}</span>}
                        <span className="card-score">
                          {t('manage.happyIndex')} <strong data-happy-index>{showIndex(card.happyIndex)}</strong>
                        </span>
                        <span>
                          {t('workspace.meanExperience')} <strong data-mean>{showMean(card.meanExperience)}</strong>
                        </span>
                        <span>
                          {t('manage.volume')} <strong data-volume>{card.volume}</strong>
                        </span>
                        {card.owner && <span data-owner>{t('workspace.journey.owner', { owner: card.owner })}</span>}
                        <span data-target>{targetText(card)}</span>
                        {ctx.slice.compare && (
                          <span data-previous>
                            {t('workspace.previousValue', { value: showIndex(card.previousIndex) })}
                          </span>
                        )}
                      </button>
                    </li>
                  ))}
              </ol>
            </section>
          ))}
        </div>
      </Panel>
      {open && <Drill ctx={ctx} analytics={analytics} previous={previous} touchpointId={open} />}
    </>
  );
}

/** One touchpoint in depth: its trend, the reasons people gave, and how each segment felt. */
function Drill({ ctx, analytics, previous, touchpointId }: AnalyticsPageProps & { touchpointId: string }) {
  const { t } = useTranslation();
  const names = useNames(ctx.venue, ctx.lang);
  const row = analytics?.touchpoints.find((r) => r.touchpointId === touchpointId && r.segmentId === null);
  const segments = analytics?.heatMap.filter((cell) => cell.touchpointId === touchpointId) ?? [];
  const name = names.touchpoint(touchpointId);
  const trend = useMemo(
    () =>
      timeSeriesOption({
        series: [
          {
            name: t('workspace.meanExperience'),
            color: SERIES_COLOURS[0]!,
            points: (row?.trend ?? []).map((p): [number, number | null] => [p.from, p.meanExperience]),
          },
        ],
        timeZone: ctx.venue.timezone,
        lang: ctx.lang,
      }),
    [row, t, ctx.venue.timezone, ctx.lang],
  );
  return (
    <Panel id="drill" title={t('workspace.journey.drill', { touchpoint: name })} ctx={ctx}>
      <div className="drill" data-drill={touchpointId}>
        <div>
          <h4>{t('workspace.journey.trend')}</h4>
          {row && row.trend.length > 0 ? (
            <Chart title={t('workspace.journey.trendOf', { touchpoint: name })} option={trend} height={220} />
          ) : (
            <Empty />
          )}
        </div>
        <div>
          <h4>{t('workspace.pages.reasons.title')}</h4>
          <ReasonsTable ctx={ctx} analytics={analytics} previous={previous} touchpointId={touchpointId} />
        </div>
        <div>
          <h4>{t('workspace.journey.segments')}</h4>
          {segments.length === 0 ? (
            <Empty />
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('workspace.filters.segment')}</th>
                  <th scope="col" className="num">
                    {t('manage.volume')}
                  </th>
                  <th scope="col" className="num">
                    {t('manage.happyIndex')}
                  </th>
                  <th scope="col" className="num">
                    {t('workspace.meanExperience')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {segments.map((cell) => (
                  <tr key={`${cell.segmentId}/${cell.unattributed}`}>
                    <th scope="row">{names.segment(cell.segmentId, cell.unattributed)}</th>
                    <td className="num">{cell.volume}</td>
                    <td className="num">{showIndex(cell.happyIndex)}</td>
                    <td className="num">{showMean(cell.meanExperience)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </Panel>
  );
}
