import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TakenTicket } from '../../core/kiosk-screen.ts';
import type { Language } from '../../core/languages.ts';
import type { QueueSnapshot, TicketQuote } from '../../core/protocol.ts';
import type { ReturnWindow } from '../../core/queue/types.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { formatClock, formatWait } from '../shared/format.ts';
import { ApiError, requestJson } from '../shared/http.ts';
import { describeError } from '../shared/refusals.ts';
import { Qr } from './Qr.tsx';

export type TicketStep =
  | { step: 'segment'; serviceId: string }
  | { step: 'quote'; serviceId: string; segmentId?: string }
  | { step: 'issued'; taken: TakenTicket };

/** Service buttons with each line's size and posted wait, so the choice is informed. */
export function ServiceButtons({
  venue,
  queue,
  services,
  lang,
  onChoose,
}: {
  venue: PublicVenue;
  queue: QueueSnapshot | null;
  services: string[];
  lang: Language;
  onChoose: (serviceId: string) => void;
}) {
  const { t } = useTranslation();
  const offered = venue.services.filter((s) => services.length === 0 || services.includes(s.id));
  if (offered.length === 0) return <p>{t('kiosk.noServices')}</p>;
  return (
    <div className="services">
      {offered.map((service) => {
        const line = queue?.services.find((row) => row.serviceId === service.id);
        return (
          <button
            key={service.id}
            type="button"
            className="service"
            data-service={service.id}
            onClick={() => onChoose(service.id)}
          >
            <span className="service-name">{service.name[lang]}</span>
            {line && (
              <span className="service-wait">
                {t('kiosk.waitingNow', { count: line.waiting })} · {formatWait(t, line.postedWaitMin)}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

/** Segment (member tier, accessibility): optional, and only when the venue has any. */
export function SegmentStep({
  venue,
  lang,
  onChoose,
  onBack,
}: {
  venue: PublicVenue;
  lang: Language;
  onChoose: (segmentId?: string) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="step" aria-labelledby="segment-heading">
      <h2 id="segment-heading">{t('kiosk.chooseSegment')}</h2>
      <div className="services">
        {venue.segments.map((segment) => (
          <button
            key={segment.id}
            type="button"
            className="service"
            data-segment={segment.id}
            onClick={() => onChoose(segment.id)}
          >
            {segment.name[lang]}
          </button>
        ))}
        <button type="button" className="service" data-segment="" onClick={() => onChoose(undefined)}>
          {t('kiosk.noSegment')}
        </button>
      </div>
      <button type="button" onClick={onBack}>
        {t('kiosk.back')}
      </button>
    </section>
  );
}

/**
 * The promise before the commitment: posted wait and place in line, and a return window when the
 * line is long. Without the hub the kiosk still issues from its reserved numbers.
 */
export function QuoteStep(props: {
  venue: PublicVenue;
  lang: Language;
  serviceId: string;
  segmentId?: string;
  onIssued: (taken: TakenTicket) => void;
  onBack: () => void;
}) {
  const { venue, lang, serviceId, segmentId, onIssued, onBack } = props;
  const { t } = useTranslation();
  const [quote, setQuote] = useState<TicketQuote | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const service = venue.services.find((s) => s.id === serviceId);
  const clock = (at: number) => formatClock(lang, at, venue.timezone);

  useEffect(() => {
    requestJson<TicketQuote>('/local/tickets/quote', { body: { serviceId, ...(segmentId ? { segmentId } : {}) } }).then(
      setQuote,
      () => setQuote(null),
    );
  }, [serviceId, segmentId]);

  async function take(returnWindow?: ReturnWindow) {
    setBusy(true);
    try {
      onIssued(
        await requestJson<TakenTicket>('/local/tickets', {
          body: {
            serviceId,
            language: lang,
            ...(segmentId ? { segmentId } : {}),
            ...(returnWindow ? { returnWindow } : {}),
          },
        }),
      );
    } catch (failure) {
      const texts =
        failure instanceof ApiError
          ? (failure.body as { error?: { texts?: Record<Language, string> } })?.error?.texts
          : undefined;
      setError(texts?.[lang] ?? describeError(t, failure, venue, lang));
      setBusy(false);
    }
  }

  const offer = quote?.returnWindow ?? null;
  return (
    <section className="step quote" aria-labelledby="quote-heading" aria-busy={busy}>
      <h2 id="quote-heading">{service?.name[lang] ?? serviceId}</h2>
      {quote && (
        <div className="promise" data-posted={quote.postedWaitMin ?? ''}>
          <p className="posted-wait">
            {quote.postedWaitMin === null
              ? t('kiosk.postedWaitNone')
              : t('kiosk.postedWait', { wait: formatWait(t, quote.postedWaitMin) })}
          </p>
          <p className="position">{t('kiosk.position', { position: quote.position })}</p>
        </div>
      )}
      {busy && <p role="status">{t('kiosk.issuing')}</p>}
      {error && (
        <p role="alert" className="banner bad">
          {error}
        </p>
      )}
      {offer ? (
        <fieldset className="return-offer" aria-labelledby="offer-text">
          <p id="offer-text">{t('kiosk.returnOffer', { from: clock(offer.from), to: clock(offer.to) })}</p>
          <button
            type="button"
            className="primary"
            data-action="accept-return"
            disabled={busy}
            onClick={() => void take(offer)}
          >
            {t('kiosk.acceptReturn', { from: clock(offer.from), to: clock(offer.to) })}
          </button>
          <button type="button" data-action="take" disabled={busy} onClick={() => void take()}>
            {t('kiosk.declineReturn')}
          </button>
        </fieldset>
      ) : (
        <button type="button" className="primary big" data-action="take" disabled={busy} onClick={() => void take()}>
          {t('kiosk.confirm')}
        </button>
      )}
      <button type="button" onClick={onBack} disabled={busy}>
        {t('kiosk.back')}
      </button>
    </section>
  );
}

/** The number, large, and the QR code to the phone page; the printer's trouble said plainly. */
export function IssuedStep({
  taken,
  venue,
  lang,
  onDone,
}: {
  taken: TakenTicket;
  venue: PublicVenue;
  lang: Language;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { ticket, print } = taken;
  const clock = (at: number) => formatClock(lang, at, venue.timezone);
  return (
    <section className="step issued" aria-labelledby="number-heading" data-ticket={ticket.ticketId}>
      <div className="issued-text">
        <h2 id="number-heading">{t('kiosk.yourNumber')}</h2>
        <p className="ticket-number" data-number>
          {ticket.number}
        </p>
        {ticket.returnWindow ? (
          <p>{t('kiosk.returnAt', { from: clock(ticket.returnWindow.from), to: clock(ticket.returnWindow.to) })}</p>
        ) : (
          <p className="posted-wait">{t('kiosk.postedWait', { wait: formatWait(t, ticket.postedWaitMin) })}</p>
        )}
        <p role="status" className={print.printed ? 'print-ok' : 'banner warn'} data-printed={print.printed}>
          {print.printed ? t('kiosk.takeYourTicket') : print.customerMessage[lang] || t('kiosk.notPrinted')}
        </p>
        <button type="button" className="primary big" onClick={onDone}>
          {t('kiosk.done')}
        </button>
      </div>
      <div className="issued-qr">
        <Qr url={taken.phoneUrl} label={t('kiosk.scanToFollow')} />
        <p className="qr-caption">{t('kiosk.scanToFollow')}</p>
      </div>
    </section>
  );
}
