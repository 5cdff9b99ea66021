import { SignIn } from '../shared/components.tsx';
import { mountPage } from '../shared/mount.tsx';
import { languageFrom, queryParam } from '../shared/page-params.ts';
import { Dashboard } from './Dashboard.tsx';

// /manage/?venue=<id>[&lang=..]
const lang = languageFrom(window.location.search);
mountPage(
  lang,
  <SignIn role="manager">
    {(user) => (
      <Dashboard venueId={queryParam(window.location.search, 'venue') ?? user.venueIds[0] ?? null} lang={lang} />
    )}
  </SignIn>,
);
