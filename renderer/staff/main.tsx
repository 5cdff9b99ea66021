import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SignIn } from '../shared/components.tsx';
import { startI18n } from '../shared/i18n.ts';
import { languageFrom, queryParam } from '../shared/page-params.ts';
import { StaffConsole } from './StaffConsole.tsx';

// /staff/?venue=<id>&counter=<counter id>[&department=<owner>][&lang=..]
const lang = languageFrom(window.location.search);
startI18n(lang);
const root = document.getElementById('root');
if (!root) throw new Error('staff/index.html has no #root element');
const search = window.location.search;
createRoot(root).render(
  <StrictMode>
    <SignIn role="staff">
      {(user) => (
        <StaffConsole
          venueId={queryParam(search, 'venue') ?? user.venueIds[0] ?? null}
          initialCounter={queryParam(search, 'counter')}
          department={queryParam(search, 'department')}
          lang={lang}
        />
      )}
    </SignIn>
  </StrictMode>,
);
