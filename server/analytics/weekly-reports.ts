import type { Language } from '../../core/languages.ts';
import { type Clock, type Logger, silentLogger } from '../../core/logger.ts';
import type { Venue } from '../../core/venue.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { AnalyticsService } from './analytics-service.ts';
import { cxPdfFile, cxXlsx, NoCjkFont, type ReportFile } from './cx-files.ts';
import { type CxReport, cxReport } from './cx-report.ts';
import { CX_TEXTS } from './cx-texts.ts';
import { offsetsOf } from '../queue/time-zone.ts';

/**
 * The weekly customer-experience report (docs/analytics.md "Weekly report"): at each venue's local
 * weekday and hour, the 7 days before go to its webhooks (a `report.weekly` event through the
 * webhook outbox) and, where the hub has an SMTP server, by e-mail with the PDF and XLSX attached.
 * The store's claim (weekly_reports) makes a week go out once, across restarts and hubs.
 */

export interface SmtpOptions {
  /** smtp://user:pass@host:port or smtps://... (nodemailer's connection URL). */
  url: string;
  /** The sender's address. */
  from: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The week a venue's report is due for at `now`, or undefined when it is not the venue's hour. */
export function dueWeek(venue: Venue, now: number): { from: string; to: string } | undefined {
  const schedule = venue.reports.weekly;
  if (!schedule) return undefined;
  const local = new Date(now + offsetsOf(venue.timezone)(now) * MINUTE_MS);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  // From its hour to the end of its day: a hub that was down at the hour still sends it that day.
  if (weekday !== schedule.weekday || local.getUTCHours() < schedule.hour) return undefined;
  const to = new Date(local.getTime() - DAY_MS).toISOString().slice(0, 10);
  const from = new Date(local.getTime() - 7 * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

export class WeeklyReports {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly deps: {
      store: HubStore;
      analytics: AnalyticsService;
      clock: Clock;
      /** Wakes the webhook outbox once a week's deliveries are queued. */
      deliver: () => void;
      smtp?: SmtpOptions | undefined;
      log?: Logger;
      /** How often the hub looks at the venues' schedules (default a minute). */
      tickMs?: number;
    },
  ) {
    this.log = deps.log ?? silentLogger;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.runDue(), this.deps.tickMs ?? MINUTE_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends every report due now that no hub sent yet; a pass already running is joined. Returns how many. */
  runDue(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let sent = 0;
    const now = this.deps.clock.now();
    for (const venue of await this.deps.store.listVenues()) {
      try {
        if (await this.send(venue, now)) sent += 1;
      } catch (error) {
        this.log.error({ venueId: venue.id, err: error }, `weekly report: ${(error as Error).message}`);
      }
    }
    if (sent > 0) this.deps.deliver();
    return sent;
  }

  private async send(venue: Venue, now: number): Promise<boolean> {
    const week = dueWeek(venue, now);
    const schedule = venue.reports.weekly;
    if (!week || !schedule) return false;
    // Cheap look first: the rest of the day every pass finds the week already sent.
    if ((await this.deps.store.weeklyReports(venue.id)).some((r) => r.to === week.to)) return false;
    const { store, analytics } = this.deps;
    const days = { venueId: venue.id, ...week, offsetAt: offsetsOf(venue.timezone), now };
    const report = await cxReport({ store, analytics }, venue, days);
    const query = `from=${week.from}&to=${week.to}&lang=${schedule.lang}`;
    const base = `/api/venues/${encodeURIComponent(venue.id)}/reports/cx?${query}`;
    const payload = JSON.stringify({
      event: 'report.weekly',
      venueId: venue.id,
      from: week.from,
      to: week.to,
      // Paths on this hub (a manager's session opens them): the files are made when asked.
      files: { xlsx: `${base}&format=xlsx`, pdf: `${base}&format=pdf` },
      report,
    });
    const id = `report.weekly:${venue.id}:${week.to}`;
    const deliveries = venue.webhooks.map((webhook) => ({ id, url: webhook.url, payload }));
    if (!(await store.claimWeeklyReport(venue.id, week, deliveries, now))) return false;
    this.log.info({ venueId: venue.id, ...week }, 'weekly report sent');
    if (this.deps.smtp && schedule.email.length > 0)
      await this.mail(this.deps.smtp, venue, report, schedule.lang, schedule.email, now).catch((error: Error) =>
        // Claimed first, so a week is never mailed twice; a failed mail is logged, not retried.
        this.log.error({ venueId: venue.id, err: error }, `weekly report e-mail failed: ${error.message}`),
      );
    return true;
  }

  private async mail(
    smtp: SmtpOptions,
    venue: Venue,
    report: CxReport,
    lang: Language,
    to: readonly string[],
    now: number,
  ): Promise<void> {
    const texts = CX_TEXTS[lang];
    const files: ReportFile[] = [await cxXlsx(report, venue, lang)];
    try {
      files.unshift(await cxPdfFile(report, venue, lang, { generatedAt: new Date(now).toISOString() }));
    } catch (error) {
      if (!(error instanceof NoCjkFont)) throw error;
      this.log.warn({ venueId: venue.id }, `weekly report mailed without its PDF: ${error.message}`);
    }
    const figure = (value: number | null) => (value === null ? '–' : String(value));
    const lines = [
      `${venue.name}`,
      `${texts.period}: ${report.from} – ${report.to} (${report.timeZone})`,
      '',
      `${texts.summary.visits}: ${report.analytics.journeys.count}`,
      `${texts.summary.promisesKept}: ${figure(report.promises.total.keptPct)}`,
      `${texts.summary.mae}: ${figure(report.promises.total.maeMin)}`,
      `${texts.summary.tasks}: ${report.tasks.length}`,
    ];
    // Loaded when a mail goes out, like exceljs: most hubs never send one.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport(smtp.url);
    try {
      await transport.sendMail({
        from: smtp.from,
        to: [...to],
        subject: `${texts.title}: ${venue.name} ${report.from} – ${report.to}`,
        text: lines.join('\n'),
        attachments: files.map((file) => ({ filename: file.name, content: file.body, contentType: file.type })),
      });
    } finally {
      transport.close();
    }
  }
}
