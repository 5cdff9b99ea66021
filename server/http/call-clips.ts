import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../../core/languages.ts';

const FOLDER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CLIP = /^[a-z0-9][a-z0-9._-]{0,80}\.wav$/;

/**
 * The clips wall boards announce calls with: `/clips/<lang>/<name>.wav` and `/clips/chime.wav`
 * from the built-in folder (made by `waitwell clips`), and `/clips/custom/<folder>/...` from a
 * venue's own recordings, each clip it lacks taken from the built-in ones. Only clip-shaped names
 * are looked up, so no path leaves the two folders.
 */
export function callClipsRouter(builtIn: string, venueRecordings: string | undefined): Router {
  const router = express.Router();
  const send = (res: express.Response, dirs: string[], lang: string | undefined, name: string) => {
    const badName = (lang !== undefined && !(LANGUAGES as readonly string[]).includes(lang)) || !CLIP.test(name);
    if (badName || dirs.length === 0) {
      return void res.status(404).type('text').send('no such clip');
    }
    const path = lang === undefined ? name : join(lang, name);
    const dir = dirs.find((d) => existsSync(join(d, path)));
    if (!dir) {
      return void res
        .status(404)
        .type('text')
        .send(`no clip ${path}: run "npm run clips" on the hub (docs/screens.md, wall board)`);
    }
    res.sendFile(path, { root: dir, maxAge: '1h' });
  };
  const custom = (folder: string) =>
    !FOLDER.test(folder) ? [] : venueRecordings ? [join(venueRecordings, folder), builtIn] : [builtIn];
  router.get('/clips/custom/:folder/:lang/:name', (req, res) =>
    send(res, custom(req.params.folder), req.params.lang, req.params.name),
  );
  router.get('/clips/custom/:folder/:name', (req, res) =>
    send(res, custom(req.params.folder), undefined, req.params.name),
  );
  router.get('/clips/:lang/:name', (req, res) => send(res, [builtIn], req.params.lang, req.params.name));
  router.get('/clips/:name', (req, res) => send(res, [builtIn], undefined, req.params.name));
  return router;
}
