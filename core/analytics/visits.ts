/**
 * Visits (domain.md point 4): a visit is one ticket's journey through the venue, its wait plus
 * every press that can honestly be tied to it, in time order. Honestly means a rule that names
 * one ticket, never a guess between several:
 * - kiosk: the first press at a "before" touchpoint on the kiosk that issued the ticket, soon after;
 * - counter: a press at a counter's box after that counter served the ticket, before its next
 *   service and within the window;
 * - exit: a press at an "after" touchpoint when exactly one ticket was served within the window
 *   before it (and that ticket has no exit press yet);
 * - phone: the after-visit rating names its ticket itself.
 * Any other press is unattributed: it belongs to no visit, which is not the same as a visit with
 * no segment.
 */

export interface VisitTicket {
  segmentId: string | null;
  /** The kiosk (device id) that issued it, if a kiosk did. */
  kioskId: string | null;
  issuedAt: number;
  servedAt: number | null;
  /** The counter that served it. */
  counterId: string | null;
}

export interface VisitPress {
  at: number;
  touchpointId: string;
  /** The kiosk that recorded the press (the button box's host). */
  deviceId: string;
}

export interface VisitRules {
  /** Touchpoint -> the counter whose box it is. */
  counterOfTouchpoint: ReadonlyMap<string, string>;
  /** "before" touchpoints: a press there on the kiosk that just issued a ticket is that ticket's holder. */
  kioskTouchpoints: ReadonlySet<string>;
  /** "after" touchpoints where people leave (not the phone's). */
  exitTouchpoints: ReadonlySet<string>;
  /** After a service: how long the counter's box and the exit still speak for that ticket (inclusive). */
  windowMs: number;
  /** After a ticket is taken: how long the kiosk's box speaks for it (inclusive). */
  kioskWindowMs: number;
}

/** No visit: the press is unattributed. */
export const UNATTRIBUTED = -1;

/** Sorted times with the index of the ticket at each. */
interface Timeline {
  at: number[];
  ticket: number[];
}

function timeline(entries: { at: number; ticket: number }[]): Timeline {
  entries.sort((a, b) => a.at - b.at || a.ticket - b.ticket);
  return { at: entries.map((e) => e.at), ticket: entries.map((e) => e.ticket) };
}

/** Index of the first time > t (so index - 1 is the last time <= t). */
function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first time >= t. */
function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function grouped(
  tickets: readonly VisitTicket[],
  keyOf: (t: VisitTicket) => string | null,
  atOf: (t: VisitTicket) => number | null,
) {
  const groups = new Map<string, { at: number; ticket: number }[]>();
  tickets.forEach((ticket, i) => {
    const key = keyOf(ticket);
    const at = atOf(ticket);
    if (key === null || at === null) return;
    const list = groups.get(key) ?? [];
    list.push({ at, ticket: i });
    groups.set(key, list);
  });
  return new Map([...groups].map(([key, list]) => [key, timeline(list)]));
}

/**
 * The order to walk the presses in: their own when the presses of each `orderOf` key already
 * come oldest first (as the store reads them, window by window), else by time.
 */
function timeOrder(presses: readonly VisitPress[], orderOf: (press: VisitPress) => string): number[] | null {
  const last = new Map<string, number>();
  for (const press of presses) {
    const rule = orderOf(press);
    if (rule !== '' && press.at < (last.get(rule) ?? Number.NEGATIVE_INFINITY))
      return presses.map((_, j) => j).sort((a, b) => presses[a]!.at - presses[b]!.at || a - b);
    last.set(rule, press.at);
  }
  return null;
}

/**
 * The visit (ticket index) each press joins, or UNATTRIBUTED, by the rules above. Each press joins
 * at most one visit by construction: the touchpoint decides which single rule may claim it.
 */
export function attributeToVisits(
  presses: readonly VisitPress[],
  tickets: readonly VisitTicket[],
  rules: VisitRules,
): Int32Array {
  const owner = new Int32Array(presses.length).fill(UNATTRIBUTED);
  const byCounter = grouped(
    tickets,
    (t) => t.counterId,
    (t) => t.servedAt,
  );
  const byKiosk = grouped(
    tickets,
    (t) => t.kioskId,
    (t) => t.issuedAt,
  );
  const served = timeline(
    tickets.flatMap((t, i) => (t.servedAt === null || t.counterId === null ? [] : [{ at: t.servedAt, ticket: i }])),
  );
  const hasKioskPress = new Uint8Array(tickets.length);
  const hasExitPress = new Uint8Array(tickets.length);
  // Counter presses need no order; a kiosk's presses, and the exits', are walked oldest first.
  const order = timeOrder(presses, (press) =>
    rules.counterOfTouchpoint.has(press.touchpointId)
      ? ''
      : rules.kioskTouchpoints.has(press.touchpointId)
        ? `kiosk\u0000${press.deviceId}`
        : 'exit',
  );
  for (let k = 0; k < presses.length; k += 1) {
    const i = order ? order[k]! : k;
    const press = presses[i]!;
    const counterId = rules.counterOfTouchpoint.get(press.touchpointId);
    if (counterId !== undefined) {
      const line = byCounter.get(counterId);
      const last = line ? upperBound(line.at, press.at) - 1 : -1;
      if (line && last >= 0 && press.at - line.at[last]! <= rules.windowMs) owner[i] = line.ticket[last]!;
    } else if (rules.kioskTouchpoints.has(press.touchpointId)) {
      const line = byKiosk.get(press.deviceId);
      const last = line ? upperBound(line.at, press.at) - 1 : -1;
      if (!line || last < 0 || press.at - line.at[last]! > rules.kioskWindowMs) continue;
      const ticket = line.ticket[last]!;
      if (hasKioskPress[ticket]) continue;
      hasKioskPress[ticket] = 1;
      owner[i] = ticket;
    } else if (rules.exitTouchpoints.has(press.touchpointId)) {
      const first = lowerBound(served.at, press.at - rules.windowMs);
      const end = upperBound(served.at, press.at);
      if (end - first !== 1) continue;
      const ticket = served.ticket[first]!;
      if (hasExitPress[ticket]) continue;
      hasExitPress[ticket] = 1;
      owner[i] = ticket;
    }
  }
  return owner;
}

/** Presses at these touchpoints in [from, to), on one kiosk where it names one. */
export interface PressWindow {
  touchpointIds: readonly string[];
  from: number;
  to: number;
  deviceId?: string;
}

/** Inclusive [from, to] intervals merged where they touch, as half-open windows. */
function mergedWindows(
  intervals: [number, number][],
  touchpointIds: readonly string[],
  deviceId?: string,
): PressWindow[] {
  if (touchpointIds.length === 0) return [];
  intervals.sort((a, b) => a[0] - b[0]);
  const windows: PressWindow[] = [];
  let last: PressWindow | undefined;
  for (const [from, through] of intervals) {
    if (last && from <= last.to) last.to = Math.max(last.to, through + 1);
    else {
      last = { touchpointIds, from, to: through + 1, ...(deviceId === undefined ? {} : { deviceId }) };
      windows.push(last);
    }
  }
  return windows;
}

/**
 * Every press attributeToVisits could claim lies in one of these windows (and a press in none
 * stays unattributed), so the store reads one by one only these and counts the rest: a counter's
 * box after its services, each kiosk's boxes after it issued a ticket, the exits only where
 * exactly one service lies in the window before. Windows of one rule and kiosk never overlap.
 */
export function claimableWindows(tickets: readonly VisitTicket[], rules: VisitRules): PressWindow[] {
  const windows: PressWindow[] = [];
  const served = tickets.filter((t) => t.servedAt !== null && t.counterId !== null);
  const counterTouchpoints = new Map<string, string[]>();
  for (const [touchpointId, counterId] of rules.counterOfTouchpoint)
    counterTouchpoints.set(counterId, [...(counterTouchpoints.get(counterId) ?? []), touchpointId]);
  for (const [counterId, touchpointIds] of counterTouchpoints) {
    const services = served.filter((t) => t.counterId === counterId);
    const intervals = services.map((t): [number, number] => [t.servedAt!, t.servedAt! + rules.windowMs]);
    for (const window of mergedWindows(intervals, touchpointIds)) windows.push(window);
  }
  const issued = new Map<string, [number, number][]>();
  for (const t of tickets) {
    if (t.kioskId === null) continue;
    let intervals = issued.get(t.kioskId);
    if (!intervals) {
      intervals = [];
      issued.set(t.kioskId, intervals);
    }
    intervals.push([t.issuedAt, t.issuedAt + rules.kioskWindowMs]);
  }
  for (const [kioskId, intervals] of issued)
    for (const window of mergedWindows(intervals, [...rules.kioskTouchpoints], kioskId)) windows.push(window);
  const times = served.map((t) => t.servedAt!).sort((a, b) => a - b);
  const alone: [number, number][] = [];
  for (let i = 0; i < times.length; i += 1) {
    const from = Math.max(times[i]!, i > 0 ? times[i - 1]! + rules.windowMs + 1 : Number.NEGATIVE_INFINITY);
    const through = Math.min(
      times[i]! + rules.windowMs,
      i + 1 < times.length ? times[i + 1]! - 1 : Number.POSITIVE_INFINITY,
    );
    if (from <= through) alone.push([from, through]);
  }
  for (const window of mergedWindows(alone, [...rules.exitTouchpoints])) windows.push(window);
  return windows;
}

export interface VisitMoment {
  at: number;
  experience: number;
  touchpointId: string;
}

export interface PeakEnd {
  moments: number;
  average: number;
  /** The most extreme moment (largest |experience|; the later one on a tie), whatever its stage. */
  peak: number;
  peakTouchpointId: string;
  /** The last moment, whatever its stage. */
  end: number;
  endTouchpointId: string;
  /** Kahneman's peak-end score: (peak + end) / 2, what people remember. */
  peakEnd: number;
}

/** Peak-end rule beside the plain average for one visit; null for a visit with no moment. */
export function peakEnd(moments: readonly VisitMoment[]): PeakEnd | null {
  if (moments.length === 0) return null;
  const ordered = [...moments].sort((a, b) => a.at - b.at);
  let peak = ordered[0]!;
  for (const moment of ordered) if (Math.abs(moment.experience) >= Math.abs(peak.experience)) peak = moment;
  const end = ordered[ordered.length - 1]!;
  const average = ordered.reduce((sum, m) => sum + m.experience, 0) / ordered.length;
  return {
    moments: ordered.length,
    average,
    peak: peak.experience,
    peakTouchpointId: peak.touchpointId,
    end: end.experience,
    endTouchpointId: end.touchpointId,
    peakEnd: (peak.experience + end.experience) / 2,
  };
}
