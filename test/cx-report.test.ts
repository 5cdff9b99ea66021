import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect } from 'vitest';
import type { OperationsReport } from '../core/analytics/operations.ts';
import type { Language } from '../core/languages.ts';
import { dayKey } from '../core/queue/numbering.ts';
import type { CxReport } from '../server/analytics/cx-report.ts';
import { CX_TABLES, CX_TEXTS } from '../server/analytics/cx-texts.ts';
import { CX_VENUE, pdfText } from './support/cx-report.ts';
import { signedInUser, syncingKioskStore } from './support/fixtures.ts';
import { test } from './support/test-fixtures.ts';
import { waitFor } from './support/wait.ts';

/** Parses a CSV without quoted cells (none of these names has a comma) into rows of cells. */
const csvRows = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

const squeeze = (text: string) => text.replace(/\s+/g, '');

describe('customer-experience report on the hub', () => {
  test.override({ hubOptions: { venue: CX_VENUE } });

  test('serves JSON, a CSV per table with names in three languages, an XLSX per instrument and a PDF', async ({
    cleanups,
    dir,
    hub,
  }) => {
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'kim', role: 'staff' });

    // A gold customer is promised a wait, served at counter 1, then presses very unhappy there.
    await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId: 'c1' });
    const issued = await hub.queues.commands.execute('venue-a', {
      type: 'issue',
      ticketId: '0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      serviceId: 'deposits',
      segmentId: 'gold',
    });
    expect(issued.ok).toBe(true);
    await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' });
    await hub.queues.commands.execute('venue-a', { type: 'serve', counterId: 'c1' });
    const token = await hub.addKiosk('k1');
    const kiosk = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    kiosk.append('feedback.pressed', { touchpointId: 'counter-1', level: 1, source: 'serial' });
    kiosk.append('feedback.pressed', { touchpointId: 'entrance', level: 4, source: 'serial' });
    kiosk.append('feedback.pressed', { touchpointId: 'entrance', level: 3, source: 'serial' });
    await waitFor(async () => (await hub.store.tasks('venue-a')).length > 0, { what: 'the unhappy press’s task' });

    // Yesterday and today in the venue's calendar (UTC): a run across midnight still holds everything.
    const to = dayKey(Date.now(), 0);
    const from = dayKey(Date.now() - 86_400_000, 0);
    const get = (query: string, session = manager, path = 'cx') =>
      fetch(`${hub.url}/api/venues/venue-a/reports/${path}?from=${from}&to=${to}&${query}`, {
        headers: { authorization: `Bearer ${session}` },
      });

    const json = await get('format=json');
    expect(json.status).toBe(200);
    const report = (await json.json()) as CxReport;
    expect([report.from, report.to, report.timeZone]).toEqual([from, to, 'UTC']);
    const counter = report.analytics.touchpoints.find((t) => t.touchpointId === 'counter-1');
    expect(counter).toMatchObject({ volume: 1, meanExperience: -5, happyIndex: -100, target: 0, meetsTarget: false });
    expect(report.analytics.journeys.count).toBe(1);
    expect(report.analytics.journeys.items).toEqual([
      expect.objectContaining({ ticketNumber: 'A-001', serviceId: 'deposits', rating: null }),
    ]);
    expect(report.tasks).toEqual([expect.objectContaining({ subject: 'counter-1', owner: 'Front desk' })]);
    // The promise ledger is the operations report's: one fold of the queue log for both.
    const operations = (await (await get('', manager, 'operations')).json()) as OperationsReport;
    expect(report.promises.total).toEqual(operations.total.promise);
    expect(report.promises.byService).toEqual(operations.byService.map((g) => ({ key: g.key, ...g.promise })));
    expect(report.promises.total.promised).toBe(1);
    expect(report.promises.byDay.map((row) => row.key)).toEqual(from === to ? [to] : [from, to]);

    // Every table as CSV in every language: its titles, names instead of ids.
    const ids = ['counter-1', 'entrance', 'deposits', 'gold', 'c1'];
    const csv: Record<string, string[][]> = {};
    for (const lang of ['ko', 'zh', 'en'] as Language[])
      for (const table of CX_TABLES) {
        const response = await get(`format=csv&table=${table}&lang=${lang}`);
        expect(response.status, `${table} ${lang}`).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
        const rows = csvRows(await response.text());
        expect(rows[0]).toEqual(CX_TEXTS[lang].columns[table]);
        for (const id of ids) expect(rows.slice(1).flat(), `${table} ${lang}`).not.toContain(id);
        csv[`${table}/${lang}`] = rows;
      }
    expect(csv['journey/ko']).toContainEqual(['진행 중', '1번 창구', 'Front desk', '1', '-5', '-100', '0', '아니요']);
    expect(csv['journey/zh']).toContainEqual(['之前', '入口', 'Greeters', '2', '3.5', '75', '', '']);
    expect(csv['journey/en']?.map((row) => row[1])).toContain('Wait: Deposits');
    expect(csv['peakend/en']?.[1]?.slice(0, 4)).toEqual(['A-001', 'Deposits', 'Gold', '2']);
    expect(csv['heatmap/ko']).toContainEqual(['1번 창구', '골드', '1', '-5', '-100', '0', '-5']);
    expect(csv['heatmap/zh']?.map((row) => row[1])).toContain('不属于到访');
    expect(csv['promises/en']?.[1]?.slice(0, 4)).toEqual(['All', 'All', '1', String(report.promises.total.keptPct)]);
    expect(csv['promises/zh']?.map((row) => row[1])).toContain('存款');
    expect(csv['tasks/ko']?.[1]?.slice(1, 5)).toEqual(['불만 버튼 급증', '1번 창구', 'Front desk', '열림']);
    // Ranked by impact where a t can be computed (two moments or more).
    expect(csv['mots/en']?.[1]?.slice(0, 5)).toEqual(['1', 'Entrance', 'Before', 'Greeters', '2']);

    // The workbook, read back with the same library: one sheet per instrument, the CSV's cells.
    const xlsx = await get('format=xlsx&lang=ko');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(CX_TABLES.map((t) => CX_TEXTS.ko.sheets[t]));
    CX_TABLES.forEach((table, i) => {
      const cells: string[][] = [];
      const width = CX_TEXTS.ko.columns[table].length;
      workbook.worksheets[i]!.eachRow((row) => {
        cells.push(Array.from({ length: width }, (_, c) => String(row.getCell(c + 1).value ?? '')));
      });
      expect(cells, table).toEqual(csv[`${table}/ko`]);
    });
    const journeySheet = workbook.worksheets[0]!;
    const counterRow = journeySheet
      .getRows(2, journeySheet.rowCount - 1)!
      .find((r) => r.getCell(2).value === '1번 창구');
    expect([counterRow?.getCell(5).value, counterRow?.getCell(6).value]).toEqual([
      counter!.meanExperience,
      counter!.happyIndex,
    ]);

    // The PDF: pages, the title, names and headings in each language.
    const expected: Record<Language, string[]> = {
      ko: ['고객 경험 보고서', '1번 창구', '진실의 순간', '접점별 행복 지수', 'A-001', '불만 버튼 급증'],
      zh: ['客户体验报告', '1号窗口', '关键时刻', '各触点满意指数', 'A-001', '不满意按键过多'],
      en: ['Customer experience report', 'Counter 1', 'Moments of truth', 'Happy index by touchpoint', 'Gold'],
    };
    for (const lang of ['ko', 'zh', 'en'] as Language[]) {
      const pdf = await get(`format=pdf&lang=${lang}`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const { pages, text } = await pdfText(await pdf.arrayBuffer());
      expect(pages, lang).toBeGreaterThanOrEqual(2);
      for (const words of expected[lang]) expect(text, lang).toContain(squeeze(words));
      expect(text).toContain(squeeze('Test Branch A'));
    }

    // Bad input is refused with what to do; staff do not see the managers' report.
    const refused = async (query: string, says: string) => {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid-request');
      expect(error.message, query).toContain(says);
    };
    const swapped = await fetch(`${hub.url}/api/venues/venue-a/reports/cx?from=2026-12-05&to=2026-12-04`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(swapped.status).toBe(400);
    expect(((await swapped.json()) as { error: { message: string } }).error.message).toContain('swap them');
    await refused('format=csv', 'table=journey|mots|heatmap|peakend|reasons|promises|tasks');
    await refused('format=csv&table=nope', 'table');
    await refused('format=docx', 'format');
    const badDay = await fetch(`${hub.url}/api/venues/venue-a/reports/cx?from=2026-13-40`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(badDay.status).toBe(400);
    expect((await get('format=json', staff)).status).toBe(403);
  }, 180_000); // scrypt sign-ins, a forecast per ticket and three PDFs on a shared 2-core machine
});
