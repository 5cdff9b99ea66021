import { rootLogger } from './root-logger.ts';
import { loadKioskConfig } from '../kiosk/config.ts';
import { KioskRuntime } from '../kiosk/runtime.ts';
import type { Command } from './cli.ts';
import { onShutdown } from './shutdown.ts';

export const runKioskCommand: Command = {
  summary: 'run a kiosk runtime: local store, sync to the hub, the screen API, devices',
  usage: `waitwell kiosk --config FILE [--hub URL] [--venue ID] [--device ID] [--token T] [--store FILE] [--port N]
                      [--simulate PRESSES_PER_MINUTE]
Environment: WAITWELL_HUB_URL, WAITWELL_VENUE_ID, WAITWELL_DEVICE_ID, WAITWELL_DEVICE_TOKEN, WAITWELL_KIOSK_STORE,
WAITWELL_KIOSK_PORT.`,
  options: {
    config: { type: 'string' },
    hub: { type: 'string' },
    venue: { type: 'string' },
    device: { type: 'string' },
    token: { type: 'string' },
    store: { type: 'string' },
    port: { type: 'string' },
    simulate: { type: 'string' },
  },
  async run(values) {
    const str = (key: string) => values[key] as string | undefined;
    const simulate = str('simulate');
    const config = loadKioskConfig({
      file: str('config'),
      overrides: {
        hubUrl: str('hub'),
        venueId: str('venue'),
        deviceId: str('device'),
        token: str('token'),
        store: str('store'),
        localPort: str('port') === undefined ? undefined : Number(str('port')),
        simulate: simulate === undefined ? undefined : { pressesPerMinute: Number(simulate) },
      },
    });
    const log = rootLogger({ device: config.deviceId });
    const runtime = new KioskRuntime(config, { log });
    await runtime.start();
    onShutdown(async () => {
      const { outbox } = runtime.status();
      await runtime.stop();
      log.info({ outbox }, `stopped; ${outbox} event(s) wait in the outbox for the next start`);
    });
  },
};
