import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackLevel } from '../../core/events.ts';
import type { RecordedPress } from '../../core/kiosk-screen.ts';
import type { Language } from '../../core/languages.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { requestJson } from '../shared/http.ts';
import { Face } from './Face.tsx';

const LEVELS: readonly FeedbackLevel[] = [4, 3, 2, 1];

/**
 * The four smileys on the screen: a press is recorded by the kiosk like a button box's, and the
 * screen thanks the customer for the press it got back (never for a box's: another person).
 */
export function Smileys({
  touchpointId,
  onPressed,
  onError,
}: {
  touchpointId: string;
  onPressed: (press: RecordedPress) => void;
  onError: (message: string) => void;
}) {
  const { t } = useTranslation();
  const press = (level: FeedbackLevel) =>
    requestJson<RecordedPress>('/local/feedback', { body: { touchpointId, level, source: 'screen' } }).then(
      onPressed,
      (error: Error) => onError(error.message),
    );
  return (
    <section className="smileys-panel" aria-labelledby="how-heading">
      <h2 id="how-heading">{t('kiosk.howWasIt')}</h2>
      <div className="smileys">
        {LEVELS.map((level) => (
          <button
            key={level}
            type="button"
            className={`smiley level-${level}`}
            data-level={level}
            aria-label={t(`common.levels.${level}`)}
            onClick={() => void press(level)}
          >
            <Face level={level} />
          </button>
        ))}
      </div>
    </section>
  );
}

/** After a press on the screen: thank you, then up to six reasons configured for its touchpoint. */
export function ThankYou({
  press,
  venue,
  lang,
  onDone,
}: {
  press: RecordedPress;
  venue: PublicVenue | null;
  lang: Language;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [answered, setAnswered] = useState(false);
  const { touchpointId, level } = press.payload;
  const reasons = venue?.touchpoints.find((tp) => tp.id === touchpointId)?.reasons ?? [];

  async function choose(reasonId: string) {
    setAnswered(true);
    await requestJson('/local/feedback/reason', {
      body: { touchpointId, pressId: press.id, reasonId },
    }).catch(() => undefined);
    setTimeout(onDone, 2000);
  }

  return (
    <section className="thanks" aria-live="assertive" data-press={press.id}>
      <p className="thanks-face" aria-hidden="true">
        <Face level={level} />
      </p>
      <h2 id="thanks-heading">{answered ? t('kiosk.reasonThanks') : t('kiosk.thanks')}</h2>
      {!answered && reasons.length > 0 && (
        <>
          <p>{t('kiosk.tellUsMore')}</p>
          <fieldset className="reasons" aria-labelledby="thanks-heading">
            {reasons.slice(0, 6).map((reason) => (
              <button key={reason.id} type="button" data-reason={reason.id} onClick={() => void choose(reason.id)}>
                {reason.name[lang]}
              </button>
            ))}
          </fieldset>
        </>
      )}
      <button type="button" className="done" onClick={onDone}>
        {t('kiosk.done')}
      </button>
    </section>
  );
}
