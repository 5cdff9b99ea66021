import { useEffect, useMemo } from 'react';
import type { Language } from '../../core/languages.ts';
import { boardRows, LEVELS, type BoardRow } from './board-state.ts';
import { BOARD_LABELS, type BoardLabels } from './labels.ts';
import { useBoardSocket, type Connection } from './use-board-socket.ts';

export interface BoardProps {
  venueId: string | null;
  token: string | null;
  lang: Language;
}

/** The live board of one venue: smiley counts per touchpoint and the health of its devices. */
export function Board({ venueId, token, lang }: BoardProps) {
  const labels = BOARD_LABELS[lang];
  const { data, connection } = useBoardSocket(venueId, token);
  const rows = useMemo(() => boardRows(data, lang), [data, lang]);
  const number = useMemo(() => new Intl.NumberFormat(lang), [lang]);
  const percent = useMemo(() => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }), [lang]);
  const venueName = data.venue?.name ?? venueId ?? labels.title;

  useEffect(() => {
    document.title = `${venueName} · ${labels.title}`;
  }, [venueName, labels.title]);

  const announcement = rows
    .filter((row) => data.changed.includes(row.touchpointId))
    .map((row) => labels.announce(row.name, number.format(row.total), row.happyShare === null ? null : percent.format(row.happyShare)))
    .join('. ');

  const refusal = !venueId ? labels.noVenue : connection.state === 'refused' ? connection.message : null;

  return (
    <div className="board">
      <header className="board-header">
        <div>
          <h1>{venueName}</h1>
          <p className="subtitle">{labels.title}</p>
        </div>
        {refusal === null && <ConnectionStatus connection={connection} labels={labels} />}
      </header>

      <main>
        {refusal !== null ? (
          <section className="refusal" role="alert" aria-labelledby="refusal-heading">
            <h2 id="refusal-heading">{labels.refused}</h2>
            <p className="refusal-message">{refusal}</p>
          </section>
        ) : (
          <>
            <section aria-labelledby="feedback-heading">
              <h2 id="feedback-heading">{labels.feedback}</h2>
              <FeedbackTable rows={rows} labels={labels} number={number} percent={percent} loaded={data.venue !== null} />
              <p className="visually-hidden" aria-live="polite">
                {announcement}
              </p>
            </section>
            <section aria-labelledby="devices-heading">
              <h2 id="devices-heading">{labels.devices}</h2>
              {data.venue && data.devices.length === 0 ? (
                <p className="empty">{labels.noDevices}</p>
              ) : (
                <ul className="devices" aria-live="polite">
                  {data.devices.map((device) => (
                    <li key={device.deviceId} data-device={device.deviceId} className={device.connected ? 'device connected' : 'device offline'}>
                      <span className="device-dot" aria-hidden="true" />
                      <span className="device-name">{device.name}</span>
                      <span className="device-state">{device.connected ? labels.connected : labels.offline}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </main>
    </div>
  );
}

function ConnectionStatus({ connection, labels }: { connection: Connection; labels: BoardLabels }) {
  const text = connection.state === 'live' ? labels.live : connection.state === 'reconnecting' ? labels.reconnecting : labels.connecting;
  return (
    <p className={`connection connection-${connection.state}`} role="status" data-connection={connection.state}>
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

function FeedbackTable(props: { rows: BoardRow[]; labels: BoardLabels; number: Intl.NumberFormat; percent: Intl.NumberFormat; loaded: boolean }) {
  const { rows, labels, number, percent, loaded } = props;
  return (
    <table className="feedback">
      <thead>
        <tr>
          <th scope="col">{labels.touchpoint}</th>
          {LEVELS.map((level) => (
            <th scope="col" key={level} className="num">
              <span className={`level-dot level-${level}`} aria-hidden="true" />
              {labels.levels[level]}
            </th>
          ))}
          <th scope="col" className="num">
            {labels.total}
          </th>
          <th scope="col" className="share-heading">
            {labels.happyShare}
          </th>
        </tr>
      </thead>
      <tbody>
        {loaded && rows.length === 0 && (
          <tr>
            <td colSpan={LEVELS.length + 3} className="empty">
              {labels.noTouchpoints}
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.touchpointId} data-touchpoint={row.touchpointId}>
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
      </tbody>
    </table>
  );
}
