import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackLevel } from '../../core/events.ts';
import type { Language } from '../../core/languages.ts';
import { phoneTouchpoint, type PublicVenue } from '../../core/venue.ts';
import { Face } from '../kiosk/Face.tsx';
import { ApiError, requestJson } from '../shared/http.ts';

const LEVELS: readonly FeedbackLevel[] = [4, 3, 2, 1];

/** What each refusal means to the holder, in their language (the hub's message is for integrators). */
const REFUSAL_TEXT: Record<string, string> = {
  'already-rated': 'visitRating.alreadyRated',
  'not-served': 'visitRating.notServed',
  'too-many-requests': 'visitRating.tooMany',
};

const signed = (value: number) => (value > 0 ? `+${value}` : value < 0 ? `−${-value}` : '0');

/**
 * After a served visit: "how did it go" with the kiosk's four faces, an optional reason from the
 * journey map's phone touchpoint, and "compared with what you expected" (-5..+5, sent only when
 * moved). One answer per ticket: the hub refuses a second (docs/analytics.md).
 */
export function VisitRating({
  venueId,
  ticketId,
  venue,
  lang,
}: {
  venueId: string;
  ticketId: string;
  venue: PublicVenue | null;
  lang: Language;
}) {
  const { t } = useTranslation();
  const [level, setLevel] = useState<FeedbackLevel | null>(null);
  const [reasonId, setReasonId] = useState<string | null>(null);
  const [vsExpectation, setVsExpectation] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ done: boolean; text: string } | null>(null);
  const reasons = venue ? phoneTouchpoint(venue).reasons : [];

  if (outcome?.done)
    return (
      <section className="visit-rating" aria-labelledby="visit-rating-heading">
        <h2 id="visit-rating-heading">{t('visitRating.heading')}</h2>
        <p role="status" className="notice" data-rating-outcome>
          {outcome.text}
        </p>
      </section>
    );

  async function send(event: FormEvent) {
    event.preventDefault();
    if (level === null) return setOutcome({ done: false, text: t('visitRating.chooseFace') });
    setSending(true);
    try {
      await requestJson(`/api/venues/${encodeURIComponent(venueId)}/tickets/${encodeURIComponent(ticketId)}/feedback`, {
        body: {
          level,
          ...(reasonId === null ? {} : { reasonId }),
          ...(vsExpectation === null ? {} : { vsExpectation }),
        },
      });
      setOutcome({ done: true, text: t('visitRating.thanks') });
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      const key = REFUSAL_TEXT[code];
      setOutcome({ done: code === 'already-rated', text: t(key ?? 'visitRating.failed') });
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="visit-rating" aria-labelledby="visit-rating-heading" onSubmit={(e) => void send(e)}>
      <h2 id="visit-rating-heading">{t('visitRating.heading')}</h2>
      <div className="rating-faces">
        {LEVELS.map((l) => (
          <button
            key={l}
            type="button"
            className={`rating-face level-${l}`}
            data-level={l}
            aria-pressed={level === l}
            aria-label={t(`common.levels.${l}`)}
            onClick={() => setLevel(l)}
          >
            <Face level={l} size="2.6rem" />
          </button>
        ))}
      </div>
      {reasons.length > 0 && (
        <fieldset className="rating-reasons">
          <legend>{t('visitRating.reasons')}</legend>
          {reasons.map((reason) => (
            <button
              key={reason.id}
              type="button"
              data-reason={reason.id}
              aria-pressed={reasonId === reason.id}
              onClick={() => setReasonId(reasonId === reason.id ? null : reason.id)}
            >
              {reason.name[lang]}
            </button>
          ))}
        </fieldset>
      )}
      <div className="rating-expectation">
        <label htmlFor="vs-expectation">{t('visitRating.vsExpected')}</label>
        <div className="rating-slider">
          <input
            id="vs-expectation"
            type="range"
            min={-5}
            max={5}
            step={1}
            value={vsExpectation ?? 0}
            aria-valuetext={
              vsExpectation === null || vsExpectation === 0 ? t('visitRating.asExpected') : signed(vsExpectation)
            }
            onChange={(e) => setVsExpectation(Number(e.target.value))}
          />
          <output htmlFor="vs-expectation" data-vs-expectation>
            {vsExpectation === null ? '' : signed(vsExpectation)}
          </output>
        </div>
        <p className="rating-scale" aria-hidden="true">
          <span>{t('visitRating.muchWorse')}</span>
          <span>{t('visitRating.asExpected')}</span>
          <span>{t('visitRating.muchBetter')}</span>
        </p>
      </div>
      <button type="submit" className="primary" data-action="send-rating" disabled={sending}>
        {t('visitRating.send')}
      </button>
      {outcome && (
        <p role="status" className="notice">
          {outcome.text}
        </p>
      )}
    </form>
  );
}
