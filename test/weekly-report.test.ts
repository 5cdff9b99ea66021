import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { SMTPServer } from 'smtp-server';
import { describe, expect } from 'vitest';
import type { CxReport } from '../server/analytics/cx-report.ts';
import { CX_VENUE, pdfText } from './support/cx-report.ts';
import { signIn, signedInUser, startTestHub } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';

/** Friday 4 December 2026, 10:00 in Seoul (01:00 UTC). */
const FRIDAY_TEN = Date.UTC(2026, 11, 4, 1, 0);
/** Monday 7 December 2026, 08:00 in Seoul. */
const MONDAY_EIGHT = Date.UTC(2026, 11, 6, 23, 0);
const SECRET = 'weekly-report-secret';

/** A webhook receiver on loopback that keeps what it was sent. */
async function webhookReceiver(cleanups: Cleanup[]) {
  const received: { body: string; signature: string; delivery: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({
        body,
        signature: String(req.headers['x-waitwell-signature']),
        delivery: String(req.headers['x-waitwell-delivery']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

/** An SMTP sink on loopback that keeps each message's envelope and raw text. */
async function smtpSink(cleanups: Cleanup[]) {
  const mails: { from: string; to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, mails };
}

/** One attachment of a raw MIME message, decoded from base64. */
function attachment(raw: string, filename: string): Buffer {
  const at = raw.indexOf(`filename=${filename}`);
  expect(at, `attachment ${filename}`).toBeGreaterThan(0);
  const body = raw.slice(raw.indexOf('\r\n\r\n', at) + 4);
  return Buffer.from(body.slice(0, body.indexOf('\r\n--')).replace(/\s+/g, ''), 'base64');
}

describe('weekly report', () => {
  test('goes out once at the venue’s weekday and hour, to its webhooks and by e-mail, across a restart', async ({
    cleanups,
    dir,
  }) => {
    const receiver = await webhookReceiver(cleanups);
    const sink = await smtpSink(cleanups);
    let now = FRIDAY_TEN;
    const clock = { now: () => now };
    const venue = {
      ...CX_VENUE,
      timezone: 'Asia/Seoul',
      webhooks: [{ url: receiver.url, secret: SECRET }],
    };
    const file = join(dir, 'hub.db');
    const smtp = { url: sink.url, from: 'reports@waitwell.test' };
    let hub = await startTestHub({ file, venue, clock, smtp });
    cleanups.push(() => hub.close());
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'kim', role: 'staff' });

    // Friday morning: one customer promised a wait, called 12 minutes later, served in 5.
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      serviceId: 'deposits',
    });
    now += 12 * 60_000;
    await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' });
    now += 5 * 60_000;
    await hub.queues.commands.execute('venue-a', { type: 'serve', counterId: 'c1' });

    // The manager schedules it: Mondays at 08:00, in Korean, to one address. Bad schedules are refused.
    const schedule = (body: unknown, session = manager) =>
      fetch(`${hub.url}/api/venues/venue-a/reports/weekly`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const weekly = { weekday: 1, hour: 8, lang: 'ko' as const, email: ['boss@venue.test'] };
    expect((await schedule(weekly, staff)).status).toBe(403);
    const bad = await schedule({ ...weekly, weekday: 8 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('weekday');
    expect((await schedule({ ...weekly, email: ['not an address'] })).status).toBe(400);
    const saved = await schedule(weekly);
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { reports: unknown }).reports).toEqual({ weekly });

    // Not before its hour, local time.
    now = MONDAY_EIGHT - 60_000;
    expect(await hub.reports.runDue()).toBe(0);
    now = MONDAY_EIGHT;
    expect(await hub.reports.runDue()).toBe(1);

    const [hook] = await waitFor(() => (receiver.received.length > 0 ? receiver.received : undefined), {
      what: 'the weekly report webhook',
    });
    expect(hook!.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(hook!.body).digest('hex')}`);
    expect(hook!.delivery).toBe('report.weekly:venue-a:2026-12-06');
    const event = JSON.parse(hook!.body) as {
      event: string;
      from: string;
      to: string;
      files: { xlsx: string; pdf: string };
      report: CxReport;
    };
    expect([event.event, event.from, event.to]).toEqual(['report.weekly', '2026-11-30', '2026-12-06']);
    expect(event.report.promises.total).toMatchObject({ promised: 1, longWaits: { count: expect.any(Number) } });
    expect(event.report.promises.byDay.map((row) => row.promised)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    // Called 12 minutes after the promise was made: kept or not, and missed by |12 - posted|.
    const issued = (await hub.store.queueEvents('venue-a')).find((e) => e.type === 'ticket.issued');
    const posted = issued?.type === 'ticket.issued' ? issued.postedWaitMin : null;
    expect(posted).not.toBeNull();
    expect(event.report.promises.total).toMatchObject({
      keptPct: 12 <= posted! ? 100 : 0,
      maeMin: Math.round(Math.abs(12 - posted!) * 10) / 10,
    });
    // Its links open the same report's files for a signed-in manager (signed in again: a session
    // lasts 12 hours on the hub's clock, and the clock has moved to Monday).
    const monday = await signIn(hub, 'boss');
    const pdf = await fetch(`${hub.url}${event.files.pdf}`, { headers: { authorization: `Bearer ${monday}` } });
    expect(pdf.status).toBe(200);
    expect((await pdfText(await pdf.arrayBuffer())).text).toContain('고객경험보고서');

    const [mail] = await waitFor(() => (sink.mails.length > 0 ? sink.mails : undefined), { what: 'the e-mail' });
    expect([mail!.from, mail!.to]).toEqual(['reports@waitwell.test', ['boss@venue.test']]);
    const mailed = await pdfText(new Uint8Array(attachment(mail!.raw, 'venue-a-cx-2026-11-30-2026-12-06.pdf')).buffer);
    expect(mailed.pages).toBeGreaterThanOrEqual(2);
    expect(mailed.text).toContain('2026-11-30');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      new Uint8Array(attachment(mail!.raw, 'venue-a-cx-2026-11-30-2026-12-06.xlsx')).buffer as ArrayBuffer,
    );
    expect(workbook.worksheets.map((sheet) => sheet.name)).toContain('대기 약속');

    // Later that day, and after a restart: already sent, nothing goes out twice.
    now = MONDAY_EIGHT + 60 * 60_000;
    expect(await hub.reports.runDue()).toBe(0);
    await hub.close();
    hub = await startTestHub({ file, venue: { ...venue, reports: { weekly } }, clock, smtp });
    expect(await hub.reports.runDue()).toBe(0);
    await waitFor(async () => (await hub.store.webhookDeliveries('venue-a', 'delivered')).length === 1, {
      what: 'the delivery recorded as delivered',
    });
    expect(receiver.received).toHaveLength(1);
    expect(sink.mails).toHaveLength(1);
    expect(await hub.store.weeklyReports('venue-a')).toEqual([
      { from: '2026-11-30', to: '2026-12-06', sentAt: now - 3_600_000 },
    ]);

    // The next Monday is the next week's.
    now = MONDAY_EIGHT + 7 * 86_400_000;
    expect(await hub.reports.runDue()).toBe(1);
    await waitFor(() => receiver.received.length === 2 && sink.mails.length === 2, { what: 'the next week’s report' });
    expect((JSON.parse(receiver.received[1]!.body) as { from: string }).from).toBe('2026-12-07');
  }, 180_000); // scrypt sign-ins, a forecast per ticket and PDFs on a shared 2-core machine
});
