import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import { nextDay, operationsReport, type OperationsReport } from '../../core/analytics/operations.ts';
import { languageSchema } from '../../core/languages.ts';
import type { Clock } from '../../core/logger.ts';
import type { Role } from '../../core/protocol.ts';
import { dayKey } from '../../core/queue/numbering.ts';
import type { Venue } from '../../core/venue.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import { operationsCsv, operationsTable, operationsXlsx } from '../analytics/operations-export.ts';
import type { UserRecord } from '../store/hub-store.ts';
import type { HubStore } from '../store/hub-store.ts';
import { utcOffsetMinutes } from '../queue/time-zone.ts';
import { ApiError } from './api-error.ts';

/** A year of days at most: a report reads the whole log once, so the range only bounds the result's size. */
const MAX_DAYS = 366;
const HOUR_MS = 3_600_000;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'not a day of the calendar');

const querySchema = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  /** The language of the CSV/XLSX column titles and names. */
  lang: languageSchema.default('en'),
});

/** The venue's offset from UTC at a moment, looked up once per hour of the log. */
function offsetsOf(venue: Venue): (at: number) => number {
  const cache = new Map<number, number>();
  return (at) => {
    const hour = Math.floor(at / HOUR_MS);
    let offset = cache.get(hour);
    if (offset === undefined) {
      offset = utcOffsetMinutes(venue.timezone, hour * HOUR_MS);
      cache.set(hour, offset);
    }
    return offset;
  };
}

function parseQuery(req: Request) {
  const query = querySchema.safeParse(req.query);
  if (!query.success) throw new ApiError(400, 'invalid-request', describeZodIssues(query.error));
  return query.data;
}

/** The venue's report for whole days of its calendar (today when no range is given). */
async function reportOf(
  store: HubStore,
  venue: Venue,
  range: { from?: string; to?: string },
  now: number,
): Promise<OperationsReport> {
  const offsetAt = offsetsOf(venue);
  const today = dayKey(now, offsetAt(now));
  const from = range.from ?? range.to ?? today;
  const to = range.to ?? (range.from ? from : today);
  if (from > to) throw new ApiError(400, 'invalid-request', `from (${from}) is after to (${to}): swap them`);
  let days = 1;
  for (let d = from; d < to && days <= MAX_DAYS; d = nextDay(d)) days += 1;
  if (days > MAX_DAYS)
    throw new ApiError(400, 'invalid-request', `a report covers at most ${MAX_DAYS} days: ask for a shorter range`);
  return operationsReport(await store.queueEvents(venue.id), { venueId: venue.id, from, to, offsetAt, now });
}

/** Clerks' figures are for the venue's managers (and admins); staff see the rest. */
const seesClerks = (user: UserRecord) => user.role !== 'staff';

/**
 * GET /api/venues/:venueId/reports/operations   (staff; clerk figures for managers) docs/operations.md
 *   ?from=&to=          first and last day, YYYY-MM-DD in the venue's calendar (default today)
 *   &format=csv|xlsx    one table with names instead of ids; &lang=ko|zh|en for its titles
 * GET /api/reports/operations                   (signed in) venue against venue: the totals of
 *   every venue of the user over the same days of each venue's own calendar
 */
export function reportRoutes(
  router: express.Router,
  deps: {
    store: HubStore;
    requireVenue: (req: Request, role: Role) => Promise<UserRecord>;
    currentUser: (req: Request) => Promise<UserRecord>;
    clock: Clock;
  },
): void {
  const { store } = deps;

  router.get('/venues/:venueId/reports/operations', async (req, res) => {
    const user = await deps.requireVenue(req, 'staff');
    const query = parseQuery(req);
    const venue = await store.getVenue(String(req.params.venueId));
    if (!venue) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const full = await reportOf(store, venue, query, deps.clock.now());
    const report = seesClerks(user) ? full : { ...full, byClerk: null };
    if (query.format === 'json') return void res.json(report);
    const table = operationsTable(report, venue, query.lang);
    const file = `${venue.id}-operations-${report.from}-${report.to}`;
    if (query.format === 'csv') return void res.type('text/csv').attachment(`${file}.csv`).send(operationsCsv(table));
    res
      .type(XLSX_TYPE)
      .attachment(`${file}.xlsx`)
      .send(await operationsXlsx(table, query.lang));
  });

  router.get('/reports/operations', async (req, res) => {
    const user = await deps.currentUser(req);
    const query = parseQuery(req);
    if (query.format !== 'json') throw new ApiError(400, 'invalid-request', 'venue against venue is JSON only');
    const all = await store.listVenues();
    const venues = user.role === 'admin' ? all : all.filter((v) => user.venueIds.includes(v.id));
    const now = deps.clock.now();
    const rows = [];
    for (const venue of venues) {
      const report = await reportOf(store, venue, query, now);
      rows.push({ venueId: venue.id, name: venue.name, from: report.from, to: report.to, total: report.total });
    }
    res.json({ venues: rows });
  });
}
