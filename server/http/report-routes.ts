import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import { type OperationsInput, operationsReport, promiseLedger } from '../../core/analytics/operations.ts';
import { languageSchema } from '../../core/languages.ts';
import type { Clock } from '../../core/logger.ts';
import type { Role } from '../../core/protocol.ts';
import type { Venue } from '../../core/venue.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import { operationsSheet, operationsTable } from '../analytics/operations-export.ts';
import { csvOf, workbookOf } from '../analytics/spreadsheet.ts';
import type { AnalyticsService } from '../analytics/analytics-service.ts';
import { cxCsv, cxPdfFile, cxXlsx, NoCjkFont, type ReportFile, XLSX_TYPE } from '../analytics/cx-files.ts';
import { cxReport } from '../analytics/cx-report.ts';
import { CX_TABLES } from '../analytics/cx-texts.ts';
import type { UserRecord } from '../store/hub-store.ts';
import type { HubStore } from '../store/hub-store.ts';
import { offsetsOf } from '../queue/time-zone.ts';
import { dayRange, daySchema } from './calendar-days.ts';
import { ApiError } from './api-error.ts';

const querySchema = z.strictObject({
  from: daySchema.optional(),
  to: daySchema.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  /** The language of the CSV/XLSX column titles and names. */
  lang: languageSchema.default('en'),
});

const cxQuerySchema = querySchema.extend({
  format: z.enum(['json', 'csv', 'xlsx', 'pdf']).default('json'),
  /** The one table a CSV holds. */
  table: z.enum(CX_TABLES).optional(),
});

const promisesQuerySchema = z.strictObject({ from: daySchema.optional(), to: daySchema.optional() });

function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const query = schema.safeParse(req.query);
  if (!query.success) throw new ApiError(400, 'invalid-request', describeZodIssues(query.error));
  return query.data;
}

/** The venue's whole days of its calendar asked for (today when no range is given), as the fold's input. */
function daysOf(venue: Venue, range: { from?: string; to?: string }, now: number): OperationsInput {
  const offsetAt = offsetsOf(venue.timezone);
  return { venueId: venue.id, ...dayRange(range, offsetAt, now), offsetAt, now };
}

async function reportOf(store: HubStore, venue: Venue, range: { from?: string; to?: string }, now: number) {
  return operationsReport(await store.queueEvents(venue.id), daysOf(venue, range, now));
}

/** Clerks' figures are for the venue's managers (and admins); staff see the rest. */
const seesClerks = (user: UserRecord) => user.role !== 'staff';

/**
 * GET /api/venues/:venueId/reports/operations   (staff; clerk figures for managers) docs/operations.md
 *   ?from=&to=          first and last day, YYYY-MM-DD in the venue's calendar (default today)
 *   &format=csv|xlsx    one table with names instead of ids; &lang=ko|zh|en for its titles
 * GET /api/venues/:venueId/promises?from=&to=   (manager) the promise ledger (issue 19.6): promises kept,
 *   actual / posted over long waits, mean absolute error, by day, hour and service; days as above
 * GET /api/reports/operations                   (signed in) venue against venue: the totals of
 *   every venue of the user over the same days of each venue's own calendar
 * GET /api/venues/:venueId/reports/cx           (manager) the customer-experience report, docs/analytics.md
 *   ?from=&to=               days as above
 *   &format=json|xlsx|pdf    the whole report; XLSX one sheet per instrument, PDF printable with charts
 *   &format=csv&table=NAME   one table: journey, mots, heatmap, peakend, reasons, promises, tasks
 *   &lang=ko|zh|en           titles and names in the files
 */
export function reportRoutes(
  router: express.Router,
  deps: {
    store: HubStore;
    requireVenue: (req: Request, role: Role) => Promise<UserRecord>;
    currentUser: (req: Request) => Promise<UserRecord>;
    clock: Clock;
    analytics: AnalyticsService;
  },
): void {
  const { store } = deps;

  router.get('/venues/:venueId/reports/cx', async (req, res) => {
    await deps.requireVenue(req, 'manager');
    const query = parseQuery(cxQuerySchema, req);
    if (query.format === 'csv' && !query.table)
      throw new ApiError(400, 'invalid-request', `a CSV holds one table: add &table=${CX_TABLES.join('|')}`);
    const venue = await store.getVenue(String(req.params.venueId));
    if (!venue) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const now = deps.clock.now();
    const report = await cxReport({ store, analytics: deps.analytics }, venue, daysOf(venue, query, now));
    if (query.format === 'json') return void res.json(report);
    let file: ReportFile;
    if (query.format === 'csv') file = cxCsv(report, venue, query.lang, query.table!);
    else if (query.format === 'xlsx') file = await cxXlsx(report, venue, query.lang);
    else {
      try {
        file = await cxPdfFile(report, venue, query.lang, { generatedAt: new Date(now).toISOString() });
      } catch (error) {
        if (error instanceof NoCjkFont) throw new ApiError(503, 'no-cjk-font', error.message);
        throw error;
      }
    }
    res.type(file.type).attachment(file.name).send(file.body);
  });

  router.get('/venues/:venueId/reports/operations', async (req, res) => {
    const user = await deps.requireVenue(req, 'staff');
    const query = parseQuery(querySchema, req);
    const venue = await store.getVenue(String(req.params.venueId));
    if (!venue) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const full = await reportOf(store, venue, query, deps.clock.now());
    const report = seesClerks(user) ? full : { ...full, byClerk: null };
    if (query.format === 'json') return void res.json(report);
    const table = operationsTable(report, venue, query.lang);
    const file = `${venue.id}-operations-${report.from}-${report.to}`;
    if (query.format === 'csv') return void res.type('text/csv').attachment(`${file}.csv`).send(csvOf(table));
    res
      .type(XLSX_TYPE)
      .attachment(`${file}.xlsx`)
      .send(await workbookOf([operationsSheet(table, query.lang)]));
  });

  router.get('/venues/:venueId/promises', async (req, res) => {
    await deps.requireVenue(req, 'manager');
    const query = promisesQuerySchema.safeParse(req.query);
    if (!query.success) throw new ApiError(400, 'invalid-request', describeZodIssues(query.error));
    const venue = await store.getVenue(String(req.params.venueId));
    if (!venue) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const ledger = promiseLedger(await store.queueEvents(venue.id), daysOf(venue, query.data, deps.clock.now()));
    res.json({ ...ledger, timeZone: venue.timezone });
  });

  router.get('/reports/operations', async (req, res) => {
    const user = await deps.currentUser(req);
    const query = parseQuery(querySchema, req);
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
