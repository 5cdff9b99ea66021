import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SignIn } from '../shared/components.tsx';
import { startI18n } from '../shared/i18n.ts';
import { languageFrom, queryParam } from '../shared/page-params.ts';
import { Dashboard } from './Dashboard.tsx';

// /manage/?venue=<id>[&lang=..]
const lang = languageFrom(window.location.search);
startI18n(lang);
const root = document.getElementById('root');
if (!root) throw new Error('manage/index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <SignIn role="manager">{(user) => <Dashboard venueId={queryParam(window.location.search, 'venue') ?? user.venueIds[0] ?? null} lang={lang} />}</SignIn>
  </StrictMode>,
);
