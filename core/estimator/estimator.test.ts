import { describe, expect, it } from 'vitest';
import { emptyQueueState, execute } from '../queue/engine.ts';
import { createQueueRules } from '../queue/rules.ts';
import type { QueueCommand, QueueState } from '../queue/types.ts';
import { MINUTE_MS } from '../queue/types.ts';
import { abandonmentHazardPerMin } from './abandonment.ts';
import {
  pickPosted,
  postingCandidates,
  initialCalibration,
  longWaitBudgetMin,
  postedGrid,
  postingPolicy,
  promiseBudget,
  updateCalibration,
  type PostingPolicy,
} from './calibration.ts';
import { estimateNewArrival, estimateWaiting, pendingPromises } from './estimate.ts';
import { arrivalRatesPerMin } from './arrivals.ts';
import { forecast } from './forecast.ts';
import { learnedParameters, type ParameterSource } from './parameters.ts';
import { nextStaffed } from '../queue/rota.ts';
import { roundPostedWait } from './rounding.ts';
import { buildServiceTimeModels } from './service-times.ts';
import {
  createEstimatorState,
  DEFAULT_ESTIMATOR_CONFIG,
  longRunServiceMin,
  observe,
  type EstimatorState,
} from './state.ts';

const T0 = Date.UTC(2025, 0, 6, 9, 0);
/** The posted wait for a sorted sample of waits, as the estimator picks it. */
const choosePosted = (waits: Float64Array, policy: PostingPolicy, hazardPerMin = 0) =>
  pickPosted(postingCandidates(waits, hazardPerMin), policy);
const rules = createQueueRules({
  services: [{ id: 'A', expectedServiceMin: 4 }],
  counters: [
    { id: 'c1', services: ['A'] },
    { id: 'c2', services: ['A'] },
  ],
  segments: [{ id: 'gold', weight: 1 }],
});

/** Runs commands through the engine and the estimator together, as the hub does. */
function venue(priors: Record<string, number> = { A: 4 }) {
  let queue: QueueState = emptyQueueState(rules);
  // cv 0: every prior pseudo-sample is exactly the prior mean, so the forecast is hand-computable
  let est: EstimatorState = createEstimatorState({ priors, config: { priorServiceCv: 0, paths: 50 } });
  return {
    run(command: QueueCommand, at: number) {
      const result = execute(queue, command, at);
      if ('refused' in result) throw new Error(result.message);
      for (const event of result.events) {
        queue = result.state;
        est = observe(est, queue, event);
      }
    },
    get queue() {
      return queue;
    },
    get est() {
      return est;
    },
  };
}

describe('posted-wait rounding', () => {
  it('rounds up to whole minutes below 10 and to 5 minutes from 10', () => {
    expect([0, 0.2, 3, 3.01, 9, 9.5, 10, 10.2, 14.9, 15, 31].map(roundPostedWait)).toEqual([
      0, 1, 3, 4, 9, 10, 10, 15, 15, 15, 35,
    ]);
    expect(postedGrid(22)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25]);
  });
});

describe('forecast on hand-computed cases', () => {
  it('two counters, constant 4-minute services: the waits follow from position and elapsed service', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    for (let i = 0; i < 5; i += 1) v.run({ type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0);
    v.run({ type: 'call-next', counterId: 'c1' }, T0); // t0 at c1 since T0
    // c2 opens and calls at once (no gap before a call is seen: clerks call when ready)
    v.run({ type: 'open-counter', counterId: 'c2' }, T0 + MINUTE_MS);
    v.run({ type: 'call-next', counterId: 'c2' }, T0 + MINUTE_MS); // t1 at c2 since T0+1
    const now = T0 + 2 * MINUTE_MS;
    // c1 frees at 4, c2 at 5 (minutes after T0): t2 at 4, t3 at 5, t4 at 8, a newcomer at 9
    const waits = estimateWaiting(v.est, v.queue, now);
    expect(waits.t2!.pointMin).toBeCloseTo(2, 6);
    expect(waits.t3!.pointMin).toBeCloseTo(3, 6);
    expect(waits.t4!.pointMin).toBeCloseTo(6, 6);
    const arrival = estimateNewArrival(v.est, v.queue, now, { serviceId: 'A' });
    expect(arrival.pointMin).toBeCloseTo(7, 6);
    expect(arrival.position).toBe(4);
    expect(arrival.postedMin).toBe(7); // no spread: nothing to pad
    // a gold newcomer (10 minutes of head start) goes before every ordinary ticket still waiting
    const gold = estimateNewArrival(v.est, v.queue, now, { serviceId: 'A', segmentId: 'gold' });
    expect(gold.pointMin).toBeCloseTo(2, 6);
    expect(gold.position).toBe(1);
    // asked for one ticket, it answers for that one only, even when others were promised a wait
    v.run({ type: 'issue', ticketId: 't5', serviceId: 'A', postedWaitMin: 10 }, now);
    const one = estimateWaiting(v.est, v.queue, now, ['t3']);
    expect(Object.keys(one)).toEqual(['t3']);
    expect(one.t3!.pointMin).toBeCloseTo(3, 6);
  });

  it('an idle open counter means no wait; no counter at all means no number', () => {
    const v = venue();
    expect(estimateNewArrival(v.est, v.queue, T0, { serviceId: 'A' }).postedMin).toBeNull();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    expect(estimateNewArrival(v.est, v.queue, T0, { serviceId: 'A' })).toMatchObject({ pointMin: 0, postedMin: 0 });
  });

  it('a counter on break comes back after the rest of a break longer than the one it has had', () => {
    // no break seen yet: pseudo-breaks of 0.6, 0.85, 1.15 and 1.6 x 20 minutes = 12, 17, 23, 32
    let queue: QueueState = emptyQueueState(
      createQueueRules({ services: [{ id: 'A', expectedServiceMin: 4 }], counters: [{ id: 'c1', services: ['A'] }] }),
    );
    let est = createEstimatorState({
      priors: { A: 4 },
      config: { priorServiceCv: 0, paths: 200, priorMinutesPerBreak: 1e12 },
    });
    const commands: Array<[QueueCommand, number]> = [
      [{ type: 'open-counter', counterId: 'c1' }, T0],
      [{ type: 'break-counter', counterId: 'c1' }, T0],
      [{ type: 'issue', ticketId: 't0', serviceId: 'A' }, T0 + 5 * MINUTE_MS],
    ];
    for (const [command, at] of commands) {
      const result = execute(queue, command, at);
      if ('refused' in result) throw new Error(result.message);
      queue = result.state;
      for (const event of result.events) est = observe(est, queue, event);
    }
    // 20 minutes into the break, only the 23- and 32-minute breaks are still possible: back in 3 or 12
    const waits = forecast(est, queue, T0 + 20 * MINUTE_MS, { targets: ['t0'] }).waits.get('t0')!;
    const seen = new Set(Array.from(waits, (w) => Math.round(w * 1e6) / 1e6));
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 12]);
  });

  it('a counter on an announced break comes back when the clerk said; a little later once that has passed', () => {
    let queue: QueueState = emptyQueueState(
      createQueueRules({ services: [{ id: 'A', expectedServiceMin: 4 }], counters: [{ id: 'c1', services: ['A'] }] }),
    );
    let est = createEstimatorState({
      priors: { A: 4 },
      config: { priorServiceCv: 0, paths: 200, priorMinutesPerBreak: 1e12 },
    });
    const commands: Array<[QueueCommand, number]> = [
      [{ type: 'open-counter', counterId: 'c1' }, T0],
      [{ type: 'break-counter', counterId: 'c1', minutes: 45 }, T0],
      [{ type: 'issue', ticketId: 't0', serviceId: 'A' }, T0 + 5 * MINUTE_MS],
      [{ type: 'issue', ticketId: 't1', serviceId: 'A' }, T0 + 6 * MINUTE_MS],
    ];
    for (const [command, at] of commands) {
      const result = execute(queue, command, at);
      if ('refused' in result) throw new Error(result.message);
      queue = result.state;
      for (const event of result.events) est = observe(est, queue, event);
    }
    // 20 minutes in, back at 45: t0 in 25 minutes on every path, t1 a 4-minute service later
    const f = forecast(est, queue, T0 + 20 * MINUTE_MS, { targets: ['t0', 't1'] });
    expect(new Set(f.waits.get('t0'))).toEqual(new Set([25]));
    // (or 1 minute later when t0's customer turned out to be gone: the no-show time)
    const t1 = Array.from(f.waits.get('t1')!);
    expect(t1.every((w) => w === 29 || w === 26)).toBe(true);
    expect(t1.filter((w) => w === 29).length).toBeGreaterThan(t1.length / 2);
    // 50 minutes in, 5 minutes late: back after an exponential lateness (mean priorBreakOverrunMin)
    const late = Array.from(forecast(est, queue, T0 + 50 * MINUTE_MS, { targets: ['t0'] }).waits.get('t0')!);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    expect(Math.min(...late)).toBeGreaterThan(0);
    expect(mean).toBeGreaterThan(0.5 * DEFAULT_ESTIMATOR_CONFIG.priorBreakOverrunMin);
    expect(mean).toBeLessThan(2 * DEFAULT_ESTIMATOR_CONFIG.priorBreakOverrunMin);
  });

  it('a counter calls nobody after its scheduled close; a line no counter can reach gets no posted wait', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1', closesAt: T0 + 10 * MINUTE_MS }, T0);
    v.run({ type: 'open-counter', counterId: 'c2' }, T0);
    for (let i = 0; i < 4; i += 1) v.run({ type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0);
    v.run({ type: 'call-next', counterId: 'c1' }, T0);
    v.run({ type: 'call-next', counterId: 'c2' }, T0);
    // both free at 4: t2 and t3 called then; both free at 8: a newcomer called then (8 < c1's close at 10)
    const waits = estimateWaiting(v.est, v.queue, T0);
    expect(waits.t2!.pointMin).toBeCloseTo(4, 6);
    expect(waits.t3!.pointMin).toBeCloseTo(4, 6);
    expect(estimateNewArrival(v.est, v.queue, T0, { serviceId: 'A' }).pointMin).toBeCloseTo(8, 6);
    // t4 and t5 at 8; at 12 c1 is past its close, so c2 alone calls t6 at 12 and t7 at 16 (12 without the close)
    for (let i = 4; i < 8; i += 1) v.run({ type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0);
    const later = estimateWaiting(v.est, v.queue, T0);
    expect([4, 5, 6, 7].map((i) => later[`t${i}`]!.pointMin)).toEqual([8, 8, 12, 16]);
    // both closing before anyone could be called: no number to post
    const w = venue();
    w.run({ type: 'open-counter', counterId: 'c1', closesAt: T0 + 3 * MINUTE_MS }, T0);
    w.run({ type: 'issue', ticketId: 'a', serviceId: 'A' }, T0);
    w.run({ type: 'call-next', counterId: 'c1' }, T0);
    expect(estimateNewArrival(w.est, w.queue, T0, { serviceId: 'A' }).postedMin).toBeNull();
  });

  it('follows the rota: a planned break and a closed counter that opens later', () => {
    const v = venue();
    const m = (minutes: number) => T0 + minutes * MINUTE_MS;
    v.run(
      {
        type: 'plan-counter',
        counterId: 'c1',
        shifts: [
          { from: m(0), to: m(6) },
          { from: m(30), to: m(120) },
        ],
      },
      T0,
    );
    v.run({ type: 'plan-counter', counterId: 'c2', shifts: [{ from: m(10), to: m(120) }] }, T0);
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    for (let i = 0; i < 4; i += 1) v.run({ type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0);
    v.run({ type: 'call-next', counterId: 'c1' }, T0);
    // c1: t0 until 4, then t1 (4 < its break at 6) until 8, then off until 30; c2 opens at 10: t2 at 10, t3 at 14
    const waits = estimateWaiting(v.est, v.queue, T0);
    expect([1, 2, 3].map((i) => waits[`t${i}`]!.pointMin)).toEqual([4, 10, 14]);
    // without a rota c1 alone calls them at 4, 8 and 12 and closed c2 counts for nothing
    const plain = venue();
    plain.run({ type: 'open-counter', counterId: 'c1' }, T0);
    for (let i = 0; i < 4; i += 1) plain.run({ type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0);
    plain.run({ type: 'call-next', counterId: 'c1' }, T0);
    const unplanned = estimateWaiting(plain.est, plain.queue, T0);
    expect([1, 2, 3].map((i) => unplanned[`t${i}`]!.pointMin)).toEqual([4, 8, 12]);
    // the planned break, taken, does not teach the rate of unannounced breaks
    v.run({ type: 'serve', counterId: 'c1' }, m(4));
    v.run({ type: 'call-next', counterId: 'c1' }, m(4));
    v.run({ type: 'serve', counterId: 'c1' }, m(8));
    v.run({ type: 'break-counter', counterId: 'c1' }, m(8));
    expect(v.est.breaksTaken).toBe(0);
    v.run({ type: 'open-counter', counterId: 'c1' }, m(30));
    v.run({ type: 'break-counter', counterId: 'c1' }, m(40)); // inside a shift: a surprise
    expect(v.est.breaksTaken).toBe(1);
    expect(
      nextStaffed(
        [
          { from: 0, to: 6 },
          { from: 30, to: 120 },
        ],
        8,
      ),
    ).toBe(30);
    expect(
      nextStaffed(
        [
          { from: 0, to: 6 },
          { from: 30, to: 120 },
        ],
        5,
      ),
    ).toBe(5);
    expect(nextStaffed([{ from: 0, to: 6 }], 7)).toBe(Infinity);
    expect(nextStaffed([], 7)).toBe(7);
  });

  it('splits the recent arrival rate by priority, the first priority customers shrunk toward ordinary', () => {
    const v = venue();
    v.run({ type: 'issue', ticketId: 'g', serviceId: 'A', segmentId: 'gold' }, T0);
    v.run({ type: 'issue', ticketId: 'o', serviceId: 'A' }, T0 + MINUTE_MS);
    // 2 arrivals in the 10 minutes since the first: 0.2 a minute; shares 1 gold : 1 + 10 pseudo ordinary
    const rates = arrivalRatesPerMin(v.est, T0 + 10 * MINUTE_MS);
    expect(rates.find((r) => r.weight === 1)!.perMin).toBeCloseTo(0.2 / 12, 12);
    expect(rates.find((r) => r.weight === 0)!.perMin).toBeCloseTo((0.2 * 11) / 12, 12);
  });

  it('learns service times per counter, robust to an outlier', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'open-counter', counterId: 'c2' }, T0);
    let t = T0;
    for (let i = 0; i < 40; i += 1) {
      const counterId = i % 2 ? 'c2' : 'c1';
      const minutes = counterId === 'c2' ? 6 : 3; // c2 takes twice as long
      v.run({ type: 'issue', ticketId: `s${i}`, serviceId: 'A' }, t);
      v.run({ type: 'call-next', counterId }, t);
      t += (i === 7 ? 180 : minutes) * MINUTE_MS; // one forgotten "serve": 3 hours
      v.run({ type: 'serve', counterId }, t);
    }
    const models = buildServiceTimeModels(v.est, ['A']);
    expect(models.counterFactor.c2! / models.counterFactor.c1!).toBeGreaterThan(1.6);
    expect(models.services.A!.mean).toBeLessThan(8); // the 180-minute outlier is winsorised
  });

  it('keeps the recent services as the shape and scales them to the long-run mean', () => {
    /** `minutes` services at c1, one after another from `from`; returns when the last ended. */
    const serveRun = (v: ReturnType<typeof venue>, minutes: readonly number[], from: number) => {
      let t = from;
      for (const [i, m] of minutes.entries()) {
        v.run({ type: 'issue', ticketId: `r${t}-${i}`, serviceId: 'A' }, t);
        v.run({ type: 'call-next', counterId: 'c1' }, t);
        t += m * MINUTE_MS;
        v.run({ type: 'serve', counterId: 'c1' }, t);
      }
      return t;
    };
    const recent = Array.from({ length: DEFAULT_ESTIMATOR_CONFIG.recentServices }, (_, i) => (i % 2 ? 6 : 10));
    const withPrior = venue();
    withPrior.run({ type: 'open-counter', counterId: 'c1' }, T0);
    serveRun(withPrior, recent, serveRun(withPrior, new Array(200).fill(4), T0));
    const models = buildServiceTimeModels(withPrior.est, ['A']);
    const model = models.services.A!;
    const atC1 = model.mean * models.counterFactor.c1!; // samples are at a counter of factor 1
    // the last 80 alone say 8 minutes; the 200 before them and the venue's 4 (as 80 services) say less
    const keep = 1 - 1 / DEFAULT_ESTIMATOR_CONFIG.serviceMeanMemory;
    const served = [...new Array(200).fill(4), ...recent].reverse(); // the latest first, weighing 1
    const weights = served.map((_, k) => keep ** k);
    const sum = served.reduce((s, m, k) => s + m * weights[k]!, 0);
    const priorWeight = 80 * keep ** served.length; // the venue's 4 minutes, forgotten like a service
    const expected = (sum + 4 * priorWeight) / (weights.reduce((a, b) => a + b, 0) + priorWeight);
    expect(atC1).toBeCloseTo(expected, 6);
    expect(atC1).toBeLessThan(5.5);
    expect(model.samples.at(-1)! / model.samples[0]!).toBeCloseTo(10 / 6, 6); // the recent shape
    // with no expectedServiceMin the long run is what was served; a forgotten "serve" counts as 10 means
    const noPrior = venue({});
    noPrior.run({ type: 'open-counter', counterId: 'c1' }, T0);
    serveRun(noPrior, [...new Array(20).fill(3), 600, ...new Array(19).fill(3)], T0);
    const plain = buildServiceTimeModels(noPrior.est, ['A']);
    const plainAtC1 = plain.services.A!.mean * plain.counterFactor.c1!;
    expect(plainAtC1).toBeGreaterThan(3.5);
    expect(plainAtC1).toBeLessThan(4);
    // ... but a first service has nothing to be judged by: an hour's consultation counts as an hour
    const firstLong = venue({});
    firstLong.run({ type: 'open-counter', counterId: 'c1' }, T0);
    serveRun(firstLong, [60], T0);
    expect(longRunServiceMin(firstLong.est, 'A')).toBe(60);
  });
});

describe('abandonment from no-shows', () => {
  it('finds the hazard that explains who was still there', () => {
    // 3 of 4 gone after 30 minutes and everyone there after 0: hazard near ln(4)/30
    const calls = [
      ...Array.from({ length: 300 }, () => ({ waitMin: 30, present: false })),
      ...Array.from({ length: 100 }, () => ({ waitMin: 30, present: true })),
    ];
    expect(abandonmentHazardPerMin(calls, 0)).toBeCloseTo(Math.log(4) / 30, 3);
    // the prior alone: one no-show at 30 minutes against 60 minutes of people who stayed:
    // 30 e^(-30h) / (1 - e^(-30h)) = 60, so e^(-30h) = 2/3: a patience of about 74 minutes
    expect(abandonmentHazardPerMin([])).toBeCloseTo(Math.log(1.5) / 30, 5);
  });
});

describe('gaps before a call', () => {
  it('learns how long after the counter and the customer are both ready a clerk calls', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'issue', ticketId: 't0', serviceId: 'A' }, T0);
    // the first call after opening is not timed: the clerk may have signed in early
    v.run({ type: 'call-next', counterId: 'c1' }, T0 + MINUTE_MS);
    v.run({ type: 'issue', ticketId: 't1', serviceId: 'A' }, T0 + 2 * MINUTE_MS);
    // t1 waits since 2; the counter is free at 5 and calls at 5.5: a gap of half a minute
    v.run({ type: 'serve', counterId: 'c1' }, T0 + 5 * MINUTE_MS);
    v.run({ type: 'call-next', counterId: 'c1' }, T0 + 5.5 * MINUTE_MS);
    // the counter is idle from 7, t2 comes at 8 and is called at 8.25: a gap of a quarter minute
    v.run({ type: 'serve', counterId: 'c1' }, T0 + 7 * MINUTE_MS);
    v.run({ type: 'issue', ticketId: 't2', serviceId: 'A' }, T0 + 8 * MINUTE_MS);
    v.run({ type: 'call-next', counterId: 'c1' }, T0 + 8.25 * MINUTE_MS);
    expect(v.est.callGapsMin).toEqual([0.5, 0.25]);
  });

  it('makes each call of a path come that gap after the counter and its customer are ready', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    let at = T0;
    // a gap of 1 before every call but the first (after opening, not timed): no gap of 0 left
    for (let i = 0; i <= DEFAULT_ESTIMATOR_CONFIG.priorSamples; i += 1) {
      v.run({ type: 'issue', ticketId: `d${i}`, serviceId: 'A' }, at);
      v.run({ type: 'call-next', counterId: 'c1' }, at + MINUTE_MS);
      v.run({ type: 'serve', counterId: 'c1' }, at + 5 * MINUTE_MS);
      at += 5 * MINUTE_MS;
    }
    for (const id of ['t0', 't1']) v.run({ type: 'issue', ticketId: id, serviceId: 'A' }, at);
    // idle counter: t0 called after a gap of 1, served in 4, t1 called 1 after that
    const paths = forecast(v.est, v.queue, at, { targets: ['t0', 't1'] }).waits;
    expect(new Set(paths.get('t0'))).toEqual(new Set([1]));
    // (on a few paths the clerk takes one of the breaks a counter may take unannounced)
    const t1 = Float64Array.from(paths.get('t1')!).sort();
    expect(t1[Math.floor(t1.length / 2)]).toBe(6);
  });

  it('draws one gap per call: with two counters free the first call is not the quicker of two gaps', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'open-counter', counterId: 'c2' }, T0);
    v.run({ type: 'issue', ticketId: 't0', serviceId: 'A' }, T0);
    // half the calls came at once, half two minutes after the customer and a counter were ready
    const callGapsMin = Array.from({ length: DEFAULT_ESTIMATOR_CONFIG.priorSamples }, (_, i) => (i % 2 ? 2 : 0));
    const est = { ...v.est, callGapsMin, config: { ...v.est.config, paths: 400 } };
    const waits = [...forecast(est, v.queue, T0, { targets: ['t0'] }).waits.get('t0')!];
    expect(new Set(waits)).toEqual(new Set([0, 2]));
    // one draw: called at once on about half the paths (the quicker of two counters: three quarters)
    const atOnce = waits.filter((w) => w === 0).length / waits.length;
    expect(atOnce).toBeGreaterThan(0.4);
    expect(atOnce).toBeLessThan(0.6);
  });

  it('keeps a counter that let someone wait away for the rest of a gap longer than that wait', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'issue', ticketId: 'd0', serviceId: 'A' }, T0);
    v.run({ type: 'call-next', counterId: 'c1' }, T0);
    v.run({ type: 'serve', counterId: 'c1' }, T0 + MINUTE_MS);
    v.run({ type: 'issue', ticketId: 't0', serviceId: 'A' }, T0 + MINUTE_MS);
    // calls came at once or half a minute after the counter and the customer were both ready
    const callGapsMin = Array.from({ length: DEFAULT_ESTIMATOR_CONFIG.priorSamples }, (_, i) => (i % 2 ? 0.5 : 0));
    const est = { ...v.est, callGapsMin };
    const median = (at: number) => {
      const waits = Float64Array.from(forecast(est, v.queue, at, { targets: ['t0'] }).waits.get('t0')!).sort();
      return waits[Math.floor(waits.length / 2)]!;
    };
    // just come, with the counter free: called within a gap
    expect(median(T0 + MINUTE_MS)).toBeLessThanOrEqual(0.5);
    // four minutes on with the counter still free, past every gap seen: the clerk is away,
    // for about as long again
    expect(median(T0 + 5 * MINUTE_MS)).toBeGreaterThan(1.5);
  });
});

describe('calibration', () => {
  const policy = { paddingPerMin: 0.01, longWaitRatio: 0.8, longWaitWeight: 0, minLevel: 0.5 };

  it('posts short waits at a high quantile, never below the median', () => {
    // 10 paths, waits 1..10: F(P) = P / 10 on the grid 0..10
    const waits = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // 1 minute costs 0.01: F(P) - 0.01 P = 0.09 P rises up to P = 10 (0.9)
    expect(choosePosted(waits, policy)).toEqual({ postedMin: 10, level: 1 });
    // 1 minute costs 0.15: F(P) - 0.15 P = -0.05 P falls, but nothing below the median (P = 5)
    expect(choosePosted(waits, { ...policy, paddingPerMin: 0.15 })).toEqual({ postedMin: 5, level: 0.5 });
    // everybody who waits long gives up (hazard 2/min: weights e^(-2w)); among those who stay,
    // F(1) = 0.8647, F(2) = 0.9817, F(3) = 0.9976, F(4) = 0.9997; minus 0.01 P: P = 3 is best
    expect(choosePosted(waits, policy, 2).postedMin).toBe(3);
  });

  it('weighs padding of long waits against their mean, on the 5-minute grid', () => {
    // waits 6, 7, 8, 9, 9, 10, 11, 12, 13, 16: mean 10.1; grid 0..10, 15, 20
    // F(9) = 0.5, F(10) = 0.6, F(15) = 0.9, F(20) = 1; score = F - 0.01 P + weight (10.1 - 0.8 P) from 10
    const waits = Float64Array.from([6, 7, 8, 9, 9, 10, 11, 12, 13, 16]);
    // weight 0: 9 -> 0.41, 10 -> 0.50, 15 -> 0.75, 20 -> 0.80
    expect(choosePosted(waits, policy)).toEqual({ postedMin: 20, level: 1 });
    // weight 0.05: 10 -> 0.605, 15 -> 0.655, 20 -> 0.505
    expect(choosePosted(waits, { ...policy, longWaitWeight: 0.05 })).toEqual({ postedMin: 15, level: 0.9 });
    // weight 0.1: 10 -> 0.71, 15 -> 0.56, 20 -> 0.21
    expect(choosePosted(waits, { ...policy, longWaitWeight: 0.1 })).toEqual({ postedMin: 10, level: 0.6 });
    // never called on most paths: no number
    expect(choosePosted(Float64Array.from([1, Infinity, Infinity]), policy)).toEqual({ postedMin: null, level: 0 });
  });

  it('counts promises with recency weights and turns the budget left into the long-wait weight', () => {
    const cfg = {
      ...DEFAULT_ESTIMATOR_CONFIG,
      target: 0.9,
      margin: 0,
      decay: 0.1,
      longWaitWeight: 0.3,
      budgetScale: 1,
      minWeight: 0.01,
      maxWeight: 5,
    };
    // Half a second over: kept.
    const kept = updateCalibration(initialCalibration(), { postedMin: 5, actualMin: 5 + 0.5 / 60 }, cfg);
    expect(kept).toEqual({ checked: 1, kept: 1, longActualMin: 0, longPostedMin: 0 });
    const broken = updateCalibration(kept, { postedMin: 5, actualMin: 6 }, cfg);
    expect(broken.checked).toBeCloseTo(1.9, 12); // 1 x 0.9 + 1
    expect(broken.kept).toBeCloseTo(0.9, 12);
    // 10 kept of 10: budget 10 - 0.9 x 10 = 1 promise, weight 0.3 e
    const served = (checked: number, kept: number) => ({ ...initialCalibration(), checked, kept });
    expect(postingPolicy(served(10, 10), cfg).longWaitWeight).toBeCloseTo(0.3 * Math.E, 12);
    // plus 2 customers still in line past their posted wait: budget 10 - 0.9 x 12 = -0.8
    expect(postingPolicy(served(10, 10), cfg, served(2, 0)).longWaitWeight).toBeCloseTo(0.3 * Math.exp(-0.8), 12);
    expect(promiseBudget(served(100, 0), cfg)).toBeCloseTo(-90, 12);
    expect(postingPolicy(served(100, 0), cfg).longWaitWeight).toBe(0.01); // clipped
  });

  it('makes a posted minute cheaper while promises are owed, down to minPaddingShare', () => {
    const cfg = {
      ...DEFAULT_ESTIMATOR_CONFIG,
      target: 0.9,
      margin: 0,
      budgetScale: 1,
      paddingPerMin: 0.01,
      minPaddingShare: 0.25,
    };
    const served = (checked: number, kept: number) => ({ ...initialCalibration(), checked, kept });
    // promises to spare (10 - 0.9 x 10 = 1): the full cost
    expect(postingPolicy(served(10, 10), cfg).paddingPerMin).toBeCloseTo(0.01, 12);
    // 0.5 promise owed (9 - 0.9 x 10.5 = -0.45): e^-0.45 of it
    expect(postingPolicy(served(10.5, 9), cfg).paddingPerMin).toBeCloseTo(0.01 * Math.exp(-0.45), 12);
    // far behind: never under a quarter
    expect(postingPolicy(served(100, 0), cfg).paddingPerMin).toBeCloseTo(0.0025, 12);
    // a cheaper minute posts a higher quantile of the same waits: 9 of 10 paths within 6, the last at 30
    const waits = Float64Array.from([1, 2, 3, 4, 5, 6, 6, 6, 6, 30]);
    const policy = { paddingPerMin: 0.01, longWaitRatio: 0.85, longWaitWeight: 0, minLevel: 0.3 };
    expect(choosePosted(waits, { ...policy, paddingPerMin: 0.0025 }).postedMin).toBe(30);
    expect(choosePosted(waits, policy).postedMin).toBe(6);
  });

  it('keeps the long waits honest: padding past the ratio raises the weight, waits that ran long lower it', () => {
    const cfg = {
      ...DEFAULT_ESTIMATOR_CONFIG,
      target: 0.9,
      margin: 0,
      decay: 0,
      longWaitWeight: 0.3,
      budgetScale: 1,
      longWaitRatio: 0.8,
      ratioMargin: 0.05,
      ratioBudgetScaleMin: 10,
    };
    // a short promise counts for the share kept only; a long one also adds its minutes
    let c = updateCalibration(initialCalibration(), { postedMin: 5, actualMin: 2 }, cfg);
    expect([c.longActualMin, c.longPostedMin]).toEqual([0, 0]);
    c = updateCalibration(c, { postedMin: 20, actualMin: 12 }, cfg);
    c = updateCalibration(c, { postedMin: 15, actualMin: 10 }, cfg);
    expect([c.longActualMin, c.longPostedMin]).toEqual([22, 35]);
    // 22 - 0.85 x 35 = -7.75 minutes: posted long waits were padded
    expect(longWaitBudgetMin(c, cfg)).toBeCloseTo(-7.75, 12);
    // promise budget 3 - 0.9 x 3 = 0.3; weight 0.3 x e^(0.3 + 0.775)
    expect(postingPolicy(c, cfg).longWaitWeight).toBeCloseTo(0.3 * Math.exp(0.3 + 0.775), 12);
    // the posting term aims at the ratio plus its margin
    expect(postingPolicy(c, cfg).longWaitRatio).toBeCloseTo(0.85, 12);
    // a long wait that ran over its promise: 22 + 30 - 0.85 x 55 = 5.25 minutes to spare, lower weight
    c = updateCalibration(c, { postedMin: 20, actualMin: 30 }, cfg);
    expect(longWaitBudgetMin(c, cfg)).toBeCloseTo(5.25, 12);
    expect(postingPolicy(c, cfg).longWaitWeight).toBeLessThan(0.3);
    // a customer in line posted 20 and expected to wait 8 counts before being called: 5.25 + 8 - 0.85 x 20
    const pending = { checked: 1, kept: 1, longActualMin: 8, longPostedMin: 20 };
    expect(longWaitBudgetMin(c, cfg, pending)).toBeCloseTo(-3.75, 12);
    expect(postingPolicy(c, cfg, pending).longWaitWeight).toBeGreaterThan(postingPolicy(c, cfg).longWaitWeight);
  });

  it('counts the promises of customers still in line as the forecast expects them to turn out', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'issue', ticketId: 'short', serviceId: 'A', postedWaitMin: 5 }, T0);
    v.run({ type: 'issue', ticketId: 'long', serviceId: 'A', postedWaitMin: 10 }, T0);
    v.run({ type: 'issue', ticketId: 'unposted', serviceId: 'A' }, T0);
    const now = T0 + 3 * MINUTE_MS;
    // remaining waits on two paths; waited 3 so far: short waits 4 or 6 (posted 5), long 8 or 12 (posted 10)
    const waits = new Map([
      ['short', Float64Array.from([1, 3])],
      ['long', Float64Array.from([5, 9])],
      ['unposted', Float64Array.from([20, 30])],
    ]);
    expect(pendingPromises(v.queue, now, waits, 0)).toEqual({
      checked: 2,
      kept: 1,
      longActualMin: 10,
      longPostedMin: 10,
    });
    // with abandonment, each path counts by the chance the customer is still there when called
    const h = Math.LN2 / 4; // half are gone after 4 minutes
    const pending = pendingPromises(v.queue, now, new Map([['short', Float64Array.from([1, 5])]]), h);
    // short: waits 4 (stays 1/2, kept) or 8 (stays 1/4, broken); long has no forecast and is not yet overdue
    expect(pending.checked).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(pending.kept).toBeCloseTo(0.5 / 2, 12);
    expect(pending.longPostedMin).toBe(0);
    // with no forecast at all, a customer waiting past the posted wait is a promise already broken
    expect(pendingPromises(v.queue, T0 + 6 * MINUTE_MS, new Map(), 0)).toEqual({
      checked: 1,
      kept: 0,
      longActualMin: 0,
      longPostedMin: 0,
    });
    expect(pendingPromises(v.queue, T0 + 4 * MINUTE_MS, new Map(), 0)).toEqual({
      checked: 0,
      kept: 0,
      longActualMin: 0,
      longPostedMin: 0,
    });
  });

  it('learns from served tickets: posted versus actual', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'issue', ticketId: 'p', serviceId: 'A', postedWaitMin: 5 }, T0);
    v.run({ type: 'issue', ticketId: 'q', serviceId: 'A', postedWaitMin: 5 }, T0);
    v.run({ type: 'call-next', counterId: 'c1' }, T0 + 2 * MINUTE_MS);
    v.run({ type: 'serve', counterId: 'c1' }, T0 + 6 * MINUTE_MS); // p waited 2 <= 5: kept
    v.run({ type: 'call-next', counterId: 'c1' }, T0 + 6 * MINUTE_MS);
    v.run({ type: 'serve', counterId: 'c1' }, T0 + 8 * MINUTE_MS); // q waited 6 > 5: broken
    // decay 0.002 per promise: checked 1 x 0.998 + 1, kept 1 x 0.998 + 0
    expect(v.est.calibration.checked).toBeCloseTo(1.998, 12);
    expect(v.est.calibration.kept).toBeCloseTo(0.998, 12);
  });
});

describe('parameter sources', () => {
  it('reads what the queue taught again once it changed, and reuses it until then', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    const serveOne = (id: string, at: number, minutes: number) => {
      v.run({ type: 'issue', ticketId: id, serviceId: 'A' }, at);
      v.run({ type: 'call-next', counterId: 'c1' }, at);
      v.run({ type: 'serve', counterId: 'c1' }, at + minutes * MINUTE_MS);
    };
    serveOne('s0', T0, 3);
    const first = learnedParameters.serviceTimes(v.est, ['A']);
    expect(learnedParameters.serviceTimes(v.est, ['A'])).toBe(first);
    expect(first).toEqual(buildServiceTimeModels(v.est, ['A']));
    // asking for a service never served adds its prior; what was there stays as it was
    const withB = learnedParameters.serviceTimes(v.est, ['A', 'B']);
    expect(withB).toEqual(buildServiceTimeModels(v.est, ['A', 'B']));
    expect(withB.services.A).toEqual(first.services.A);
    serveOne('s1', T0 + 10 * MINUTE_MS, 9);
    const second = learnedParameters.serviceTimes(v.est, ['A']);
    expect(second.services.A!.mean).not.toBe(first.services.A!.mean);
    expect(second).toEqual(buildServiceTimeModels(v.est, ['A']));
    // a sample list replaced in the same state object is read again too
    v.est.serviceTimes.A = [{ min: 20, counterId: 'c1' }];
    expect(learnedParameters.serviceTimes(v.est, ['A'])).toEqual(buildServiceTimeModels(v.est, ['A']));
    // the hazard follows the calls the same way
    expect(learnedParameters.abandonmentHazardPerMin(v.est)).toBe(abandonmentHazardPerMin(v.est.calls));
    v.run({ type: 'issue', ticketId: 'gone', serviceId: 'A' }, T0 + 20 * MINUTE_MS);
    v.run({ type: 'call-next', counterId: 'c1' }, T0 + 50 * MINUTE_MS);
    v.run({ type: 'no-show', counterId: 'c1' }, T0 + 52 * MINUTE_MS);
    expect(learnedParameters.abandonmentHazardPerMin(v.est)).toBe(abandonmentHazardPerMin(v.est.calls));
    expect(learnedParameters.abandonmentHazardPerMin(v.est)).toBeGreaterThan(abandonmentHazardPerMin([]));
  });

  it('the forecast takes every parameter from the source it is given; by default what the queue taught', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    for (const id of ['t0', 't1', 't2']) v.run({ type: 'issue', ticketId: id, serviceId: 'A' }, T0);
    const learned = forecast(v.est, v.queue, T0, { targets: ['t2'] });
    expect(forecast(v.est, v.queue, T0, { targets: ['t2'], parameters: learnedParameters })).toEqual(learned);
    expect(learned.hazardPerMin).toBe(abandonmentHazardPerMin([]));
    expect(learned.models.services.A!.mean).toBeCloseTo(4, 9);
    const tenMinutes = { serviceId: 'A', samples: [10], mean: 10, median: 10 };
    const source: ParameterSource = {
      serviceTimes: () => ({ services: { A: tenMinutes }, counterFactor: { c1: 1.5 }, fallback: tenMinutes }),
      abandonmentHazardPerMin: () => 0,
      noShowCostMin: () => 1,
      unplannedBreaksPerOpenMin: () => 0,
      arrivalRatesPerMin: () => [],
      callGapsMin: () => [],
    };
    const given = forecast(v.est, v.queue, T0, { targets: ['t2'], parameters: source });
    // two services of 10 minutes at a counter taking 1.5 times as long
    expect(new Set(given.waits.get('t2'))).toEqual(new Set([30]));
    // and a gap of 2 before each of the three calls
    const gapped = forecast(v.est, v.queue, T0, { targets: ['t2'], parameters: { ...source, callGapsMin: () => [2] } });
    expect(new Set(gapped.waits.get('t2'))).toEqual(new Set([36]));
    expect(given.hazardPerMin).toBe(0);
  });
});
