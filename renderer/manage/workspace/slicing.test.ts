import { describe, expect, it } from 'vitest';
import { dayCount, parseSlice, presetRange, previousRange, sliceSearch, venueToday } from './slicing.ts';

describe('the workspace view in the URL', () => {
  it("names presets in the venue's calendar, weeks from Monday", () => {
    // 00:30 on Saturday 5 December 2026 in Seoul is still Friday the 4th in UTC.
    expect(venueToday('Asia/Seoul', Date.UTC(2026, 11, 4, 15, 30))).toBe('2026-12-05');
    expect(venueToday('UTC', Date.UTC(2026, 11, 4, 15, 30))).toBe('2026-12-04');
    const today = '2026-12-05';
    expect(presetRange('today', today)).toEqual({ from: today, to: today });
    expect(presetRange('yesterday', today)).toEqual({ from: '2026-12-04', to: '2026-12-04' });
    expect(presetRange('week', today)).toEqual({ from: '2026-11-30', to: today });
    expect(presetRange('week', '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(presetRange('last7', today)).toEqual({ from: '2026-11-29', to: today });
    expect(dayCount(presetRange('last30', today).from, today)).toBe(30);
  });

  it('compares with the period of the same length just before', () => {
    expect(previousRange({ from: '2026-12-01', to: '2026-12-07' })).toEqual({ from: '2026-11-24', to: '2026-11-30' });
    expect(previousRange({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ from: '2026-02-28', to: '2026-02-28' });
  });

  it('reads back what it wrote, and falls back to today on a malformed range', () => {
    const slice = parseSlice(
      '?page=heatmap&range=custom&from=2026-11-01&to=2026-11-15&segment=gold&stage=during&compare=previous&metric=mean',
      '2026-12-05',
    );
    expect(slice).toMatchObject({ page: 'heatmap', preset: 'custom', from: '2026-11-01', to: '2026-11-15' });
    expect(slice).toMatchObject({ segment: 'gold', stage: 'during', compare: true, metric: 'mean', touchpoint: null });
    expect(parseSlice(sliceSearch(slice, { venue: 'v', lang: 'ko' }), '2026-12-05')).toEqual(slice);
    const broken = parseSlice('?page=nope&range=custom&from=2026-11-15&to=2026-11-01&stage=inside', '2026-12-05');
    expect(broken).toMatchObject({ page: 'overview', preset: 'today', from: '2026-12-05', to: '2026-12-05' });
    expect(broken.stage).toBeNull();
  });
});
