import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario.ts';
import { simulate, type SimulationReport } from './simulator.ts';
import { ISSUE_TARGETS, missedTargets, type Targets } from './targets.ts';

/**
 * The shipped scenarios against issue 4's targets (README "Simulating a day"): promises kept
 * >= 0.90 with actual/posted >= 0.80 over waits posted at 10 minutes or more, point estimates
 * with at most 0.7 x the naive estimate's mean absolute error, and return times that at least
 * halve the physical queue while serving as many. Some figures are out of reach on their own day
 * (README): counter-closes' and return-times' actual/posted, priority-heavy's promises kept (by
 * one promise) and MAE; for those the test holds the estimator to what it reaches and to beating
 * the baselines, so a regression still shows. How often the targets are met over many days, seen
 * and unseen, is measured by `npm run bench -- estimator`, not asserted here.
 */

function run(name: string): SimulationReport {
  const parsed = parseScenario(JSON.parse(readFileSync(new URL(`../../bench/scenarios/${name}.json`, import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.message);
  return simulate(parsed.scenario);
}

/** Every target met, but those relaxed in `except`; a miss is named with the day's figures. */
function expectTargets(r: SimulationReport, except: Partial<Targets> = {}) {
  const { promiseKept, actualOverPosted, maeMin, baselines, peakPhysicalQueue, withoutReturnTimes } = r;
  expect({ missed: missedTargets(r, { ...ISSUE_TARGETS, ...except }), promiseKept, actualOverPosted, maeMin, naiveMaeMin: baselines.naive.maeMin, peakPhysicalQueue, withoutReturnTimes }).toMatchObject({ missed: [] });
}

describe('shipped scenarios', () => {
  for (const name of ['steady', 'lunch-rush', 'mixed-services']) {
    it(`${name} meets every target`, () => expectTargets(run(name)));
  }

  it('counter-closes meets the targets but actual/posted (9 long waits), which beats every baseline', () => {
    const r = run('counter-closes');
    expectTargets(r, { actualOverPosted: 0.72 });
    for (const baseline of Object.values(r.baselines)) expect(r.actualOverPosted!).toBeGreaterThan(baseline.actualOverPosted!);
  });

  it('return-times halves the physical queue, serves more, keeps its promises, and pads less than any baseline', () => {
    const r = run('return-times');
    expectTargets(r, { actualOverPosted: 0.77 });
    for (const baseline of Object.values(r.baselines)) expect(r.actualOverPosted!).toBeGreaterThan(baseline.actualOverPosted!);
  });

  it('priority-heavy keeps more promises than any baseline with less padding than the padded one', () => {
    const r = run('priority-heavy');
    for (const baseline of Object.values(r.baselines)) expect(r.promiseKept).toBeGreaterThan(baseline.promiseKept);
    expect(r.promiseKept).toBeGreaterThanOrEqual(0.89);
    expect(r.actualOverPosted!).toBeGreaterThanOrEqual(0.8);
    expect(r.actualOverPosted!).toBeGreaterThan(r.baselines.padded.actualOverPosted!);
    expect(r.maeMin).toBeLessThanOrEqual(0.8 * r.baselines.naive.maeMin);
  });
});
