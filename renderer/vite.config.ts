import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * One Vite multi-page build for every screen. Each page is a folder `renderer/<page>/` with an
 * `index.html`; the hub serves the output (dist/renderer) at `/`, so `<page>/index.html` is
 * reached at `/<page>/`. Add a page by adding its folder name here.
 */
const PAGES = ['board', 'staff', 'manage', 'ticket', 'kiosk'] as const;

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  publicDir: false,
  build: {
    // WAITWELL_RENDERER_OUT: a build elsewhere (a test of `npm start` must not empty the pages other tests serve).
    outDir: process.env.WAITWELL_RENDERER_OUT ?? '../dist/renderer',
    emptyOutDir: true,
    rolldownOptions: {
      input: Object.fromEntries(PAGES.map((page) => [page, `${root}/${page}/index.html`])),
    },
  },
  // `vite --config renderer/vite.config.ts` serves the pages with hot reload; their sockets go to
  // a hub running beside it (the demo's default port unless WAITWELL_HUB_URL says otherwise).
  server: {
    proxy: {
      '/socket.io': { target: process.env.WAITWELL_HUB_URL ?? 'http://127.0.0.1:7400', ws: true },
    },
  },
});
