import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, decide, emptyQueueState, execute, rebuild } from './engine.ts';
import { parseQueueEvent } from './events.ts';
import { rankKey } from './ordering.ts';
import { createQueueRules } from './rules.ts';
import { forecastLineWaitMin, offerReturnWindow } from './return-times.ts';
import type { QueueCommand, QueueEvent, QueueRefusal, QueueState } from './types.ts';
import { isRefusal, MINUTE_MS } from './types.ts';
import { boardView, ticketPosition } from './views.ts';

const T0 = Date.UTC(2025, 0, 6, 9, 0);

const rules = createQueueRules({
  services: [{ id: 'A' }, { id: 'B', prefix: 'B' }],
  counters: [
    { id: 'c1', services: ['A'] },
    { id: 'c2', services: ['A', 'B'] },
    { id: 'c3', services: ['B'] },
  ],
  segments: [
    { id: 'gold', weight: 1 },
    { id: 'urgent', weight: 3 },
  ],
  agingPerMin: 0.1,
  rejoinWindowMin: 10,
});

/** Runs commands, keeping every event; refusals are returned, never thrown. */
function runAll(commands: Array<{ command: QueueCommand; at: number }>) {
  let state = emptyQueueState(rules);
  const log: QueueEvent[] = [];
  const refusals: QueueRefusal[] = [];
  const trace: Array<{ before: QueueState; command: QueueCommand; at: number; events: QueueEvent[] }> = [];
  for (const { command, at } of commands) {
    const result = decide(state, command, at);
    if (isRefusal(result)) {
      refusals.push(result);
      continue;
    }
    trace.push({ before: state, command, at, events: result });
    for (const event of result) {
      state = apply(state, event);
      log.push(event);
    }
  }
  return { state, log, refusals, trace };
}

const counterId = fc.constantFrom('c1', 'c2', 'c3', 'c9');
const ticketIndex = fc.integer({ min: 0, max: 14 });
const commandArb: fc.Arbitrary<QueueCommand> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant('issue' as const),
      ticketId: ticketIndex.map((i) => `t${i}`),
      serviceId: fc.constantFrom('A', 'B'),
      segmentId: fc.constantFrom(undefined, 'gold', 'urgent'),
    }),
  },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('call-next' as const), counterId }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('call' as const), counterId, ticketId: ticketIndex.map((i) => `t${i}`) }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('serve' as const), counterId }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('no-show' as const), counterId }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('recall' as const), counterId }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('park' as const), counterId }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('transfer' as const), counterId, toServiceId: fc.constantFrom('A', 'B') }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('rejoin' as const), ticketId: ticketIndex.map((i) => `t${i}`) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('cancel' as const), ticketId: ticketIndex.map((i) => `t${i}`) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('defer' as const), ticketId: ticketIndex.map((i) => `t${i}`) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('on-my-way' as const), ticketId: ticketIndex.map((i) => `t${i}`) }),
  },
  {
    weight: 2,
    // a scheduled close somewhere in the script's day (some already past: refused)
    arbitrary: fc
      .record({
        counterId,
        closesAt: fc.option(
          fc.integer({ min: 0, max: 24 * 60 }).map((m) => T0 + 14 * 60 * MINUTE_MS + m * MINUTE_MS),
          { nil: undefined },
        ),
      })
      .map(({ counterId, closesAt }) => ({
        type: 'open-counter' as const,
        counterId,
        ...(closesAt === undefined ? {} : { closesAt }),
      })),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('close-counter' as const), counterId }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ counterId, minutes: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) })
      .map(({ counterId, minutes }) => ({
        type: 'break-counter' as const,
        counterId,
        ...(minutes === undefined ? {} : { minutes }),
      })),
  },
  {
    // A kiosk's offline ticket: a new id, or one the hub numbered already (then renumbered to it).
    weight: 2,
    arbitrary: fc
      .record({
        ticketId: ticketIndex.map((i) => `t${i}`),
        serviceId: fc.constantFrom('A', 'B'),
        kioskId: fc.constantFrom('k1', 'k2'),
        seq: fc.integer({ min: 500, max: 512 }),
        minutes: fc.integer({ min: 0, max: 120 }),
      })
      .map(({ ticketId, serviceId, kioskId, seq, minutes }) => ({
        type: 'issue' as const,
        ticketId,
        serviceId,
        kioskId,
        offline: { seq, issuedAt: T0 + (14 * 60 + minutes) * MINUTE_MS },
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('reserve-block' as const),
      kioskId: fc.constantFrom('k1', 'k2'),
      serviceId: fc.constantFrom('A', 'B'),
      size: fc.integer({ min: 0, max: 5 }),
    }),
  },
);

/** Commands with increasing timestamps (gaps up to 20 minutes, crossing midnight sometimes). */
const scriptArb = fc
  .array(fc.tuple(commandArb, fc.integer({ min: 0, max: 20 * MINUTE_MS })), { maxLength: 80 })
  .map((items) => {
    let at = T0 + 14 * 60 * MINUTE_MS; // 23:00, so some scripts cross a day boundary
    return items.map(([command, gap]) => {
      at += gap;
      return { command, at };
    });
  });

describe('queue engine properties', () => {
  it('rebuilding from the log gives the live state', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { state, log } = runAll(script);
        expect(rebuild(rules, log)).toEqual(state);
        expect(JSON.parse(JSON.stringify(log))).toEqual(log); // events are plain JSON
      }),
      { numRuns: 200 },
    );
  });

  it('writes only events its schema reads back as they were, from a stored row or a relayed object', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { log } = runAll(script);
        log.forEach((event, i) => {
          const source = { venueId: 'v', version: i + 1 };
          expect(parseQueueEvent(JSON.stringify(event), source)).toEqual(event);
          expect(parseQueueEvent(JSON.parse(JSON.stringify(event)), source)).toEqual(event);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('never serves a ticket twice and never seats two tickets at one desk', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { state, log } = runAll(script);
        const served = log.filter((e) => e.type === 'ticket.served').map((e) => (e as { ticketId: string }).ticketId);
        expect(new Set(served).size).toBe(served.length);
        const atDesks = Object.values(state.counters)
          .map((c) => c.ticketId)
          .filter(Boolean);
        expect(new Set(atDesks).size).toBe(atDesks.length);
        for (const c of Object.values(state.counters)) {
          if (c.ticketId) expect(state.tickets[c.ticketId]!.status).toBe('called');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('numbers are unique per service and day', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { state } = runAll(script);
        // Keyed by the number the customer holds: a transferred ticket keeps it (A-001 stays A-001
        // in line B), so its current service and seq may meet B-001's.
        const keys = Object.values(state.tickets).map((t) => `${t.day}/${t.number}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const t of Object.values(state.tickets)) expect(t.number).toMatch(/^[AB]-\d{3,}$/);
      }),
      { numRuns: 200 },
    );
  });

  it('call-next calls the first in line: first come, first served within a priority; head starts are bounded', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { trace } = runAll(script);
        for (const step of trace) {
          if (step.command.type !== 'call-next') continue;
          const called = step.events[0] as Extract<QueueEvent, { type: 'ticket.called' }>;
          const ticket = step.before.tickets[called.ticketId]!;
          const counter = step.before.counters[called.counterId]!;
          for (const other of Object.values(step.before.tickets)) {
            if (other.id === ticket.id || other.status !== 'waiting' || !counter.services.includes(other.serviceId))
              continue;
            // nobody callable was ahead of the called ticket
            expect(rankKey(other, rules)).toBeGreaterThanOrEqual(rankKey(ticket, rules));
            // same priority: the earlier one goes first
            if (other.weight === ticket.weight) expect(other.orderKey).toBeGreaterThanOrEqual(ticket.orderKey);
            // a priority ticket overtakes only those who came less than its head start earlier
            if (other.orderKey < ticket.orderKey) {
              expect(ticket.orderKey - other.orderKey).toBeLessThanOrEqual(
                ((ticket.weight - other.weight) / rules.agingPerMin) * MINUTE_MS,
              );
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what cannot be done, and a refusal changes nothing', () => {
    fc.assert(
      fc.property(scriptArb, commandArb, (script, command) => {
        const { state } = runAll(script);
        const result = decide(state, command, state.at + 1000);
        if (isRefusal(result)) {
          expect(result.message.length).toBeGreaterThan(10);
          expect(result.refused).toBe(true);
        } else {
          expect(result.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function must(state: QueueState, command: QueueCommand, at: number): QueueState {
  const result = execute(state, command, at);
  if ('refused' in result) throw new Error(`${command.type} refused: ${result.message}`);
  return result.state;
}

function refusal(state: QueueState, command: QueueCommand, at: number): string {
  const result = decide(state, command, at);
  if (!isRefusal(result)) throw new Error(`${command.type} was not refused`);
  return result.code;
}

describe('queue engine transitions', () => {
  it('numbers tickets per service, calls in order, serves, and restarts numbering the next local day', () => {
    let s = emptyQueueState(createQueueRules({ ...rules, utcOffsetMin: 9 * 60 }));
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    s = must(s, { type: 'issue', ticketId: 'a', serviceId: 'A' }, T0 + 1);
    s = must(s, { type: 'issue', ticketId: 'b', serviceId: 'B' }, T0 + 2);
    s = must(s, { type: 'issue', ticketId: 'c', serviceId: 'A' }, T0 + 3);
    expect([s.tickets.a!.number, s.tickets.b!.number, s.tickets.c!.number]).toEqual(['A-001', 'B-001', 'A-002']);
    expect(ticketPosition(s, 'c')).toMatchObject({ ahead: 1, position: 2 });
    s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + 10);
    expect(s.tickets.a!.status).toBe('called');
    expect(refusal(s, { type: 'call-next', counterId: 'c1' }, T0 + 11)).toBe('counter-busy');
    expect(boardView(s, T0 + 11).counters.find((c) => c.counterId === 'c1')?.nowServing).toBe('A-001');
    s = must(s, { type: 'serve', counterId: 'c1' }, T0 + 20 * MINUTE_MS);
    expect(refusal(s, { type: 'call', counterId: 'c1', ticketId: 'a' }, T0 + 21)).toBe('ticket-already-served');
    // 09:00 UTC is 18:00 in Seoul; 15:00 UTC is past local midnight: a new day starts at 001
    s = must(s, { type: 'issue', ticketId: 'd', serviceId: 'A' }, T0 + 6 * 60 * MINUTE_MS);
    expect(s.tickets.d!.number).toBe('A-001');
    // a, served the day before, is no longer live
    expect(s.tickets.d!.day).not.toBe(s.earlier.a!.day);
  });

  it("moves tickets nothing can happen to any more out of the live ones at a day's first event", () => {
    const h = 60 * MINUTE_MS;
    const midnight = Date.UTC(2025, 0, 7);
    const { state, log, refusals } = runAll([
      { command: { type: 'open-counter', counterId: 'c1' }, at: T0 },
      ...['a', 'b', 'c', 'd'].map((id, k) => ({
        command: { type: 'issue', ticketId: id, serviceId: 'A' } as const,
        at: T0 + k + 1,
      })),
      { command: { type: 'call-next', counterId: 'c1' }, at: T0 + MINUTE_MS },
      { command: { type: 'serve', counterId: 'c1' }, at: T0 + 5 * MINUTE_MS },
      { command: { type: 'cancel', ticketId: 'b' }, at: T0 + 6 * MINUTE_MS },
      // c misses its call five minutes before midnight: it may rejoin until 00:05
      { command: { type: 'call-next', counterId: 'c1' }, at: midnight - 10 * MINUTE_MS },
      { command: { type: 'no-show', counterId: 'c1' }, at: midnight - 5 * MINUTE_MS },
      { command: { type: 'issue', ticketId: 'e', serviceId: 'A' }, at: midnight + MINUTE_MS },
    ]);
    expect(refusals).toEqual([]);
    // served a and cancelled b leave; c may still rejoin; open through midnight, d keeps its place
    expect(Object.keys(state.tickets).sort()).toEqual(['c', 'd', 'e']);
    expect(Object.keys(state.earlier).sort()).toEqual(['a', 'b']);
    expect(rebuild(rules, log)).toEqual(state);
    expect(ticketPosition(state, 'a')).toMatchObject({ number: 'A-001', status: 'served', position: null });
    expect(boardView(state, midnight + 2 * MINUTE_MS).services.find((s) => s.serviceId === 'A')?.waiting).toBe(2);
    // nothing can happen to them any more, and their ids are not issued again
    const later = midnight + h;
    expect(refusal(state, { type: 'call', counterId: 'c1', ticketId: 'a' }, later)).toBe('ticket-already-served');
    expect(refusal(state, { type: 'rejoin', ticketId: 'b' }, later)).toBe('rejoin-not-allowed');
    expect(refusal(state, { type: 'issue', ticketId: 'a', serviceId: 'A' }, later)).toBe('ticket-exists');
    const offline = { seq: 500, issuedAt: T0 };
    const adopt = { type: 'issue', ticketId: 'a', serviceId: 'A', kioskId: 'k1', offline } as const;
    expect(refusal(state, adopt, later)).toBe('ticket-exists');
  });

  it('starts the morning line empty when the venue closed with people waiting; they went home', () => {
    const h = 60 * MINUTE_MS;
    const morning = Date.UTC(2025, 0, 7, 9);
    const { state, log, refusals } = runAll([
      { command: { type: 'open-counter', counterId: 'c1' }, at: T0 },
      ...['a', 'b', 'c'].map((id, k) => ({
        command: { type: 'issue', ticketId: id, serviceId: 'A' } as const,
        at: T0 + k + 1,
      })),
      { command: { type: 'call-next', counterId: 'c1' }, at: T0 + MINUTE_MS },
      { command: { type: 'park', counterId: 'c1' }, at: T0 + 2 * MINUTE_MS },
      { command: { type: 'reserve-block', kioskId: 'k1', serviceId: 'A', size: 5 }, at: T0 + 7 * h },
      { command: { type: 'close-counter', counterId: 'c1' }, at: T0 + 8 * h },
      // the next morning the counter opens before anyone takes a ticket
      { command: { type: 'open-counter', counterId: 'c1' }, at: morning },
      { command: { type: 'issue', ticketId: 'd', serviceId: 'A' }, at: morning + MINUTE_MS },
      // a kiosk cut off the evening before syncs the ticket it printed offline then
      {
        command: {
          type: 'issue',
          ticketId: 'k',
          serviceId: 'A',
          kioskId: 'k1',
          offline: { seq: 500, issuedAt: T0 + 7.5 * h },
        },
        at: morning + 2 * MINUTE_MS,
      },
    ]);
    expect(refusals).toEqual([]);
    expect(rebuild(rules, log)).toEqual(state);
    expect(Object.keys(state.tickets)).toEqual(['d']);
    expect(state.tickets.d!.number).toBe('A-001');
    expect(boardView(state, morning + 2 * MINUTE_MS).services.find((s) => s.serviceId === 'A')?.waiting).toBe(1);
    expect(ticketPosition(state, 'd')).toMatchObject({ ahead: 0, position: 1 });
    // yesterday's b is known, but has no place in today's line and cannot be called, cancelled or parked back
    expect(ticketPosition(state, 'b')).toMatchObject({ number: 'A-002', status: 'waiting', position: null });
    const later = morning + 2 * MINUTE_MS;
    expect(refusal(state, { type: 'call', counterId: 'c1', ticketId: 'b' }, later)).toBe('ticket-from-earlier-day');
    expect(refusal(state, { type: 'cancel', ticketId: 'c' }, later)).toBe('ticket-from-earlier-day');
    expect(refusal(state, { type: 'call', counterId: 'c1', ticketId: 'a' }, later)).toBe('ticket-from-earlier-day');
    expect(ticketPosition(state, 'k')).toMatchObject({ number: 'A-500', status: 'waiting', position: null });
    expect(refusal(state, { type: 'call', counterId: 'c1', ticketId: 'k' }, later)).toBe('ticket-from-earlier-day');
    expect(must(state, { type: 'call-next', counterId: 'c1' }, later).tickets.d!.status).toBe('called');
  });

  it('refuses with a code and a sentence', () => {
    let s = emptyQueueState(rules);
    expect(refusal(s, { type: 'call-next', counterId: 'c1' }, T0)).toBe('counter-closed');
    expect(refusal(s, { type: 'call-next', counterId: 'nope' }, T0)).toBe('unknown-counter');
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    expect(refusal(s, { type: 'call-next', counterId: 'c1' }, T0)).toBe('no-ticket-waiting');
    expect(refusal(s, { type: 'serve', counterId: 'c1' }, T0)).toBe('counter-idle');
    expect(refusal(s, { type: 'issue', ticketId: 'x', serviceId: 'Z' }, T0)).toBe('unknown-service');
    s = must(s, { type: 'break-counter', counterId: 'c1' }, T0);
    expect(refusal(s, { type: 'call-next', counterId: 'c1' }, T0)).toBe('counter-on-break');
    const result = decide(s, { type: 'call-next', counterId: 'c1' }, T0);
    expect(isRefusal(result) && result.message).toMatch(/on break/);
  });

  it('a break may say how long it lasts and a counter when it closes; the counter and the board keep both', () => {
    let s = emptyQueueState(rules);
    const closesAt = T0 + 8 * 60 * MINUTE_MS;
    expect(refusal(s, { type: 'open-counter', counterId: 'c1', closesAt: T0 - 1 }, T0)).toBe('invalid-time');
    s = must(s, { type: 'open-counter', counterId: 'c1', closesAt }, T0);
    expect(s.counters.c1).toMatchObject({ status: 'open', closesAt, breakUntil: null });
    expect(refusal(s, { type: 'open-counter', counterId: 'c1' }, T0 + 1)).toBe('counter-already-in-state');
    expect(refusal(s, { type: 'break-counter', counterId: 'c1', minutes: 0 }, T0 + 1)).toBe('invalid-time');
    const onBreak = execute(s, { type: 'break-counter', counterId: 'c1', minutes: 30 }, T0 + MINUTE_MS);
    if ('refused' in onBreak) throw new Error(onBreak.message);
    expect(onBreak.events).toEqual([
      { type: 'counter.break', at: T0 + MINUTE_MS, counterId: 'c1', breakUntil: T0 + 31 * MINUTE_MS },
    ]);
    s = onBreak.state;
    expect(s.counters.c1).toMatchObject({ status: 'break', breakUntil: T0 + 31 * MINUTE_MS, closesAt });
    expect(boardView(s, T0 + 2 * MINUTE_MS).counters.find((c) => c.counterId === 'c1')).toMatchObject({
      breakUntil: T0 + 31 * MINUTE_MS,
      closesAt,
    });
    // back from the break: the close time still holds, the break end is gone
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0 + 29 * MINUTE_MS);
    expect(s.counters.c1).toMatchObject({ status: 'open', breakUntil: null, closesAt });
    // an open counter may be told a new close time; closing forgets it
    s = must(s, { type: 'open-counter', counterId: 'c1', closesAt: closesAt + 60 * MINUTE_MS }, T0 + 30 * MINUTE_MS);
    expect(s.counters.c1!.closesAt).toBe(closesAt + 60 * MINUTE_MS);
    s = must(s, { type: 'close-counter', counterId: 'c1' }, T0 + 40 * MINUTE_MS);
    expect(s.counters.c1).toMatchObject({ status: 'closed', breakUntil: null, closesAt: null });
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0 + 50 * MINUTE_MS);
    expect(s.counters.c1!.closesAt).toBeNull();
    // a break with no length announced has no end time
    s = must(s, { type: 'break-counter', counterId: 'c1' }, T0 + 51 * MINUTE_MS);
    expect(s.counters.c1!.breakUntil).toBeNull();
  });

  it('a counter takes a rota: shifts in order, not all past; it survives opening, breaks and a rebuild', () => {
    let s = emptyQueueState(rules);
    const m = (minutes: number) => T0 + minutes * MINUTE_MS;
    expect(refusal(s, { type: 'plan-counter', counterId: 'nope', shifts: [] }, T0)).toBe('unknown-counter');
    expect(refusal(s, { type: 'plan-counter', counterId: 'c1', shifts: [{ from: m(10), to: m(10) }] }, T0)).toBe(
      'invalid-time',
    );
    expect(
      refusal(
        s,
        {
          type: 'plan-counter',
          counterId: 'c1',
          shifts: [
            { from: m(0), to: m(60) },
            { from: m(30), to: m(90) },
          ],
        },
        T0,
      ),
    ).toBe('invalid-time');
    expect(refusal(s, { type: 'plan-counter', counterId: 'c1', shifts: [{ from: m(-60), to: m(-1) }] }, T0)).toBe(
      'invalid-time',
    );
    const tooMany = Array.from({ length: 97 }, (_, i) => ({ from: m(i * 2), to: m(i * 2 + 1) }));
    expect(refusal(s, { type: 'plan-counter', counterId: 'c1', shifts: tooMany }, T0)).toBe('invalid-time');
    const shifts = [
      { from: m(0), to: m(120) },
      { from: m(150), to: m(480) },
    ];
    const planned = execute(s, { type: 'plan-counter', counterId: 'c1', shifts }, T0);
    if ('refused' in planned) throw new Error(planned.message);
    expect(planned.events).toEqual([{ type: 'counter.planned', at: T0, counterId: 'c1', shifts }]);
    s = planned.state;
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    s = must(s, { type: 'break-counter', counterId: 'c1' }, m(120));
    expect(s.counters.c1).toMatchObject({ status: 'break', shifts });
    // an empty rota clears the plan
    const cleared = must(s, { type: 'plan-counter', counterId: 'c1', shifts: [] }, m(121));
    expect(cleared.counters.c1!.shifts).toEqual([]);
    const log = [
      ...planned.events,
      { type: 'counter.opened' as const, at: T0, counterId: 'c1', services: ['A'], closesAt: null },
    ];
    expect(rebuild(rules, log).counters.c1!.shifts).toEqual(shifts);
  });

  it('replays a log written before break lengths and close times existed', () => {
    const at = (minutes: number) => T0 + minutes * MINUTE_MS;
    const rows = [
      `{"type":"counter.opened","at":${at(0)},"counterId":"c1","services":["A"]}`,
      `{"type":"counter.break","at":${at(1)},"counterId":"c1"}`,
      `{"type":"counter.opened","at":${at(20)},"counterId":"c1","services":["A"]}`,
      `{"type":"counter.break","at":${at(21)},"counterId":"c2"}`,
    ];
    const old = rows.map((row, i) => parseQueueEvent(row, { venueId: 'v', version: i + 1 }));
    const s = rebuild(rules, old);
    expect(s.counters.c1).toEqual({
      id: 'c1',
      status: 'open',
      services: ['A'],
      ticketId: null,
      since: T0 + 20 * MINUTE_MS,
      breakUntil: null,
      closesAt: null,
      shifts: [],
    });
    expect(s.counters.c2).toMatchObject({ status: 'break', breakUntil: null, closesAt: null });
  });

  it('ages priority: a gold ticket overtakes recent ordinary tickets, not one that waited past its head start', () => {
    let s = emptyQueueState(rules); // gold = 1 point = 10 minutes of head start
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    s = must(s, { type: 'issue', ticketId: 'old', serviceId: 'A' }, T0);
    s = must(s, { type: 'issue', ticketId: 'recent', serviceId: 'A' }, T0 + 12 * MINUTE_MS);
    s = must(s, { type: 'issue', ticketId: 'gold', serviceId: 'A', segmentId: 'gold' }, T0 + 15 * MINUTE_MS);
    const order: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + (16 + i) * MINUTE_MS);
      order.push(s.counters.c1!.ticketId!);
      s = must(s, { type: 'serve', counterId: 'c1' }, T0 + (16 + i) * MINUTE_MS + 1);
    }
    expect(order).toEqual(['old', 'gold', 'recent']);
  });

  it('recall, park, call out of order, transfer, no-show and rejoin within the window', () => {
    let s = emptyQueueState(rules);
    s = must(s, { type: 'open-counter', counterId: 'c2' }, T0);
    for (const id of ['a', 'b', 'c']) s = must(s, { type: 'issue', ticketId: id, serviceId: 'A' }, T0 + 1);
    s = must(s, { type: 'call', counterId: 'c2', ticketId: 'c' }, T0 + 2);
    expect(s.tickets.c!.calledOutOfOrder).toBe(true);
    s = must(s, { type: 'recall', counterId: 'c2' }, T0 + 3);
    expect(s.tickets.c!.recalls).toBe(1);
    s = must(s, { type: 'park', counterId: 'c2' }, T0 + 4);
    expect(s.tickets.c!.status).toBe('parked');
    s = must(s, { type: 'call-next', counterId: 'c2' }, T0 + 5);
    expect(s.counters.c2!.ticketId).toBe('a');
    s = must(s, { type: 'transfer', counterId: 'c2', toServiceId: 'B' }, T0 + 6);
    expect(s.tickets.a).toMatchObject({ status: 'waiting', serviceId: 'B', transfers: 1 });
    s = must(s, { type: 'call', counterId: 'c2', ticketId: 'c' }, T0 + 7);
    s = must(s, { type: 'serve', counterId: 'c2' }, T0 + 8);
    s = must(s, { type: 'call-next', counterId: 'c2' }, T0 + 9);
    expect(s.counters.c2!.ticketId).toBe('b'); // a went to the end (of B) at T0+6; b has waited since T0+1
    s = must(s, { type: 'serve', counterId: 'c2' }, T0 + 9);
    s = must(s, { type: 'call-next', counterId: 'c2' }, T0 + 9);
    expect(s.counters.c2!.ticketId).toBe('a');
    s = must(s, { type: 'no-show', counterId: 'c2' }, T0 + 10);
    expect(refusal(s, { type: 'rejoin', ticketId: 'a' }, T0 + 10 + 11 * MINUTE_MS)).toBe('rejoin-window-passed');
    s = must(s, { type: 'rejoin', ticketId: 'a' }, T0 + 10 + 9 * MINUTE_MS);
    expect(s.tickets.a!.status).toBe('waiting');
    expect(refusal(s, { type: 'rejoin', ticketId: 'b' }, T0 + 20)).toBe('ticket-already-served');
    s = must(s, { type: 'issue', ticketId: 'd', serviceId: 'A' }, T0 + 21 * MINUTE_MS);
    expect(refusal(s, { type: 'rejoin', ticketId: 'd' }, T0 + 22)).toBe('rejoin-not-allowed');
  });

  it('"I need more time" lets the next three go first, twice at most; "I\'m on my way" is kept on the ticket', () => {
    let s = emptyQueueState(rules);
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries())
      s = must(s, { type: 'issue', ticketId: id, serviceId: 'A' }, T0 + i * MINUTE_MS);
    s = must(s, { type: 'issue', ticketId: 'g', serviceId: 'A', segmentId: 'gold' }, T0 + 5 * MINUTE_MS);
    // gold's head start (10 min) puts g, who came 5 minutes after a, first; a is second.
    expect(ticketPosition(s, 'a')!.ahead).toBe(1);
    s = must(s, { type: 'defer', ticketId: 'a' }, T0 + 20);
    expect(['g', 'b', 'c', 'd', 'a', 'e'].map((id) => ticketPosition(s, id)!.ahead)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(['g', 'a', 'e'].map((id) => ticketPosition(s, id)!.behind)).toEqual([5, 1, 0]);
    s = must(s, { type: 'defer', ticketId: 'a' }, T0 + 21);
    expect(ticketPosition(s, 'a')!.ahead).toBe(5); // only e was behind it
    expect(refusal(s, { type: 'defer', ticketId: 'a' }, T0 + 22 * MINUTE_MS)).toBe('defer-limit');
    // A gold ticket keeps its head start when it steps back: behind b, c, d only.
    s = must(s, { type: 'defer', ticketId: 'g' }, T0 + 23 * MINUTE_MS);
    expect(['b', 'c', 'd', 'g'].map((id) => ticketPosition(s, id)!.ahead)).toEqual([0, 1, 2, 3]);
    expect(refusal(s, { type: 'defer', ticketId: 'a' }, T0 + 24 * MINUTE_MS)).toBe('defer-limit');

    s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + 30);
    expect(s.tickets.b!.onTheWayAt).toBeNull();
    s = must(s, { type: 'on-my-way', ticketId: 'b' }, T0 + 31);
    expect(s.tickets.b!.onTheWayAt).toBe(T0 + 31);
    expect(boardView(s, T0 + 31).counters.find((c) => c.counterId === 'c1')).toMatchObject({
      nowServing: 'A-002',
      onTheWay: true,
    });
    expect(refusal(s, { type: 'defer', ticketId: 'b' }, T0 + 32)).toBe('ticket-not-waiting');
    s = must(s, { type: 'serve', counterId: 'c1' }, T0 + 33);
    expect(refusal(s, { type: 'on-my-way', ticketId: 'b' }, T0 + 34)).toBe('ticket-not-waiting');
  });

  it('reserves number blocks for kiosks and merges offline tickets in issue-time order', () => {
    let s = emptyQueueState(rules);
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    s = must(s, { type: 'issue', ticketId: 'h1', serviceId: 'A' }, T0);
    s = must(s, { type: 'reserve-block', kioskId: 'k1', serviceId: 'A', size: 5 }, T0);
    // Blocks come from the upper half of the range, so the hub's own numbers run on from A-002.
    expect(s.numbering[`A/${s.tickets.h1!.day}`]!.blocks).toEqual([{ kioskId: 'k1', from: 500, to: 504 }]);
    s = must(s, { type: 'reserve-block', kioskId: 'k2', serviceId: 'A', size: 5 }, T0);
    expect(s.numbering[`A/${s.tickets.h1!.day}`]!.blocks.at(-1)).toEqual({ kioskId: 'k2', from: 505, to: 509 });
    s = must(s, { type: 'issue', ticketId: 'h2', serviceId: 'A' }, T0 + 10 * MINUTE_MS);
    expect(s.tickets.h2!.number).toBe('A-002');
    // the kiosk was offline at T0+5 min and issued A-500; the hub hears of it later
    s = must(
      s,
      {
        type: 'issue',
        ticketId: 'o1',
        serviceId: 'A',
        kioskId: 'k1',
        offline: { seq: 500, issuedAt: T0 + 5 * MINUTE_MS },
      },
      T0 + 20 * MINUTE_MS,
    );
    expect(s.tickets.o1).toMatchObject({ number: 'A-500', offline: true });
    expect(
      refusal(
        s,
        { type: 'issue', ticketId: 'o2', serviceId: 'A', kioskId: 'k1', offline: { seq: 500, issuedAt: T0 } },
        T0 + 21 * MINUTE_MS,
      ),
    ).toBe('number-used');
    expect(
      refusal(
        s,
        { type: 'issue', ticketId: 'o3', serviceId: 'A', kioskId: 'k2', offline: { seq: 3, issuedAt: T0 } },
        T0 + 21 * MINUTE_MS,
      ),
    ).toBe('number-not-reserved');
    const order: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + (30 + i) * MINUTE_MS);
      order.push(s.tickets[s.counters.c1!.ticketId!]!.number);
      s = must(s, { type: 'serve', counterId: 'c1' }, T0 + (30 + i) * MINUTE_MS + 1);
    }
    expect(order).toEqual(['A-001', 'A-500', 'A-002']);
  });

  it('adopts the printed number of a ticket the hub numbered but whose kiosk issued it offline', () => {
    let s = emptyQueueState(rules);
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    s = must(s, { type: 'reserve-block', kioskId: 'k1', serviceId: 'A', size: 5 }, T0);
    // The hub committed the online take of t1, then died before the kiosk heard the answer.
    s = must(s, { type: 'issue', ticketId: 't1', serviceId: 'A', kioskId: 'k1' }, T0 + 1);
    s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + 2);
    const offline = { seq: 500, issuedAt: T0 + 3 };
    const events = decide(s, { type: 'issue', ticketId: 't1', serviceId: 'A', kioskId: 'k1', offline }, T0 + 4);
    expect(events).toEqual([
      {
        type: 'ticket.renumbered',
        at: T0 + 4,
        ticketId: 't1',
        from: 'A-001',
        to: 'A-500',
        seq: 500,
        day: s.tickets.t1!.day,
        kioskId: 'k1',
      },
    ]);
    s = must(s, { type: 'issue', ticketId: 't1', serviceId: 'A', kioskId: 'k1', offline }, T0 + 4);
    // The ticket keeps its place and its desk; only its number changes, to the one on paper.
    expect(s.tickets.t1).toMatchObject({ number: 'A-500', seq: 500, status: 'called', issuedAt: T0 + 1 });
    expect(boardView(s, T0 + 5).counters.find((c) => c.counterId === 'c1')?.nowServing).toBe('A-500');
    // Neither number is given again: the hub's next is A-002, the kiosk's A-500 is used.
    s = must(s, { type: 'issue', ticketId: 't2', serviceId: 'A' }, T0 + 6);
    expect(s.tickets.t2!.number).toBe('A-002');
    const again = { type: 'issue', ticketId: 't1', serviceId: 'A', kioskId: 'k1', offline } as const;
    expect(refusal(s, again, T0 + 7)).toBe('ticket-exists');
    expect(refusal(s, { type: 'issue', ticketId: 't2', serviceId: 'A', kioskId: 'k1', offline }, T0 + 7)).toBe(
      'number-used',
    );
    expect(refusal(s, { ...again, ticketId: 't2', kioskId: 'k2', offline: { seq: 501, issuedAt: T0 } }, T0 + 7)).toBe(
      'number-not-reserved',
    );
  });

  it('return tickets keep their place, are callable once checked in within the window; windows hold capacity', () => {
    const withReturns = createQueueRules({
      services: [{ id: 'A', returnTimes: { thresholdMin: 20 } }],
      counters: [{ id: 'c1', services: ['A'] }],
    });
    let s = emptyQueueState(withReturns);
    s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
    const input = { serviceId: 'A', postedWaitMin: 40, pointWaitMin: 35, meanServiceMin: 5 };
    expect(offerReturnWindow(s, T0, { ...input, postedWaitMin: 15 })).toBeNull();
    const window = offerReturnWindow(s, T0, input)!;
    // capacity = max(1, floor(1 counter / 5 min x 5 min x 0.8)) = 1 per window start; the window
    // starts at the expected turn, 35 minutes from now
    expect((window.from - T0) / MINUTE_MS).toBe(35);
    expect((window.to - window.from) / MINUTE_MS).toBe(15);
    s = must(s, { type: 'issue', ticketId: 'r', serviceId: 'A', returnWindow: window }, T0);
    expect(offerReturnWindow(s, T0, input)!.from).toBe(window.from + 5 * MINUTE_MS);
    s = must(s, { type: 'issue', ticketId: 'walk', serviceId: 'A' }, T0 + MINUTE_MS);
    s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + 2 * MINUTE_MS);
    expect(s.counters.c1!.ticketId).toBe('walk'); // r is away
    s = must(s, { type: 'serve', counterId: 'c1' }, T0 + 3 * MINUTE_MS);
    s = must(s, { type: 'issue', ticketId: 'walk2', serviceId: 'A' }, T0 + 4 * MINUTE_MS);
    expect(refusal(s, { type: 'check-in', ticketId: 'r' }, T0 + 5 * MINUTE_MS)).toBe('return-window-not-open');
    s = must(s, { type: 'check-in', ticketId: 'r' }, window.from + MINUTE_MS);
    s = must(s, { type: 'call-next', counterId: 'c1' }, window.from + 2 * MINUTE_MS);
    expect(s.counters.c1!.ticketId).toBe('r'); // issued before walk2: keeps its place
    expect(refusal(s, { type: 'check-in', ticketId: 'walk2' }, window.from)).toBe('not-a-return-ticket');
  });

  it('offers windows before the line grows: when arrivals outpace the counters within one window span', () => {
    const withReturns = createQueueRules({
      services: [{ id: 'A', returnTimes: { thresholdMin: 20 } }],
      counters: [{ id: 'c1', services: ['A'] }],
    });
    // One counter at 4 minutes a customer: 0.25 a minute. Four in line now = 16 minutes, under 20.
    const lineOf = (arrivals: number) => {
      let s = emptyQueueState(withReturns);
      s = must(s, { type: 'open-counter', counterId: 'c1' }, T0);
      for (let i = 0; i < arrivals; i += 1) {
        s = must(s, { type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0 + (i + 1) * MINUTE_MS);
      }
      for (let i = 0; i < arrivals - 4; i += 1) {
        s = must(s, { type: 'call-next', counterId: 'c1' }, T0 + 14 * MINUTE_MS);
        s = must(s, { type: 'serve', counterId: 'c1' }, T0 + 14 * MINUTE_MS);
      }
      return s;
    };
    const input = { serviceId: 'A', postedWaitMin: 16, pointWaitMin: 15, meanServiceMin: 4 };
    const now = T0 + 15 * MINUTE_MS;
    // 15 arrivals in the last 15 minutes: 4 + (1 - 0.25) x 15 = 15.25 in line, 61 minutes by then.
    expect(forecastLineWaitMin(lineOf(15), now, 'A', 0.25, 15)).toBeCloseTo(61, 5);
    expect(offerReturnWindow(lineOf(15), now, input)).not.toBeNull();
    // 4 arrivals, about the counter's pace: 4 + (4/15 - 0.25) x 15 = 4.25 in line, 17 minutes, under 20.
    expect(forecastLineWaitMin(lineOf(4), now, 'A', 0.25, 15)).toBeCloseTo(17, 5);
    expect(offerReturnWindow(lineOf(4), now, input)).toBeNull();
    // Returners due back within the span stand in that line too: two more make 25 minutes.
    let s = lineOf(4);
    for (const id of ['r1', 'r2']) {
      s = must(
        s,
        { type: 'issue', ticketId: id, serviceId: 'A', returnWindow: { from: now, to: now + 15 * MINUTE_MS } },
        T0,
      );
    }
    expect(forecastLineWaitMin(s, now, 'A', 0.25, 15)).toBeCloseTo(25, 5);
    expect(offerReturnWindow(s, now, input)).not.toBeNull();
  });
});

describe('the clerk of a call', () => {
  it('names the signed-in clerk in the call event, and no one when the command names no one', () => {
    let state = emptyQueueState(rules);
    const step = (command: QueueCommand, at: number) => {
      const events = decide(state, command, at);
      if (isRefusal(events)) throw new Error(events.message);
      for (const event of events) state = apply(state, event);
      return events;
    };
    step({ type: 'open-counter', counterId: 'c1' }, T0);
    step({ type: 'issue', ticketId: 't1', serviceId: 'A' }, T0);
    step({ type: 'issue', ticketId: 't2', serviceId: 'A' }, T0);
    expect(step({ type: 'call-next', counterId: 'c1', calledBy: 'kim' }, T0 + 1)[0]).toMatchObject({
      type: 'ticket.called',
      calledBy: 'kim',
    });
    step({ type: 'serve', counterId: 'c1' }, T0 + 2);
    expect(step({ type: 'call', counterId: 'c1', ticketId: 't2' }, T0 + 3)[0]).not.toHaveProperty('calledBy');
  });
});
