import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import type { QueueSnapshot } from '../../core/protocol.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { formatClock, formatWait, nameOf } from './format.ts';

/** How long a call stays highlighted on the board. */
const HIGHLIGHT_MS = 12_000;

/** "Now serving" per counter: each new call stays highlighted for a while (the board's CallAnnouncer sounds it). */
export function NowServing({
  queue,
  venue,
  lang,
}: {
  queue: QueueSnapshot;
  venue: PublicVenue | null;
  lang: Language;
}) {
  const { t } = useTranslation();
  const [highlight, setHighlight] = useState<{ counterId: string; at: number } | null>(null);
  const lastCallAt = useRef<number | null>(null);
  const counterName = (id: string) => nameOf(venue?.counters, id, lang);

  useEffect(() => {
    const call = queue.lastCall;
    if (!call || call.at === lastCallAt.current) return;
    const first = lastCallAt.current === null;
    lastCallAt.current = call.at;
    if (first && Date.now() - call.at > HIGHLIGHT_MS) return; // an old call when the board opens
    setHighlight({ counterId: call.counterId, at: call.at });
    const timer = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [queue.lastCall]);

  const call = queue.lastCall;
  return (
    <section className="now-serving" aria-labelledby="now-heading">
      <h2 id="now-heading">{t('board.nowServing')}</h2>
      <p className="visually-hidden" aria-live="assertive">
        {highlight && call
          ? t('board.callAnnouncement', { number: call.number, counter: counterName(call.counterId) })
          : ''}
      </p>
      <ul className="counters">
        {queue.counters.map((counter) => (
          <li
            key={counter.counterId}
            data-counter={counter.counterId}
            data-status={counter.status}
            className={`counter ${highlight?.counterId === counter.counterId ? 'called' : ''}`}
          >
            <span className="counter-name">{counterName(counter.counterId)}</span>
            <span className="counter-number" data-now-serving>
              {counter.status === 'open' ? (counter.nowServing ?? '–') : t(`common.counterStatus.${counter.status}`)}
            </span>
            {counter.status === 'break' && counter.breakUntil !== null && (
              <span className="counter-back" data-back>
                {t('board.backAt', { time: formatClock(lang, counter.breakUntil, venue?.timezone) })}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** How many next numbers a waits row shows before "+N": three fit beside the wait on every board size. */
const NEXT_SHOWN = 3;

/** Posted waits per service, how many wait, the next numbers, and why a line does not move. */
export function ServiceWaits({
  queue,
  venue,
  lang,
}: {
  queue: QueueSnapshot;
  venue: PublicVenue | null;
  lang: Language;
}) {
  const { t } = useTranslation();
  const number = new Intl.NumberFormat(lang);
  if (queue.services.length === 0) return <p>{t('board.noServices')}</p>;
  return (
    <section className="waits" aria-labelledby="waits-heading">
      <h2 id="waits-heading">{t('board.waits')}</h2>
      <table className="waits-table">
        <thead>
          <tr>
            <th scope="col">{t('board.service')}</th>
            <th scope="col" className="num">
              {t('board.waiting')}
            </th>
            <th scope="col" className="num">
              {t('board.postedWait')}
            </th>
            <th scope="col">{t('board.nextNumbers')}</th>
          </tr>
        </thead>
        <tbody>
          {queue.services.map((row) => {
            const reason =
              row.openCounters === 0
                ? row.countersOnBreak > 0
                  ? t('board.fit.breakShort')
                  : t('board.fit.closedShort')
                : null;
            const next = row.next.slice(0, NEXT_SHOWN);
            const more = row.waiting - next.length;
            return (
              <tr key={row.serviceId} data-service={row.serviceId}>
                <th scope="row">{nameOf(venue?.services, row.serviceId, lang)}</th>
                <td className="num" data-waiting>
                  {number.format(row.waiting)}
                </td>
                <td
                  className={reason ? 'reason' : 'num'}
                  data-posted
                  title={reason ? t(row.countersOnBreak > 0 ? 'board.breakReason' : 'board.closedReason') : undefined}
                >
                  {reason ?? formatWait(t, row.postedWaitMin)}
                </td>
                <td data-next>
                  {next.map((number) => (
                    <span key={number} className="ticket-number" data-number>
                      {number}
                    </span>
                  ))}
                  {more > 0 && next.length > 0 && (
                    <span className="more-numbers">{t('board.fit.moreNumbers', { count: more })}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Something to read between calls: occupied time feels shorter than empty time (Maister). */
export function RotatingTips({ everyMs = 12_000 }: { everyMs?: number }) {
  const { t } = useTranslation();
  const tips = t('board.tips', { returnObjects: true }) as unknown as string[];
  const [index, setIndex] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setIndex((i) => i + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return (
    <aside className="tips" aria-hidden="true">
      <p key={index % tips.length}>{tips[index % tips.length]}</p>
    </aside>
  );
}
