import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Language } from '../../core/languages.ts';
import { startI18n } from '../shared/i18n.ts';
import { PAGE_LANGUAGES, queryParam } from '../shared/page-params.ts';
import { TicketPage } from './TicketPage.tsx';

// /ticket/?venue=<id>&ticket=<ticket id>[&lang=..]: reached through /t/<ticket id> on the QR code.
// Without ?lang the phone's own language is used when it is one we speak.
const requested = queryParam(window.location.search, 'lang') ?? navigator.language.slice(0, 2);
const lang: Language = (PAGE_LANGUAGES as readonly string[]).includes(requested) ? (requested as Language) : 'en';
startI18n(lang);
const root = document.getElementById('root');
if (!root) throw new Error('ticket/index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <TicketPage venueId={queryParam(window.location.search, 'venue')} ticketId={queryParam(window.location.search, 'ticket')} />
  </StrictMode>,
);
