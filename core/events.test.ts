import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, InvalidEventError, offlineTicketOf, parseEvent, parsePayload } from './events.ts';
import { isEventId, newEventId } from './ids.ts';

const valid = () => ({
  id: newEventId(),
  type: 'feedback.pressed',
  v: 1,
  venueId: 'venue-a',
  deviceId: 'k1',
  seq: 1,
  occurredAt: 1_760_000_000_000,
  payload: { touchpointId: 'entrance', level: 4, source: 'serial' },
});

describe('event ids', () => {
  it('mints UUIDv7 ids that sort by creation time', () => {
    const ids = Array.from({ length: 50 }, () => newEventId());
    expect(ids.every(isEventId)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
    expect(isEventId('0190a9a0-0000-4000-8000-000000000000')).toBe(false); // a v4 is not accepted
  });
});

describe('parseEvent', () => {
  it('accepts a valid envelope and fills payload defaults', () => {
    const result = parseEvent(valid());
    expect(result.ok).toBe(true);
    if (result.ok && result.event.type === 'feedback.pressed') expect(result.event.payload.misuse).toBe(false);
  });

  it.each([
    ['missing seq', (e: Record<string, unknown>) => delete e.seq, 'invalid-envelope', /seq/],
    ['seq of wrong type', (e: Record<string, unknown>) => (e.seq = '3'), 'invalid-envelope', /seq/],
    ['seq zero', (e: Record<string, unknown>) => (e.seq = 0), 'invalid-envelope', /seq/],
    ['id not a UUIDv7', (e: Record<string, unknown>) => (e.id = 'abc'), 'invalid-envelope', /UUIDv7/],
    ['extra envelope field', (e: Record<string, unknown>) => (e.extra = 1), 'invalid-envelope', /extra|Unrecognized/i],
    [
      'unknown type',
      (e: Record<string, unknown>) => (e.type = 'feedback.exploded'),
      'unknown-type',
      /feedback\.exploded/,
    ],
    ['future version', (e: Record<string, unknown>) => (e.v = 9), 'unsupported-version', /v9/],
    [
      'level out of range',
      (e: Record<string, unknown>) => ((e.payload as Record<string, unknown>).level = 5),
      'invalid-payload',
      /level/,
    ],
    [
      'payload missing field',
      (e: Record<string, unknown>) => delete (e.payload as Record<string, unknown>).touchpointId,
      'invalid-payload',
      /touchpointId/,
    ],
    ['bad venue id', (e: Record<string, unknown>) => (e.venueId = '../etc'), 'invalid-envelope', /venueId/],
  ])('rejects %s with a code and a reason', (_name, mutate, code, reason) => {
    const event = valid() as Record<string, unknown>;
    mutate(event);
    const result = parseEvent(event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message).toMatch(reason);
    }
  });

  it('never throws on garbage', () => {
    for (const garbage of [null, undefined, 42, 'x', [], [1, 2], { payload: {} }, Object.create(null)]) {
      expect(parseEvent(garbage).ok).toBe(false);
    }
  });

  it('does not mistake inherited properties for event types', () => {
    const result = parseEvent({ ...valid(), type: 'toString' });
    expect(result.ok ? 'accepted' : result.code).toBe('unknown-type');
  });

  it('lists what kiosks write; the queue facts are the hub log (core/queue/events.ts)', () => {
    expect([...EVENT_TYPES].sort()).toEqual(['device.status', 'feedback.pressed', 'feedback.reason', 'ticket.taken']);
  });

  it('still reads the ticket.issued older kiosks wrote, stored as it was sent', () => {
    const result = parseEvent({ ...valid(), type: 'ticket.issued', payload: legacyIssued });
    expect(result).toMatchObject({ ok: true, event: { type: 'ticket.issued', payload: legacyIssued } });
  });
});

const takenId = newEventId();
const legacyIssued = { ticketId: takenId, serviceId: 'deposits', number: 'A-507', lang: 'ko', offline: true };
const envelope = (type: string, payload: unknown) => {
  const result = parseEvent({ ...valid(), type, payload });
  if (!result.ok) throw new Error(result.message);
  return result.event;
};

describe('offlineTicketOf', () => {
  it('reads the number part a ticket.taken carries', () => {
    const taken = envelope('ticket.taken', { ...legacyIssued, number: 'A-0507', seq: 507, day: '2026-12-05' });
    expect(offlineTicketOf(taken)).toEqual({ ticketId: takenId, serviceId: 'deposits', number: 'A-0507', seq: 507 });
  });

  it('reads it from the printed number of an older kiosk’s ticket.issued, the only place it is', () => {
    const issued = envelope('ticket.issued', { ...legacyIssued, segmentId: 'gold', postedWaitMin: 12 });
    expect(offlineTicketOf(issued)).toEqual({
      ticketId: takenId,
      serviceId: 'deposits',
      number: 'A-507',
      seq: 507,
      segmentId: 'gold',
      postedWaitMin: 12,
    });
  });

  it('finds none in a ticket the hub numbered, nor in other events', () => {
    expect(offlineTicketOf(envelope('ticket.issued', { ...legacyIssued, offline: false }))).toBeUndefined();
    const online = envelope('ticket.taken', { ...legacyIssued, offline: false, seq: 7, day: '2026-12-05' });
    expect(offlineTicketOf(online)).toBeUndefined();
    expect(offlineTicketOf(envelope('feedback.pressed', valid().payload))).toBeUndefined();
  });
});

describe('parsePayload', () => {
  it('throws an InvalidEventError naming the field', () => {
    expect(() => parsePayload('feedback.pressed', { touchpointId: 'x', level: 7, source: 'screen' })).toThrow(
      InvalidEventError,
    );
    expect(() => parsePayload('feedback.pressed', { touchpointId: 'x', level: 7, source: 'screen' })).toThrow(/level/);
  });
});
