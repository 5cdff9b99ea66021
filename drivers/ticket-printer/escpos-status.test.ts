import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitChunks } from '../testing/split-chunks.ts';
import {
  decodeAsb,
  decodeRealtimeReply,
  encodeAsb,
  encodePaperStatus,
  encodeRealtimeReply,
  EscposStatusReader,
  GOOD_CONDITION,
  type PrinterCondition,
  type PrinterFault,
  type StatusFrame,
} from './escpos-status.ts';

const FAULTS: PrinterFault[] = ['recoverable', 'autocutter', 'unrecoverable', 'auto-recoverable'];

const conditions: fc.Arbitrary<PrinterCondition> = fc.record({
  offline: fc.boolean(),
  coverOpen: fc.boolean(),
  paperOut: fc.boolean(),
  paperNearEnd: fc.boolean(),
  waitingForRecovery: fc.boolean(),
  faults: fc.subarray(FAULTS),
});

/** What a printer sends: ASB messages, single DLE EOT replies, GS r replies. */
type Message =
  | { kind: 'asb'; condition: PrinterCondition }
  | { kind: 'realtime'; n: number; condition: PrinterCondition }
  | { kind: 'paper-status'; condition: PrinterCondition };

const messages: fc.Arbitrary<Message> = fc.oneof(
  conditions.map((condition) => ({ kind: 'asb' as const, condition })),
  fc.record({ kind: fc.constant('realtime' as const), n: fc.integer({ min: 1, max: 4 }), condition: conditions }),
  conditions.map((condition) => ({ kind: 'paper-status' as const, condition })),
);

function bytesOf(message: Message): Buffer {
  switch (message.kind) {
    case 'asb':
      return encodeAsb(message.condition);
    case 'realtime':
      return Buffer.from([encodeRealtimeReply(message.n, message.condition)]);
    case 'paper-status':
      return Buffer.from([encodePaperStatus(message.condition)]);
  }
}

/** The frame a message must decode to. */
function expected(message: Message): StatusFrame {
  const bytes = bytesOf(message);
  switch (message.kind) {
    case 'asb':
      return { kind: 'asb', bytes: [...bytes] as [number, number, number, number], condition: message.condition };
    case 'realtime':
      return { kind: 'realtime', byte: bytes[0]! };
    case 'paper-status':
      return {
        kind: 'paper-status',
        byte: bytes[0]!,
        paperNearEnd: message.condition.paperNearEnd,
        paperOut: message.condition.paperOut,
      };
  }
}

const split = splitChunks;

const readAll = (chunks: Buffer[]) => {
  const reader = new EscposStatusReader();
  return [...chunks.flatMap((chunk) => reader.feed(chunk)), ...reader.reset()];
};

const sortFaults = (c: PrinterCondition) => ({ ...c, faults: [...c.faults].sort() });

describe('ESC/POS status: examples from the Epson reference', () => {
  it('reads an ASB message byte by byte', () => {
    // Cover open, offline; autocutter error; paper near end.
    expect(decodeAsb([0x38, 0x08, 0x03, 0x00])).toEqual({
      offline: true,
      coverOpen: true,
      waitingForRecovery: false,
      faults: ['autocutter'],
      paperNearEnd: true,
      paperOut: false,
    });
    expect(decodeAsb([0x18, 0x00, 0x0c, 0x00]).paperOut).toBe(true);
    expect(decodeAsb([0x10, 0x00, 0x00, 0x00])).toEqual(GOOD_CONDITION);
  });

  it('reads DLE EOT replies by which n was asked', () => {
    expect(decodeRealtimeReply(1, 0x16)).toEqual({ offline: false, waitingForRecovery: false });
    expect(decodeRealtimeReply(1, 0x1e)).toEqual({ offline: true, waitingForRecovery: false });
    expect(decodeRealtimeReply(2, 0x16)).toEqual({ coverOpen: true, paperOut: false });
    expect(decodeRealtimeReply(2, 0x32)).toEqual({ coverOpen: false, paperOut: true });
    expect(decodeRealtimeReply(3, 0x1a)).toEqual({ faults: ['autocutter'] });
    expect(decodeRealtimeReply(4, 0x1e)).toEqual({ paperNearEnd: true, paperOut: false });
    expect(decodeRealtimeReply(4, 0x72)).toEqual({ paperNearEnd: false, paperOut: true });
  });

  it('a DLE EOT reply inside an ASB message is taken out, and the message completes', () => {
    const frames = new EscposStatusReader().feed(Buffer.from([0x18, 0x00, 0x16, 0x0c, 0x00]));
    expect(frames.map((f) => f.kind)).toEqual(['realtime', 'asb']);
    expect(frames[1]).toMatchObject({ kind: 'asb', condition: { paperOut: true, offline: true } });
  });

  it('garbage is reported byte by byte and does not swallow the next message', () => {
    const frames = new EscposStatusReader().feed(
      Buffer.from([0xff, 0x18, 0x00, 0xfe, 0x10, 0x00, 0x00, 0x00, 0x11, 0x13, 0x12]),
    );
    expect(frames.map((f) => (f.kind === 'garbage' ? `${f.kind}:${f.reason}` : f.kind))).toEqual([
      'garbage:unexpected-byte',
      'garbage:truncated-asb',
      'garbage:unexpected-byte',
      'asb',
      'realtime',
    ]);
  });

  it('a message cut by a dropped link is reported on reset', () => {
    const reader = new EscposStatusReader();
    expect(reader.feed(Buffer.from([0x18, 0x00]))).toEqual([]);
    expect(reader.reset()).toEqual([{ kind: 'garbage', reason: 'truncated-asb', bytes: [0x18, 0x00] }]);
    expect(reader.feed(Buffer.from([0x0c, 0x00]))).toEqual([
      { kind: 'paper-status', byte: 0x0c, paperNearEnd: false, paperOut: true },
      { kind: 'paper-status', byte: 0x00, paperNearEnd: false, paperOut: false },
    ]);
  });
});

describe('ESC/POS status: properties', () => {
  it('encode then decode gives the condition back (ASB and each DLE EOT n)', () => {
    fc.assert(
      fc.property(conditions, (condition) => {
        const asb = encodeAsb(condition);
        expect(sortFaults(decodeAsb([asb[0]!, asb[1]!, asb[2]!, asb[3]!]))).toEqual(sortFaults(condition));
        let merged: Partial<PrinterCondition> = {};
        for (const n of [1, 2, 3, 4] as const) {
          const byte = encodeRealtimeReply(n, condition);
          expect((byte & 0x93) === 0x12).toBe(true);
          merged = { ...merged, ...decodeRealtimeReply(n, byte) };
        }
        // DLE EOT 2 and 4 both speak of paper out; both are set from the same condition.
        expect(sortFaults({ ...GOOD_CONDITION, ...merged } as PrinterCondition)).toEqual(sortFaults({ ...condition }));
      }),
    );
  });

  it('the same frames however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(messages, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (sent, points) => {
        const bytes = Buffer.concat(sent.map(bytesOf));
        const frames = readAll(split(bytes, points));
        expect(frames).toEqual(sent.map(expected));
        expect(readAll([bytes])).toEqual(frames);
      }),
    );
  });

  it('garbage between messages never costs a message, and is all reported', () => {
    // Garbage: bytes no status message starts with (bit 7 set), as line noise or a wrong baud rate gives.
    const garbage = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b.map((x) => x | 0x80)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(messages, fc.option(garbage, { nil: undefined })), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, points) => {
          const bytes = Buffer.concat(parts.flatMap(([m, g]) => (g ? [g, bytesOf(m)] : [bytesOf(m)])));
          const frames = readAll(split(bytes, points));
          expect(frames.filter((f) => f.kind !== 'garbage')).toEqual(parts.map(([m]) => expected(m)));
          const garbageBytes = frames.flatMap((f) => (f.kind === 'garbage' ? f.bytes : []));
          expect(garbageBytes.length).toBe(parts.reduce((sum, [, g]) => sum + (g?.length ?? 0), 0));
        },
      ),
    );
  });

  it('a truncated ASB message is reported and the message after it still reads', () => {
    fc.assert(
      fc.property(
        conditions,
        fc.integer({ min: 1, max: 3 }),
        messages,
        fc.array(fc.nat(), { maxLength: 10 }),
        (condition, keep, next, points) => {
          // An ASB cut short, then a message that cannot continue it (a new ASB header, or bit 7 noise first).
          const cut = encodeAsb(condition).subarray(0, keep);
          const bytes = Buffer.concat([cut, Buffer.from([0xff]), bytesOf(next)]);
          const frames = readAll(split(bytes, points));
          expect(frames[0]).toEqual({ kind: 'garbage', reason: 'truncated-asb', bytes: [...cut] });
          expect(frames[1]).toEqual({ kind: 'garbage', reason: 'unexpected-byte', bytes: [0xff] });
          expect(frames.slice(2)).toEqual([expected(next)]);
        },
      ),
    );
  });

  it('never throws on arbitrary bytes, and accounts for every byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 20 }), (raw, points) => {
        const bytes = Buffer.from(raw);
        const frames = readAll(split(bytes, points));
        const counted = frames.reduce(
          (sum, f) => sum + (f.kind === 'asb' ? 4 : f.kind === 'garbage' ? f.bytes.length : 1),
          0,
        );
        const flowControl = [...bytes].filter((b) => b === 0x11 || b === 0x13).length;
        expect(counted + flowControl).toBe(bytes.length);
      }),
    );
  });
});
