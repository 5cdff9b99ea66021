import { z } from 'zod';
import { slugSchema } from '../ids.ts';
import { type Language, languageSchema } from '../languages.ts';

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
type BoardCallOptions = z.infer<typeof boardCallOptionsSchema>;

/** A venue's `calls`: options for all its boards, and per board (the board link's `board=<name>`) on top. */
export const callSettingsSchema = boardCallOptionsSchema
  .extend({ boards: z.record(slugSchema, boardCallOptionsSchema).default({}) })
  .prefault({});
export type CallSettings = z.infer<typeof callSettingsSchema>;

/** One board's call announcements, every option decided. */
export interface BoardCalls {
  languages: Language[];
  volume: number;
  quietHours: { from: string; to: string }[];
  sound: 'voice' | 'chime' | 'off';
  voice: 'clips' | 'web-speech';
  clipFolder: string | null;
  repeat: number;
  sayService: boolean;
}

/** The board named `board` (or any board when null): its options over the venue's over the defaults. */
export function boardCalls(
  settings: CallSettings | undefined,
  board: string | null,
  boardLanguage: Language,
): BoardCalls {
  const own: BoardCallOptions = (board !== null ? settings?.boards[board] : undefined) ?? {};
  const pick = <K extends keyof BoardCallOptions>(key: K): BoardCallOptions[K] => own[key] ?? settings?.[key];
  return {
    languages: pick('languages') ?? [boardLanguage],
    volume: pick('volume') ?? 1,
    quietHours: pick('quietHours') ?? [],
    sound: pick('sound') ?? 'voice',
    voice: pick('voice') ?? 'clips',
    clipFolder: pick('clipFolder') ?? null,
    repeat: pick('repeat') ?? 2,
    sayService: pick('sayService') ?? false,
  };
}

/** True when `at` falls in one of the quiet hours, read on the venue's clock (its IANA timezone). */
export function inQuietHours(quietHours: BoardCalls['quietHours'], at: number, timeZone: string): boolean {
  if (quietHours.length === 0) return false;
  const now = minuteOfDay(at, timeZone);
  return quietHours.some(({ from, to }) => {
    const start = clockMinutes(from);
    const end = clockMinutes(to);
    return start <= end ? now >= start && now < end : now >= start || now < end;
  });
}

function clockMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function minuteOfDay(at: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    // An unknown zone: the hub already warns about it (server/queue/time-zone.ts); read UTC meanwhile.
    return minuteOfDay(at, 'UTC');
  }
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}
