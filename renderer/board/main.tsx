import { mountPage } from '../shared/mount.tsx';
import { hashParam, languageFrom, queryParam } from '../shared/page-params.ts';
import { Board } from './Board.tsx';

// /board/?venue=<id>&lang=ko|zh|en#token=<board token>
const lang = languageFrom(window.location.search);
mountPage(
  lang,
  <Board
    venueId={queryParam(window.location.search, 'venue')}
    token={hashParam(window.location.hash, 'token')}
    lang={lang}
  />,
);
