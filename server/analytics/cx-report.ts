import type { Task } from '../../core/alerts/tasks.ts';
import { type OperationsInput, type PromiseLedger, promiseLedger } from '../../core/analytics/operations.ts';
import type { VenueAnalytics } from '../../core/analytics/report.ts';
import type { Language } from '../../core/languages.ts';
import { formatIssued } from '../../core/ticket-texts.ts';
import { phoneTouchpoint, type Venue } from '../../core/venue.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { AnalyticsService } from './analytics-service.ts';
import { CX_TABLES, CX_TEXTS, type CxTable } from './cx-texts.ts';
import type { Cell, Sheet } from './spreadsheet.ts';

/**
 * The customer-experience report of a venue over whole days (docs/analytics.md, "The report: files
 * and the weekly e-mail"): the journey analytics, the promise ledger, the tasks opened, and the
 * tables the CSV, XLSX and PDF are made of, with names instead of ids in the reader's language.
 */

export interface CxReport {
  venueId: string;
  venueName: string;
  /** First and last day, YYYY-MM-DD in the venue's calendar. */
  from: string;
  to: string;
  timeZone: string;
  analytics: VenueAnalytics;
  /** The promise ledger of the same days (core/analytics/operations.ts). */
  promises: PromiseLedger;
  /** Tasks opened within the period, newest first. */
  tasks: Task[];
}

/** Gathers the report of whole days of the venue's calendar (`days`, as the operations report takes them). */
export async function cxReport(
  deps: { store: HubStore; analytics: AnalyticsService },
  venue: Venue,
  days: OperationsInput,
): Promise<CxReport> {
  const log = await deps.store.queueEvents(venue.id);
  // One fold of the queue log gives the days' range in ms and the promises.
  const promises = promiseLedger(log, days);
  const range = { from: promises.fromMs, to: promises.toMs };
  const [analytics, tasks] = await Promise.all([
    deps.analytics.venueAnalytics(venue.id, { ...range, queueLog: log }),
    deps.store.tasks(venue.id),
  ]);
  if (!analytics) throw new Error(`venue ${venue.id} vanished while its report was made`);
  return {
    venueId: venue.id,
    venueName: venue.name,
    from: promises.from,
    to: promises.to,
    timeZone: venue.timezone,
    analytics,
    promises,
    tasks: tasks.filter((task) => task.openedAt >= range.from && task.openedAt < range.to),
  };
}

/** Figures in files keep three decimals: enough for a mean, no float noise. */
const round3 = (value: number | null | undefined): number | null =>
  value === null || value === undefined ? null : Math.round(value * 1000) / 1000;

const STAGE_ORDER = { before: 0, during: 1, after: 2 } as const;

/** Names in the reader's language for every id a table shows. */
function namesOf(venue: Venue, lang: Language) {
  const texts = CX_TEXTS[lang];
  const phone = phoneTouchpoint(venue);
  const touchpoints = new Map([phone, ...venue.touchpoints].map((tp) => [tp.id, tp]));
  const nameIn = (list: readonly { id: string; name: Record<Language, string> }[], id: string) =>
    list.find((item) => item.id === id)?.name[lang] ?? id;
  const service = (id: string) => nameIn(venue.services, id);
  const touchpoint = (id: string) =>
    id.startsWith('wait:')
      ? texts.waitAt.replace('{{name}}', service(id.slice('wait:'.length)))
      : (touchpoints.get(id)?.name[lang] ?? id);
  const stageOf = (id: string) => (id.startsWith('wait:') ? 'during' : (touchpoints.get(id)?.stage ?? 'during'));
  return {
    touchpoint,
    service,
    stageOf,
    stage: (id: string) => texts.stages[stageOf(id)],
    owner: (id: string) => touchpoints.get(id)?.owner ?? '',
    segment: (id: string | null, unattributed = false) =>
      unattributed ? texts.unattributed : id === null ? texts.none : nameIn(venue.segments, id),
    /** A task's subject: a touchpoint, service, counter, or (a device) as it is. */
    subject: (id: string) =>
      touchpoints.has(id) || id.startsWith('wait:')
        ? touchpoint(id)
        : venue.services.some((s) => s.id === id)
          ? service(id)
          : nameIn(venue.counters, id),
  };
}

/** The venue's local date and time of a moment, "YYYY-MM-DD HH:MM" (as printed on tickets). */
const localTime = (at: number | null, timeZone: string): string => (at === null ? '' : formatIssued(at, timeZone));

/** Each table of the report: the column titles, then one row per line, names instead of ids. */
export function cxTables(report: CxReport, venue: Venue, lang: Language): Record<CxTable, Cell[][]> {
  const texts = CX_TEXTS[lang];
  const names = namesOf(venue, lang);
  const { analytics } = report;
  const yesNo = (value: boolean | null | undefined) =>
    value === null || value === undefined ? '' : value ? texts.yes : texts.no;
  const byStage = [...analytics.touchpoints].sort(
    (a, b) => STAGE_ORDER[names.stageOf(a.touchpointId)] - STAGE_ORDER[names.stageOf(b.touchpointId)],
  );
  const painIds = new Set(analytics.painPoints.map((p) => p.touchpointId));
  const sweetIds = new Set(analytics.sweetSpots.map((p) => p.touchpointId));
  const reasonName = (touchpointId: string, reasonId: string) =>
    [phoneTouchpoint(venue), ...venue.touchpoints]
      .find((tp) => tp.id === touchpointId)
      ?.reasons.find((r) => r.id === reasonId)?.name[lang] ?? reasonId;
  const ledger = report.promises;
  type PromiseRow = PromiseLedger['total'];
  const promiseLine = (section: keyof typeof texts.sections, name: string, row: PromiseRow): Cell[] => [
    texts.sections[section],
    name,
    row.promised,
    row.keptPct,
    row.maeMin,
    row.longWaits.meanActualOverPosted,
    row.longWaits.count,
  ];
  const tables: Record<CxTable, Cell[][]> = {
    journey: byStage.map((row) => [
      names.stage(row.touchpointId),
      names.touchpoint(row.touchpointId),
      names.owner(row.touchpointId),
      row.volume,
      round3(row.meanExperience),
      round3(row.happyIndex),
      'target' in row ? (row.target as number) : null,
      yesNo('meetsTarget' in row ? (row.meetsTarget as boolean | null) : undefined),
    ]),
    mots: analytics.mots.map((row, i) => [
      i + 1,
      names.touchpoint(row.touchpointId),
      names.stage(row.touchpointId),
      names.owner(row.touchpointId),
      row.volume,
      round3(row.meanExperience),
      round3(row.impact),
      round3(row.t),
      painIds.has(row.touchpointId) ? texts.painPoint : sweetIds.has(row.touchpointId) ? texts.sweetSpot : '',
    ]),
    heatmap: analytics.heatMap.map((cell) => [
      names.touchpoint(cell.touchpointId),
      names.segment(cell.segmentId, cell.unattributed),
      cell.volume,
      round3(cell.meanExperience),
      round3(cell.happyIndex),
      round3(cell.expectation?.meanExpected),
      round3(cell.expectation?.meanSatisfaction),
    ]),
    peakend: analytics.journeys.items.map((visit) => [
      visit.ticketNumber,
      names.service(visit.serviceId),
      names.segment(visit.segmentId),
      visit.moments,
      round3(visit.average),
      round3(visit.peak),
      round3(visit.end),
      round3(visit.peakEnd),
      visit.rating ? texts.ratings[visit.rating] : '',
    ]),
    reasons: analytics.reasons.rows.map((row) => [
      names.touchpoint(row.touchpointId),
      texts.stages[row.stage],
      names.segment(row.segmentId, row.unattributed),
      reasonName(row.touchpointId, row.reasonId),
      row.count,
      round3(row.share * 100),
    ]),
    promises: [
      promiseLine('all', texts.sections.all, ledger.total),
      ...ledger.byService.map((row) => promiseLine('service', names.service(row.key), row)),
      ...ledger.byHour.filter((row) => row.promised > 0).map((row) => promiseLine('hour', `${row.key}:00`, row)),
      ...ledger.byDay.map((row) => promiseLine('day', row.key, row)),
    ],
    tasks: report.tasks.map((task) => [
      localTime(task.openedAt, report.timeZone),
      texts.rules[task.rule],
      names.subject(task.subject),
      task.owner,
      texts.states[task.state],
      localTime(task.acknowledgedAt, report.timeZone),
      localTime(task.resolvedAt, report.timeZone),
      yesNo(task.escalation > 0),
    ]),
  };
  return Object.fromEntries(CX_TABLES.map((table) => [table, [texts.columns[table], ...tables[table]]])) as Record<
    CxTable,
    Cell[][]
  >;
}

/** One worksheet per instrument, in the order of CX_TABLES. */
export function cxSheets(tables: Record<CxTable, Cell[][]>, lang: Language): Sheet[] {
  return CX_TABLES.map((table) => ({
    name: CX_TEXTS[lang].sheets[table],
    rows: tables[table],
    keyColumns: table === 'mots' || table === 'journey' || table === 'promises' ? 2 : 1,
  }));
}
