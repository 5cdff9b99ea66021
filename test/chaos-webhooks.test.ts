import { describe, it } from 'vitest';
import { useCleanups } from './support/cleanups.ts';
import { killHubDuringDeliveries } from './support/webhook-kill.ts';

describe('webhook deliveries when the hub is killed between a failed attempt and its retry', () => {
  const cleanups = useCleanups();

  it('delivers every task at least once, under one delivery id, after a SIGKILL and restart', async () => {
    await killHubDuringDeliveries('fail', cleanups);
  }, 120_000);
});
