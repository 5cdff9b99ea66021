import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE } from '../auth/credentials.ts';

/**
 * Whether a browser sent this request from a page of another origin. The session cookie is
 * SameSite=Strict, but a site is not an origin: another port of the hub's host (a kiosk screen, any
 * server on the venue's machine) is the same site and gets the cookie. Browsers say where a
 * request comes from in Origin (every POST) or Sec-Fetch-Site; a client that sends neither is not
 * a browser page and carries no ambient cookie of a victim.
 */
function fromAnotherOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) {
    const site = headers['sec-fetch-site'];
    return site === 'cross-site' || site === 'same-site';
  }
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true; // "null" (a sandboxed page, a file) or garbage
  }
}

const carriesSessionCookie = (headers: IncomingHttpHeaders) =>
  (headers.cookie ?? '').split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a change (POST, PUT, DELETE...) that rides on the session cookie from another origin's
 * page: a cross-site form must not rotate a board link with the manager's cookie. Requests with a
 * Bearer token are the caller's own doing and pass.
 */
export function refuseCrossOriginChanges(req: Request, res: Response, next: NextFunction): void {
  if (
    SAFE_METHODS.has(req.method) ||
    req.headers.authorization?.startsWith('Bearer ') ||
    !carriesSessionCookie(req.headers) ||
    !fromAnotherOrigin(req.headers)
  ) {
    next();
    return;
  }
  res.status(403).json({
    error: {
      code: 'cross-origin',
      message:
        `a change sent from another site (${req.headers.origin ?? req.headers['sec-fetch-site']}) with the hub's ` +
        'session cookie was refused: use the hub’s own pages, or send an Authorization: Bearer token',
    },
  });
}

/**
 * socket.io's allowRequest: a handshake from another origin's page loses its cookie (it may still
 * prove itself with a board token or an explicit session), so a page elsewhere cannot open a
 * signed-in clerk's console with the clerk's cookie.
 */
export function dropCrossOriginCookie(
  req: { headers: IncomingHttpHeaders },
  answer: (error: string | null | undefined, allowed: boolean) => void,
): void {
  if (req.headers.cookie && fromAnotherOrigin(req.headers)) delete req.headers.cookie;
  answer(null, true);
}
