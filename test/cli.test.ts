import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { writeFileSync } from 'node:fs';
import { runPrinterEmulator } from '../drivers/emulators/printer-emulator.ts';
import { spawnWaitwell } from './support/processes.ts';
import { test } from './support/test-fixtures.ts';

async function run(args: string[]): Promise<{ code: number | null; text: string }> {
  const child = spawnWaitwell(args);
  const { code } = await child.exited;
  return { code, text: child.output.join('\n') };
}

describe('waitwell CLI', () => {
  it('lists its commands', async () => {
    const { code, text } = await run(['--help']);
    expect(code).toBe(0);
    expect(text).toMatch(/hub .*\n.*kiosk .*\n.*demo /);
  });

  it.each(['hub', 'kiosk', 'demo', 'devices', 'emulate', 'ticket', 'simulate'])(
    'explains "%s --help"',
    async (command) => {
      const { code, text } = await run([command, '--help']);
      expect(code).toBe(0);
      expect(text).toContain(`waitwell ${command}`);
      expect(text).toContain('Usage:');
    },
  );

  it('rejects unknown commands and options with the help text', async () => {
    expect(await run(['fly'])).toMatchObject({ code: 2, text: expect.stringContaining('unknown command "fly"') });
    expect(await run(['hub', '--colour', 'red'])).toMatchObject({
      code: 2,
      text: expect.stringContaining("Unknown option '--colour'"),
    });
  });

  test('provisions a venue, an admin and a device, storing only hashes', async ({ dir }) => {
    const store = join(dir, 'hub.db');
    expect((await run(['hub', '--store', store, '--add-venue', 'gangnam', '--name', 'Gangnam Branch'])).code).toBe(0);
    const admin = await run(['hub', '--store', store, '--create-admin', 'boss']);
    expect(admin.text).toMatch(/admin "boss" created with password: \S{12,}/);
    const device = await run(['hub', '--store', store, '--add-device', 'gangnam/kiosk-1']);
    const token = device.text.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const db = new SqliteHubStore(store);
    expect((await db.getDevice('kiosk-1'))?.tokenHash).not.toBe(token);
    expect((await db.getUserByUsername('boss'))?.role).toBe('admin');
    await db.close();
  });

  test('says what is wrong with a kiosk configuration', async ({ dir }) => {
    const { code, text } = await run([
      'kiosk',
      '--hub',
      'not a url',
      '--venue',
      'v',
      '--device',
      'd',
      '--store',
      join(dir, 'k.db'),
    ]);
    expect(code).toBe(1);
    expect(text).toMatch(/kiosk configuration is not valid/);
    expect(text).toMatch(/hubUrl/);
    expect(text).toMatch(/token/);
  });

  it('lists serial ports and HID devices, saying so when there are none', async () => {
    const { code, text } = await run(['devices']);
    expect(code).toBe(0);
    expect(text).toMatch(/^Serial ports:/m);
    expect(text).toMatch(/^HID devices:/m);
    expect(text).toMatch(/^Printer models/m);
    expect(text).toMatch(/^ {2}xprinter-xp-80 +Xprinter XP-80/m);
    expect(text).toContain('512 dots (42 per line), 180 dpi, escpos commands, cutter; text fonts: none');
  });

  test('prints a test ticket on a configured printer with "devices test"', async ({ cleanups, dir }) => {
    const printer = await runPrinterEmulator({ tcpPort: 0 });
    cleanups.push(() => printer.close());
    const config = join(dir, 'kiosk-with-printer.json');
    writeFileSync(
      config,
      JSON.stringify({
        hubUrl: 'http://127.0.0.1:9',
        venueId: 'venue-a',
        deviceId: 'k-test',
        token: 'unused',
        store: join(dir, 'k-test.db'),
        devices: [{ kind: 'printer', id: 'front-printer', connection: { type: 'tcp', port: printer.tcpPort } }],
      }),
    );
    const { code, text } = await run(['devices', 'test', 'front-printer', '--config', config]);
    expect(text).toContain('printed a test ticket on front-printer');
    expect(code).toBe(0);
    expect(printer.tickets.at(-1)?.text.replace(/\s+/g, '')).toContain('T-001');

    const missing = await run(['devices', 'test', 'nope', '--config', config]);
    expect(missing.code).toBe(1);
    expect(missing.text).toContain('no device "nope"');
  });
});
