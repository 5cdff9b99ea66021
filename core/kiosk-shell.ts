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
