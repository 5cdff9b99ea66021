import type { TFunction } from 'i18next';

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
