import { estimateNewArrival } from '../core/estimator/estimate.ts';
import { createEstimatorState, type EstimatorState, observe } from '../core/estimator/state.ts';
import { apply, decide, emptyQueueState } from '../core/queue/engine.ts';
import { createQueueRules } from '../core/queue/rules.ts';
import { isRefusal, MINUTE_MS, type QueueCommand, type QueueEvent, type QueueState } from '../core/queue/types.ts';
import { TimedHeap } from '../core/simulation/heap.ts';
import { exponential, hashSeed, lognormal, mulberry32, poissonProcess } from '../core/simulation/random.ts';
import type { Benchmark } from './run.ts';

/**
 * A venue's queue after weeks of business, as the hub holds it (server/queue/live-queues.ts): the
 * live state and the estimator rebuilt from the whole log on a restart, and what one ticket costs
 * the hub on the last day (decide, apply, learn, and the posted wait at the kiosk). The days are
 * made through the real engine: 3 counters serving two services, 8 hours a day, Poisson arrivals,
 * lognormal service times, 5% no-shows.
 *
 *   npm run bench -- history --json [--days 30] [--perDay 400]
 */

const DAY_MS = 24 * 60 * 60_000;
const COUNTERS = ['c1', 'c2', 'c3'];

type Step = { kind: 'arrive'; service: 'A' | 'B' } | { kind: 'done'; counterId: string; noShow: boolean };

const history: Benchmark = async (options, log) => {
  const days = Number(options.days ?? 30);
  const perDay = Number(options.perDay ?? 400);
  if (!(days >= 1 && perDay >= 1)) throw new Error('--days and --perDay must be positive numbers');
  const rules = createQueueRules({
    services: [
      { id: 'A', expectedServiceMin: 4 },
      { id: 'B', prefix: 'B', expectedServiceMin: 7 },
    ],
    counters: COUNTERS.map((id, k) => ({ id, services: k === 2 ? ['B', 'A'] : ['A', 'B'] })),
  });
  let state: QueueState = emptyQueueState(rules);
  let est: EstimatorState = createEstimatorState({ priors: { A: 4, B: 7 } });
  const events: QueueEvent[] = [];
  /** Decides and applies a command as the hub does; `mayRefuse`: false when refused, else a refusal throws. */
  const run = (command: QueueCommand, at: number, mayRefuse = false): boolean => {
    const result = decide(state, command, at);
    if (isRefusal(result)) {
      if (mayRefuse) return false;
      throw new Error(`${command.type} refused: ${result.message}`);
    }
    for (const event of result) {
      state = apply(state, event);
      est = observe(est, state, event);
      events.push(event);
    }
    return true;
  };

  const made = performance.now();
  let lastDayMs = 0;
  let lastDayTickets = 0;
  let ticketNo = 0;
  for (let d = 0; d < days; d += 1) {
    const opening = Date.UTC(2026, 7, 3, 9, 0) + d * DAY_MS;
    const random = mulberry32(hashSeed('history-bench', d));
    const lastDay = d === days - 1;
    const dayStart = performance.now();
    const heap = new TimedHeap<Step>();
    for (const t of poissonProcess(random, perDay / 480, 0, 470)) {
      heap.push(t, { kind: 'arrive', service: random() < 0.75 ? 'A' : 'B' });
    }
    for (const counterId of COUNTERS) run({ type: 'open-counter', counterId }, opening);
    const dispatch = (t: number) => {
      for (const counterId of COUNTERS) {
        if (state.counters[counterId]!.ticketId) continue;
        if (!run({ type: 'call-next', counterId }, opening + t * MINUTE_MS, true)) continue;
        const ticket = state.tickets[state.counters[counterId]!.ticketId!]!;
        const noShow = random() < 0.05;
        const need = noShow ? 2 : lognormal(random, ticket.serviceId === 'A' ? 4 : 7, 0.6);
        heap.push(t + need, { kind: 'done', counterId, noShow });
      }
    };
    for (let next = heap.pop(); next; next = heap.pop()) {
      const at = opening + next.t * MINUTE_MS;
      const step = next.value;
      if (step.kind === 'arrive') {
        ticketNo += 1;
        // the kiosk asks for the posted wait before it prints, as the hub does for every ticket
        if (lastDay) estimateNewArrival(est, state, at, { serviceId: step.service });
        run({ type: 'issue', ticketId: `t${ticketNo}`, serviceId: step.service }, at);
        if (lastDay) lastDayTickets += 1;
      } else run({ type: step.noShow ? 'no-show' : 'serve', counterId: step.counterId }, at);
      dispatch(next.t);
    }
    const close = opening + 8 * 60 * MINUTE_MS + exponential(random, 1);
    for (const counterId of COUNTERS) run({ type: 'close-counter', counterId }, close);
    if (lastDay) lastDayMs = performance.now() - dayStart;
    if ((d + 1) % 5 === 0 || lastDay) log(`day ${d + 1}: ${ticketNo} tickets, ${events.length} events`);
  }
  const madeMs = performance.now() - made;

  // the hub's restart: the live state and the estimator from the whole log
  const rebuildStart = performance.now();
  let rebuilt: QueueState = emptyQueueState(rules);
  let learned: EstimatorState = createEstimatorState({ priors: { A: 4, B: 7 } });
  for (const event of events) {
    rebuilt = apply(rebuilt, event);
    learned = observe(learned, rebuilt, event);
  }
  const rebuildMs = performance.now() - rebuildStart;
  return {
    bench: 'history',
    days,
    tickets: ticketNo,
    events: events.length,
    liveTickets: Object.keys(rebuilt.tickets).length,
    restartSeconds: Math.round(rebuildMs) / 1000,
    lastDayMsPerTicket: Math.round((lastDayMs / Math.max(1, lastDayTickets)) * 100) / 100,
    monthSeconds: Math.round(madeMs) / 1000,
  };
};

export default history;
