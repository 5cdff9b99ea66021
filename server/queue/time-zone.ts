/**
 * A venue's offset from UTC at a moment, from its IANA zone ("Asia/Seoul" -> 540). Numbering
 * restarts at the venue's local midnight, so the offset is taken when the queue is (re)built;
 * an unknown zone falls back to UTC rather than stopping the hub, and says so.
 */
export function utcOffsetMinutes(
  timeZone: string,
  at: number,
  warn: (message: string) => void = () => undefined,
): number {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    warn(`unknown time zone "${timeZone}"; numbering restarts at midnight UTC until the venue's timezone is fixed`);
    return 0;
  }
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

const HOUR_MS = 3_600_000;

/**
 * A venue's offset from UTC at any moment, looked up once per hour (a report asks it for every
 * ticket and press; offsets change only on the hour or half hour).
 */
export function offsetsOf(timeZone: string): (at: number) => number {
  const cache = new Map<number, number>();
  return (at) => {
    const hour = Math.floor(at / HOUR_MS);
    let offset = cache.get(hour);
    if (offset === undefined) {
      offset = utcOffsetMinutes(timeZone, hour * HOUR_MS);
      cache.set(hour, offset);
    }
    return offset;
  };
}
