import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, type Scenario } from './scenario.ts';
import { simulateSeeds, type PooledReport } from './seeds.ts';
import { simulate, type SimulationReport } from './simulator.ts';
import { ISSUE_TARGETS, missedTargets, type Targets } from './targets.ts';

/**
 * The shipped scenarios against the posted-wait targets (docs/queues.md "Simulating a day"): promises kept
 * >= 0.90 with actual/posted >= 0.80 over waits posted at 10 minutes or more, point estimates
 * with at most 0.7 x the naive estimate's mean absolute error, and return times that at least
 * halve the physical queue while serving as many. Two figures are out of reach on their own day
 * (docs/queues.md "Simulating a day"): counter-closes' actual/posted (eight long waits) and priority-heavy's
 * MAE, which an estimator handed the simulation's true parameters misses too
 * (`npm run bench -- estimator` runs it beside, "oracle"); for those the test holds the estimator to what it
 * reaches and to beating the baselines, so a regression still shows. How often the targets are
 * met over many days, seen and unseen, is measured by `npm run bench -- estimator`, not asserted here.
 */

function scenarioNamed(name: string): Scenario {
  const parsed = parseScenario(
    JSON.parse(readFileSync(new URL(`../../bench/scenarios/${name}.json`, import.meta.url), 'utf8')),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.scenario;
}

const run = (name: string): SimulationReport => simulate(scenarioNamed(name));

/** Every target met, but those relaxed in `except`; a miss is named with the day's figures. */
function expectTargets(r: SimulationReport | PooledReport, except: Partial<Targets> = {}) {
  const { promiseKept, actualOverPosted, maeMin, baselines, peakPhysicalQueue, withoutReturnTimes } = r;
  expect({
    missed: missedTargets(r, { ...ISSUE_TARGETS, ...except }),
    promiseKept,
    actualOverPosted,
    maeMin,
    naiveMaeMin: baselines.naive.maeMin,
    peakPhysicalQueue,
    withoutReturnTimes,
  }).toMatchObject({ missed: [] });
}

describe('shipped scenarios', () => {
  for (const name of ['steady', 'lunch-rush', 'mixed-services']) {
    it(`${name} meets every target`, () => expectTargets(run(name)));
  }

  it('return-times, pooled over 8 seeds, meets every target: halves the physical queue, serves more, pads less', () => {
    const r = simulateSeeds(scenarioNamed('return-times'), 8);
    expectTargets(r);
    for (const baseline of Object.values(r.baselines))
      expect(r.actualOverPosted!).toBeGreaterThan(baseline.actualOverPosted!);
  }, 180_000); // sixteen simulated days (eight with the true parameters): about 15 s of one core

  it('counter-closes meets the targets but actual/posted (eight long waits), which beats every baseline', () => {
    const r = run('counter-closes');
    expectTargets(r, { actualOverPosted: 0.7 });
    for (const baseline of Object.values(r.baselines))
      expect(r.actualOverPosted!).toBeGreaterThan(baseline.actualOverPosted!);
  });

  it('priority-heavy meets the targets but MAE, and keeps more promises than any baseline', () => {
    const r = run('priority-heavy');
    expectTargets(r, { maeRatio: 0.8 });
    for (const baseline of Object.values(r.baselines)) expect(r.promiseKept).toBeGreaterThan(baseline.promiseKept);
    expect(r.actualOverPosted!).toBeGreaterThan(r.baselines.padded.actualOverPosted!);
  });
});
