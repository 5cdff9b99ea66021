import { describe, expect, it } from 'vitest';
import { venueSchema } from '../venue.ts';
import { inferSegmentWeights, replayLog } from './replay.ts';
import { scenarioSchema, type ScenarioInput } from './scenario.ts';
import { simulateSeeds } from './seeds.ts';
import { parseTicketLog, formatTicketLog, type TicketLogRow } from './ticket-log.ts';

const HEADER = 'ticket,service,segment,joined,called,ended,outcome,counter';

/** A log line from minutes after 09:00 on 2026-08-03 (a negative or large minute moves the day). */
function row(
  ticket: string,
  service: string,
  joined: number,
  called: number | null,
  ended: number | null,
  outcome: string,
  counter = '',
  segment = '',
): string {
  const at = (min: number | null) =>
    min === null ? '' : new Date(Date.UTC(2026, 7, 3, 9, 0) + min * 60_000).toISOString().slice(0, 19);
  return [ticket, service, segment, at(joined), at(called), at(ended), outcome, counter].join(',');
}

describe('replay of a hand-made log', () => {
  const log = [
    HEADER,
    row('A-001', 'Deposits', 0, 0, 5, 'served', 'desk 1'),
    row('A-002', 'Deposits', 1, 5, 9, 'served', 'desk 1'),
    row('L-001', 'Loans', 2, 2, 12, 'served', 'desk 2'),
    row('A-003', 'Deposits', 3, 9, 14, 'served', 'desk 1'),
    row('A-004', 'Deposits', 4, 12, 16, 'served', 'desk 2'),
    row('A-005', 'Deposits', 6, null, 20, 'abandoned'),
    row('A-006', 'Deposits', 7, 16, 17, 'no-show', 'desk 2'),
    // desk 1 is still with A-003 until minute 14: this call cannot have happened
    row('A-007', 'Deposits', 8, 10, 15, 'served', 'desk 1'),
    'A-008,Deposits,,2026-08-03T09:08:00,soon,2026-08-03T09:15:00,served,desk 1',
    // after a break of more than 30 minutes (desk 1 last finished at 14)
    row('A-009', 'Deposits', 60, 60, 65, 'served', 'desk 1'),
    // a night opening runs past midnight, then the next morning
    row('A-100', 'Deposits', 14 * 60 + 50, 14 * 60 + 50, 14 * 60 + 55, 'served', 'desk 1'),
    row('A-101', 'Deposits', 14 * 60 + 58, 15 * 60 + 2, 15 * 60 + 8, 'served', 'desk 1'),
    row('A-102', 'Deposits', 15 * 60 + 3, 15 * 60 + 8, 15 * 60 + 12, 'served', 'desk 1'),
    row('A-001', 'Deposits', 24 * 60, 24 * 60 + 1, 24 * 60 + 6, 'served', 'desk 2'),
    row('A-001', 'Deposits', 24 * 60 + 2, 24 * 60 + 6, 24 * 60 + 8, 'served', 'desk 2'),
    '',
  ].join('\n');

  it('replays every valid row in time order, day by day, and counts what it left out with line numbers', () => {
    const report = replayLog(parseTicketLog(log));
    // 15 rows: A-007 overlaps desk 1, A-008 has no call time, the second A-001 of day two repeats a number
    expect(report.skipped.rows).toBe(3);
    expect(report.skipped.first.map((s) => s.line)).toEqual([9, 10, 16]);
    expect(report.skipped.first[0]!.reason).toBe('counter desk 1 is still with ticket A-003 (line 5) at this call');
    expect(report.skipped.first[2]!.reason).toBe('ticket A-001 already appears that day (line 15)');
    expect(report.tickets).toBe(12);
    expect(report.served).toBe(10);
    expect(report.abandoned).toBe(2);
    // the morning, a night from 23:50 to 00:08 (one day across midnight), the next morning
    expect(report.days).toBe(3);
    expect(report.scored).toBe(10);
    expect(report.perService.map((s) => [s.service, s.tickets, s.served])).toEqual([
      ['Deposits', 11, 9],
      ['Loans', 1, 1],
    ]);
    expect(report.perHour.map((h) => h.hour)).toEqual([0, 9, 10, 23]);
    // the night began on the morning's date: named by its start too
    expect(report.perDay.map((d) => [d.day, d.tickets, d.served])).toEqual([
      ['2026-08-03', 8, 6],
      ['2026-08-03 23:50', 3, 3],
      ['2026-08-04', 1, 1],
    ]);
    for (const score of [report, ...Object.values(report.baselines)]) {
      expect(score.promiseKept).toBeGreaterThanOrEqual(0);
      expect(score.promiseKept).toBeLessThanOrEqual(1);
    }
  });

  it('replays a service logged as taking no time, and the calls at that counter after it', () => {
    // Logged to the minute here (real logs: to the second), A-002's call ends as it is made.
    const zero = [
      HEADER,
      row('A-001', 'Deposits', 0, 0, 5, 'served', 'desk 1'),
      row('A-002', 'Deposits', 1, 5, 5, 'served', 'desk 1'),
      ...Array.from({ length: 6 }, (_, i) =>
        row(`A-${String(3 + i).padStart(3, '0')}`, 'Deposits', 2 + i, 6 + 3 * i, 9 + 3 * i, 'served', 'desk 1'),
      ),
    ].join('\n');
    const report = replayLog(parseTicketLog(zero));
    expect(report.skipped.rows).toBe(0);
    expect(report.served).toBe(8);
    expect(report.scored).toBe(8);
  });

  it('posts a wait at each arrival from what the queue knew then, never from later rows', () => {
    // logs equal up to 09:17 and different from 10:00: what was posted at nine cannot differ
    const lines = log.trim().split('\n').slice(0, 8);
    const calm = [...lines, row('A-050', 'Deposits', 70, 70, 75, 'served', 'desk 1')].join('\n');
    const rush = [
      ...lines,
      ...Array.from({ length: 30 }, (_, i) =>
        row(`A-${100 + i}`, 'Deposits', 60 + i, 60 + 5 * i, 65 + 5 * i, 'served', 'desk 1'),
      ),
    ].join('\n');
    const early = (text: string) => replayLog(parseTicketLog(text)).perHour.find((h) => h.hour === 9)!;
    const a = replayLog(parseTicketLog(lines.join('\n')));
    const b = replayLog(parseTicketLog(calm));
    expect(a.maeMin).toBeGreaterThanOrEqual(0);
    // the nine o'clock customers are scored the same whatever came after them
    const first = early(lines.join('\n'));
    expect(early(calm)).toMatchObject({ maeMin: first.maeMin, promiseKept: first.promiseKept });
    expect(early(rush)).toMatchObject({ maeMin: first.maeMin, promiseKept: first.promiseKept });
    expect(b.tickets).toBe(a.tickets + 1);
  });

  it('takes segment weights from the venue, or infers them from how much sooner a segment was called', () => {
    const rows: Array<Omit<TicketLogRow, 'line'>> = [];
    const t0 = Date.UTC(2026, 7, 3, 9, 0);
    // one counter, 6-minute services; gold customers jump about 20 minutes of line
    for (let i = 0; i < 40; i += 1) {
      const gold = i % 5 === 4;
      rows.push({
        ticket: `A-${i}`,
        service: 'A',
        segment: gold ? 'gold' : '',
        joined: t0 + i * 5 * 60_000,
        called: t0 + (i * 5 + (gold ? 2 : 22)) * 60_000,
        ended: t0 + (i * 5 + (gold ? 3 : 23)) * 60_000,
        outcome: 'served',
        counter: gold ? 'c2' : 'c1',
      });
    }
    expect(inferSegmentWeights(parseTicketLog(formatTicketLog(rows)).rows, 0.1)).toEqual({ gold: 2 });
    const venue = venueSchema.parse({
      id: 'bank',
      name: 'Bank',
      segments: [{ id: 'gold', name: { en: 'Gold', ko: '골드', zh: '金卡' }, weight: 1.5 }],
    });
    const report = replayLog(parseTicketLog(formatTicketLog(rows)), { venue });
    expect(report.segments).toEqual({ source: 'venue', weights: { gold: 1.5 } });
    expect(replayLog(parseTicketLog(formatTicketLog(rows))).segments).toEqual({
      source: 'inferred',
      weights: { gold: 2 },
    });
  });
});

const short: ScenarioInput = {
  name: 'short',
  seed: 5,
  hours: 4,
  services: [{ id: 'A', serviceMin: { mean: 5, cv: 0.5 } }],
  counters: [
    { id: 'c1', services: ['A'], open: [[0, 240]] },
    { id: 'c2', services: ['A'], open: [[0, 240]] },
    { id: 'c3', services: ['A'], open: [[0, 240]] },
  ],
  arrivals: [{ service: 'A', from: 0, to: 220, perHour: 33 }],
  patienceMin: { mean: 60 },
};

describe('replaying simulated days', () => {
  it('gives the kept share and MAE of the simulation, within noise', () => {
    const scenario = scenarioSchema.parse(short);
    const log: Array<Omit<TicketLogRow, 'line'>> = [];
    const simulated = simulateSeeds(scenario, 3, { onLog: (rows) => log.push(...rows) });
    const venue = venueSchema.parse({
      id: 'short',
      name: 'short',
      services: [{ id: 'A', name: { en: 'A', ko: 'A', zh: 'A' }, expectedServiceMin: 5 }],
    });
    const replayed = replayLog(parseTicketLog(formatTicketLog(log)), { venue });
    expect(replayed.days).toBe(3);
    expect(replayed.skipped.rows).toBe(0);
    expect(replayed.tickets).toBe(simulated.tickets);
    expect(replayed.served).toBe(simulated.served);
    expect(replayed.abandoned).toBe(simulated.abandoned);
    expect(Math.abs(replayed.promiseKept - simulated.promiseKept)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(replayed.maeMin - simulated.maeMin)).toBeLessThanOrEqual(0.1 * simulated.maeMin + 0.05);
  });
});

describe('replay of agents who answer a while after the caller joins', () => {
  it('posts waits that count one gap before each call, though several agents look free', () => {
    // four agents, a caller every two minutes, each answered 0.5 to 2.5 minutes after they and an
    // agent are both ready: the agents look free most of the time, yet nobody is answered at once
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const freeAt = [0, 0, 0, 0];
    const lines = [HEADER];
    for (let i = 0; i < 200; i += 1) {
      const joined = i * 2 + random();
      const k = freeAt.indexOf(Math.min(...freeAt));
      const called = Math.max(joined, freeAt[k]!) + 0.5 + 2 * random();
      freeAt[k] = called + 2 + 2 * random();
      lines.push(row(`A-${i + 1}`, 'A', joined, called, freeAt[k]!, 'served', `desk ${k + 1}`));
    }
    const report = replayLog(parseTicketLog(`${lines.join('\n')}\n`));
    expect(report.skipped.rows).toBe(0);
    expect(report.served).toBe(200);
    // a gap per free agent, the quickest calling, keeps about 0.8 here
    expect(report.promiseKept).toBeGreaterThanOrEqual(0.9);
    expect(report.maeMin).toBeLessThan(report.baselines.naive.maeMin);
  });
});
