import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import type {
  QueueCommandResult,
  TicketAuth,
  TicketClientToServer,
  TicketServerToClient,
  TicketView,
} from '../../core/protocol.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { ConnectionStatus, LanguageSwitch } from '../shared/components.tsx';
import { formatClock, formatWait, nameOf } from '../shared/format.ts';
import { describeFailure } from '../shared/refusals.ts';
import { useSocket } from '../shared/use-socket.ts';
import { alertHolder, askNotificationPermission } from './alert.ts';
import { VisitRating } from './VisitRating.tsx';

/** The phone page behind a ticket's QR code: place in line, live, and a strong alert when called. */
export function TicketPage({ venueId, ticketId }: { venueId: string | null; ticketId: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? 'en') as Language;
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [venue, setVenue] = useState<PublicVenue | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [alerting, setAlerting] = useState(false);
  const previousStatus = useRef<string | null>(null);
  const auth: TicketAuth | null = venueId && ticketId ? { venueId, ticketId } : null;
  const { socket, connection } = useSocket<TicketServerToClient, TicketClientToServer>(
    '/ticket',
    auth as Record<string, unknown> | null,
    (opened) => {
      opened.on('ticket.updated', setTicket);
      opened.on('venue', setVenue);
    },
  );

  const counterName = useCallback(
    (counterId: string | null) => (counterId === null ? '' : nameOf(venue?.counters, counterId, lang)),
    [venue, lang],
  );

  // Called: alert once per call (a recall is a new call), and keep the page flashing until seen.
  useEffect(() => {
    if (!ticket) return;
    if (ticket.status === 'called' && previousStatus.current !== null && previousStatus.current !== 'called') {
      alertHolder(t('ticket.title'), t('ticket.called', { counter: counterName(ticket.counterId) }));
      setAlerting(true);
    }
    if (ticket.status !== 'called') setAlerting(false);
    previousStatus.current = ticket.status;
  }, [ticket, t, counterName]);

  function send(event: 'ticket.defer' | 'ticket.on-my-way', done: string) {
    socket?.emit(event, (result: QueueCommandResult) =>
      setNotice(result.ok ? done : describeFailure(t, result, venue, lang)),
    );
  }

  if (!auth || connection.state === 'refused') {
    return (
      <main className="ticket-page">
        <p role="alert" className="banner bad">
          {t('ticket.unknown')}
        </p>
      </main>
    );
  }

  const service = venue?.services.find((s) => s.id === ticket?.serviceId);
  // A ticket still waiting but with no place in line was left when the venue closed on an earlier day.
  const inLine = ticket?.status === 'waiting' && ticket.position !== null;
  const clock = (at: number) => formatClock(lang, at, venue?.timezone);
  return (
    <main
      className={`ticket-page${alerting ? ' alerting' : ''}`}
      data-status={ticket?.status ?? 'loading'}
      onClick={() => setAlerting(false)}
      onKeyDown={() => setAlerting(false)}
    >
      <header className="ticket-header">
        <p className="venue-name">{venue?.name}</p>
        <LanguageSwitch current={lang} onChange={(next) => void i18n.changeLanguage(next)} />
      </header>
      <ConnectionStatus connection={connection} />
      <h1 className="visually-hidden">{t('ticket.title')}</h1>
      {ticket && (
        <>
          <section className="ticket-card" aria-labelledby="ticket-number">
            <p className="service-name">{service?.name[lang]}</p>
            <p id="ticket-number" className="ticket-number" data-number>
              {ticket.number}
            </p>
            <p className="ticket-state" aria-live="assertive" data-state>
              {ticket.status === 'called'
                ? t('ticket.called', { counter: counterName(ticket.counterId) })
                : ticket.status === 'waiting' && !inLine
                  ? t('ticket.fromEarlierDay')
                  : ticket.status === 'served'
                    ? t('ticket.served')
                    : ticket.status === 'no-show'
                      ? t('ticket.missed')
                      : t(`common.ticketStatus.${ticket.status}`)}
            </p>
          </section>
          {inLine && (
            <section className="ticket-wait" aria-live="polite">
              <p data-ahead={ticket.ahead}>
                {ticket.ahead === 0 ? t('ticket.aheadNone') : t('ticket.ahead', { count: ticket.ahead })}
              </p>
              <p data-posted={ticket.postedWaitMin ?? ''}>
                {t('ticket.postedWait', { wait: formatWait(t, ticket.postedWaitMin) })}
              </p>
              {ticket.returnWindow && (
                <p>
                  {t('ticket.returnWindow', {
                    from: clock(ticket.returnWindow.from),
                    to: clock(ticket.returnWindow.to),
                  })}
                </p>
              )}
            </section>
          )}
          <section className="ticket-actions">
            {inLine && (
              <button
                type="button"
                data-action="defer"
                disabled={!ticket.canDefer}
                onClick={() => send('ticket.defer', t('ticket.moreTimeDone'))}
              >
                {t('ticket.moreTime')}
              </button>
            )}
            {(inLine || ticket.status === 'called') && (
              <button
                type="button"
                className="primary"
                data-action="on-my-way"
                aria-pressed={ticket.onTheWay}
                onClick={() => send('ticket.on-my-way', t('ticket.onMyWayDone'))}
              >
                {t('ticket.onMyWay')}
              </button>
            )}
            {inLine && (
              <button
                type="button"
                data-action="notify"
                onClick={() => void askNotificationPermission().then(() => setNotice(t('ticket.notifyOn')))}
              >
                {t('ticket.notify')}
              </button>
            )}
          </section>
          {notice && (
            <p role="status" className="notice">
              {notice}
            </p>
          )}
          {ticket.status === 'served' && venueId && ticketId && (
            <VisitRating venueId={venueId} ticketId={ticketId} venue={venue} lang={lang} />
          )}
        </>
      )}
    </main>
  );
}
