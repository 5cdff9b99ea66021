import { pino } from 'pino';
import { app, BrowserWindow, ipcMain, powerSaveBlocker, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { SHELL_CHANNELS } from '../core/kiosk-shell.ts';
import { systemClock } from '../core/logger.ts';
import { loadKioskConfig } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import { decideKey } from './keys.ts';
import {
  contentSecurityPolicy,
  isTrustedSender,
  lockedWebPreferences,
  mayGrantPermission,
  mayNavigate,
  mayOpenWindow,
  type KioskOrigins,
} from './policy.ts';
import { RelaunchPolicy, runtimeIsStale } from './relaunch-policy.ts';

/**
 * The Electron kiosk shell, kept thin (ARCHITECTURE.md): one locked-down full-screen window on the
 * kiosk runtime's local screen. Every decision lives in the pure modules beside this file
 * (policy.ts, keys.ts, relaunch-policy.ts), which are unit-tested without an Electron binary.
 * Configuration: --config FILE or WAITWELL_KIOSK_CONFIG, the same file as `waitwell kiosk`.
 */

const HEARTBEAT_MS = 10_000;

function configFile(): string | undefined {
  const flag = process.argv.indexOf('--config');
  return flag > 0 ? process.argv[flag + 1] : process.env.WAITWELL_KIOSK_CONFIG;
}

// The one system clock of the shell: the runtime, the relaunch policy and the watchdog read it.
const clock = systemClock;

async function startRuntime(): Promise<KioskRuntime> {
  // JSON lines on stdout, as `waitwell kiosk` writes them (bin/root-logger.ts).
  const log = pino({ level: process.env.WAITWELL_LOG_LEVEL ?? 'info' });
  const runtime = new KioskRuntime(loadKioskConfig({ file: configFile() }), { log, clock });
  await runtime.start();
  return runtime;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    console.error('another waitwell kiosk is already running on this machine');
    app.quit();
    return;
  }
  await app.whenReady();
  powerSaveBlocker.start('prevent-display-sleep');

  let runtime = await startRuntime();
  const screenUrl = runtime.status().localUrl!;
  const origins: KioskOrigins = { screen: screenUrl, hub: runtime.config.hubUrl };
  let adminMode = false;
  const relaunch = new RelaunchPolicy();

  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(mayGrantPermission(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => mayGrantPermission(permission));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (mayNavigate(details.url, origins)) headers['Content-Security-Policy'] = [contentSecurityPolicy(origins)];
    callback({ responseHeaders: headers });
  });

  const window = new BrowserWindow({
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: lockedWebPreferences(join(import.meta.dirname, 'preload.cjs')),
  });
  window.setMenu(null);
  if (process.env.WAITWELL_HIDE_CURSOR === '1') {
    window.webContents.on('dom-ready', () => void window.webContents.insertCSS('* { cursor: none !important; }'));
  }
  window.once('ready-to-show', () => window.show());

  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => ({ action: mayOpenWindow(url) ? 'allow' : 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url, origins)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!mayNavigate(url, origins)) event.preventDefault();
  });
  contents.on('before-input-event', (event, input) => {
    const decision = decideKey(input, { adminMode, keypadKeys: new Set(runtime.keysToCatch()) });
    if (decision.action === 'pass') return;
    event.preventDefault();
    if (decision.action === 'forward')
      runtime.forwardKey({ key: input.key, code: input.code, repeat: input.isAutoRepeat });
  });

  const heal = (kind: 'render-process-gone' | 'unresponsive' | 'load-failed') => {
    const remedy = relaunch.onFailure(kind, clock.now());
    const doing = remedy.action === 'reload' ? `reloading in ${remedy.delayMs} ms` : `relaunching (${remedy.reason})`;
    console.error(`[shell] ${kind}: ${doing}`);
    if (remedy.action === 'relaunch') {
      app.relaunch();
      app.exit(0);
      return;
    }
    setTimeout(() => contents.reload(), remedy.delayMs);
  };
  contents.on('render-process-gone', () => heal('render-process-gone'));
  window.on('unresponsive', () => heal('unresponsive'));
  contents.on('did-fail-load', (_event, _code, _description, url, isMainFrame) => {
    if (isMainFrame && mayNavigate(url, origins)) heal('load-failed');
  });

  const trusted = (event: IpcMainInvokeEvent) => {
    if (!isTrustedSender(event.senderFrame?.url, origins))
      throw new Error('refused: this frame is not the kiosk screen');
  };
  ipcMain.handle(SHELL_CHANNELS.setAdminMode, (event, enabled: unknown) => {
    trusted(event);
    adminMode = enabled === true;
  });
  ipcMain.handle(SHELL_CHANNELS.reload, (event) => {
    trusted(event);
    contents.reload();
  });
  ipcMain.handle(SHELL_CHANNELS.info, (event) => {
    trusted(event);
    return { version: app.getVersion(), platform: process.platform, electron: process.versions.electron ?? '' };
  });

  // Watchdog: a kiosk runtime whose screen API stops answering is restarted in place.
  let lastHeartbeat = clock.now();
  const watch = async () => {
    const alive = await fetch(`${screenUrl}/local/status`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (alive) {
      lastHeartbeat = clock.now();
      relaunch.onHealthy(lastHeartbeat);
      return;
    }
    if (!runtimeIsStale(lastHeartbeat, clock.now())) return;
    console.error('[shell] the kiosk runtime stopped answering: restarting it');
    await runtime.stop().catch(() => undefined);
    runtime = await startRuntime();
    lastHeartbeat = clock.now();
  };
  setInterval(() => {
    watch().catch((error: Error) => console.error(`[shell] restarting the kiosk runtime failed: ${error.message}`));
  }, HEARTBEAT_MS).unref();

  app.on('window-all-closed', () => undefined); // a kiosk never quits because its window closed
  app.on('before-quit', () => {
    runtime.stop().catch((error: Error) => console.error(`[shell] stopping the kiosk runtime: ${error.message}`));
  });
  await window.loadURL(screenUrl);
}

main().catch((error: Error) => {
  console.error(`waitwell kiosk shell: ${error.message}`);
  app.exit(1);
});
