import { SignIn } from '../shared/components.tsx';
import { mountPage } from '../shared/mount.tsx';
import { languageFrom, queryParam } from '../shared/page-params.ts';
import { Dashboard } from './Dashboard.tsx';
import { Operations } from './Operations.tsx';

// /manage/?venue=<id>[&lang=..][&page=operations]
const lang = languageFrom(window.location.search);
const page = queryParam(window.location.search, 'page');
mountPage(
  lang,
  <SignIn role="manager">
    {(user) => {
      const venueId = queryParam(window.location.search, 'venue') ?? user.venueIds[0] ?? null;
      return page === 'operations' ? (
        <Operations venueId={venueId} lang={lang} />
      ) : (
        <Dashboard venueId={venueId} lang={lang} />
      );
    }}
  </SignIn>,
);
