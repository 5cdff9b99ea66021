import { z } from 'zod';
import { slugSchema } from '../ids.ts';
import { languageSchema } from '../languages.ts';

const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is "HH:MM", e.g. "07:30"');

/** What a board may set about the calls it announces; unset parts come from the venue, then the defaults. */
const boardCallOptionsSchema = z.strictObject({
  /** Announcement languages in order (a bilingual board: ["ko", "en"]); default: the board's own language. */
  languages: z.array(languageSchema).min(1).max(3).optional(),
  /** 0..1 of the TV's volume. */
  volume: z.number().min(0).max(1).optional(),
  /** Local times (the venue's timezone) when calls are shown but not heard; "from" after "to" spans midnight. */
  quietHours: z.array(z.strictObject({ from: clockTimeSchema, to: clockTimeSchema })).optional(),
  /** "voice": chime, then the call spoken; "chime": the chime alone; "off": shown, never heard. */
  sound: z.enum(['voice', 'chime', 'off']).optional(),
  /** "clips": the recorded clips (built in, or the venue's own); "web-speech": the browser's system voices. */
  voice: z.enum(['clips', 'web-speech']).optional(),
  /** The venue's own recordings: a folder of that name in the hub's venue clips folder (same file names). */
  clipFolder: slugSchema.optional(),
  /** How many times each call is spoken. */
  repeat: z.number().int().min(1).max(3).optional(),
  /** Say the service's name too ("예금 A-042번"); with clips this needs service-<id> clips (docs/screens.md). */
  sayService: z.boolean().optional(),
});
export type BoardCallOptions = z.infer<typeof boardCallOptionsSchema>;

/** A venue's `calls`: options for all its boards, and per board (the board link's `board=<name>`) on top. */
export const callSettingsSchema = boardCallOptionsSchema
  .extend({ boards: z.record(slugSchema, boardCallOptionsSchema).default({}) })
  .prefault({});
export type CallSettings = z.infer<typeof callSettingsSchema>;
