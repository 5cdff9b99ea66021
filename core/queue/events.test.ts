import { describe, expect, it } from 'vitest';
import { InvalidQueueEventError, parseQueueEvent, QUEUE_EVENT_TYPES } from './events.ts';

const source = { venueId: 'venue-a', version: 57 };
const issued = {
  type: 'ticket.issued',
  at: 1_700_000_000_000,
  ticketId: '0190a1b2-0000-7000-8000-000000000001',
  serviceId: 'deposits',
  number: 'A-007',
  seq: 7,
  day: '2023-11-14',
  segmentId: null,
  weight: 0,
  issuedAt: 1_700_000_000_000,
  kioskId: 'k1',
  offline: false,
  postedWaitMin: 12,
  pointWaitMin: 9.5,
  returnWindow: null,
};

function failure(raw: unknown): InvalidQueueEventError {
  try {
    parseQueueEvent(raw, source);
  } catch (error) {
    if (error instanceof InvalidQueueEventError) return error;
    throw error;
  }
  throw new Error('expected the event to be refused');
}

describe('parseQueueEvent', () => {
  it('reads a stored row (JSON text) and a relayed object alike', () => {
    expect(parseQueueEvent(JSON.stringify(issued), source)).toEqual(issued);
    expect(parseQueueEvent(issued, source)).toEqual(issued);
  });

  it('reads an explicit version 1 like a body without one', () => {
    expect(parseQueueEvent({ ...issued, v: 1 }, source)).toEqual(issued);
  });

  it('reads a call with its clerk, and a call from a log older than clerks without one', () => {
    const call = { type: 'ticket.called', at: 5, ticketId: 't1', counterId: 'c1', outOfOrder: false };
    expect(parseQueueEvent(call, source)).toEqual(call);
    expect(parseQueueEvent({ ...call, calledBy: 'kim' }, source)).toEqual({ ...call, calledBy: 'kim' });
    expect(failure({ ...call, calledBy: '' }).message).toContain('calledBy');
  });

  it('fills what logs written before close times and break lengths lack', () => {
    expect(parseQueueEvent('{"type":"counter.opened","at":5,"counterId":"c1","services":["A"]}', source)).toEqual({
      type: 'counter.opened',
      at: 5,
      counterId: 'c1',
      services: ['A'],
      closesAt: null,
    });
    expect(parseQueueEvent({ type: 'counter.break', at: 6, counterId: 'c1' }, source)).toMatchObject({
      breakUntil: null,
    });
  });

  it.each([
    ['a body that is not JSON', '{"type":"ticket.issued",', 'not JSON'],
    ['a body that is not an object', '[1,2]', 'not an object'],
    ['an unknown type', { ...issued, type: 'ticket.teleported' }, 'unknown type "ticket.teleported"'],
    ['a version this hub does not know', { ...issued, v: 2 }, 'ticket.issued v2 is not known here'],
    ['a field of the wrong type', { ...issued, seq: 'seven' }, 'seq'],
    ['a missing field', { ...issued, number: undefined }, 'number'],
    ['a field no version has', { ...issued, color: 'red' }, 'color'],
  ])('refuses %s, naming the venue, the log version and the reason', (_name, raw, reason) => {
    const error = failure(raw);
    expect(error).toMatchObject({ venueId: 'venue-a', version: 57 });
    expect(error.message).toContain('queue event 57 of venue venue-a');
    expect(error.message).toContain(reason);
  });

  it('knows every type the engine writes', () => {
    expect(QUEUE_EVENT_TYPES).toHaveLength(18);
    expect(failure({ type: 'nope' }).message).toContain(QUEUE_EVENT_TYPES.join(', '));
  });
});
