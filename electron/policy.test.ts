import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isTrustedSender,
  lockedWebPreferences,
  mayGrantPermission,
  mayNavigate,
  mayOpenWindow,
} from './policy.ts';

const origins = { screen: 'http://127.0.0.1:7420/', hub: 'http://192.168.0.10:7400' };

describe('kiosk window security policy', () => {
  it('navigates only within the kiosk screen’s origin', () => {
    expect(mayNavigate('http://127.0.0.1:7420/#/tickets', origins)).toBe(true);
    expect(mayNavigate('http://127.0.0.1:7421/', origins)).toBe(false);
    expect(mayNavigate('http://192.168.0.10:7400/api', origins)).toBe(false);
    expect(mayNavigate('https://evil.example/', origins)).toBe(false);
    expect(mayNavigate('file:///etc/passwd', origins)).toBe(false);
    expect(mayNavigate('javascript:alert(1)', origins)).toBe(false);
    expect(mayNavigate('not a url', origins)).toBe(false);
  });

  it('opens no windows and grants no permission', () => {
    expect(mayOpenWindow('http://127.0.0.1:7420/')).toBe(false);
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'fullscreen',
      'openExternal',
    ]) {
      expect(mayGrantPermission(permission)).toBe(false);
    }
  });

  it('answers IPC only from frames of the kiosk screen', () => {
    expect(isTrustedSender('http://127.0.0.1:7420/index.html', origins)).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:7420', origins)).toBe(true);
    expect(isTrustedSender('https://ads.example/frame', origins)).toBe(false);
    expect(isTrustedSender(undefined, origins)).toBe(false);
  });

  it('sends a strict Content-Security-Policy that allows the screen and the hub only', () => {
    const csp = contentSecurityPolicy(origins);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('script-src http://127.0.0.1:7420;');
    expect(csp).toContain('connect-src http://127.0.0.1:7420 http://192.168.0.10:7400 ws://192.168.0.10:7400');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(() => contentSecurityPolicy({ screen: 'file:///x', hub: origins.hub })).toThrow(/http\(s\)/);
  });

  it('locks the renderer down as the checklist asks', () => {
    expect(lockedWebPreferences('/app/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: '/app/preload.cjs',
    });
  });

  // No Electron binary runs in the tests, so what proves main.ts obeys these rules is that it asks
  // them at every hook instead of deciding inline.
  it('is what the Electron main process asks at each hook', () => {
    const main = readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8');
    expect(main).toMatch(/setWindowOpenHandler\(\(\{ url \}\) => \(\{ action: mayOpenWindow\(url\)/);
    expect(main).toMatch(/setPermissionRequestHandler\([\s\S]*?mayGrantPermission\(permission\)/);
    expect(main).toMatch(/setPermissionCheckHandler\([\s\S]*?mayGrantPermission\(permission\)/);
    expect(main.match(/if \(!mayNavigate\(url, origins\)\) event\.preventDefault\(\)/g)).toHaveLength(2);
    expect(main).toMatch(/webPreferences: lockedWebPreferences\(/);
    expect(main).toMatch(/isTrustedSender\(event\.senderFrame\?\.url, origins\)/);
    expect(main).not.toMatch(/action: 'deny' \}/);
  });
});
