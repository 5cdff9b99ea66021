import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('what ships to install a kiosk', () => {
  it('packages the shell entry that exists, for Linux and Windows', () => {
    const builder = read('electron-builder.yml');
    const main = /main: (\S+)/.exec(builder)?.[1];
    expect(main).toBe('electron/main.mjs');
    expect(existsSync(join(ROOT, main!))).toBe(true);
    expect(JSON.parse(read('package.json')).main).toBe(main);
    expect(builder).toMatch(/target: \[AppImage, deb\]/);
    expect(builder).toMatch(/target: \[nsis\]/);
    expect(builder).toMatch(/npmRebuild: true/);
  });

  it('keeps the kiosk running: systemd restarts it always, autostart and the Chromium path exist', () => {
    const unit = read('deploy/waitwell-kiosk.service');
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^ExecStart=\S+/m);
    expect(read('deploy/waitwell-kiosk.desktop')).toMatch(/^Exec=/m);
    expect(read('deploy/chromium-kiosk.sh')).toMatch(/chromium --kiosk/);
  });
});
