import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHELL_CHANNELS } from '../core/kiosk-shell.ts';

describe('the preload bridge', () => {
  const source = readFileSync(join(import.meta.dirname, 'preload.cjs'), 'utf8');

  it('uses exactly the channels main.ts answers', () => {
    const used = [...source.matchAll(/ipcRenderer\.invoke\('([^']+)'/g)].map((m) => m[1]).sort();
    expect(used).toEqual(Object.values(SHELL_CHANNELS).sort());
  });

  it('exposes one narrow object and nothing of Node or ipcRenderer itself', () => {
    expect([...source.matchAll(/exposeInMainWorld\(/g)]).toHaveLength(1);
    expect(source).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
    expect(source).not.toMatch(/require\('(?!electron')/);
  });
});
