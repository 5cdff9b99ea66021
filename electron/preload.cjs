// The kiosk window's preload: sandboxed, so plain CommonJS that may only require 'electron'.
// It exposes exactly core/kiosk-shell.ts's KioskShellApi and nothing else (no ipcRenderer, no Node).
// The channel names must match SHELL_CHANNELS in core/kiosk-shell.ts (electron/preload.test.ts checks).
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('waitwellShell', {
  setAdminMode: (enabled) => ipcRenderer.invoke('waitwell:set-admin-mode', Boolean(enabled)),
  reload: () => ipcRenderer.invoke('waitwell:reload'),
  info: () => ipcRenderer.invoke('waitwell:info'),
});
