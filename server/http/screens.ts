import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueReadModel } from '../queue/queue-read-model.ts';

/** The screens the hub serves (the kiosk screen is served by each kiosk runtime instead). */
const HUB_PAGES = ['board', 'staff', 'manage', 'ticket'] as const;

const NOT_BUILT = 'The screens are not built: run "npm run build:renderer" (npm start does it for you).';

/** A phone whose ticket the hub does not know: said in every language a ticket is printed in. */
const UNKNOWN_TICKET_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Ticket not found</title></head>
<body style="font: 20px/1.5 system-ui, sans-serif; margin: 2rem; color: #111">
<h1>Ticket not found</h1>
<p>This ticket is not known here. Please scan the QR code on your ticket again, or ask staff.</p>
<p lang="ko">번호표를 찾을 수 없습니다. 번호표의 QR 코드를 다시 스캔하거나 직원에게 문의해 주세요.</p>
<p lang="zh">找不到此号码票。请重新扫描号码票上的二维码，或询问工作人员。</p></body></html>`;

/**
 * Static pages from the Vite build, a route per page folder, and /t/<ticket id>: the address
 * printed as the ticket's QR code, which names only the ticket, so the hub finds its venue.
 */
export function screensRouter(screensDir: string, queues: QueueReadModel): Router {
  const router = express.Router();
  router.use(express.static(screensDir, { index: 'index.html' }));
  for (const page of HUB_PAGES) {
    router.get([`/${page}`, `/${page}/`], (_req, res) => sendPage(res, screensDir, page));
  }
  router.get('/t/:ticketId', async (req, res, next) => {
    try {
      const venueId = await queues.locateTicket(req.params.ticketId);
      // Its one inline style is the page's only styling; it runs no script (server/http/security-headers.ts).
      if (!venueId)
        return void res
          .status(404)
          .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
          .type('html')
          .send(UNKNOWN_TICKET_PAGE);
      const lang = typeof req.query.lang === 'string' ? `&lang=${encodeURIComponent(req.query.lang)}` : '';
      res.redirect(
        302,
        `/ticket/?venue=${encodeURIComponent(venueId)}&ticket=${encodeURIComponent(req.params.ticketId)}${lang}`,
      );
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function sendPage(res: express.Response, screensDir: string, page: string): void {
  const file = join(screensDir, page, 'index.html');
  if (existsSync(file)) return void res.sendFile(file);
  res.status(503).type('text').send(NOT_BUILT);
}
