import { describe, expect, it } from 'vitest';
import type { EscposPrinter } from '../drivers/ticket-printer/escpos-printer.ts';
import { devicesSchema } from './device-config.ts';
import { createKioskDevices } from './device-factory.ts';

const printer = (extra: Record<string, unknown> = {}) => ({
  kind: 'printer',
  id: 'ticket-printer',
  connection: { type: 'tcp', host: '127.0.0.1', port: 9100 },
  ...extra,
});

describe('a kiosk printer entry', () => {
  it('names its model; without one it is an unnamed 80 mm printer', () => {
    expect(devicesSchema.parse([printer()])[0]).toMatchObject({ model: 'generic-80mm' });
    expect(devicesSchema.parse([printer({ model: 'epson-tm-t88vi' })])[0]).toMatchObject({ model: 'epson-tm-t88vi' });
  });

  it('says which models exist when the name is wrong', () => {
    const result = devicesSchema.safeParse([printer({ model: 'tm-t88' })]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(
      /^unknown printer model "tm-t88"; known models: epson-tm-t20iii-kr, epson-tm-t20iii-sc, epson-tm-t88vi, xprin/,
    );
  });

  it('refuses more characters per line than the model prints, and takes fewer', () => {
    const wide = devicesSchema.safeParse([printer({ model: 'epson-tm-t88vi', charactersPerLine: 48 })]);
    expect(wide.success).toBe(false);
    expect(wide.error!.issues[0]).toMatchObject({
      path: [0, 'charactersPerLine'],
      message: expect.stringMatching(/48 characters per line need 576 dots, but the .* prints 512: use at most 42/),
    });
    expect(devicesSchema.parse([printer({ model: 'epson-tm-t88vi', charactersPerLine: 40 })])[0]).toMatchObject({
      charactersPerLine: 40,
    });
  });

  it('lets the command set be overridden, and only to one receiptline knows', () => {
    expect(devicesSchema.parse([printer({ model: 'epson-tm-t20iii-kr', commandSet: 'generic' })])[0]).toMatchObject({
      commandSet: 'generic',
    });
    expect(devicesSchema.safeParse([printer({ commandSet: 'star' })]).success).toBe(false);
  });

  it('becomes a driver rendering for that model', () => {
    const devices = createKioskDevices(devicesSchema.parse([printer({ model: 'xprinter-xp-80' })]));
    expect(devices.printers).toHaveLength(1);
    expect((devices.printers[0] as EscposPrinter).model.id).toBe('xprinter-xp-80');
  });
});
