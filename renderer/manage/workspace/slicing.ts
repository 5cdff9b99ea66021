/**
 * The workspace's view as a URL: which page, which venue days, which filters, compared with what.
 * Everything lives in the query string, so a link reproduces the view exactly.
 */

export const WORKSPACE_PAGES = [
  'overview',
  'journey',
  'mots',
  'pain',
  'sweet',
  'heatmap',
  'peakend',
  'reasons',
  'waits',
  'tasks',
  'compare',
] as const;
export type WorkspacePage = (typeof WORKSPACE_PAGES)[number];

export const PRESETS = ['today', 'yesterday', 'week', 'last7', 'last30', 'custom'] as const;
type Preset = (typeof PRESETS)[number];

export const STAGES = ['before', 'during', 'after'] as const;
export type Stage = (typeof STAGES)[number];

export interface Slice {
  page: WorkspacePage;
  preset: Preset;
  /** Venue days, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  segment: string | null;
  stage: Stage | null;
  touchpoint: string | null;
  compare: boolean;
  /** Heat map colour: happy index or mean experience. */
  metric: 'happy' | 'mean';
  /** Another venue to compare with (Compare page, for managers of several venues). */
  against: string | null;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today in a time zone, YYYY-MM-DD. */
export function venueToday(timeZone: string | undefined, now: number): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      now,
    );
  } catch {
    return new Date(now).toISOString().slice(0, 10);
  }
}

/** A calendar day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function dayCount(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The days a preset covers, in the venue's calendar; weeks start on Monday (ISO 8601). */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'week': {
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
      return { from: addDays(today, -weekday), to: today };
    }
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
  }
}

/** The period just before, as long as this one (what "compare with the previous period" means). */
export function previousRange(range: { from: string; to: string }): { from: string; to: string } {
  const days = dayCount(range.from, range.to);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

const oneOf = <T extends string>(list: readonly T[], value: string | null): T | null =>
  (list as readonly string[]).includes(value ?? '') ? (value as T) : null;

/** Reads the view from a query string; what is missing or malformed falls back to today, unfiltered. */
export function parseSlice(search: string, today: string): Slice {
  const q = new URLSearchParams(search);
  const get = (name: string) => q.get(name) || null;
  let preset = oneOf(PRESETS, get('range')) ?? 'today';
  let from = get('from');
  let to = get('to');
  if (preset !== 'custom' || !from || !to || !DAY.test(from) || !DAY.test(to) || from > to) {
    if (preset === 'custom') preset = 'today';
    ({ from, to } = presetRange(preset as Exclude<Preset, 'custom'>, today));
  }
  return {
    page: oneOf(WORKSPACE_PAGES, get('page')) ?? 'overview',
    preset,
    from,
    to,
    segment: get('segment'),
    stage: oneOf(STAGES, get('stage')),
    touchpoint: get('touchpoint'),
    compare: get('compare') === 'previous',
    metric: get('metric') === 'mean' ? 'mean' : 'happy',
    against: get('against'),
  };
}

/** The query string of a view (the venue and language kept as they are). */
export function sliceSearch(slice: Slice, keep: { venue: string; lang: string }): string {
  const q = new URLSearchParams({ venue: keep.venue, lang: keep.lang, page: slice.page, range: slice.preset });
  if (slice.preset === 'custom') {
    q.set('from', slice.from);
    q.set('to', slice.to);
  }
  if (slice.segment) q.set('segment', slice.segment);
  if (slice.stage) q.set('stage', slice.stage);
  if (slice.touchpoint) q.set('touchpoint', slice.touchpoint);
  if (slice.compare) q.set('compare', 'previous');
  if (slice.metric !== 'happy') q.set('metric', slice.metric);
  if (slice.against) q.set('against', slice.against);
  return `?${q.toString()}`;
}
