import { mountPage } from '../shared/mount.tsx';
import { languageFrom } from '../shared/page-params.ts';
import { KioskApp } from './KioskApp.tsx';

// Served by the kiosk runtime's local API at / (Electron or `chromium --kiosk` opens it).
const lang = languageFrom(window.location.search);
mountPage(lang, <KioskApp defaultLanguage={lang} />);
