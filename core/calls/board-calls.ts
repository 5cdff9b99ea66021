import type { Language } from '../languages.ts';
import type { BoardCallOptions, CallSettings } from './call-settings.ts';

// Apart from the schema (call-settings.ts), so the board page decides its options without zod.

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
