import type { Language } from '../../core/languages.ts';

/** The languages every screen speaks (core/languages.ts LANGUAGES, without pulling zod into the page). */
export const PAGE_LANGUAGES = ['ko', 'zh', 'en'] as const satisfies readonly Language[];

/** `?lang=ko|zh|en`; anything else (or nothing) is English. */
export function languageFrom(search: string): Language {
  const lang = new URLSearchParams(search).get('lang');
  return (PAGE_LANGUAGES as readonly string[]).includes(lang ?? '') ? (lang as Language) : 'en';
}

/** A value from the query string, or null when absent or empty. */
export function queryParam(search: string, name: string): string | null {
  return new URLSearchParams(search).get(name) || null;
}

/**
 * A value from the location hash (`#token=...`). Secrets travel in the hash because browsers
 * never send it to the server, so it stays out of access logs and Referer headers.
 */
export function hashParam(hash: string, name: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(name) || null;
}
