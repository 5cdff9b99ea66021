import { SignIn } from '../shared/components.tsx';
import { mountPage } from '../shared/mount.tsx';
import { languageFrom, queryParam } from '../shared/page-params.ts';
import { Dashboard } from './Dashboard.tsx';
import { Operations } from './Operations.tsx';
import { Workspace } from './workspace/Workspace.tsx';

// /manage/?venue=<id>[&lang=..][&page=overview|journey|...|live|operations]: the workspace's
// overview by default; "live" is the live dashboard (with the journey editor), "operations" the
// operations statistics.
const lang = languageFrom(window.location.search);
const page = queryParam(window.location.search, 'page');
mountPage(
  lang,
  <SignIn role="manager">
    {(user) => {
      const venueId = queryParam(window.location.search, 'venue') ?? user.venueIds[0] ?? null;
      if (page === 'operations') return <Operations venueId={venueId} lang={lang} />;
      if (page === 'live' || !venueId) return <Dashboard venueId={venueId} lang={lang} />;
      return <Workspace venueId={venueId} lang={lang} />;
    }}
  </SignIn>,
);
