import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The rooms of ARCHITECTURE.md and what each may import. bin/ is the composition root (the CLI and the
 * demo start a hub and kiosks together); test/ and bench/ may reach everything.
 */
const ROOT = resolve(import.meta.dirname, '..');
const ROOMS = ['core', 'drivers', 'storage', 'kiosk', 'electron', 'server', 'renderer', 'bin'] as const;
type Room = (typeof ROOMS)[number];

const MAY_IMPORT: Record<Room, readonly Room[]> = {
  core: [],
  drivers: ['core'],
  // Storage plumbing (opening SQLite files, running migrations) both the kiosk and the hub use.
  storage: ['core'],
  kiosk: ['core', 'drivers', 'storage'],
  electron: ['kiosk', 'core'],
  server: ['core', 'storage'],
  renderer: ['core'],
  bin: ['core', 'drivers', 'storage', 'kiosk', 'server'],
};

/** Packages that do I/O, touch the DOM or the network: core/ must stay pure. */
const CORE_FORBIDDEN_PACKAGES = new RegExp(
  '^(node:|fs$|path$|os$|http|net$|child_process|better-sqlite3|socket\\.io|express|react|' +
    'serialport|@serialport|node-hid|pg$|redis|ioredis)',
);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  // git keeps no empty folders: a room with no files yet does not exist on a fresh clone.
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

/** import/export ... from '...', import('...'), and a bare import '...'. */
const IMPORT_SPECIFIER = new RegExp(
  [
    /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/.source,
    /import\(\s*['"]([^'"]+)['"]\s*\)/.source,
    /^\s*import\s+['"]([^'"]+)['"]/.source,
  ].join('|'),
  'gm',
);

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(IMPORT_SPECIFIER)) {
    specifiers.push((match[1] ?? match[2] ?? match[3])!);
  }
  return specifiers;
}

function roomOf(path: string): string {
  return relative(ROOT, path).split(sep)[0]!;
}

/** Every breach of the room rules in the tree, as readable lines. */
function roomViolations(): string[] {
  const violations: string[] = [];
  for (const room of ROOMS) {
    for (const file of sourceFiles(join(ROOT, room))) {
      for (const specifier of importsOf(file)) {
        const where = `${relative(ROOT, file)} imports "${specifier}"`;
        if (specifier.startsWith('.')) {
          const target = roomOf(resolve(join(file, '..'), specifier));
          if (target !== room && !(MAY_IMPORT[room] as readonly string[]).includes(target)) {
            violations.push(`${where}: ${room}/ may not import ${target}/`);
          }
        } else if (room === 'core' && CORE_FORBIDDEN_PACKAGES.test(specifier)) {
          violations.push(`${where}: core/ does no I/O`);
        } else if (room === 'renderer' && /^(node:|better-sqlite3|express|socket\.io$)/.test(specifier)) {
          violations.push(`${where}: renderer/ runs in a browser`);
        }
      }
      if (
        room === 'core' &&
        /\b(window|document|localStorage|navigator|process)\.[a-zA-Z]/.test(
          readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''),
        )
      ) {
        violations.push(`${relative(ROOT, file)} uses a DOM or process global: core/ does no I/O`);
      }
    }
  }
  return violations;
}

describe('room import rules (ARCHITECTURE.md)', () => {
  it('no room imports what ARCHITECTURE.md forbids', () => {
    expect(roomViolations()).toEqual([]);
  });

  it('the checker itself catches a forbidden import', () => {
    expect(importsOf(join(ROOT, 'server', 'hub.ts'))).toContain('../core/protocol.ts');
    const coreFile = join(ROOT, 'core', 'events.ts');
    expect(importsOf(coreFile).every((s) => s.startsWith('.') || !CORE_FORBIDDEN_PACKAGES.test(s))).toBe(true);
    expect(CORE_FORBIDDEN_PACKAGES.test('node:fs')).toBe(true);
    expect(CORE_FORBIDDEN_PACKAGES.test('socket.io-client')).toBe(true);
    expect(CORE_FORBIDDEN_PACKAGES.test('zod')).toBe(false);
    expect(MAY_IMPORT.drivers).not.toContain('kiosk');
    expect(MAY_IMPORT.drivers).not.toContain('server');
    expect(MAY_IMPORT.storage).toEqual(['core']);
  });
});
