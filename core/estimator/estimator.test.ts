import { describe, expect, it } from 'vitest';
import { emptyQueueState, execute } from '../queue/engine.ts';
import { createQueueRules } from '../queue/rules.ts';
import type { QueueCommand, QueueState } from '../queue/types.ts';
import { MINUTE_MS } from '../queue/types.ts';
import { abandonmentHazardPerMin } from './abandonment.ts';
import { choosePosted, postedGrid, updatePrice } from './calibration.ts';
import { estimateNewArrival, estimateWaiting } from './estimate.ts';
import { roundPostedWait } from './rounding.ts';
import { buildServiceTimeModels } from './service-times.ts';
import { createEstimatorState, observe, type EstimatorState } from './state.ts';

const T0 = Date.UTC(2025, 0, 6, 9, 0);
const rules = createQueueRules({
  services: [{ id: 'A', expectedServiceMin: 4 }],
  counters: [
    { id: 'c1', services: ['A'] },
    { id: 'c2', services: ['A'] },
  ],
  segments: [{ id: 'gold', weight: 1 }],
});

/** Runs commands through the engine and the estimator together, as the hub does. */
function venue() {
  let queue: QueueState = emptyQueueState(rules);
  // cv 0: every prior pseudo-sample is exactly the prior mean, so the forecast is hand-computable
  let est: EstimatorState = createEstimatorState({ priors: { A: 4 }, config: { priorServiceCv: 0, paths: 50 } });
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
    expect([0, 0.2, 3, 3.01, 9, 9.5, 10, 10.2, 14.9, 15, 31].map(roundPostedWait)).toEqual([0, 1, 3, 4, 9, 10, 10, 15, 15, 15, 35]);
    expect(postedGrid(22)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25]);
  });
});

describe('forecast on hand-computed cases', () => {
  it('two counters, constant 4-minute services: the waits follow from position and elapsed service', () => {
    const v = venue();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    v.run({ type: 'open-counter', counterId: 'c2' }, T0);
    for (let i = 0; i < 5; i += 1) v.run({ type: 'issue', ticketId: `t${i}`, serviceId: 'A' }, T0);
    v.run({ type: 'call-next', counterId: 'c1' }, T0); // t0 at c1 since T0
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
  });

  it('an idle open counter means no wait; no counter at all means no number', () => {
    const v = venue();
    expect(estimateNewArrival(v.est, v.queue, T0, { serviceId: 'A' }).postedMin).toBeNull();
    v.run({ type: 'open-counter', counterId: 'c1' }, T0);
    expect(estimateNewArrival(v.est, v.queue, T0, { serviceId: 'A' })).toMatchObject({ pointMin: 0, postedMin: 0 });
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
});

describe('abandonment from no-shows', () => {
  it('finds the hazard that explains who was still there', () => {
    // 3 of 4 gone after 30 minutes and everyone there after 0: hazard near ln(4)/30
    const calls = [
      ...Array.from({ length: 300 }, () => ({ waitMin: 30, present: false })),
      ...Array.from({ length: 100 }, () => ({ waitMin: 30, present: true })),
    ];
    expect(abandonmentHazardPerMin(calls, 0)).toBeCloseTo(Math.log(4) / 30, 3);
    expect(abandonmentHazardPerMin([])).toBeLessThan(0.005); // the prior: patient people
  });
});

describe('calibration', () => {
  it('posts the grid value that balances weighted padding against broken promises', () => {
    // 10 paths: waits 1..10 minutes
    const waits = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // price 0.5: P=1 -> 0 + 0.5 x 0.9 = 0.45; P=2 -> 0.2 x (2x2 - 3)/10 + 0.5 x 0.8 = 0.42;
    // P=3 -> 0.3 x (3x3 - 6)/10 + 0.5 x 0.7 = 0.44: promise 2 minutes
    expect(choosePosted(waits, { price: 0.5, longDiscount: 1 }).postedMin).toBe(2);
    // price 100: P=9 -> 0.9 x 3.6 + 100 x 0.1 = 13.24 loses to P=10 -> 1 x 4.5 + 0 = 4.5
    expect(choosePosted(waits, { price: 100, longDiscount: 1 })).toEqual({ postedMin: 10, level: 1 });
    // everybody who waits long gives up: the wait of those who stay is short
    expect(choosePosted(waits, { price: 100, longDiscount: 1 }, 2).postedMin).toBeLessThan(10);
  });

  const cfg = { target: 0.9, margin: 0, learningRate: 0.1, minPrice: 1, maxPrice: 500, paddingTarget: 0.8, paddingLearningRate: 0.5 };

  it('raises the price after a broken promise and lowers it after a kept one, settling at the target', () => {
    let c = { price: 20, longDiscount: 1, checked: 0, kept: 0 };
    expect(updatePrice(c, { postedMin: 5, actualMin: 6 }, cfg).price).toBeCloseTo(20 * Math.exp(0.09), 9);
    expect(updatePrice(c, { postedMin: 5, actualMin: 4 }, cfg).price).toBeCloseTo(20 * Math.exp(-0.01), 9);
    for (let i = 0; i < 100; i += 1) c = updatePrice(c, { postedMin: 5, actualMin: i % 10 === 0 ? 7 : 3 }, cfg); // 90% kept
    expect(c.price).toBeCloseTo(20, 6);
    expect(c).toMatchObject({ checked: 100, kept: 90 });
  });

  it('discounts broken promises on long posted waits while they are padded more than the padding target', () => {
    const c = { price: 20, longDiscount: 1, checked: 0, kept: 0 };
    const padded = updatePrice(c, { postedMin: 20, actualMin: 10 }, cfg); // ratio 0.5 < 0.8
    expect(padded.longDiscount).toBeCloseTo(Math.exp(0.5 * (0.5 - 0.8)), 9);
    const tight = updatePrice({ ...c, longDiscount: 0.5 }, { postedMin: 20, actualMin: 19 }, cfg);
    expect(tight.longDiscount).toBeGreaterThan(0.5);
    expect(updatePrice(c, { postedMin: 5, actualMin: 1 }, cfg).longDiscount).toBe(1); // short waits do not count
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
    expect(v.est.calibration).toMatchObject({ checked: 2, kept: 1 });
  });
});
