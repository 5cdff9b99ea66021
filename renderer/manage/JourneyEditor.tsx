import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import type { PublicVenue, Touchpoint } from '../../core/venue.ts';
import { formatClock } from '../shared/format.ts';
import { ApiError, requestJson } from '../shared/http.ts';

const LANGS: readonly Language[] = ['ko', 'zh', 'en'];
const STAGES = ['before', 'during', 'after'] as const;
const MAX_REASONS = 6;

type Draft = Touchpoint;

const emptyName = () => ({ ko: '', zh: '', en: '' });

/**
 * The journey map, edited by the venue's manager: touchpoints with their stage, counter, owner
 * department, score target and follow-up reasons. Saving makes a new venue version, which the hub
 * keeps and pushes to the kiosks and boards; the hub validates and says what is wrong.
 */
export function JourneyEditor({ venueId, venue, lang }: { venueId: string; venue: PublicVenue; lang: Language }) {
  const { t } = useTranslation();
  const [drafts, setDrafts] = useState<Draft[]>(venue.touchpoints);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [versions, setVersions] = useState<{ version: number; savedAt: number }[]>([]);

  const loadVersions = useCallback(
    () =>
      requestJson<{ version: number; savedAt: number }[]>(`/api/venues/${encodeURIComponent(venueId)}/versions`).then(
        (list) => setVersions(list.slice(0, 5)),
        () => undefined,
      ),
    [venueId],
  );
  useEffect(() => {
    void loadVersions();
  }, [loadVersions]);

  const edit = (index: number, change: Partial<Draft>) =>
    setDrafts((list) => list.map((d, i) => (i === index ? { ...d, ...change } : d)));

  async function save() {
    try {
      const saved = await requestJson<PublicVenue>(`/api/venues/${encodeURIComponent(venueId)}/journey`, {
        method: 'PUT',
        body: { touchpoints: drafts, segments: venue.segments },
      });
      setMessage({ ok: true, text: t('manage.journey.saved', { version: saved.version }) });
      setDrafts(saved.touchpoints);
      void loadVersions();
    } catch (error) {
      setMessage({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
    }
  }

  return (
    <div className="journey">
      {drafts.map((draft, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: ids are typed here (empty or repeated meanwhile)
        <fieldset key={index} className="touchpoint-editor" data-touchpoint={draft.id}>
          <legend>{draft.name[lang] || draft.id || t('manage.journey.newTouchpoint')}</legend>
          <div className="fields">
            <label>
              {t('manage.journey.id')}
              <input
                value={draft.id}
                onChange={(e) => edit(index, { id: e.target.value })}
                readOnly={venue.touchpoints.some((tp) => tp.id === draft.id)}
              />
            </label>
            {LANGS.map((l) => (
              <label key={l}>
                {t('manage.journey.nameIn', { language: t(`manage.journey.languages.${l}`) })}
                <input
                  lang={l}
                  data-field={`name-${l}`}
                  value={draft.name[l]}
                  onChange={(e) => edit(index, { name: { ...draft.name, [l]: e.target.value } })}
                />
              </label>
            ))}
            <label>
              {t('manage.journey.stage')}
              <select value={draft.stage} onChange={(e) => edit(index, { stage: e.target.value as Draft['stage'] })}>
                {STAGES.map((stage) => (
                  <option key={stage} value={stage}>
                    {t(`manage.journey.stages.${stage}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('manage.journey.counter')}
              <select
                value={draft.counterId ?? ''}
                onChange={(e) => edit(index, { counterId: e.target.value || undefined })}
              >
                <option value="">–</option>
                {venue.counters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name[lang]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('manage.journey.owner')}
              <input
                data-field="owner"
                value={draft.owner ?? ''}
                onChange={(e) => edit(index, { owner: e.target.value || undefined })}
              />
            </label>
            <label>
              {t('manage.journey.target')}
              <input
                data-field="target"
                type="number"
                min={-100}
                max={100}
                value={draft.target ?? ''}
                onChange={(e) => edit(index, { target: e.target.value === '' ? undefined : Number(e.target.value) })}
              />
            </label>
            <label className="wide-field">
              {t('manage.journey.devices')}
              <input
                data-field="devices"
                value={draft.devices.join(', ')}
                onChange={(e) => edit(index, { devices: e.target.value.split(/[\s,]+/).filter((d) => d !== '') })}
              />
            </label>
          </div>
          <div className="reasons-editor">
            <p>{t('manage.journey.reasons', { max: MAX_REASONS })}</p>
            {draft.reasons.map((reason, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: as for the touchpoints above
              <div key={r} className="reason-row" data-reason={reason.id}>
                <input
                  aria-label={t('manage.journey.id')}
                  value={reason.id}
                  onChange={(e) =>
                    edit(index, { reasons: draft.reasons.map((x, i) => (i === r ? { ...x, id: e.target.value } : x)) })
                  }
                />
                {LANGS.map((l) => (
                  <input
                    key={l}
                    aria-label={t('manage.journey.nameIn', { language: t(`manage.journey.languages.${l}`) })}
                    value={reason.name[l]}
                    onChange={(e) =>
                      edit(index, {
                        reasons: draft.reasons.map((x, i) =>
                          i === r ? { ...x, name: { ...x.name, [l]: e.target.value } } : x,
                        ),
                      })
                    }
                  />
                ))}
                <button type="button" onClick={() => edit(index, { reasons: draft.reasons.filter((_, i) => i !== r) })}>
                  {t('manage.journey.remove')}
                </button>
              </div>
            ))}
            <button
              type="button"
              data-action="add-reason"
              disabled={draft.reasons.length >= MAX_REASONS}
              onClick={() => edit(index, { reasons: [...draft.reasons, { id: '', name: emptyName() }] })}
            >
              {t('manage.journey.addReason')}
            </button>
          </div>
          <button type="button" onClick={() => setDrafts((list) => list.filter((_, i) => i !== index))}>
            {t('manage.journey.removeTouchpoint')}
          </button>
        </fieldset>
      ))}
      <div className="journey-actions">
        <button
          type="button"
          onClick={() =>
            setDrafts((list) => [...list, { id: '', name: emptyName(), stage: 'during', devices: [], reasons: [] }])
          }
        >
          {t('manage.journey.addTouchpoint')}
        </button>
        <button type="button" className="primary" data-action="save-journey" onClick={() => void save()}>
          {t('manage.journey.save')}
        </button>
      </div>
      {message && (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={message.ok ? 'result' : 'result error'}
          data-journey-result={message.ok ? 'saved' : 'refused'}
        >
          {message.text}
        </p>
      )}
      {versions.length > 0 && (
        <p className="versions" data-versions>
          {t('manage.journey.versions')}:{' '}
          {versions.map((v) => `v${v.version} (${formatClock(lang, v.savedAt, venue.timezone)})`).join(' · ')}
        </p>
      )}
    </div>
  );
}
