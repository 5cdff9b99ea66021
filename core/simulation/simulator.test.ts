import { describe, expect, it } from 'vitest';
import { hashSeed, lognormal, mulberry32, poissonProcess } from './random.ts';
import { parseScenario, scenarioSchema, type ScenarioInput } from './scenario.ts';
import { knownParameterSource } from './known-parameters.ts';
import { pickPosted } from '../estimator/calibration.ts';
import { createEstimatorState } from '../estimator/state.ts';
import { MINUTE_MS } from '../queue/types.ts';
import { simulateSeeds } from './seeds.ts';
import { generateCustomers, knownParameters, simulate, simulateRun } from './simulator.ts';

const small: ScenarioInput = {
  name: 'small',
  seed: 3,
  hours: 3,
  services: [
    { id: 'A', serviceMin: { mean: 4, cv: 0.6 } },
    { id: 'B', serviceMin: { mean: 8, cv: 0.5 } },
  ],
  counters: [
    { id: 'c1', services: ['A'], open: [[0, 180]], breaks: [[60, 80]] },
    { id: 'c2', services: ['A', 'B'], speed: 1.2, open: [[0, 180]] },
  ],
  arrivals: [
    { service: 'A', from: 0, to: 150, perHour: 20 },
    { service: 'B', from: 30, to: 150, perHour: 4 },
  ],
  segments: [{ id: 'gold', share: 0.2, priority: 1 }],
  patienceMin: { mean: 30 },
  returnTimes: { thresholdMin: 10, acceptShare: 0.7 },
};

describe('seeded randomness', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(mulberry32(43)()).not.toBe(xs[0]);
    expect(hashSeed(7, 'arrivals', 0)).not.toBe(hashSeed(7, 'arrivals', 1));
  });

  it('samples with the asked-for means', () => {
    const r = mulberry32(1);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += lognormal(r, 4, 0.6);
    expect(sum / n).toBeGreaterThan(3.85);
    expect(sum / n).toBeLessThan(4.15);
    expect(poissonProcess(mulberry32(2), 1, 0, 10_000).length).toBeGreaterThan(9_700);
  });
});

describe('scenario files', () => {
  it('reports every problem with its path', () => {
    const result = parseScenario({ ...small, hours: 2, counters: [{ id: 'c1', services: ['Z'], open: [[0, 200]] }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('counters.0.services.0: unknown service "Z"');
    expect(result.message).toContain('counters.0.open.0: ends after the day (120 minutes)');
    expect(result.message).toContain('arrivals.0.to');
  });
});

describe('simulator', () => {
  it('is deterministic: the same seed gives the same day, another seed another', () => {
    const scenario = scenarioSchema.parse(small);
    const first = simulate(scenario);
    expect(simulate(scenario)).toEqual(first);
    const other = simulate({ ...scenario, seed: 4 });
    expect(other).not.toEqual(first);
    expect(first.tickets).toBe(generateCustomers(scenario).length);
    expect(first.served + first.abandoned + first.unservedAtClose).toBe(first.tickets);
  });

  it('reports every metric, for us and each baseline, with return times compared to none', () => {
    const report = simulate(scenarioSchema.parse(small));
    for (const score of [report, report.baselines.naive, report.baselines.littlesLaw, report.baselines.padded]) {
      expect(score.promiseKept).toBeGreaterThanOrEqual(0);
      expect(score.promiseKept).toBeLessThanOrEqual(1);
      expect(score.maeMin).toBeGreaterThanOrEqual(0);
      expect(score.actualOverPostedN).toBeGreaterThanOrEqual(0);
    }
    expect(report.withoutReturnTimes).toBeDefined();
    expect(report.served).toBeGreaterThan(0);
    // padding by 1.4 keeps at least as many promises as the naive estimate it pads
    expect(report.baselines.padded.promiseKept).toBeGreaterThanOrEqual(report.baselines.naive.promiseKept);
  });

  it("hands an oracle run the scenario's truth, and the estimator then uses it instead of what it learns", () => {
    const scenario = scenarioSchema.parse(small);
    const known = knownParameters(scenario);
    expect(known.hazardPerMin).toBeCloseTo(1 / 30, 12);
    expect(known.counterFactor).toEqual({ c1: 1, c2: 1 / 1.2 });
    expect(known.serviceMin).toEqual({ A: { mean: 4, cv: 0.6 }, B: { mean: 8, cv: 0.5 } });
    // service A from 0 to 150 at 20 an hour: 80% ordinary, 20% gold (weight 1)
    const a = known.arrivals.filter((r) => r.serviceId === 'A');
    expect(a.map((r) => [r.weight, r.perMin])).toEqual([
      [0, (20 / 60) * 0.8],
      [1, (20 / 60) * 0.2],
    ]);
    expect(a[0]!.to - a[0]!.from).toBe(150 * MINUTE_MS);
    // a slow counter observed for A does not move the known model
    const est = createEstimatorState();
    est.serviceTimes.A = Array.from({ length: 40 }, () => ({ min: 20, counterId: 'c1' }));
    const models = knownParameterSource(known).serviceTimes(est, ['A']);
    expect(models.services.A!.mean).toBeCloseTo(4, 1);
    expect(models.counterFactor).toEqual({ c1: 1, c2: 1 / 1.2 });
    // the same day with the truth: same customers, scored against the same baselines
    const learning = simulate({ ...scenario, returnTimes: undefined });
    const oracle = simulate({ ...scenario, returnTimes: undefined }, { oracle: true });
    expect(oracle.tickets).toBe(learning.tickets);
    expect(oracle.baselines).toEqual(learning.baselines);
    expect(oracle.maeMin).not.toBe(learning.maeMin);
  });
});

describe('several seeds, pooled', () => {
  it('pools every customer of the days: the figures equal a hand computation over the per-seed runs', () => {
    const scenario = scenarioSchema.parse({ ...small, returnTimes: undefined });
    const pooled = simulateSeeds(scenario, 3);
    expect(pooled.seeds).toEqual([3, 1001, 1002]);
    const runs = pooled.seeds.map((seed) => simulateRun({ ...scenario, seed }));
    const oracles = pooled.seeds.map((seed) => simulateRun({ ...scenario, seed }, { oracle: true }));
    expect(pooled.perSeed.map(({ seed: _s, scored: _n, oracle: _o, ...r }) => r)).toEqual(runs.map((r) => r.report));
    const records = runs.flatMap((r) => r.records);
    let kept = 0;
    let absError = 0;
    let actualLong = 0;
    let postedLong = 0;
    let nLong = 0;
    for (const r of records) {
      const posted = r.ours.postedMin;
      if (posted !== null && r.actualMin <= posted + 1 / 60) kept += 1;
      if (posted !== null && posted >= 10) {
        actualLong += r.actualMin;
        postedLong += posted;
        nLong += 1;
      }
      absError += Math.abs(r.ours.pointMin - r.actualMin);
    }
    expect(pooled.scored).toBe(records.length);
    expect(pooled.tickets).toBe(runs.reduce((s, r) => s + r.report.tickets, 0));
    expect(pooled.served).toBe(runs.reduce((s, r) => s + r.report.served, 0));
    expect(pooled.promiseKept).toBeCloseTo(kept / records.length, 3);
    expect(pooled.maeMin).toBeCloseTo(absError / records.length, 3);
    expect(pooled.actualOverPostedN).toBe(nLong);
    expect(pooled.actualOverPosted).toBeCloseTo(actualLong / postedLong, 3);
    // a pooled share is the days' shares weighted by their customers, not their plain mean
    const weighted = pooled.perSeed.reduce((s, r) => s + r.promiseKept * r.scored, 0) / pooled.scored;
    expect(pooled.promiseKept).toBeCloseTo(weighted, 2);
    const oracleRecords = oracles.flatMap((r) => r.records);
    const oracleMae =
      oracleRecords.reduce((s, r) => s + Math.abs(r.ours.pointMin - r.actualMin), 0) / oracleRecords.length;
    expect(pooled.oracle.maeMin).toBeCloseTo(oracleMae, 3);
    // the frontier: each customer posted again with one weight; none tried by hand does better at the ratio
    const frontier = pooled.frontier.oracle!;
    let compared = 0;
    for (const longWaitWeight of [0, 0.01, 0.1, 1]) {
      const policy = { paddingPerMin: 0.01, longWaitRatio: 0.85, longWaitWeight, minLevel: 0.3 };
      const posts = oracleRecords.map((r) => ({
        r,
        p: r.ours.candidates ? pickPosted(r.ours.candidates, policy).postedMin : null,
      }));
      const long = posts.filter(({ p }) => p !== null && p >= 10);
      const ratio = long.reduce((s, { r }) => s + r.actualMin, 0) / long.reduce((s, { p }) => s + p!, 0);
      const keptShare = posts.filter(({ r, p }) => p !== null && r.actualMin <= p + 1 / 60).length / posts.length;
      if (ratio < 0.8) continue;
      compared += 1;
      expect(frontier.promiseKept).toBeGreaterThanOrEqual(Math.round(keptShare * 1000) / 1000);
    }
    expect(compared).toBeGreaterThan(1);
    expect(frontier.actualOverPosted ?? 1).toBeGreaterThanOrEqual(0.8);
  });

  it('writes the days one after another into one ticket log', () => {
    const scenario = scenarioSchema.parse({ ...small, returnTimes: undefined, hours: 3 });
    const days: number[][] = [];
    const pooled = simulateSeeds(scenario, 2, { onLog: (rows) => days.push(rows.map((r) => r.joined)) });
    expect(days.map((d) => d.length)).toEqual(pooled.perSeed.map((r) => r.tickets));
    expect(Math.min(...days[1]!) - Math.min(...days[0]!)).toBeGreaterThan(20 * 60 * MINUTE_MS);
  });
});
