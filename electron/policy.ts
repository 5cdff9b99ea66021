import { contentSecurityPolicy, originOf, type KioskOrigins } from '../core/kiosk-shell.ts';

export { contentSecurityPolicy };

/**
 * The kiosk window's security policy (Electron's security checklist), as pure functions so every
 * rule is unit-tested without an Electron binary. main.ts only wires them to Electron's hooks.
 *
 * The window shows one origin: the kiosk runtime's local screen (http://127.0.0.1:<port>). It may
 * talk to that origin and to the hub (sockets, ticket links); it may navigate nowhere else, open
 * no windows, and is granted no permission (camera, notifications, geolocation, ...).
 */

export type { KioskOrigins };

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
