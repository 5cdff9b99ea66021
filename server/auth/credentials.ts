import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'waitwell_session';

/** The session token from a Bearer header or the session cookie, whichever the client sent. */
export function sessionTokenFrom(headers: IncomingHttpHeaders, explicit?: unknown): string | undefined {
  if (typeof explicit === 'string' && explicit) return explicit;
  const authorization = headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim() || undefined;
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
