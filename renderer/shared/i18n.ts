import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import { en } from '../locales/en.ts';
import { ko } from '../locales/ko.ts';
import { zh } from '../locales/zh.ts';

export const RESOURCES = { en: { translation: en }, ko: { translation: ko }, zh: { translation: zh } } as const;

/**
 * i18next with every screen's texts bundled (a kiosk must switch language offline, so nothing is
 * fetched). The page's <html lang> follows, so screen readers pronounce the right language.
 */
export function startI18n(lang: Language): i18n {
  void i18next.use(initReactI18next).init({
    lng: lang,
    fallbackLng: 'en',
    resources: RESOURCES,
    interpolation: { escapeValue: false }, // React escapes
    initAsync: false,
  });
  document.documentElement.lang = lang;
  i18next.on('languageChanged', (next) => {
    document.documentElement.lang = next;
  });
  return i18next;
}
