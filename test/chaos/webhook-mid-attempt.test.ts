import { describe } from 'vitest';
import { test } from '../support/test-fixtures.ts';
import { killHubDuringDeliveries } from '../support/webhook-kill.ts';

/** Chaos tier only: the dead hub's claim on its deliveries lapses after the outbox's one-minute lease. */
describe('webhook deliveries when the hub is killed in the middle of an attempt', () => {
  test("delivers every task at least once, under one delivery id, once the dead hub's claim lapses", async ({
    cleanups,
  }) => {
    await killHubDuringDeliveries('hold', cleanups);
  }, 240_000);
});
