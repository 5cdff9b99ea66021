import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect } from 'vitest';
import type { OperationsReport } from '../core/analytics/operations.ts';
import type { QueueCommand } from '../core/queue/types.ts';
import { signedInUser, startTestHub, TEST_QUEUE_VENUE } from './support/fixtures.ts';
import { test } from './support/test-fixtures.ts';

/** 09:00 on 4 December 2026 in Seoul (00:00 UTC); the hub's clock is moved by hand minute by minute. */
const NINE = Date.UTC(2026, 11, 4, 0, 0);
const minute = (m: number) => NINE + m * 60_000;
const ids = [1, 2, 3, 4, 5].map((n) => `0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5${n}`);
const [T1, T2, T3, T4, T5] = ids as [string, string, string, string, string];

/** Parses the report's CSV (no quoted commas in these names) into rows of cells. */
const csvRows = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

describe('operations report on the hub', () => {
  test('reports a morning driven through the queue API as JSON, CSV and XLSX, clerks for managers only', async ({
    cleanups,
    dir,
  }) => {
    let now = NINE;
    const hub = await startTestHub({
      file: join(dir, 'hub.db'),
      venue: { ...TEST_QUEUE_VENUE, timezone: 'Asia/Seoul' },
      clock: { now: () => now },
    });
    cleanups.push(() => hub.close());
    await hub.venues.upsert({ ...TEST_QUEUE_VENUE, id: 'venue-b', name: 'Test Branch B', timezone: 'Asia/Seoul' });
    const boss = await signedInUser(hub, { username: 'boss', role: 'manager', venueIds: ['venue-a', 'venue-b'] });
    const kim = await signedInUser(hub, { username: 'kim', role: 'staff' });
    const lee = await signedInUser(hub, { username: 'lee', role: 'staff' });
    const outsider = await signedInUser(hub, { username: 'outsider', role: 'manager', venueIds: ['venue-b'] });

    const staff = async (token: string, at: number, command: Record<string, unknown>) => {
      now = minute(at);
      const response = await fetch(`${hub.url}/api/venues/venue-a/queue/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
    };
    const issue = async (at: number, ticketId: string, serviceId: string) => {
      now = minute(at);
      const result = await hub.queues.commands.execute('venue-a', {
        type: 'issue',
        ticketId,
        serviceId,
      } as QueueCommand);
      expect(result.ok).toBe(true);
    };

    await staff(kim, 0, { type: 'open-counter', counterId: 'c1' });
    await staff(lee, 0, { type: 'open-counter', counterId: 'c2' });
    await issue(0, T1, 'deposits');
    await issue(0, T2, 'deposits');
    await issue(0, T3, 'loans');
    await issue(0, T4, 'deposits');
    await staff(kim, 5, { type: 'call', counterId: 'c1', ticketId: T1 }); // waited 5
    await staff(kim, 9, { type: 'serve', counterId: 'c1' }); // served in 4
    await staff(lee, 10, { type: 'call', counterId: 'c2', ticketId: T3 }); // waited 10
    await staff(lee, 16, { type: 'serve', counterId: 'c2' }); // served in 6
    await staff(kim, 20, { type: 'call', counterId: 'c1', ticketId: T2 }); // waited 20
    await staff(kim, 22, { type: 'no-show', counterId: 'c1' });
    await staff(lee, 25, { type: 'call', counterId: 'c2', ticketId: T4 }); // waited 25
    await staff(lee, 27, { type: 'transfer', counterId: 'c2', toServiceId: 'loans', placement: 'first' });
    await staff(lee, 30, { type: 'call-next', counterId: 'c2' }); // T4 again: waited 3 in loans
    await issue(30, T5, 'deposits');
    await staff(kim, 31, { type: 'cancel', ticketId: T5 });
    await staff(lee, 40, { type: 'serve', counterId: 'c2' }); // served in 10
    await staff(kim, 45, { type: 'break-counter', counterId: 'c1' });
    await staff(kim, 60, { type: 'close-counter', counterId: 'c1' });
    await staff(lee, 60, { type: 'close-counter', counterId: 'c2' });
    now = minute(70);

    const get = (token: string, query = '', path = '/api/venues/venue-a/reports/operations') =>
      fetch(`${hub.url}${path}?${query}`, { headers: { authorization: `Bearer ${token}` } });

    // No range: today in Seoul.
    const response = await get(boss);
    expect(response.status).toBe(200);
    const report = (await response.json()) as OperationsReport;
    expect([report.from, report.to]).toEqual(['2026-12-04', '2026-12-04']);
    expect(report.total.outcomes).toEqual({
      served: 3,
      'no-show': 1,
      abandoned: 0,
      transferred: 1,
      cancelled: 1,
      waiting: 0,
    });
    // Waits 5, 10, 20, 25 and 3; service times 4, 6 and 10 minutes.
    expect(report.total.wait).toMatchObject({ count: 5, meanMin: 12.6, medianMin: 10, p90Min: 23 });
    expect(report.total.service).toEqual({ count: 3, meanMin: 6.7, medianMin: 6 });
    // The clerks are the signed-in users who called: the hub put their names in the log.
    expect(report.byClerk?.map((g) => [g.key, g.tickets, g.wait.meanMin, g.service.meanMin])).toEqual([
      ['kim', 2, 12.5, 4],
      ['lee', 3, 12.7, 8],
    ]);
    expect(report.counters).toEqual([
      { counterId: 'c1', openMin: 45, breakMin: 15, idleMin: 39 },
      { counterId: 'c2', openMin: 60, breakMin: 0, idleMin: 42 },
    ]);
    expect(report.busiestHours).toEqual([{ hour: '09', tickets: 6 }]);

    // Staff see the report without their colleagues' figures.
    const forStaff = (await (await get(kim)).json()) as OperationsReport;
    expect(forStaff.byClerk).toBeNull();
    expect(forStaff.total).toEqual(report.total);
    expect((await get(outsider)).status).toBe(403);

    // CSV in Korean: names, not ids; the same figures as the JSON.
    const csv = await get(boss, 'from=2026-12-04&to=2026-12-04&format=csv&lang=ko');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = csvRows(await csv.text());
    expect(rows[0]).toContain('평균 대기(분)');
    const byName = Object.fromEntries(rows.map((row) => [`${row[0]}/${row[1]}`, row]));
    expect(byName['전체/전체']?.slice(2, 17)).toEqual([
      '6',
      '3',
      '1',
      '0',
      '1',
      '1',
      '0',
      '5',
      '12.6',
      '10',
      '23',
      expect.any(String),
      '3',
      '6.7',
      '6',
    ]);
    expect(byName['업무/예금']).toBeDefined();
    expect(byName['창구/1번 창구']?.slice(-3)).toEqual(['45', '15', '39']);
    expect(byName['직원/kim']?.[2]).toBe('2');
    expect(rows.flat()).not.toContain('deposits');
    expect(rows.flat()).not.toContain('c1');
    const staffCsv = csvRows(await (await get(kim, 'format=csv&lang=ko')).text());
    expect(staffCsv.filter((row) => row[0] === '직원')).toEqual([]);

    // XLSX read back with the same library: the same table as the CSV.
    const xlsx = await get(boss, 'format=xlsx&lang=zh');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('运营');
    const cells: string[][] = [];
    sheet.eachRow((row) => {
      cells.push(Array.from({ length: 20 }, (_, i) => String(row.getCell(i + 1).value ?? '')));
    });
    const zhCsv = csvRows(await (await get(boss, 'format=csv&lang=zh')).text());
    expect(cells).toEqual(zhCsv);
    expect(cells.find((row) => row[0] === '全部')?.[10]).toBe('12.6');

    // Bad ranges are refused with what to do.
    const swapped = await get(boss, 'from=2026-12-05&to=2026-12-04');
    expect(swapped.status).toBe(400);
    expect(((await swapped.json()) as { error: { message: string } }).error.message).toContain('swap them');
    expect((await get(boss, 'from=2025-01-01&to=2026-12-04')).status).toBe(400);
    expect((await get(boss, 'from=2026-13-40')).status).toBe(400);

    // Venue against venue: every venue of the manager, each over its own calendar's day.
    const compare = await get(boss, 'from=2026-12-04&to=2026-12-04', '/api/reports/operations');
    const { venues } = (await compare.json()) as { venues: { venueId: string; total: { tickets: number } }[] };
    expect(venues.map((v) => [v.venueId, v.total.tickets])).toEqual([
      ['venue-a', 6],
      ['venue-b', 0],
    ]);
  }, 180_000); // scrypt sign-ins and a forecast per issued ticket, on a shared 2-core machine
});
