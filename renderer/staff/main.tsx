import { SignIn } from '../shared/components.tsx';
import { mountPage } from '../shared/mount.tsx';
import { languageFrom, queryParam } from '../shared/page-params.ts';
import { StaffConsole } from './StaffConsole.tsx';

// /staff/?venue=<id>&counter=<counter id>[&department=<owner>][&lang=..]
const search = window.location.search;
const lang = languageFrom(search);
mountPage(
  lang,
  <SignIn role="staff">
    {(user) => (
      <StaffConsole
        venueId={queryParam(search, 'venue') ?? user.venueIds[0] ?? null}
        initialCounter={queryParam(search, 'counter')}
        departments={queryParam(search, 'department')?.split(',') ?? user.departments}
        lang={lang}
      />
    )}
  </SignIn>,
);
