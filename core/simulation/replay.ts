import { estimateNewArrival, meanServiceMin } from '../estimator/estimate.ts';
import { createEstimatorState, observe, type EstimatorConfig, type EstimatorState } from '../estimator/state.ts';
import { apply, decide, emptyQueueState } from '../queue/engine.ts';
import { createQueueRules } from '../queue/rules.ts';
import type { QueueCommand, QueueState, Ticket } from '../queue/types.ts';
import { MINUTE_MS } from '../queue/types.ts';
import type { Venue } from '../venue.ts';
import { promiseFrontier, type FrontierPoint } from './frontier.ts';
import { RATIO_JUDGED_FROM_N } from './targets.ts';
import { ourPromise, promisesAtJoin, scoreMethod, type MethodScore, type ServedRecord } from './metrics.ts';
import type { ParsedTicketLog, SkippedRow, TicketLogRow } from './ticket-log.ts';

/**
 * Shadow mode on a real queue's ticket log (README "Ticket logs"): the real engine and
 * estimator see the log's events in time order and post a wait at each arrival, as they would
 * have that day, using nothing from the future. The log's calls are replayed as they happened
 * (the clerks' real order), so what is scored is the posted wait against the real one.
 *
 * - A counter counts as open from its first call of a stretch to its last finish, as if its clerk
 *   had signed in then and out then; a gap of more than 30 minutes between a finish and the next
 *   call is a break (unannounced: the estimator learns break lengths as it does live).
 * - Days: a new day starts at the first arrival after the queue has been empty across local
 *   midnight or for 6 hours, so a venue open past midnight keeps its night in one day. Each day
 *   starts a fresh queue (numbers) and estimator (learning), like a simulated day; its prior
 *   service times are the venue's expectedServiceMin, else what earlier days of the log measured.
 * - Configuration is taken from the log where the venue file does not give it: the services each
 *   counter serves (every service it called in the log) and segment priorities, inferred from how
 *   much sooner a segment was called than customers without one (inferSegmentWeights).
 */

const BREAK_GAP_MS = 30 * MINUTE_MS;
const IDLE_DAY_GAP_MS = 6 * 60 * MINUTE_MS;
/** Ended tickets are dropped from the queue state this often (events), so per-arrival scans stay short. */
const PRUNE_EVERY = 256;

export interface ReplayOptions {
  /** The venue's configuration: segment weights, expected service times, ageing (core/venue.ts). */
  venue?: Pick<Venue, 'services' | 'counters' | 'segments' | 'queue'>;
  estimator?: Partial<EstimatorConfig>;
  onProgress?: (done: number, total: number) => void;
}

export interface GroupScore extends MethodScore {
  tickets: number;
  served: number;
  naiveMaeMin: number;
}

export interface ReplayReport {
  days: number;
  tickets: number;
  served: number;
  abandoned: number;
  /** Served customers scored (posted a wait at joining, called as logged). */
  scored: number;
  promiseKept: number;
  actualOverPosted: number | null;
  actualOverPostedN: number;
  maeMin: number;
  baselines: { naive: MethodScore; littlesLaw: MethodScore; padded: MethodScore };
  /**
   * The most promises one fixed posting could have kept on the log at actual/posted >= 0.8 where at
   * least RATIO_JUDGED_FROM_N waits are posted 10 minutes or more (frontier.ts).
   */
  frontier: FrontierPoint | null;
  /** Rows left out: how many, and the first few with their line and why. */
  skipped: { rows: number; first: SkippedRow[] };
  /** Segment -> priority weight used ("venue" or "inferred" from the log). */
  segments: { source: 'venue' | 'inferred' | 'none'; weights: Record<string, number> };
  perService: Array<GroupScore & { service: string }>;
  perHour: Array<GroupScore & { hour: number }>;
  /** The log's days as replayed (a night past midnight stays in its day), named by their first arrival. */
  perDay: Array<GroupScore & { day: string }>;
}

interface Row extends TicketLogRow {
  /** The replayed day it belongs to (dayLabels). */
  day?: string;
  /** Set once the row's call was replayed; only then is its end. */
  replayedCall?: boolean;
  promise?: Omit<ServedRecord, 'actualMin'>;
}

/** Rows whose ticket repeats on a day, or whose counter is still busy with another at their call. */
function dropInconsistent(rows: Row[], skipped: SkippedRow[]): Row[] {
  const seen = new Map<string, number>();
  const out: Row[] = [];
  for (const row of rows) {
    const key = `${new Date(row.joined).toISOString().slice(0, 10)}|${row.ticket}`;
    const first = seen.get(key);
    if (first !== undefined) {
      skipped.push({ line: row.line, reason: `ticket ${row.ticket} already appears that day (line ${first})` });
      continue;
    }
    seen.set(key, row.line);
    out.push(row);
  }
  const byCounter = new Map<string, Row[]>();
  for (const row of out)
    if (row.called !== null) (byCounter.get(row.counter) ?? byCounter.set(row.counter, []).get(row.counter)!).push(row);
  const bad = new Set<Row>();
  for (const [counter, calls] of byCounter) {
    calls.sort((a, b) => a.called! - b.called! || a.line - b.line);
    let busy: Row | null = null;
    for (const row of calls) {
      if (busy && row.called! < busy.ended!) {
        bad.add(row);
        skipped.push({
          line: row.line,
          reason: `counter ${counter} is still with ticket ${busy.ticket} (line ${busy.line}) at this call`,
        });
        continue;
      }
      busy = row;
    }
  }
  return out.filter((r) => !bad.has(r));
}

/** Days of the log (see the module comment): rows sorted by joined, split where the queue was empty long enough. */
function splitDays(rows: readonly Row[]): Row[][] {
  const days: Row[][] = [];
  let current: Row[] = [];
  let lastActivity = -Infinity;
  const dayOf = (ms: number) => Math.floor(ms / (24 * 60 * MINUTE_MS));
  for (const row of rows) {
    const idle = row.joined - lastActivity;
    if (current.length > 0 && idle > 0 && (dayOf(row.joined) !== dayOf(lastActivity) || idle >= IDLE_DAY_GAP_MS)) {
      days.push(current);
      current = [];
    }
    current.push(row);
    lastActivity = Math.max(lastActivity, row.ended ?? row.called ?? row.joined);
  }
  if (current.length > 0) days.push(current);
  return days;
}

/** Each day's name: the date of its first arrival, with the time when an earlier day began that date too. */
function dayLabels(days: readonly Row[][]): string[] {
  const used = new Set<string>();
  return days.map((day) => {
    const first = new Date(day[0]!.joined).toISOString();
    const date = first.slice(0, 10);
    const label = used.has(date) ? `${date} ${first.slice(11, 16)}` : date;
    used.add(date);
    return label;
  });
}

/**
 * Segment weights from the log: a weight w is a head start of w / agingPerMin minutes
 * (core/queue/ordering.ts), so a segment's weight is read from how much shorter its waits were
 * than ordinary customers' (no segment, else the segment that waited longest) of the same
 * service on the same day. Rough, and only a default: a venue file gives the real weights.
 */
export function inferSegmentWeights(rows: readonly TicketLogRow[], agingPerMin: number): Record<string, number> {
  const labels = [...new Set(rows.map((r) => r.segment))];
  if (labels.length <= 1 && labels[0] === '') return {};
  const groups = new Map<string, { sum: number; n: number }>();
  const totals = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    if (r.outcome !== 'served' || r.called === null) continue;
    const wait = (r.called - r.joined) / MINUTE_MS;
    const key = `${new Date(r.joined).toISOString().slice(0, 10)}|${r.service}|${r.segment}`;
    for (const [map, k] of [
      [groups, key],
      [totals, r.segment],
    ] as const) {
      const g = map.get(k) ?? { sum: 0, n: 0 };
      g.sum += wait;
      g.n += 1;
      map.set(k, g);
    }
  }
  const mean = (g: { sum: number; n: number } | undefined) => (g && g.n > 0 ? g.sum / g.n : null);
  const base = labels.includes('')
    ? ''
    : labels.reduce((a, b) => ((mean(totals.get(b)) ?? 0) > (mean(totals.get(a)) ?? 0) ? b : a));
  const weights: Record<string, number> = {};
  for (const label of labels) {
    if (label === '') continue;
    let headStart = 0;
    let n = 0;
    for (const [key, g] of groups) {
      const [day, service, segment] = key.split('|');
      if (segment !== label) continue;
      const ordinary = mean(groups.get(`${day}|${service}|${base}`));
      if (ordinary === null) continue;
      headStart += (ordinary - g.sum / g.n) * g.n;
      n += g.n;
    }
    weights[label] = label === base || n === 0 ? 0 : Math.round(Math.max(0, headStart / n) * agingPerMin * 100) / 100;
  }
  return weights;
}

type LogEvent =
  | { t: number; order: number; line: number; kind: 'end' | 'join' | 'call'; row: Row }
  | { t: number; order: number; line: number; kind: 'on'; counterId: string }
  | { t: number; order: number; line: number; kind: 'off'; counterId: string; last: boolean };

/**
 * The day's events in time order: at one instant, ends, then counters signing out, in, joins,
 * calls, and last the ends of services that took no time (logged to the second, a call dropped at
 * pickup ends as it is called: ended first, it would leave its ticket at the desk all day).
 */
function dayEvents(day: readonly Row[], counterIds: ReadonlyMap<string, string>): LogEvent[] {
  const events: LogEvent[] = [];
  const calls = new Map<string, Row[]>();
  for (const row of day) {
    events.push({ kind: 'join', t: row.joined, order: 3, line: row.line, row });
    if (row.called !== null) {
      events.push({ kind: 'call', t: row.called, order: 4, line: row.line, row });
      const id = counterIds.get(row.counter)!;
      (calls.get(id) ?? calls.set(id, []).get(id)!).push(row);
    }
    if (row.ended !== null)
      events.push({ kind: 'end', t: row.ended, order: row.ended === row.called ? 5 : 0, line: row.line, row });
  }
  for (const [counterId, rows] of calls) {
    rows.sort((a, b) => a.called! - b.called!);
    const stretches: Array<[number, number]> = [];
    for (const row of rows) {
      const last = stretches.at(-1);
      if (last && row.called! - last[1] <= BREAK_GAP_MS) last[1] = Math.max(last[1], row.ended!);
      else stretches.push([row.called!, row.ended!]);
    }
    stretches.forEach(([from, to], i) => {
      events.push({ kind: 'on', t: from, order: 2, line: 0, counterId });
      events.push({ kind: 'off', t: to, order: 1, line: 0, counterId, last: i === stretches.length - 1 });
    });
  }
  return events.sort((a, b) => a.t - b.t || a.order - b.order || a.line - b.line);
}

/** Drops ended tickets from the state: nothing reads them once the estimator has seen them end. */
function pruneEnded(queue: QueueState): QueueState {
  const tickets: Record<string, Ticket> = {};
  for (const [id, t] of Object.entries(queue.tickets))
    if (t.status !== 'served' && t.status !== 'no-show' && t.status !== 'cancelled') tickets[id] = t;
  return { ...queue, tickets };
}

export function replayLog(log: ParsedTicketLog, options: ReplayOptions = {}): ReplayReport {
  const skipped = [...log.skipped];
  const rows = dropInconsistent(
    log.rows.map((r) => ({ ...r })),
    skipped,
  ).sort((a, b) => a.joined - b.joined || a.line - b.line);
  const venue = options.venue;
  const agingPerMin = venue?.queue.agingPerMin ?? 0.1;
  // Internal ids, so any text a log uses for a service, counter or segment is accepted.
  const serviceIds = new Map<string, string>();
  const counterIds = new Map<string, string>();
  const counterServices = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!serviceIds.has(r.service)) serviceIds.set(r.service, `s${serviceIds.size}`);
    if (r.counter && r.called !== null) {
      if (!counterIds.has(r.counter)) counterIds.set(r.counter, `k${counterIds.size}`);
      const set = counterServices.get(r.counter) ?? counterServices.set(r.counter, new Set()).get(r.counter)!;
      set.add(serviceIds.get(r.service)!);
    }
  }
  for (const c of venue?.counters ?? []) {
    const set = counterServices.get(c.id);
    if (set) for (const s of c.services) if (serviceIds.has(s)) set.add(serviceIds.get(s)!);
  }
  const labels = [...new Set(rows.map((r) => r.segment))].filter((s) => s !== '');
  const venueWeights = Object.fromEntries((venue?.segments ?? []).map((s) => [s.id, s.weight]));
  const segmentWeights = venue
    ? Object.fromEntries(labels.map((l) => [l, venueWeights[l] ?? 0]))
    : inferSegmentWeights(rows, agingPerMin);
  const segmentIds = new Map(labels.map((l, i) => [l, `g${i}`]));
  const rules = createQueueRules({
    services: [...serviceIds.values()].map((id) => ({ id, prefix: 'S' })),
    counters: [...counterIds].map(([name, id]) => ({ id, services: [...counterServices.get(name)!] })),
    segments: labels.map((l) => ({ id: segmentIds.get(l)!, weight: segmentWeights[l] ?? 0 })),
    agingPerMin,
  });
  const venuePriors = new Map<string, number>();
  for (const s of venue?.services ?? [])
    if (s.expectedServiceMin && serviceIds.has(s.id)) venuePriors.set(serviceIds.get(s.id)!, s.expectedServiceMin);
  const measured = new Map<string, { sum: number; n: number }>();

  const records: Array<ServedRecord & { service: string; hour: number; day: string }> = [];
  const days = splitDays(rows);
  const dayNames = dayLabels(days);
  let done = 0;
  days.forEach((day, dayIndex) => {
    for (const row of day) row.day = dayNames[dayIndex]!;
    const priors: Record<string, number> = {};
    for (const id of serviceIds.values()) {
      const m = measured.get(id);
      const prior = venuePriors.get(id) ?? (m && m.n > 0 ? m.sum / m.n : undefined);
      if (prior !== undefined) priors[id] = prior;
    }
    let queue = emptyQueueState(rules);
    let est: EstimatorState = createEstimatorState({ config: { seed: 1 + dayIndex, ...options.estimator }, priors });
    const callTimes = new Map<string, number[]>();
    let firstOpen: number | null = null;
    let applied = 0;
    const run = (command: QueueCommand, now: number): string | null => {
      const result = decide(queue, command, now);
      if (!Array.isArray(result)) return result.message;
      for (const event of result) {
        queue = apply(queue, event);
        est = observe(est, queue, event);
      }
      applied += 1;
      if (applied % PRUNE_EVERY === 0) queue = pruneEnded(queue);
      return null;
    };
    const notReplayed = (row: Row, message: string) =>
      skipped.push({ line: row.line, reason: `could not be replayed: ${message}` });
    const ticketId = (row: Row) => `L${row.line}`;
    for (const event of dayEvents(day, counterIds)) {
      const now = event.t;
      if (event.kind === 'on') {
        firstOpen ??= now;
        if (queue.counters[event.counterId]?.status !== 'open')
          run({ type: 'open-counter', counterId: event.counterId }, now);
        continue;
      }
      if (event.kind === 'off') {
        const type = event.last ? 'close-counter' : 'break-counter';
        run({ type, counterId: event.counterId }, now);
        continue;
      }
      const row = event.row;
      const serviceId = serviceIds.get(row.service)!;
      if (event.kind === 'join') {
        const segmentId = row.segment ? segmentIds.get(row.segment) : undefined;
        const estimate = estimateNewArrival(est, queue, now, { serviceId, segmentId });
        const refused = run(
          {
            type: 'issue',
            ticketId: ticketId(row),
            serviceId,
            segmentId,
            postedWaitMin: estimate.postedMin ?? undefined,
            pointWaitMin: estimate.pointMin,
          },
          now,
        );
        if (refused) {
          notReplayed(row, refused);
          continue;
        }
        const open = Object.values(queue.counters).filter(
          (c) => c.status === 'open' && c.services.includes(serviceId),
        ).length;
        const spanMin = Math.min(30, Math.max(1, (now - (firstOpen ?? now)) / MINUTE_MS));
        const recentCalls = (callTimes.get(serviceId) ?? []).filter((t) => t >= now - spanMin * MINUTE_MS).length;
        row.promise = promisesAtJoin(ourPromise(estimate), {
          position: estimate.position,
          meanServiceMin: meanServiceMin(est, serviceId),
          openCounters: open,
          recentCalls,
          spanMin,
        });
        done += 1;
        if (done % 500 === 0) options.onProgress?.(done, rows.length);
      } else if (event.kind === 'call') {
        if (!queue.tickets[ticketId(row)]) continue;
        const counterId = counterIds.get(row.counter)!;
        if (queue.counters[counterId]?.status !== 'open') run({ type: 'open-counter', counterId }, now);
        const refused = run({ type: 'call', counterId, ticketId: ticketId(row) }, now);
        if (refused) {
          notReplayed(row, refused);
          continue;
        }
        row.replayedCall = true;
        const calls = callTimes.get(serviceId) ?? callTimes.set(serviceId, []).get(serviceId)!;
        calls.push(now);
      } else if (row.outcome === 'abandoned') {
        if (queue.tickets[ticketId(row)]?.status === 'waiting') run({ type: 'cancel', ticketId: ticketId(row) }, now);
      } else if (row.replayedCall) {
        const counterId = counterIds.get(row.counter)!;
        run({ type: row.outcome === 'served' ? 'serve' : 'no-show', counterId }, now);
        if (row.outcome === 'served') {
          const m = measured.get(serviceId) ?? { sum: 0, n: 0 };
          m.sum += (row.ended! - row.called!) / MINUTE_MS;
          m.n += 1;
          measured.set(serviceId, m);
          if (row.promise)
            records.push({
              actualMin: (row.called! - row.joined) / MINUTE_MS,
              ...row.promise,
              service: row.service,
              hour: new Date(row.joined).getUTCHours(),
              day: row.day!,
            });
        }
      }
    }
    options.onProgress?.(done, rows.length);
  });

  const group = <K extends string | number>(key: (r: Row) => K, recordKey: (r: (typeof records)[number]) => K) => {
    const out = new Map<K, { rows: Row[]; records: ServedRecord[] }>();
    for (const r of rows) {
      const g = out.get(key(r)) ?? out.set(key(r), { rows: [], records: [] }).get(key(r))!;
      g.rows.push(r);
    }
    for (const r of records) out.get(recordKey(r))?.records.push(r);
    return [...out].map(([k, g]) => ({
      key: k,
      tickets: g.rows.length,
      served: g.rows.filter((r) => r.outcome === 'served').length,
      ...scoreMethod(g.records, (r) => r.ours),
      naiveMaeMin: scoreMethod(g.records, (r) => r.naive).maeMin,
    }));
  };
  const ours = scoreMethod(records, (r) => r.ours);
  skipped.sort((a, b) => a.line - b.line);
  return {
    days: days.length,
    tickets: rows.length,
    served: rows.filter((r) => r.outcome === 'served').length,
    abandoned: rows.filter((r) => r.outcome !== 'served').length,
    scored: records.length,
    promiseKept: ours.promiseKept,
    actualOverPosted: ours.actualOverPosted,
    actualOverPostedN: ours.actualOverPostedN,
    maeMin: ours.maeMin,
    baselines: {
      naive: scoreMethod(records, (r) => r.naive),
      littlesLaw: scoreMethod(records, (r) => r.littlesLaw),
      padded: scoreMethod(records, (r) => r.padded),
    },
    frontier: promiseFrontier(records, options.estimator, { minLongPosts: RATIO_JUDGED_FROM_N }),
    skipped: { rows: skipped.length, first: skipped.slice(0, 5) },
    segments: { source: labels.length === 0 ? 'none' : venue ? 'venue' : 'inferred', weights: segmentWeights },
    perService: group(
      (r) => r.service,
      (r) => r.service,
    ).map(({ key, ...g }) => ({ service: key, ...g })),
    perHour: group(
      (r) => new Date(r.joined).getUTCHours(),
      (r) => r.hour,
    )
      .sort((a, b) => a.key - b.key)
      .map(({ key, ...g }) => ({ hour: key, ...g })),
    perDay: group(
      (r) => r.day!,
      (r) => r.day,
    ).map(({ key, ...g }) => ({ day: key, ...g })),
  };
}
