import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startI18n } from '../shared/i18n.ts';
import { hashParam, languageFrom, queryParam } from '../shared/page-params.ts';
import { Board } from './Board.tsx';

// /board/?venue=<id>&lang=ko|zh|en#token=<board token>
const lang = languageFrom(window.location.search);
startI18n(lang);
const root = document.getElementById('root');
if (!root) throw new Error('board/index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Board venueId={queryParam(window.location.search, 'venue')} token={hashParam(window.location.hash, 'token')} lang={lang} />
  </StrictMode>,
);
