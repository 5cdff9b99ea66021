import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import { ConnectionStatus } from '../shared/components.tsx';
import { useFit } from '../shared/use-fit.ts';
import { boardRows, LEVELS, useVenueLive, type BoardData, type BoardRow } from '../shared/venue-state.ts';
import { NowServing, RotatingTips, ServiceWaits } from '../shared/QueuePanels.tsx';
import { CallAnnouncer } from './CallAnnouncer.tsx';
import { PublicNotes } from '../shared/PublicNotes.tsx';

export interface BoardProps {
  venueId: string | null;
  token: string | null;
  lang: Language;
}

/**
 * The live board of one venue, for a TV across a room: who is called where, how long each line
 * is, and, below, smiley counts per touchpoint and the health of the venue's devices.
 */
export function Board({ venueId, token, lang }: BoardProps) {
  const { t } = useTranslation();
  const { data, connection } = useVenueLive(venueId, token);
  const rows = useMemo(() => boardRows(data, lang), [data, lang]);
  const number = useMemo(() => new Intl.NumberFormat(lang), [lang]);
  const percent = useMemo(() => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }), [lang]);
  const venueName = data.venue?.name ?? venueId ?? t('board.title');

  useEffect(() => {
    document.title = `${venueName} · ${t('board.title')}`;
  }, [venueName, t]);

  const announcement = rows
    .filter((row) => data.changed.includes(row.touchpointId))
    .map((row) =>
      row.happyShare === null
        ? t('board.announce', { name: row.name, total: number.format(row.total) })
        : t('board.announceShare', {
            name: row.name,
            total: number.format(row.total),
            share: percent.format(row.happyShare),
          }),
    )
    .join('. ');

  const refusal = !venueId ? t('board.noVenue') : connection.state === 'refused' ? connection.message : null;

  return (
    <div className="board">
      <header className="board-header">
        <div className="board-title">
          <h1>{venueName}</h1>
          <p className="subtitle">{t('board.title')}</p>
        </div>
        {refusal === null && <ConnectionStatus connection={connection} />}
      </header>

      <main>
        {refusal !== null ? (
          <section className="refusal" role="alert" aria-labelledby="refusal-heading">
            <h2 id="refusal-heading">{t('board.refused')}</h2>
            <p className="refusal-message">{refusal}</p>
          </section>
        ) : (
          <>
            {data.queue && (
              <div className="queue-panels">
                <NowServing queue={data.queue} venue={data.venue} lang={lang} />
                <ServiceWaits queue={data.queue} venue={data.venue} lang={lang} />
              </div>
            )}
            {data.queue && <RotatingTips />}
            <CallAnnouncer queue={data.queue} venue={data.venue} lang={lang} />
            <PublicNotes notes={data.notes} lang={lang} />
            {/* Below the queues, what fits of the rest: a TV never scrolls (docs/screens.md). */}
            <div className="board-extras">
              <section aria-labelledby="feedback-heading">
                <h2 id="feedback-heading">{t('board.feedback')}</h2>
                <FeedbackTable rows={rows} number={number} percent={percent} loaded={data.venue !== null} />
                <p className="visually-hidden" aria-live="polite">
                  {announcement}
                </p>
              </section>
              <section aria-labelledby="devices-heading">
                <h2 id="devices-heading">{t('board.devices')}</h2>
                {data.venue && data.devices.length === 0 ? (
                  <p className="empty">{t('board.noDevices')}</p>
                ) : (
                  <DeviceList devices={data.devices} />
                )}
              </section>
            </div>
          </>
        )}
      </main>
    </div>
  );
}

function DeviceList({ devices }: { devices: BoardData['devices'] }) {
  const { t } = useTranslation();
  const { ref, shown } = useFit<HTMLDivElement>(devices.length);
  return (
    <div className="fit" ref={ref}>
      <ul className="devices" aria-live="polite">
        {devices.slice(0, shown).map((device) => (
          <li
            key={device.deviceId}
            data-device={device.deviceId}
            data-fit
            className={device.connected ? 'device connected' : 'device offline'}
          >
            <span className="device-dot" aria-hidden="true" />
            <span className="device-name">{device.name}</span>
            <span className="device-state">{device.connected ? t('board.connected') : t('board.offline')}</span>
          </li>
        ))}
        {shown < devices.length && (
          <li className="device more" data-fit data-more>
            {t('board.fit.more', { count: devices.length - shown })}
          </li>
        )}
      </ul>
    </div>
  );
}

function FeedbackTable(props: {
  rows: BoardRow[];
  number: Intl.NumberFormat;
  percent: Intl.NumberFormat;
  loaded: boolean;
}) {
  const { rows, number, percent, loaded } = props;
  const { t } = useTranslation();
  const { ref, shown } = useFit<HTMLDivElement>(rows.length);
  return (
    <div className="fit" ref={ref}>
      <table className="feedback">
        <thead>
          <tr>
            <th scope="col">{t('board.touchpoint')}</th>
            {LEVELS.map((level) => (
              <th scope="col" key={level} className="num">
                <span className={`level-dot level-${level}`} aria-hidden="true" />
                {t(`common.levels.${level}`)}
              </th>
            ))}
            <th scope="col" className="num">
              {t('board.total')}
            </th>
            <th scope="col" className="share-heading">
              {t('board.happyShare')}
            </th>
          </tr>
        </thead>
        <tbody>
          {loaded && rows.length === 0 && (
            <tr>
              <td colSpan={LEVELS.length + 3} className="empty">
                {t('board.noTouchpoints')}
              </td>
            </tr>
          )}
          {rows.slice(0, shown).map((row) => (
            <tr key={row.touchpointId} data-touchpoint={row.touchpointId} data-fit>
              <th scope="row">{row.name}</th>
              {LEVELS.map((level) => (
                <td key={level} className="num" data-level={level}>
                  {number.format(row.counts[level])}
                </td>
              ))}
              <td className="num total" data-total>
                {number.format(row.total)}
              </td>
              <td data-happy-share>
                <div className="share">
                  <span className="share-value">{row.happyShare === null ? '–' : percent.format(row.happyShare)}</span>
                  <span className="share-bar" aria-hidden="true">
                    <span className="share-fill" style={{ width: `${Math.round((row.happyShare ?? 0) * 100)}%` }} />
                  </span>
                </div>
              </td>
            </tr>
          ))}
          {shown < rows.length && (
            <tr data-fit data-more>
              <td colSpan={LEVELS.length + 3} className="more">
                {t('board.fit.more', { count: rows.length - shown })}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
