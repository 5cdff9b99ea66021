import { hashSeed, lognormal, mulberry32, exponential, poissonProcess } from '../core/simulation/random.ts';
import { replayLog } from '../core/simulation/replay.ts';
import { formatTicketLog, parseTicketLog, type TicketLogRow } from '../core/simulation/ticket-log.ts';
import type { Benchmark } from './run.ts';

/**
 * How fast `waitwell replay` gets through a month of a busy venue (the target: 40,000 tickets in
 * under a minute). The month is made here by a plain first-come-first-served queue (no estimator,
 * so making it is quick): 30 days of 8 hours, 16 counters serving two services, about 180
 * arrivals an hour, lognormal service times, customers who give up after an exponential patience.
 *
 *   npm run bench -- replay --json [--days 30] [--perHour 180] [--counters 16]
 */

const DAY_MS = 24 * 60 * 60_000;
const MIN_MS = 60_000;

function monthLog(days: number, perHour: number, counters: number): Array<Omit<TicketLogRow, 'line'>> {
  const rows: Array<Omit<TicketLogRow, 'line'>> = [];
  for (let d = 0; d < days; d += 1) {
    const opening = Date.UTC(2026, 7, 3, 9, 0) + d * DAY_MS;
    const random = mulberry32(hashSeed('replay-bench', d));
    const free = Array.from({ length: counters }, () => 0);
    const seq: Record<string, number> = { A: 0, B: 0 };
    for (const t of poissonProcess(random, perHour / 60, 0, 450)) {
      const service = random() < 0.8 ? 'A' : 'B';
      seq[service]! += 1;
      const need = lognormal(random, service === 'A' ? 5 : 9, 0.6);
      const patience = exponential(random, 45);
      const k = free.indexOf(Math.min(...free));
      const call = Math.max(t, free[k]!);
      const ticket = `${service}-${String(seq[service]).padStart(3, '0')}`;
      const base = { ticket, service, segment: random() < 0.1 ? 'priority' : '', joined: opening + t * MIN_MS };
      if (call - t > patience) {
        rows.push({
          ...base,
          called: null,
          ended: opening + (t + patience) * MIN_MS,
          outcome: 'abandoned',
          counter: '',
        });
        continue;
      }
      free[k] = call + need;
      rows.push({
        ...base,
        called: opening + call * MIN_MS,
        ended: opening + (call + need) * MIN_MS,
        outcome: 'served',
        counter: `c${k + 1}`,
      });
    }
  }
  return rows;
}

const replay: Benchmark = async (options, log) => {
  const days = Number(options.days ?? 30);
  const perHour = Number(options.perHour ?? 180);
  const counters = Number(options.counters ?? 16);
  if (!(days >= 1 && perHour > 0 && counters >= 1))
    throw new Error('--days, --perHour and --counters must be positive');
  const text = formatTicketLog(monthLog(days, perHour, counters));
  log(`made ${days} days, ${(text.length / 1e6).toFixed(1)} MB of CSV`);
  const started = performance.now();
  const parsed = parseTicketLog(text);
  const parseSeconds = (performance.now() - started) / 1000;
  let lastLog = 0;
  const report = replayLog(parsed, {
    onProgress: (done, total) => {
      if (performance.now() - lastLog < 5000) return;
      lastLog = performance.now();
      log(`${done}/${total} arrivals replayed`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    tickets: report.tickets,
    days: report.days,
    skipped: report.skipped.rows,
    parseSeconds: Math.round(parseSeconds * 100) / 100,
    seconds: Math.round(seconds * 10) / 10,
    ticketsPerSecond: Math.round(report.tickets / seconds),
    promiseKept: report.promiseKept,
    actualOverPosted: report.actualOverPosted,
    actualOverPostedN: report.actualOverPostedN,
    maeMin: report.maeMin,
    naiveMaeMin: report.baselines.naive.maeMin,
  };
};

export default replay;
