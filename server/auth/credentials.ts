import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'waitwell_session';

/** The session token from a Bearer header or the session cookie, whichever the client sent. */
export function sessionTokenFrom(headers: IncomingHttpHeaders, explicit?: unknown): string | undefined {
  if (typeof explicit === 'string' && explicit) return explicit;
  const authorization = headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim() || undefined;
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeCookieValue(value.join('='));
  }
  return undefined;
}

/** A cookie that is not valid percent-encoding is taken as it is: it then matches no session (401, not 500). */
function decodeCookieValue(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw) || undefined;
  } catch {
    return raw;
  }
}
