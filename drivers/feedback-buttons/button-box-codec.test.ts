import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ButtonBoxDecoder,
  decodeButtonBoxLine,
  encodeButtonBoxMessage,
  MAX_BUTTON,
  MAX_UPTIME_MS,
  type ButtonBoxMessage,
  type DecodeResult,
} from './button-box-codec.ts';
import { LineFramer } from './line-framer.ts';
import { splitChunks } from '../testing/split-chunks.ts';

const messages: fc.Arbitrary<ButtonBoxMessage> = fc.oneof(
  fc.record(
    {
      type: fc.constant('press' as const),
      button: fc.integer({ min: 1, max: MAX_BUTTON }),
      uptimeMs: fc.option(fc.integer({ min: 0, max: MAX_UPTIME_MS }), { nil: undefined }),
    },
    { requiredKeys: ['type', 'button'] },
  ),
  fc.record(
    {
      type: fc.constant('hello' as const),
      firmware: fc.stringMatching(/^[A-Za-z0-9._+/-]{1,32}$/),
      uptimeMs: fc.option(fc.integer({ min: 0, max: MAX_UPTIME_MS }), { nil: undefined }),
    },
    { requiredKeys: ['type', 'firmware'] },
  ),
);

/** Drops keys whose value is undefined, as the decoder never sets them. */
const clean = (message: ButtonBoxMessage) => JSON.parse(JSON.stringify(message)) as ButtonBoxMessage;

/** Cuts a byte string at the given points (any order, duplicates allowed) into chunks. */
const split = splitChunks;

function decodeAll(chunks: Buffer[]): DecodeResult[] {
  const decoder = new ButtonBoxDecoder();
  return chunks.flatMap((chunk) => decoder.feed(chunk));
}

/** A line's worth of bytes that is no line terminator. */
const garbageLine = fc
  .uint8Array({ maxLength: 200 })
  .map((bytes) => Buffer.from(bytes.filter((b) => b !== 0x0a && b !== 0x0d)));

describe('button box protocol: examples', () => {
  it('decodes the README examples', () => {
    expect(decodeButtonBoxLine('P 3')).toEqual({ ok: true, message: { type: 'press', button: 3 } });
    expect(decodeButtonBoxLine('P 4 120345')).toEqual({
      ok: true,
      message: { type: 'press', button: 4, uptimeMs: 120345 },
    });
    expect(decodeButtonBoxLine('P 4 120345*65')).toEqual({
      ok: true,
      message: { type: 'press', button: 4, uptimeMs: 120345 },
    });
    expect(decodeButtonBoxLine('H waitwell-box/1.0 5000')).toEqual({
      ok: true,
      message: { type: 'hello', firmware: 'waitwell-box/1.0', uptimeMs: 5000 },
    });
    expect(decodeButtonBoxLine('# debounce 30 ms')).toEqual({
      ok: true,
      message: { type: 'comment', text: 'debounce 30 ms' },
    });
    expect(encodeButtonBoxMessage({ type: 'press', button: 4, uptimeMs: 120345 }, { checksum: true }).toString()).toBe(
      'P 4 120345*65\n',
    );
  });

  it('names what is wrong with a bad line', () => {
    const reason = (line: string) => {
      const result = decodeButtonBoxLine(line);
      return result.ok ? 'ok' : result.error.reason;
    };
    expect(reason('X 1')).toBe('unknown-command');
    expect(reason('P')).toBe('bad-button');
    expect(reason('P 0')).toBe('bad-button');
    expect(reason('P 33')).toBe('bad-button');
    expect(reason('P 01')).toBe('bad-button');
    expect(reason('P 1 -5')).toBe('bad-time');
    expect(reason('P 1 4294967296')).toBe('bad-time');
    expect(reason('P 1 2 3')).toBe('extra-fields');
    expect(reason('P 4 120345*64')).toBe('bad-checksum');
    expect(reason('P 4*zz')).toBe('bad-checksum');
    expect(reason('H')).toBe('bad-firmware');
    expect(reason('H has space')).toBe('bad-time');
  });

  it('frames CR, LF and CRLF alike and skips empty lines', () => {
    expect(decodeAll([Buffer.from('P 1\r\nP 2\rP 3\n\n\r\n')]).map((r) => r.ok && r.message)).toEqual([
      { type: 'press', button: 1 },
      { type: 'press', button: 2 },
      { type: 'press', button: 3 },
    ]);
  });

  it('reports an overlong line once, then reads the next line', () => {
    const framer = new LineFramer(16);
    const frames = [
      ...framer.feed(Buffer.from('P 1 0000000000')),
      ...framer.feed(Buffer.from('0000000000000')),
      ...framer.feed(Buffer.from('000\nP 2\n')),
    ];
    expect(frames).toEqual([
      { kind: 'error', error: { reason: 'line-too-long', line: 'P 1 00000000000000000000000' } },
      { kind: 'line', text: 'P 2' },
    ]);
  });

  it('reports a half line left when the link drops, and starts clean', () => {
    const decoder = new ButtonBoxDecoder();
    expect(decoder.feed(Buffer.from('P 1\nP 2'))).toHaveLength(1);
    expect(decoder.reset()).toEqual([{ ok: false, error: { reason: 'truncated', line: 'P 2' } }]);
    expect(decoder.feed(Buffer.from('P 3\n'))).toEqual([{ ok: true, message: { type: 'press', button: 3 } }]);
    expect(decoder.reset()).toEqual([]);
  });

  it('rejects control and non-ASCII bytes with a reason', () => {
    expect(decodeAll([Buffer.from([0x50, 0x20, 0x31, 0x00, 0x0a, 0xff, 0x0a])])).toEqual([
      { ok: false, error: { reason: 'non-ascii', line: 'P 1\u0000' } },
      { ok: false, error: { reason: 'non-ascii', line: '\u00ff' } },
    ]);
  });
});

describe('button box protocol: properties', () => {
  it('round-trips every message, with or without checksum', () => {
    fc.assert(
      fc.property(messages, fc.boolean(), (message, checksum) => {
        const line = encodeButtonBoxMessage(message, { checksum });
        expect(decodeAll([line])).toEqual([{ ok: true, message: clean(message) }]);
      }),
    );
  });

  it('decodes the same messages however the stream is split or joined', () => {
    fc.assert(
      fc.property(
        fc.array(messages, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        (list, points, checksum) => {
          const bytes = Buffer.concat(list.map((m) => encodeButtonBoxMessage(m, { checksum })));
          const expected = list.map((m) => ({ ok: true, message: clean(m) }));
          expect(decodeAll([bytes])).toEqual(expected);
          expect(decodeAll(split(bytes, points))).toEqual(expected);
          expect(decodeAll([...bytes].map((b) => Buffer.from([b])))).toEqual(expected);
        },
      ),
    );
  });

  it('never lets a garbage line cost a valid one, and never throws', () => {
    const segments = fc.array(
      fc.oneof(
        messages.map((m) => ({ valid: m })),
        garbageLine.map((g) => ({ garbage: g })),
      ),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(segments, fc.array(fc.nat(), { maxLength: 40 }), (list, points) => {
        const lines = list.map((s) =>
          'valid' in s ? encodeButtonBoxMessage(s.valid) : Buffer.concat([s.garbage, Buffer.from('\n')]),
        );
        // Each line on its own is the oracle: in a stream, a line decodes exactly as it would alone.
        const expected = lines.flatMap((line) => decodeAll([line]));
        expect(decodeAll(split(Buffer.concat(lines), points))).toEqual(expected);
        list.forEach((segment, i) => {
          if ('valid' in segment) expect(decodeAll([lines[i]!])).toEqual([{ ok: true, message: clean(segment.valid) }]);
        });
      }),
    );
  });

  it('resynchronises on the first line end after arbitrary binary noise', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(messages, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (noise, list, points) => {
          const valid = list.map((m) => encodeButtonBoxMessage(m));
          const results = decodeAll(split(Buffer.concat([Buffer.from(noise), Buffer.from('\n'), ...valid]), points));
          expect(results.slice(-list.length)).toEqual(list.map((m) => ({ ok: true, message: clean(m) })));
        },
      ),
    );
  });

  it('a frame truncated mid-stream (device reset mid-line) costs one result, not the following frames', () => {
    fc.assert(
      fc.property(messages, fc.nat(), fc.array(messages, { minLength: 1, maxLength: 10 }), (cutMessage, cut, list) => {
        const partial = encodeButtonBoxMessage(cutMessage).subarray(0, -1);
        const truncated = partial.subarray(0, cut % (partial.length + 1));
        const results = decodeAll([Buffer.concat([truncated, ...list.map((m) => encodeButtonBoxMessage(m))])]);
        expect(results).toHaveLength(list.length);
        expect(results.slice(1)).toEqual(list.slice(1).map((m) => ({ ok: true, message: clean(m) })));
      }),
    );
  });

  it('a frame truncated by an unplug is reported by reset and nothing after it is lost', () => {
    fc.assert(
      fc.property(messages, fc.nat(), fc.array(messages, { maxLength: 10 }), (cutMessage, cut, list) => {
        const decoder = new ButtonBoxDecoder();
        const line = encodeButtonBoxMessage(cutMessage);
        const truncated = line.subarray(0, 1 + (cut % (line.length - 1)));
        expect(decoder.feed(truncated)).toEqual([]);
        expect(decoder.reset()).toEqual([
          { ok: false, error: { reason: 'truncated', line: truncated.toString('latin1') } },
        ]);
        expect(decoder.feed(Buffer.concat(list.map((m) => encodeButtonBoxMessage(m))))).toEqual(
          list.map((m) => ({ ok: true, message: clean(m) })),
        );
      }),
    );
  });

  it('with a checksum, a corrupted byte never turns into a press of another button', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_BUTTON }),
        fc.integer({ min: 0, max: MAX_UPTIME_MS }),
        fc.nat(),
        fc.integer({ min: 0x20, max: 0x7e }),
        (button, uptimeMs, at, byte) => {
          const line = encodeButtonBoxMessage({ type: 'press', button, uptimeMs }, { checksum: true }).subarray(0, -1);
          const corrupted = Buffer.from(line);
          corrupted[at % line.length] = byte;
          const result = decodeButtonBoxLine(corrupted.toString('latin1'));
          if (result.ok && result.message.type === 'press') expect(result.message.button).toBe(button);
        },
      ),
    );
  });
});
