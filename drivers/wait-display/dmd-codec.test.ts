import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitChunks } from '../testing/split-chunks.ts';
import {
  DmdScreenDecoder,
  dmdBlink,
  dmdBrightness,
  dmdClear,
  dmdClearLine,
  dmdCodeTable,
  dmdCursorTo,
  dmdInitialize,
  dmdScrollMode,
  dmdSelectPeripheral,
  dmdText,
  encodeDmdLines,
  encodeDmdSetup,
  type DmdProblem,
} from './dmd-codec.ts';

const hex = (bytes: Buffer) =>
  bytes
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');

/** Cuts bytes at the given points (any order, duplicates allowed) into chunks. */
const split = splitChunks;

function screenOf(chunks: Buffer[]): { lines: [string, string]; problems: DmdProblem[] } {
  const decoder = new DmdScreenDecoder();
  const problems = chunks.flatMap((chunk) => decoder.feed(chunk));
  return { lines: decoder.lines(), problems };
}

const line = fc.string({
  maxLength: 20,
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const frame = fc.tuple(line, line).map(([a, b]) => [a, b] as [string, string]);
const full = (lines: [string, string]) => Buffer.concat([encodeDmdSetup(), encodeDmdLines(lines)]);
const padded = (lines: [string, string]) => lines.map((l) => l.padEnd(20)) as [string, string];

describe('DM-D encoder: the bytes of README.md', () => {
  it('builds the example frame byte for byte', () => {
    const bytes = Buffer.concat([
      dmdInitialize(),
      dmdScrollMode('overwrite'),
      dmdClear(),
      encodeDmdLines(['NOW SERVING  A-042', 'WAIT ~12 MIN']),
    ]);
    const expected = Buffer.concat([
      Buffer.from([0x1b, 0x40, 0x1f, 0x01, 0x0c, 0x1f, 0x24, 0x01, 0x01]),
      Buffer.from('NOW SERVING  A-042  ', 'latin1'),
      Buffer.from([0x1f, 0x24, 0x01, 0x02]),
      Buffer.from('WAIT ~12 MIN        ', 'latin1'),
    ]);
    expect(hex(bytes)).toBe(hex(expected));
  });

  it('encodes each command', () => {
    expect(hex(dmdClearLine())).toBe('18');
    expect(hex(dmdCursorTo(20, 2))).toBe('1F 24 14 02');
    expect(hex(dmdBrightness(1))).toBe('1F 58 01');
    expect(hex(dmdBlink(10))).toBe('1F 45 0A');
    expect(hex(dmdCodeTable(0))).toBe('1B 74 00');
    expect(hex(dmdSelectPeripheral(2))).toBe('1B 3D 02');
    expect(hex(dmdScrollMode('vertical'))).toBe('1F 02');
    expect(hex(encodeDmdSetup({ selectDisplay: true, brightness: 2 }))).toBe(
      '1B 3D 02 1B 40 1F 01 1F 43 00 1F 45 00 1F 58 02 1B 74 00 0C',
    );
  });

  it('refuses parameters the display does not have, saying which', () => {
    expect(() => dmdCursorTo(21, 1)).toThrow('DM-D column must be an integer 1..20, got 21');
    expect(() => dmdCursorTo(1, 3)).toThrow(/row must be an integer 1..2/);
    expect(() => dmdBrightness(5)).toThrow(/brightness must be an integer 1..4/);
  });

  it('never sends a control byte as text', () => {
    expect(hex(dmdText('A\x0cB\u00e9'))).toBe('41 3F 42 3F');
  });
});

describe('DM-D screen model (the emulator)', () => {
  it('shows the example frame', () => {
    const { lines, problems } = screenOf([full(['NOW SERVING  A-042', 'WAIT ~12 MIN'])]);
    expect(lines).toEqual(['NOW SERVING  A-042  ', 'WAIT ~12 MIN        ']);
    expect(problems).toEqual([]);
  });

  it('wraps in overwrite mode from the end of row 2 to row 1, and clears a line', () => {
    const decoder = new DmdScreenDecoder();
    decoder.feed(Buffer.concat([dmdCursorTo(19, 2), Buffer.from('xyz')]));
    expect(decoder.lines()).toEqual(['z'.padEnd(20), `${' '.repeat(18)}xy`]);
    decoder.feed(Buffer.concat([dmdCursorTo(5, 2), dmdClearLine(), Buffer.from('ok')]));
    expect(decoder.lines()).toEqual(['z'.padEnd(20), 'ok'.padEnd(20)]);
  });

  it('scrolls up in vertical mode', () => {
    const decoder = new DmdScreenDecoder();
    decoder.feed(Buffer.concat([dmdScrollMode('vertical'), Buffer.from(`${'a'.repeat(20)}${'b'.repeat(20)}c`)]));
    expect(decoder.lines()).toEqual(['b'.repeat(20), 'c'.padEnd(20)]);
  });

  it('ignores bytes for the printer in front of it (ESC = 1) until selected again', () => {
    const decoder = new DmdScreenDecoder();
    decoder.feed(
      Buffer.concat([
        dmdSelectPeripheral(1),
        Buffer.from('receipt text'),
        dmdClear(),
        dmdSelectPeripheral(2),
        Buffer.from('shown'),
      ]),
    );
    expect(decoder.lines()).toEqual(['shown'.padEnd(20), ' '.repeat(20)]);
  });

  it('reports what it cannot use and carries on', () => {
    const { lines, problems } = screenOf([
      Buffer.from([0x1f, 0x24, 0x15, 0x01, 0x1b, 0x99, 0x07, 0x1f, 0x58, 0x09, 0x41]),
    ]);
    expect(problems).toEqual([
      { reason: 'bad-parameter', bytes: '1F 24 15 01' },
      { reason: 'unknown-command', bytes: '1B 99' },
      { reason: 'unknown-control', bytes: '07' },
      { reason: 'bad-parameter', bytes: '1F 58 09' },
    ]);
    expect(lines[0]).toBe('A'.padEnd(20));
  });

  it('property: any frame, split anywhere, shows its two padded lines', () => {
    fc.assert(
      fc.property(frame, fc.array(fc.nat(), { maxLength: 12 }), (lines, points) => {
        expect(screenOf(split(full(lines), points))).toEqual({ lines: padded(lines), problems: [] });
      }),
    );
  });

  it('property: a view update alone (no clear) replaces whatever was on the screen', () => {
    fc.assert(
      fc.property(frame, frame, fc.array(fc.nat(), { maxLength: 8 }), (first, second, points) => {
        const bytes = Buffer.concat([full(first), encodeDmdLines(second)]);
        expect(screenOf(split(bytes, points)).lines).toEqual(padded(second));
      }),
    );
  });

  it('property: any bytes give the same screen and problems split or joined, and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, points) => {
        const joined = screenOf([Buffer.from(bytes)]);
        expect(screenOf(split(Buffer.from(bytes), points))).toEqual(joined);
        for (const l of joined.lines) expect(l).toHaveLength(20);
      }),
    );
  });

  it('property: after garbage or a frame cut short, the next full frame shows correctly', () => {
    // Garbage without ESC = (0x3D): deselecting the display is a real state change, not noise.
    const garbage = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b.filter((x) => x !== 0x3d)));
    const cutFrame = fc.tuple(frame, fc.nat()).map(([lines, at]) => {
      const bytes = full(lines);
      return bytes.subarray(0, at % bytes.length);
    });
    fc.assert(
      fc.property(fc.oneof(garbage, cutFrame), frame, fc.array(fc.nat(), { maxLength: 10 }), (noise, lines, points) => {
        const bytes = Buffer.concat([noise, full(lines)]);
        expect(screenOf(split(bytes, points)).lines).toEqual(padded(lines));
      }),
    );
  });
});
