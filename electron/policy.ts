/**
 * The kiosk window's security policy (Electron's security checklist), as pure functions so every
 * rule is unit-tested without an Electron binary. main.ts only wires them to Electron's hooks.
 *
 * The window shows one origin: the kiosk runtime's local screen (http://127.0.0.1:<port>). It may
 * talk to that origin and to the hub (sockets, ticket links); it may navigate nowhere else, open
 * no windows, and is granted no permission (camera, notifications, geolocation, ...).
 */

export interface KioskOrigins {
  /** The local screen the window loads, e.g. http://127.0.0.1:7420 */
  screen: string;
  /** The hub the kiosk syncs with, e.g. http://192.168.0.10:7400 */
  hub: string;
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Navigation stays on the kiosk screen's own origin: a link or a redirect elsewhere is refused. */
export function mayNavigate(url: string, origins: KioskOrigins): boolean {
  return originOf(url) === originOf(origins.screen);
}

/** Kiosks open no new windows, whatever a page asks (window.open, target=_blank). */
export function mayOpenWindow(_url: string): false {
  return false;
}

/** Every permission request is denied: a kiosk screen needs none. */
export function mayGrantPermission(_permission: string): false {
  return false;
}

/** IPC is answered only for frames of the kiosk screen (a frame of any other origin is ignored). */
export function isTrustedSender(frameUrl: string | undefined, origins: KioskOrigins): boolean {
  return frameUrl !== undefined && originOf(frameUrl) === originOf(origins.screen);
}

/**
 * The Content-Security-Policy sent with every response of the kiosk screen: scripts, styles and
 * images from the screen itself only; connections to the screen and to the hub (socket.io, REST).
 */
export function contentSecurityPolicy(origins: KioskOrigins): string {
  const screen = originOf(origins.screen);
  const hub = originOf(origins.hub);
  if (!screen || !hub) throw new Error(`kiosk origins must be http(s) URLs, got screen "${origins.screen}" and hub "${origins.hub}"`);
  const ws = (origin: string) => origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    `script-src ${screen}`,
    `style-src ${screen}`,
    `img-src ${screen} data:`,
    `font-src ${screen}`,
    `media-src ${screen}`,
    `connect-src ${screen} ${hub} ${ws(hub)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The BrowserWindow web preferences the checklist asks for (preload is the one narrow bridge). */
export function lockedWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
    devTools: true,
  } as const;
}
