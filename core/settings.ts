import type { z } from 'zod';
import { describeZodIssues } from './zod-errors.ts';

/**
 * Configuration layering shared by the hub and the kiosk: defaults < file < environment <
 * command line. Pure: the caller reads the file and passes the environment in.
 */
export function layerSettings<S extends z.ZodType>(
  schema: S,
  layers: {
    what: string;
    file?: Record<string, unknown>;
    env: Record<string, string | undefined>;
    /** Environment variable -> setting, and which settings are numbers. */
    envKeys: Record<string, string>;
    numericKeys?: readonly string[];
    flags?: Record<string, unknown>;
  },
): z.output<S> {
  const fromEnv: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(layers.envKeys)) {
    const value = layers.env[variable];
    if (value !== undefined && value !== '') fromEnv[key] = layers.numericKeys?.includes(key) ? Number(value) : value;
  }
  const fromFlags = Object.fromEntries(Object.entries(layers.flags ?? {}).filter(([, value]) => value !== undefined));
  const result = schema.safeParse({ ...layers.file, ...fromEnv, ...fromFlags });
  if (!result.success) {
    throw new Error(`${layers.what} is not valid:\n  - ${describeZodIssues(result.error, '\n  - ')}`);
  }
  return result.data;
}
