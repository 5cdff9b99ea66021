import { describe, expect, it } from 'vitest';
import { RelaunchPolicy, runtimeIsStale } from './relaunch-policy.ts';

describe('relaunch policy', () => {
  it('reloads a crashed renderer, and relaunches when reloading keeps failing', () => {
    const policy = new RelaunchPolicy({ windowMs: 600_000, maxReloads: 3, unresponsiveGraceMs: 15_000 });
    expect(policy.onFailure('render-process-gone', 0)).toEqual({ action: 'reload', delayMs: 0 });
    expect(policy.onFailure('unresponsive', 1000)).toEqual({ action: 'reload', delayMs: 15_000 });
    expect(policy.onFailure('render-process-gone', 2000)).toEqual({ action: 'reload', delayMs: 0 });
    expect(policy.onFailure('render-process-gone', 3000)).toMatchObject({
      action: 'relaunch',
      reason: expect.stringContaining('4 renderer failures'),
    });
  });

  it('forgets failures older than its window', () => {
    const policy = new RelaunchPolicy({ windowMs: 60_000, maxReloads: 1, unresponsiveGraceMs: 0 });
    expect(policy.onFailure('render-process-gone', 0).action).toBe('reload');
    expect(policy.onFailure('render-process-gone', 61_000).action).toBe('reload');
    expect(policy.onFailure('render-process-gone', 62_000).action).toBe('relaunch');
  });

  it('backs off reloading a screen that is not up yet', () => {
    const policy = new RelaunchPolicy({ windowMs: 600_000, maxReloads: 10, unresponsiveGraceMs: 0 });
    expect([0, 1, 2, 3].map((i) => (policy.onFailure('load-failed', i) as { delayMs: number }).delayMs)).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('calls a kiosk runtime stale when its heartbeat stops', () => {
    expect(runtimeIsStale(0, 29_000)).toBe(false);
    expect(runtimeIsStale(0, 31_000)).toBe(true);
  });
});
