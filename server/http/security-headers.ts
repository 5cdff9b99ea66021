import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The headers of every hub response (helmet): the screens load scripts, styles, fonts and images
 * from the hub only and connect back to it (socket.io); no page may frame them (clickjacking a
 * clerk's console), types are not sniffed, and no address (a board link's venue, a ticket id)
 * leaks in a Referer. No HSTS and no upgrade-insecure-requests: a hub on a venue's network often
 * serves plain HTTP, and either would make browsers refuse it.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        mediaSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
}
