import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { layerSettings } from '../core/settings.ts';

const hubConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(7400),
  /** 127.0.0.1 by default: a hub faces the venue's network only when told to (e.g. 0.0.0.0). */
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('data'),
  /** Where events live: a SQLite file path (default <dataDir>/hub.db). */
  store: z.string().min(1).optional(),
  /**
   * Several hubs for one chain: the Redis they share (redis://host:6379[?prefix=NAME]). Unset, the
   * hub runs alone. Hubs that share a Redis must share a PostgreSQL store too.
   */
  redis: z.string().min(1).optional(),
  /** The SMTP server weekly reports are e-mailed through (smtp://user:pass@host:587); unset: webhooks only. */
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//, 'an SMTP server is smtp://... or smtps://...')
    .optional(),
  /** The sender of those e-mails. */
  smtpFrom: z.string().min(3).default('waitwell@localhost'),
});

export type HubConfig = z.infer<typeof hubConfigSchema> & { store: string };

const ENVIRONMENT: Record<string, keyof z.infer<typeof hubConfigSchema>> = {
  WAITWELL_HUB_PORT: 'port',
  WAITWELL_HUB_HOST: 'host',
  WAITWELL_DATA_DIR: 'dataDir',
  WAITWELL_STORE: 'store',
  WAITWELL_REDIS: 'redis',
  WAITWELL_SMTP_URL: 'smtpUrl',
  WAITWELL_SMTP_FROM: 'smtpFrom',
};

/** Defaults < config file < environment < command line. */
export function loadHubConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}): HubConfig {
  let file: Record<string, unknown> = {};
  if (options.file) {
    try {
      file = JSON.parse(readFileSync(options.file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`cannot use hub configuration file ${options.file}: ${(error as Error).message}`);
    }
  }
  const settings = layerSettings(hubConfigSchema, {
    what: 'hub configuration',
    file,
    env: options.env ?? process.env,
    envKeys: ENVIRONMENT,
    numericKeys: ['port'],
    flags: options.overrides,
  });
  return { ...settings, store: settings.store ?? join(settings.dataDir, 'hub.db') };
}
