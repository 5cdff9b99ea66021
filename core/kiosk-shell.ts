/**
 * The one bridge between the kiosk screen and the desktop shell (Electron's preload exposes it as
 * `window.waitwellShell`; in a plain browser it is absent and the screen works without it).
 */
export interface KioskShellApi {
  /** Staff entered the PIN on the screen: reload, devtools and quitting are allowed until locked again. */
  setAdminMode(enabled: boolean): Promise<void>;
  /** Reloads the kiosk window (admin panel). */
  reload(): Promise<void>;
  /** The shell's version and platform, for the admin panel. */
  info(): Promise<{ version: string; platform: string; electron: string }>;
}

/** IPC channel names, shared by preload and main so neither can drift. */
export const SHELL_CHANNELS = {
  setAdminMode: 'waitwell:set-admin-mode',
  reload: 'waitwell:reload',
  info: 'waitwell:info',
} as const;

export interface KioskOrigins {
  /** The local screen the window loads, e.g. http://127.0.0.1:7420 */
  screen: string;
  /** The hub the kiosk syncs with, e.g. http://192.168.0.10:7400 */
  hub: string;
}

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Content-Security-Policy sent with every response of the kiosk screen: scripts, styles and
 * images from the screen itself only; connections to the screen and to the hub (socket.io, REST).
 */
export function contentSecurityPolicy(origins: KioskOrigins): string {
  const screen = originOf(origins.screen);
  const hub = originOf(origins.hub);
  if (!screen || !hub)
    throw new Error(`kiosk origins must be http(s) URLs, got screen "${origins.screen}" and hub "${origins.hub}"`);
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
