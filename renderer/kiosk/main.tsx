import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { languageFrom } from '../shared/page-params.ts';
import { startI18n } from '../shared/i18n.ts';
import { KioskApp } from './KioskApp.tsx';

// Served by the kiosk runtime's local API at / (Electron or `chromium --kiosk` opens it).
const lang = languageFrom(window.location.search);
startI18n(lang);
const root = document.getElementById('root');
if (!root) throw new Error('kiosk/index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <KioskApp defaultLanguage={lang} />
  </StrictMode>,
);
