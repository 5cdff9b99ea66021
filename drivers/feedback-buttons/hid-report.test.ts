import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HID_BUTTON_MODELS, findHidButtonModel } from './hid-models.ts';
import { pressEdges, readHidReport, validateHidLayout, type HidReportLayout } from './hid-report.ts';

const fourBits: HidReportLayout = {
  buttons: [
    { button: 1, byte: 0, mask: 0x01 },
    { button: 2, byte: 0, mask: 0x02 },
    { button: 3, byte: 0, mask: 0x04 },
    { button: 4, byte: 0, mask: 0x08 },
  ],
};

const down = (layout: HidReportLayout, report: number[]) => {
  const reading = readHidReport(layout, Uint8Array.from(report));
  return reading.kind === 'buttons' ? [...reading.down].sort() : reading;
};

describe('HID report parser', () => {
  it('reads bits as buttons', () => {
    expect(down(fourBits, [0x00])).toEqual([]);
    expect(down(fourBits, [0x05, 0xff])).toEqual([1, 3]);
    expect(down(fourBits, [0xf0])).toEqual([]);
  });

  it('reads pull-up wiring (active low)', () => {
    expect(down({ ...fourBits, activeLow: true }, [0xff])).toEqual([]);
    expect(down({ ...fourBits, activeLow: true }, [0xfd])).toEqual([2]);
  });

  it('reads only its own numbered report and counts bytes from the id', () => {
    const layout: HidReportLayout = { reportId: 2, buttons: [{ button: 1, byte: 1, mask: 0x80 }] };
    expect(down(layout, [2, 0x80])).toEqual([1]);
    expect(down(layout, [1, 0x80])).toEqual({ kind: 'other-report', reportId: 1 });
  });

  it('reports a short report with what was missing instead of guessing', () => {
    expect(down({ buttons: [{ button: 1, byte: 6, mask: 1 }] }, [0, 0, 0])).toEqual({
      kind: 'error',
      reason: 'short-report',
      detail: '3-byte report has no byte 6 (button 1)',
    });
    expect(down({ reportId: 1, buttons: [{ button: 1, byte: 1, mask: 1 }] }, [])).toMatchObject({
      kind: 'error',
      reason: 'short-report',
    });
  });

  it('reads the known models: DragonRise buttons 1-4 in byte 5, hat left alone', () => {
    const dragonRise = findHidButtonModel(0x0079, 0x0006)!;
    expect(down(dragonRise.layout, [0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x0f, 0x00, 0x00])).toEqual([]);
    expect(down(dragonRise.layout, [0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x2f, 0x00, 0x00])).toEqual([2]);
    for (const model of HID_BUTTON_MODELS) expect(() => validateHidLayout(model.layout)).not.toThrow();
  });

  it('refuses layouts that cannot work, saying why', () => {
    expect(() => validateHidLayout({ buttons: [] })).toThrow(/at least one button/);
    expect(() => validateHidLayout({ buttons: [{ button: 1, byte: 0, mask: 0 }] })).toThrow(/mask 0/);
    expect(() =>
      validateHidLayout({
        buttons: [
          { button: 1, byte: 0, mask: 1 },
          { button: 1, byte: 1, mask: 1 },
        ],
      }),
    ).toThrow(/twice/);
    expect(() => validateHidLayout({ reportId: 3, buttons: [{ button: 1, byte: 0, mask: 1 }] })).toThrow(/report id/);
  });

  it('turns consecutive reports into press edges: one press per push, none on release or hold', () => {
    const reports = fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 60 });
    fc.assert(
      fc.property(reports, (bytes) => {
        let before: ReadonlySet<number> = new Set();
        const pressesPerButton = new Map<number, number>();
        for (const byte of bytes) {
          const reading = readHidReport(fourBits, Uint8Array.from([byte]));
          if (reading.kind !== 'buttons') throw new Error('unexpected');
          for (const button of pressEdges(before, reading.down))
            pressesPerButton.set(button, (pressesPerButton.get(button) ?? 0) + 1);
          before = reading.down;
        }
        // Oracle: count 0 -> 1 transitions of each bit.
        for (let bit = 0; bit < 4; bit += 1) {
          let count = 0;
          let previous = 0;
          for (const byte of bytes) {
            const now = (byte >> bit) & 1;
            if (now && !previous) count += 1;
            previous = now;
          }
          expect(pressesPerButton.get(bit + 1) ?? 0).toBe(count);
        }
      }),
    );
  });

  it('never throws on any report', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.boolean(), (report, activeLow) => {
        const reading = readHidReport(
          { reportId: 1, buttons: [{ button: 1, byte: 3, mask: 0x10 }], activeLow },
          report,
        );
        expect(['buttons', 'other-report', 'error']).toContain(reading.kind);
      }),
    );
  });
});
