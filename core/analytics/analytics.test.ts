import { describe, expect, it } from 'vitest';
import { surpriseVsFeedback, touchpointReport, type ScoredMoment } from './report.ts';
import { expectationOfTarget, experienceOfPress, happyIndex, waitExperience, waitSurprise } from './scores.ts';
import { emptyMoments, addValue, welchT } from './stats.ts';

const moments = (values: number[]) => values.reduce((m, value) => addValue(m, value), emptyMoments());

describe('scores, on hand-computed cases', () => {
  it('maps presses onto the seeds’ scale (anger -5, displeasure -2, satisfaction +2, delight +5), configurable', () => {
    expect([1, 2, 3, 4].map((l) => experienceOfPress(l as 1 | 2 | 3 | 4))).toEqual([-5, -2, 2, 5]);
    expect(experienceOfPress(4, { 1: -4, 2: -1, 3: 1, 4: 4 })).toBe(4);
  });

  it('reads a target happy index as the experience expected on the same scale', () => {
    expect([-100, 0, 40, 100].map(expectationOfTarget)).toEqual([-5, 0, 2, 5]);
  });

  it('computes the happy index: 100 x (n4 + n3/2 - n2/2 - n1) / n', () => {
    expect(happyIndex({ 1: 1, 2: 1, 3: 1, 4: 1 })).toBe(0);
    expect(happyIndex({ 1: 1, 2: 0, 3: 0, 4: 3 })).toBe(50);
    expect(happyIndex({ 1: 0, 2: 0, 3: 2, 4: 0 })).toBe(50);
    expect(happyIndex({ 1: 4, 2: 0, 3: 0, 4: 0 })).toBe(-100);
    expect(happyIndex({ 1: 0, 2: 0, 3: 0, 4: 0 })).toBeNull();
  });

  it('scores the wait by its surprise: wins count half, broken promises in full, within -5..+5', () => {
    expect(waitSurprise(15, 11)).toBe(4);
    expect(waitExperience(4)).toBe(2);
    expect(waitExperience(0)).toBe(0);
    expect(waitExperience(-3)).toBe(-3);
    expect(waitExperience(20)).toBe(5);
    expect(waitExperience(-9)).toBe(-5);
  });

  it('computes Welch t: [1,2,3] against [4,5,6,7] is -3.5 / sqrt(1/3 + (5/3)/4)', () => {
    expect(welchT(moments([1, 2, 3]), moments([4, 5, 6, 7]))).toBeCloseTo(-3.5 / Math.sqrt(1 / 3 + 5 / 3 / 4), 10);
    expect(welchT(moments([1]), moments([4, 5]))).toBeNull();
    expect(welchT(moments([2, 2]), moments([2, 2]))).toBeNull();
  });
});

describe('the touchpoint x segment report', () => {
  // restroom: -4 -4 -2 (mean -10/3); counter: 4 4 2 2 4 (mean 3.2); exit: 0 1 (mean 0.5); venue mean 0.7.
  const fixture: ScoredMoment[] = [
    ...[-4, -4, -2].map((experience, i) => ({
      touchpointId: 'restroom',
      segmentId: i === 0 ? 'gold' : null,
      visit: i !== 2,
      at: i * 60_000,
      experience,
      level: (experience === -4 ? 1 : 2) as 1 | 2,
    })),
    ...[4, 4, 2, 2, 4].map((experience, i) => ({
      touchpointId: 'counter',
      segmentId: 'gold',
      visit: true,
      at: 3_600_000 + i,
      expected: 2,
      experience,
      level: (experience === 4 ? 4 : 3) as 3 | 4,
    })),
    ...[0, 1].map((experience, i) => ({ touchpointId: 'exit', segmentId: null, visit: true, at: i, experience })),
  ];

  it('gives volume, mean experience, happy index, trend and the baseline', () => {
    const report = touchpointReport(fixture, { minVolume: 3 });
    expect(report.baseline.volume).toBe(10);
    expect(report.baseline.meanExperience).toBeCloseTo(0.7, 10);
    const restroom = report.touchpoints.find((t) => t.touchpointId === 'restroom')!;
    expect(restroom).toMatchObject({ volume: 3, happyIndex: (100 * (-0.5 - 2)) / 3 });
    expect(restroom.meanExperience).toBeCloseTo(-10 / 3, 10);
    expect(restroom.trend).toEqual([{ from: 0, volume: 3, meanExperience: -10 / 3 }]);
    expect(report.touchpoints.find((t) => t.touchpointId === 'counter')!.happyIndex).toBeCloseTo(
      (100 * (3 + 1)) / 5,
      10,
    );
    // exit has no smiley levels (scored waits): no happy index rather than a made-up one.
    expect(report.touchpoints.find((t) => t.touchpointId === 'exit')!.happyIndex).toBeNull();
  });

  it('fills the touchpoint x segment heat map, unattributed apart from "no segment"', () => {
    const cells = touchpointReport(fixture).heatMap.map(({ touchpointId, segmentId, unattributed, volume }) => ({
      touchpointId,
      segmentId,
      unattributed,
      volume,
    }));
    expect(cells).toEqual([
      { touchpointId: 'counter', segmentId: 'gold', unattributed: false, volume: 5 },
      { touchpointId: 'exit', segmentId: null, unattributed: false, volume: 2 },
      { touchpointId: 'restroom', segmentId: null, unattributed: false, volume: 1 },
      { touchpointId: 'restroom', segmentId: 'gold', unattributed: false, volume: 1 },
      { touchpointId: 'restroom', segmentId: null, unattributed: true, volume: 1 },
    ]);
  });

  it('shows experience, expectation and their difference side by side where an expectation exists', () => {
    const report = touchpointReport(fixture);
    const counter = report.touchpoints.find((t) => t.touchpointId === 'counter')!;
    // 4 4 2 2 4 against an expected +2: mean 3.2, satisfaction +1.2.
    expect(counter.expectation!.volume).toBe(5);
    expect(counter.expectation!.meanExperience).toBeCloseTo(3.2, 10);
    expect(counter.expectation!.meanExpected).toBe(2);
    expect(counter.expectation!.meanSatisfaction).toBeCloseTo(1.2, 10);
    expect(report.touchpoints.find((t) => t.touchpointId === 'exit')!.expectation).toBeNull();
  });

  it('names pain points and sweet spots by Welch t and minimum volume, and ranks moments of truth by impact', () => {
    const report = touchpointReport(fixture, { minVolume: 3 });
    expect(report.painPoints.map((p) => p.touchpointId)).toEqual(['restroom']);
    expect(report.painPoints[0]!.t).toBeCloseTo(-6.368421, 5);
    expect(report.sweetSpots.map((p) => p.touchpointId)).toEqual(['counter']);
    expect(report.sweetSpots[0]!.t).toBeCloseTo(4.419417, 5);
    // impact = volume x (mean - 0.7): counter 12.5, restroom -12.1, exit -0.4
    expect(report.mots.map((m) => [m.touchpointId, Number(m.impact.toFixed(6))])).toEqual([
      ['counter', 12.5],
      ['restroom', -12.1],
      ['exit', -0.4],
    ]);
    // Too few moments to be believed: no pain point, however bad.
    expect(touchpointReport(fixture, { minVolume: 4 }).painPoints).toEqual([]);
  });
});

describe('wait surprise', () => {
  it('relates wait surprise to the feedback that follows', () => {
    const rows = surpriseVsFeedback([
      { surpriseMin: -12, experience: -4 },
      { surpriseMin: -1, experience: -2 },
      { surpriseMin: 0, experience: 2 },
      { surpriseMin: 4, experience: 4 },
      { surpriseMin: 11, experience: 4 },
    ]);
    expect(rows.map((r) => [r.from, r.to, r.volume, r.meanExperience])).toEqual([
      [-Infinity, -10, 1, -4],
      [-10, -5, 0, null],
      [-5, 0, 1, -2],
      [0, 5, 2, 3],
      [5, 10, 0, null],
      [10, Infinity, 1, 4],
    ]);
  });
});
