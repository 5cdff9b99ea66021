import { describe } from 'vitest';
import { test } from './support/test-fixtures.ts';
import { killHubDuringDeliveries } from './support/webhook-kill.ts';

describe('webhook deliveries when the hub is killed between a failed attempt and its retry', () => {
  test('delivers every task at least once, under one delivery id, after a SIGKILL and restart', async ({
    cleanups,
  }) => {
    await killHubDuringDeliveries('fail', cleanups);
  }, 120_000);
});
