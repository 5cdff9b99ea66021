import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { zoneName } from '../../shared/format.ts';
import type { PageContext } from './common.tsx';
import { PRESETS, STAGES, type Stage } from './slicing.ts';

/**
 * The view's slicing, the same on every page: venue days (presets or a custom range, in the
 * venue's time zone), segment, stage and touchpoint, and the comparison with the previous period.
 */
export function SliceBar({ ctx }: { ctx: PageContext }) {
  const { t, i18n } = useTranslation();
  const { slice, venue, lang, go } = ctx;
  const id = useId();

  function custom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get('from') ?? '');
    const to = String(form.get('to') ?? '');
    if (from && to) go(from <= to ? { preset: 'custom', from, to } : { preset: 'custom', from: to, to: from });
  }

  return (
    <section className="slice-bar" aria-label={t('workspace.slicing')}>
      <fieldset className="presets">
        <legend>{t('workspace.range', { zone: zoneName(i18n.language, venue.timezone, Date.now()) })}</legend>
        {PRESETS.filter((p) => p !== 'custom').map((preset) => (
          <button
            type="button"
            key={preset}
            data-preset={preset}
            aria-pressed={slice.preset === preset}
            onClick={() => go({ preset })}
          >
            {t(`workspace.presets.${preset}`)}
          </button>
        ))}
      </fieldset>
      <form className="custom-range" onSubmit={custom} key={`${slice.from}/${slice.to}`}>
        <label>
          {t('operations.from')}
          <input type="date" name="from" defaultValue={slice.from} required />
        </label>
        <label>
          {t('operations.to')}
          <input type="date" name="to" defaultValue={slice.to} required />
        </label>
        <button type="submit" data-preset="custom" aria-pressed={slice.preset === 'custom'}>
          {t('workspace.presets.custom')}
        </button>
      </form>
      <div className="filters">
        <label htmlFor={`${id}-segment`}>
          {t('workspace.filters.segment')}
          <select
            id={`${id}-segment`}
            name="segment"
            value={slice.segment ?? ''}
            onChange={(e) => go({ segment: e.target.value || null })}
          >
            <option value="">{t('workspace.filters.all')}</option>
            <option value="none">{t('workspace.noSegment')}</option>
            {venue.segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name[lang]}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-stage`}>
          {t('workspace.filters.stage')}
          <select
            id={`${id}-stage`}
            name="stage"
            value={slice.stage ?? ''}
            onChange={(e) => go({ stage: (e.target.value || null) as Stage | null })}
          >
            <option value="">{t('workspace.filters.all')}</option>
            {STAGES.map((stage) => (
              <option key={stage} value={stage}>
                {t(`manage.journey.stages.${stage}`)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-touchpoint`}>
          {t('workspace.filters.touchpoint')}
          <select
            id={`${id}-touchpoint`}
            name="touchpoint"
            value={slice.touchpoint ?? ''}
            onChange={(e) => go({ touchpoint: e.target.value || null })}
          >
            <option value="">{t('workspace.filters.all')}</option>
            {venue.touchpoints.map((tp) => (
              <option key={tp.id} value={tp.id}>
                {tp.name[lang]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-action="compare"
          aria-pressed={slice.compare}
          onClick={() => go({ compare: !slice.compare })}
        >
          {t('workspace.comparePrevious')}
        </button>
      </div>
    </section>
  );
}
