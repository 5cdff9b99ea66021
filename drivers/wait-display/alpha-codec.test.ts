import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitChunks } from '../testing/split-chunks.ts';
import {
  AlphaDecoder,
  alphaChecksum,
  encodeAlphaPacket,
  encodeMemoryConfiguration,
  encodeWriteString,
  encodeWriteText,
  MODE,
  parseAlphaCommand,
  POSITION,
  renderTextBody,
  type AlphaFrame,
  type AlphaPacket,
} from './alpha-codec.ts';

const hex = (bytes: Buffer) =>
  bytes
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
const ascii = (text: string) => hex(Buffer.from(text, 'latin1'));

const split = splitChunks;

function decodeAll(chunks: Buffer[], flush = false): AlphaFrame[] {
  const decoder = new AlphaDecoder();
  const frames = chunks.flatMap((chunk) => decoder.feed(chunk));
  return flush ? [...frames, ...decoder.reset()] : frames;
}

const packets = (frames: AlphaFrame[]): AlphaPacket[] => frames.flatMap((f) => (f.kind === 'packet' ? [f.packet] : []));
const reasons = (frames: AlphaFrame[]) => frames.flatMap((f) => (f.kind === 'error' ? [f.error.reason] : []));

describe('Alpha packets: checksums computed by hand', () => {
  it('writes the TEXT example of README.md byte for byte', () => {
    // STX 02 + 'A' 41 + 'A' 41 + ESC 1B + ' ' 20 + 'b' 62 = 0x121; "A-042" = 41+2D+30+34+32 = 0x104;
    // + ETX 03: 0x121 + 0x104 + 0x03 = 0x228.
    const packet = encodeWriteText('A', [{ position: POSITION.middle, mode: MODE.hold }, { text: 'A-042' }]);
    expect(hex(packet)).toBe(`00 00 00 00 00 01 5A 30 30 02 41 41 1B 20 62 ${ascii('A-042')} 03 ${ascii('0228')} 04`);
  });

  it('writes a STRING', () => {
    // 02 + 'G' 47 + '1' 31 + "A-042" 0x104 + 03 = 0x02 + 0x78 + 0x104 + 0x03 = 0x181.
    expect(hex(encodeWriteString('1', 'A-042'))).toBe(
      `00 00 00 00 00 01 5A 30 30 02 ${ascii('G1A-042')} 03 ${ascii('0181')} 04`,
    );
  });

  it('wraps the checksum at 65536', () => {
    // 02 + 'A' 'A' (0x82) + 600 x '~' (600 x 126 = 75600) + 03 = 75735; 75735 - 65536 = 10199 = 0x27D7.
    const packet = encodeWriteText('A', [{ text: '~'.repeat(600) }]);
    expect(packet.subarray(-5, -1).toString('latin1')).toBe('27D7');
    expect(alphaChecksum(Buffer.alloc(1000, 0xff))).toBe((1000 * 255) % 65536);
  });

  it('configures memory: a TEXT file always shown and locked STRING files', () => {
    const packet = encodeMemoryConfiguration([
      { label: 'A', type: 'text', size: 64 },
      { label: '1', type: 'string', size: 20 },
      { label: '2', type: 'string', size: 24 },
    ]);
    expect(packet.subarray(10, -6).toString('latin1')).toBe('E$AAU0040FF001BL001400002BL00180000');
    const [frame] = decodeAll([packet]);
    expect(frame?.kind === 'packet' && parseAlphaCommand(frame.packet.commands[0]!)).toEqual({
      type: 'memory-configuration',
      files: [
        { label: 'A', type: 'text', size: 64, locked: false },
        { label: '1', type: 'string', size: 20 },
        { label: '2', type: 'string', size: 24 },
      ],
    });
  });

  it('refuses what would break the framing, saying why', () => {
    expect(() => encodeWriteString('1', 'A\x03B')).toThrow(/printable ASCII; reduce it with toDisplayAscii/);
    expect(() => encodeWriteString('1', '대기')).toThrow(/printable ASCII/);
    expect(() => encodeWriteString('12', 'x')).toThrow(/label must be one printable ASCII character/);
    expect(() => encodeAlphaPacket(Buffer.from('G1'), { address: '0' })).toThrow(/two hex digits/);
    expect(() => encodeMemoryConfiguration([{ label: 'A', type: 'text', size: 0x10000 }])).toThrow(
      /size must be 1..65535/,
    );
  });

  it('a TEXT file renders with its strings in place of the calls', () => {
    const [frame] = decodeAll([
      encodeWriteText('A', [
        { position: POSITION.middle, mode: MODE.hold },
        { text: 'NOW ' },
        { string: '1' },
        { text: ' / ' },
        { string: '2' },
      ]),
    ]);
    const action = frame?.kind === 'packet' ? parseAlphaCommand(frame.packet.commands[0]!) : undefined;
    expect(action?.type).toBe('write-text');
    if (action?.type !== 'write-text') return;
    expect(
      renderTextBody(
        action.body,
        new Map([
          ['1', 'A-042'],
          ['2', 'WAIT ~5 MIN'],
        ]),
      ),
    ).toBe('NOW A-042 / WAIT ~5 MIN');
  });
});

describe('Alpha decoder: bad packets and their reasons', () => {
  const good = encodeWriteString('1', 'A-042');

  it('decodes a packet, a nested packet and one without a checksum', () => {
    expect(packets(decodeAll([good]))).toEqual([
      { type: 'Z', address: '00', commands: [{ code: 'G', data: Buffer.from('1A-042'), checked: true }] },
    ]);
    // G1x: 02 + 47 + 31 + 78 + 03 = 0xF5; G2y: 02 + 47 + 32 + 79 + 03 = 0xF7.
    const nested = Buffer.from('\x01Z01\x02G1x\x0300F5\x02G2y\x0300F7\x04', 'latin1');
    expect(packets(decodeAll([nested]))[0]!.commands.map((c) => `${c.code}${c.data.toString()}`)).toEqual([
      'G1x',
      'G2y',
    ]);
    const unchecked = decodeAll([Buffer.from('\x00\x01Z00\x02G1x\x03\x04', 'latin1')]);
    expect(packets(unchecked)[0]!.commands[0]!.checked).toBe(false);
  });

  it('names each fault', () => {
    const cases: [string, string, RegExp][] = [
      ['\x01Z00\x02G1x\x030000\x04', 'bad-checksum', /checksum 0000 does not match the bytes \(they sum to 00F5\)/],
      ['\x01Z00\x02G1x\x03zz11\x04', 'bad-checksum', /not 4 hex digits/],
      ['\x01Zq0\x02G1x\x0300F5\x04', 'bad-header', /not <type><2 hex address>/],
      ['\x01Z00\x02G1x\x0300F5X', 'missing-eot', /expected EOT/],
      ['\x01Z00\x02G1x\x01', 'truncated', /a new packet began inside a command/],
      ['\x01Z00\x02G1x\x04', 'truncated', /before the command's ETX/],
      ['junk\x01', 'garbage', /bytes outside any packet: 6A 75 6E 6B/],
    ];
    for (const [bytes, reason, detail] of cases) {
      const errors = decodeAll([Buffer.from(bytes, 'latin1')]).filter((f) => f.kind === 'error');
      expect(errors[0], JSON.stringify(bytes)).toMatchObject({
        error: { reason, detail: expect.stringMatching(detail) },
      });
    }
    expect(reasons(decodeAll([Buffer.from(`\x01Z00\x02${'x'.repeat(9000)}`, 'latin1')]))).toEqual(['too-long']);
    expect(reasons(decodeAll([Buffer.from('\x01Z00\x02G1', 'latin1')], true))).toEqual(['truncated']);
  });

  it('a bad packet never costs the next good one', () => {
    const frames = decodeAll([Buffer.from('\x01Z00\x02G1x\x030000\x04', 'latin1'), good]);
    expect(reasons(frames)).toEqual(['bad-checksum']);
    expect(packets(frames)).toHaveLength(1);
  });
});

const text = fc.string({
  maxLength: 60,
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const label = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const command = fc.oneof(
  fc.tuple(label, text).map(([l, t]) => ({ bytes: encodeWriteString(l, t), code: 'G', data: l + t })),
  fc.tuple(label, text).map(([l, t]) => ({ bytes: encodeWriteText(l, [{ text: t }]), code: 'A', data: l + t })),
);

describe('Alpha decoder: properties', () => {
  it('packets split or joined anywhere decode to what was sent', () => {
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (sent, points) => {
          const frames = decodeAll(split(Buffer.concat(sent.map((c) => c.bytes)), points));
          expect(reasons(frames)).toEqual([]);
          expect(packets(frames).map((p) => `${p.commands[0]!.code}${p.commands[0]!.data.toString('latin1')}`)).toEqual(
            sent.map((c) => c.code + c.data),
          );
        },
      ),
    );
  });

  it('garbage and cut-off packets between good packets are reported, and every good packet still decodes', () => {
    const noise = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 80 }).map((b) => Buffer.from(b)),
      fc.tuple(command, fc.nat()).map(([c, at]) => c.bytes.subarray(0, 6 + (at % (c.bytes.length - 6)))),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noise, command), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (pairs, points) => {
          const bytes = Buffer.concat(pairs.flatMap(([n, c]) => [n, c.bytes]));
          const frames = decodeAll(split(bytes, points));
          const decoded = packets(frames).map((p) => `${p.commands[0]!.code}${p.commands[0]!.data.toString('latin1')}`);
          // Every good packet is there, in order (random noise may, rarely, hold a valid packet of its own).
          let at = 0;
          for (const c of pairs.map(([, c]) => c.code + c.data)) {
            at = decoded.indexOf(c, at);
            expect(at).toBeGreaterThanOrEqual(0);
            at += 1;
          }
          // Cut-off packets (they hold SOH) and garbage do not pass silently.
          expect(reasons(frames).length).toBeGreaterThanOrEqual(
            pairs.filter(([n]) => n.some((b) => b !== 0)).length > 0 ? 1 : 0,
          );
        },
      ),
    );
  });

  it('a packet with any one data byte changed is rejected for its checksum', () => {
    fc.assert(
      fc.property(command, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (c, at, replacement) => {
        // The bytes between STX (offset 9) and ETX (6 from the end).
        const start = 10;
        const end = c.bytes.length - 6;
        const index = start + (at % (end - start));
        fc.pre(c.bytes[index] !== replacement);
        const corrupted = Buffer.from(c.bytes);
        corrupted[index] = replacement;
        const frames = decodeAll([corrupted]);
        expect(packets(frames)).toEqual([]);
        expect(reasons(frames)).toEqual(['bad-checksum']);
      }),
    );
  });

  it('any bytes: the same frames split or joined, and never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, points) => {
        const joined = decodeAll([Buffer.from(bytes)], true);
        expect(decodeAll(split(Buffer.from(bytes), points), true)).toEqual(joined);
      }),
    );
  });
});
