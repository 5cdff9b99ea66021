import { describe, it } from 'vitest';
import { useCleanups } from '../support/cleanups.ts';
import { killHubDuringDeliveries } from '../support/webhook-kill.ts';

/** Chaos tier only: the dead hub's claim on its deliveries lapses after the outbox's one-minute lease. */
describe('webhook deliveries when the hub is killed in the middle of an attempt', () => {
  const cleanups = useCleanups();

  it("delivers every task at least once, under one delivery id, once the dead hub's claim lapses", async () => {
    await killHubDuringDeliveries('hold', cleanups);
  }, 240_000);
});
