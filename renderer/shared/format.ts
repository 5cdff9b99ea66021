import type { TFunction } from 'i18next';
import type { Language } from '../../core/languages.ts';

/** "about 15 min": a posted wait as customers read it; null means no counter serves it now. */
export function formatWait(t: TFunction, minutes: number | null): string {
  if (minutes === null) return t('common.noEstimate');
  return minutes === 0 ? t('common.soon') : t('common.minutes', { count: minutes });
}

/** A clock time in the venue's own time zone (a kiosk's or phone's zone may differ). */
export function formatClock(lang: string, at: number, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone }).format(at);
  } catch {
    return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(at);
  }
}

/** Midnight of today in the venue's time zone, in ms (the dashboard's "today"; DST days are off by the shift). */
/** A time zone as people name it in their language ("Korean Standard Time", "韩国标准时间"), not its id. */
export function zoneName(lang: string, timeZone: string, at: number): string {
  const parts = new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: 'long' }).formatToParts(at);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** The wall-clock fields of an instant in a time zone (the browser's own when none is given). */
function wallClock(timeZone: string | undefined, at: number): Record<string, number> {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
}

/** Wall-clock fields read as if they were UTC, minus the instant: the zone's offset, ms. */
function offsetOf(fields: Record<string, number>, at: number): number {
  const { year, month, day, hour, minute, second } = fields as Record<string, number>;
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - Math.floor(at / 1000) * 1000;
}

export function startOfDayIn(timeZone: string | undefined, now = Date.now()): number {
  try {
    const fields = wallClock(timeZone, now);
    return Date.UTC(fields.year!, fields.month! - 1, fields.day!) - offsetOf(fields, now);
  } catch {
    const local = new Date(now);
    return new Date(local.getFullYear(), local.getMonth(), local.getDate()).getTime();
  }
}

/** The name of a service, counter, touchpoint... in the page's language; the id when the venue does not list it. */
export function nameOf(
  list: readonly { id: string; name: Record<Language, string> }[] | undefined,
  id: string,
  lang: Language,
): string {
  return list?.find((item) => item.id === id)?.name[lang] ?? id;
}

/**
 * The part of a chart's window (seconds) worth drawing: from the hour before its first point, so a
 * day's few points do not all crowd its right edge; the whole window when there is no point in it.
 */
export function visibleWindow(window: [number, number], firstX: number | null): [number, number] {
  if (firstX === null || firstX <= window[0] || firstX > window[1]) return window;
  return [Math.max(window[0], Math.floor(firstX / 3600) * 3600 - 3600), window[1]];
}

/** The offset of a time zone from UTC at an instant, ms (0 for an unknown zone). */
export function zoneOffsetMs(timeZone: string | undefined, at: number): number {
  if (!timeZone) return 0;
  try {
    return offsetOf(wallClock(timeZone, at), at);
  } catch {
    return 0;
  }
}

/** Midnight starting a venue day (YYYY-MM-DD) in its time zone, ms since the epoch. */
export function venueDayStart(day: string, timeZone: string | undefined): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // The offset at the guess, then at the corrected time (a DST change near midnight moves it).
  const guess = utcMidnight - zoneOffsetMs(timeZone, utcMidnight);
  return utcMidnight - zoneOffsetMs(timeZone, guess);
}
