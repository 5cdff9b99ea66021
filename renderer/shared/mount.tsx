import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Language } from '../../core/languages.ts';
import { startI18n } from './i18n.ts';

/** Starts a page: its language (texts and <html lang>), then React in #root. */
export function mountPage(lang: Language, page: ReactNode): void {
  startI18n(lang);
  const root = document.getElementById('root');
  if (!root) throw new Error(`${window.location.pathname} has no #root element`);
  createRoot(root).render(<StrictMode>{page}</StrictMode>);
}
