import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_TASK_POLICY } from '../../core/alerts/tasks.ts';
import type { Language } from '../../core/languages.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { requestJson } from '../shared/http.ts';
import { describeError } from '../shared/refusals.ts';
import './programme.css';

/** A number field's text as a number, or undefined when left empty. */
const numberOf = (text: string) => (text.trim() === '' ? undefined : Number(text));

/**
 * The venue's programme, edited by its manager: task deadlines, who escalations end at, and the
 * attribution window (PUT /api/venues/:id/programme, saved as a new venue version). The rest of
 * `analytics` (alert rules, scale, chains) is kept as it is; the hub checks every value.
 */
export function ProgrammeEditor({ venueId, venue, lang }: { venueId: string; venue: PublicVenue; lang: Language }) {
  const { t } = useTranslation();
  const analytics = venue.analytics;
  const policy = analytics.taskPolicy ?? DEFAULT_TASK_POLICY;
  const [ack, setAck] = useState(String(policy.ackWithinMin));
  const [resolve, setResolve] = useState(String(policy.resolveWithinMin));
  const [manager, setManager] = useState(analytics.escalation?.manager ?? '');
  const [windowText, setWindowText] = useState(analytics.attributionWindowMin?.toString() ?? '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save() {
    const escalation = { chains: analytics.escalation?.chains ?? {}, ...(manager.trim() ? { manager } : {}) };
    try {
      const saved = await requestJson<PublicVenue>(`/api/venues/${encodeURIComponent(venueId)}/programme`, {
        method: 'PUT',
        body: {
          analytics: {
            ...analytics,
            taskPolicy: { ackWithinMin: numberOf(ack), resolveWithinMin: numberOf(resolve) },
            escalation,
            attributionWindowMin: numberOf(windowText),
          },
        },
      });
      setMessage({ ok: true, text: t('manage.programme.saved', { version: saved.version }) });
    } catch (error) {
      setMessage({ ok: false, text: describeError(t, error, venue, lang) });
    }
  }

  return (
    <div className="programme">
      <div className="fields">
        <label>
          {t('manage.programme.ackWithin')}
          <input data-field="ack" type="number" min={1} value={ack} onChange={(e) => setAck(e.target.value)} />
        </label>
        <label>
          {t('manage.programme.resolveWithin')}
          <input
            data-field="resolve"
            type="number"
            min={1}
            value={resolve}
            onChange={(e) => setResolve(e.target.value)}
          />
        </label>
        <label>
          {t('manage.programme.manager')}
          <input data-field="manager" value={manager} onChange={(e) => setManager(e.target.value)} />
        </label>
        <label>
          {t('manage.programme.attributionWindow')}
          <input
            data-field="window"
            type="number"
            min={1}
            max={120}
            value={windowText}
            onChange={(e) => setWindowText(e.target.value)}
          />
        </label>
      </div>
      <button type="button" className="primary" data-action="save-programme" onClick={() => void save()}>
        {t('manage.programme.save')}
      </button>
      {message && (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={message.ok ? 'result' : 'result error'}
          data-programme-result={message.ok ? 'saved' : 'refused'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
