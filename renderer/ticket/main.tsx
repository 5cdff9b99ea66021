import type { Language } from '../../core/languages.ts';
import { mountPage } from '../shared/mount.tsx';
import { PAGE_LANGUAGES, queryParam } from '../shared/page-params.ts';
import { TicketPage } from './TicketPage.tsx';

// /ticket/?venue=<id>&ticket=<ticket id>[&lang=..]: reached through /t/<ticket id> on the QR code.
// Without ?lang the phone's own language is used when it is one we speak.
const requested = queryParam(window.location.search, 'lang') ?? navigator.language.slice(0, 2);
const lang: Language = (PAGE_LANGUAGES as readonly string[]).includes(requested) ? (requested as Language) : 'en';
mountPage(
  lang,
  <TicketPage
    venueId={queryParam(window.location.search, 'venue')}
    ticketId={queryParam(window.location.search, 'ticket')}
  />,
);
