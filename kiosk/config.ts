import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_BACKOFF } from '../core/backoff.ts';
import { slugSchema } from '../core/ids.ts';
import { layerSettings } from '../core/settings.ts';
import { devicesSchema, repeatPressSchema } from './device-config.ts';

export const kioskConfigSchema = z.strictObject({
  hubUrl: z.url({ protocol: /^https?$/ }),
  venueId: slugSchema,
  deviceId: slugSchema,
  token: z.string().min(1, 'the device token printed when the kiosk was registered on the hub'),
  /** The kiosk's own SQLite file: its durable event log and outbox. */
  store: z.string().min(1),
  /** Port of the local API the kiosk screen talks to (127.0.0.1 only); 0 picks a free one. */
  localPort: z.number().int().min(0).max(65535).default(0),
  sync: z
    .strictObject({
      maxBatchEvents: z.number().int().positive().max(2000).default(1000),
      maxInFlight: z.number().int().positive().max(16).default(4),
      ackTimeoutMs: z.number().int().positive().default(10_000),
      /** How long a take is asked of the hub (same ticket id) before it is issued offline (docs/queues.md). */
      takeDeadlineMs: z.number().int().positive().max(60_000).default(4000),
      /** The longest pause between two attempts to reach the hub (they start at 250 ms and double). */
      retryMaxMs: z.number().int().min(250).max(300_000).default(DEFAULT_BACKOFF.maxMs),
    })
    .prefault({}),
  /** Button boxes, printers and displays attached to this kiosk (kiosk/device-config.ts). */
  devices: devicesSchema,
  /** When repeated presses on one device are flagged as misuse (kept, left out of scores). */
  repeatPress: repeatPressSchema,
  /** The kiosk's own screen (renderer/kiosk, served by the local API at /). */
  screen: z
    .strictObject({
      /** The touchpoint whose smileys the screen shows; without one the screen only issues tickets. */
      touchpointId: slugSchema.optional(),
      /** Services offered here, in order; empty: all of the venue's. */
      services: z.array(slugSchema).default([]),
      /** Opens the staff panel (device status, test print, reload); 4-8 digits. No PIN: no panel. */
      adminPin: z
        .string()
        .regex(/^\d{4,8}$/, 'the admin PIN is 4 to 8 digits')
        .optional(),
      /** An untouched screen goes back to idle after this long. */
      idleSeconds: z.number().int().min(5).max(600).default(45),
    })
    .prefault({}),
  /** A simulated feedback source, for demos before real buttons are attached. */
  simulate: z
    .strictObject({
      pressesPerMinute: z.number().positive(),
      touchpoints: z.array(slugSchema).min(1).optional(),
    })
    .optional(),
});

export type KioskConfig = z.infer<typeof kioskConfigSchema>;
export type KioskConfigInput = z.input<typeof kioskConfigSchema>;

/** Environment variables that override the file, for containers and systemd units. */
const ENVIRONMENT: Record<string, keyof KioskConfig> = {
  WAITWELL_HUB_URL: 'hubUrl',
  WAITWELL_VENUE_ID: 'venueId',
  WAITWELL_DEVICE_ID: 'deviceId',
  WAITWELL_DEVICE_TOKEN: 'token',
  WAITWELL_KIOSK_STORE: 'store',
  WAITWELL_KIOSK_PORT: 'localPort',
};

/** Defaults < config file < environment < command line. Errors say which setting is wrong. */
export function loadKioskConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Partial<KioskConfigInput>;
}): KioskConfig {
  return layerSettings(kioskConfigSchema, {
    what: `kiosk configuration${options.file ? ` (file ${options.file}, environment, command line)` : ''}`,
    file: options.file ? readJsonFile(options.file) : {},
    env: options.env ?? process.env,
    envKeys: ENVIRONMENT,
    numericKeys: ['localPort'],
    flags: options.overrides,
  });
}

function readJsonFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read configuration file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`configuration file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
