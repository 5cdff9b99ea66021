import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '../queue/events.ts';
import { operationsReport, quantile, startOfLocalDay } from './operations.ts';

/** A venue in Seoul (UTC+9): its 4 December runs from 3 December 15:00 UTC to 4 December 15:00 UTC. */
const SEOUL = () => 9 * 60;
/** Local time on 4 December 2026 in Seoul; negative hours are the evening before. */
const at = (hour: number, minute = 0) => Date.UTC(2026, 11, 4, hour - 9, minute);

const issued = (ticketId: string, time: number, serviceId: string, postedWaitMin: number | null): QueueEvent => ({
  type: 'ticket.issued',
  at: time,
  ticketId,
  serviceId,
  number: `A-${ticketId}`,
  seq: 1,
  day: '2026-12-04',
  segmentId: null,
  weight: 0,
  issuedAt: time,
  kioskId: null,
  offline: false,
  postedWaitMin,
  pointWaitMin: postedWaitMin,
  returnWindow: null,
});
const called = (ticketId: string, time: number, counterId: string, calledBy?: string): QueueEvent => ({
  type: 'ticket.called',
  at: time,
  ticketId,
  counterId,
  outOfOrder: false,
  ...(calledBy ? { calledBy } : {}),
});
const atDesk = (type: 'ticket.served' | 'ticket.no-show', ticketId: string, time: number, counterId: string) =>
  ({ type, at: time, ticketId, counterId }) as QueueEvent;

/** A night and early morning of a Seoul branch; the figures in the tests below are worked out by hand. */
const LOG: QueueEvent[] = [
  { type: 'counter.opened', at: at(-1), counterId: 'c1', services: ['A'], closesAt: null },
  // The evening before: outside the report's day, though the counter's night crosses into it.
  issued('t0', at(-1, 30), 'A', 5),
  called('t0', at(-1, 40), 'c1', 'kim'),
  atDesk('ticket.served', 't0', at(-1, 50), 'c1'),
  issued('t1', at(0, 30), 'A', 10),
  issued('t2', at(0, 35), 'A', 5),
  called('t1', at(0, 40), 'c1', 'kim'),
  atDesk('ticket.served', 't1', at(0, 46), 'c1'),
  called('t2', at(0, 50), 'c1', 'kim'),
  atDesk('ticket.served', 't2', at(0, 58), 'c1'),
  { type: 'counter.break', at: at(1), counterId: 'c1', breakUntil: at(1, 30) },
  issued('t3', at(1, 10), 'A', 20),
  issued('t4', at(1, 20), 'A', 30),
  { type: 'counter.opened', at: at(1, 30), counterId: 'c1', services: ['A'], closesAt: null },
  called('t3', at(1, 35), 'c1', 'lee'),
  atDesk('ticket.no-show', 't3', at(1, 40), 'c1'),
  called('t4', at(1, 40), 'c1', 'lee'),
  {
    type: 'ticket.transferred',
    at: at(1, 45),
    ticketId: 't4',
    counterId: 'c1',
    fromServiceId: 'A',
    toServiceId: 'B',
    placement: 'first',
    orderKey: at(1, 45),
  },
  { type: 'counter.opened', at: at(1, 50), counterId: 'c2', services: ['B'], closesAt: null },
  called('t4', at(1, 55), 'c2', 'park'),
  { type: 'counter.closed', at: at(2), counterId: 'c1' },
  issued('t5', at(2), 'A', null),
  atDesk('ticket.served', 't4', at(2, 5), 'c2'),
  { type: 'ticket.cancelled', at: at(2, 5), ticketId: 't5' },
  { type: 'counter.closed', at: at(2, 10), counterId: 'c2' },
  // Never called: abandoned once the day is over, still waiting while it lasts.
  issued('t6', at(2, 30), 'A', 15),
];

const report = (now: number, from = '2026-12-04', to = from) =>
  operationsReport(LOG, { venueId: 'v', from, to, offsetAt: SEOUL, now });
const NEXT_DAY = at(24 + 10);

describe('operationsReport', () => {
  it('counts each stay in a service by how it ended, in the venue’s day across UTC midnight', () => {
    const r = report(NEXT_DAY);
    expect(r.fromMs).toBe(Date.UTC(2026, 11, 3, 15));
    expect(r.toMs).toBe(Date.UTC(2026, 11, 4, 15));
    // t1..t6 and t4's second stay (in B) after its transfer; t0 was the evening before.
    expect(r.total.tickets).toBe(7);
    expect(r.total.outcomes).toEqual({
      served: 3,
      'no-show': 1,
      abandoned: 1,
      transferred: 1,
      cancelled: 1,
      waiting: 0,
    });
    expect(r.byService.map((g) => [g.key, g.tickets, g.outcomes.transferred, g.outcomes.served])).toEqual([
      ['A', 6, 1, 2],
      ['B', 1, 0, 1],
    ]);
  });

  it('keeps a ticket of a day not yet over as waiting', () => {
    expect(report(at(3)).total.outcomes).toMatchObject({ abandoned: 0, waiting: 1 });
  });

  it('gives mean, median, 90th percentile and the share within the posted wait', () => {
    const r = report(NEXT_DAY);
    // Waits: A 10, 15, 25, 20 (posted 10, 5, 20, 30: two kept), B 10 after the transfer (nothing posted).
    const a = r.byService.find((g) => g.key === 'A')!;
    expect(a.wait).toEqual({
      count: 4,
      meanMin: 17.5,
      medianMin: 17.5,
      p90Min: 23.5,
      withinPostedPct: 50,
      postedCount: 4,
    });
    expect(r.total.wait).toEqual({
      count: 5,
      meanMin: 16,
      medianMin: 15,
      p90Min: 23,
      withinPostedPct: 50,
      postedCount: 4,
    });
    expect(a.service).toEqual({ count: 2, meanMin: 7, medianMin: 7 });
    expect(r.total.service).toEqual({ count: 3, meanMin: 8, medianMin: 8 });
  });

  it('gives counters and clerks the tickets they called, ended and served', () => {
    const r = report(NEXT_DAY);
    const clerks = Object.fromEntries((r.byClerk ?? []).map((g) => [g.key, g]));
    expect(Object.keys(clerks)).toEqual(['kim', 'lee', 'park']);
    expect(clerks.kim).toMatchObject({ tickets: 2, wait: { count: 2, meanMin: 12.5 }, service: { meanMin: 7 } });
    expect(clerks.lee).toMatchObject({
      tickets: 2,
      outcomes: { 'no-show': 1, transferred: 1 },
      wait: { count: 2, medianMin: 22.5 },
      service: { count: 0, meanMin: null },
    });
    expect(clerks.park).toMatchObject({ tickets: 1, wait: { meanMin: 10 }, service: { meanMin: 10 } });
    expect(r.byCounter.map((g) => [g.key, g.tickets, g.wait.count, g.service.count])).toEqual([
      ['c1', 4, 4, 2],
      ['c2', 1, 1, 1],
    ]);
  });

  it('measures open, break and idle time within the day only', () => {
    // c1 opened at 23:00 the evening before: only 00:00-02:00 counts, less the 30-minute break.
    // Busy 6 + 8 + 5 + 5 minutes of its 90 open ones.
    expect(report(NEXT_DAY).counters).toEqual([
      { counterId: 'c1', openMin: 90, breakMin: 30, idleMin: 66 },
      { counterId: 'c2', openMin: 20, breakMin: 0, idleMin: 10 },
    ]);
    // While the day runs, a counter's time ends now: at 01:15 c1 has been open 60 and on break 15.
    expect(report(at(1, 15)).counters[0]).toEqual({ counterId: 'c1', openMin: 60, breakMin: 15, idleMin: 46 });
  });

  it('lists every hour and day, and the busiest hours', () => {
    const r = report(NEXT_DAY, '2026-12-03', '2026-12-05');
    expect(r.byHour).toHaveLength(24);
    expect(r.byHour.filter((h) => h.tickets > 0).map((h) => [h.key, h.tickets])).toEqual([
      ['00', 2],
      ['01', 3],
      ['02', 2],
      ['23', 1],
    ]);
    expect(r.byDay.map((d) => [d.key, d.tickets])).toEqual([
      ['2026-12-03', 1],
      ['2026-12-04', 7],
      ['2026-12-05', 0],
    ]);
    expect(r.busiestHours).toEqual([
      { hour: '01', tickets: 3 },
      { hour: '00', tickets: 2 },
      { hour: '02', tickets: 2 },
    ]);
  });
});

describe('quantile and local days', () => {
  it('interpolates between ranks like PERCENTILE.INC', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('starts a day at the offset that holds at local midnight (daylight saving)', () => {
    // A zone at UTC-4 from 8 March 2026 07:00 UTC, UTC-5 before (New York's spring change).
    const newYork = (t: number) => (t >= Date.UTC(2026, 2, 8, 7) ? -240 : -300);
    expect(startOfLocalDay('2026-03-08', newYork)).toBe(Date.UTC(2026, 2, 8, 5));
    expect(startOfLocalDay('2026-03-09', newYork)).toBe(Date.UTC(2026, 2, 9, 4));
  });
});
