import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { operationsReport } from '../../core/analytics/operations.ts';
import type { QueueEvent } from '../../core/queue/events.ts';
import { venueSchema } from '../../core/venue.ts';
import { operationsSheet, operationsTable } from './operations-export.ts';
import { csvOf, workbookOf } from './spreadsheet.ts';

const AT = Date.UTC(2026, 11, 4, 1);
const venue = venueSchema.parse({
  id: 'v',
  name: 'Branch',
  services: [{ id: 'loans', name: { ko: '대출, "신규"', zh: '贷款', en: 'Loans, "new"' } }],
  counters: [{ id: 'c1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, services: ['loans'] }],
});
const LOG: QueueEvent[] = [
  { type: 'counter.opened', at: AT, counterId: 'c1', services: ['loans'], closesAt: null },
  {
    type: 'ticket.issued',
    at: AT,
    ticketId: 't1',
    serviceId: 'loans',
    number: 'L-001',
    seq: 1,
    day: '2026-12-04',
    segmentId: null,
    weight: 0,
    issuedAt: AT,
    kioskId: null,
    offline: false,
    postedWaitMin: 10,
    pointWaitMin: 10,
    returnWindow: null,
  },
  { type: 'ticket.called', at: AT + 90_000, ticketId: 't1', counterId: 'c1', outOfOrder: false, calledBy: 'kim' },
  { type: 'ticket.served', at: AT + 390_000, ticketId: 't1', counterId: 'c1' },
  { type: 'counter.closed', at: AT + 600_000, counterId: 'c1' },
];
const report = operationsReport(LOG, {
  venueId: 'v',
  from: '2026-12-04',
  to: '2026-12-04',
  offsetAt: () => 0,
  now: AT + 86_400_000,
});

describe('the operations report as a spreadsheet table', () => {
  it('names services and counters in the reader’s language and quotes what CSV must quote', () => {
    const csv = csvOf(operationsTable(report, venue, 'en'));
    expect(csv.startsWith('\uFEFFSection,Name,Tickets,Served,')).toBe(true);
    expect(csv).toContain('\nService,"Loans, ""new""",1,1,0,0,0,0,0,1,1.5,1.5,1.5,100,1,5,5,,,\n');
    expect(csv).toContain('\nCounter,Counter 1,1,1,0,0,0,0,0,1,1.5,1.5,1.5,100,1,5,5,10,0,5\n');
    expect(csv).toContain('\nClerk,kim,1,');
    expect(csv).not.toContain('loans');
  });

  it('leaves clerk rows out when the reader may not see them', () => {
    const table = operationsTable({ ...report, byClerk: null }, venue, 'ko');
    expect(table[0]?.[0]).toBe('구분');
    expect(table.filter((row) => row[0] === '직원')).toEqual([]);
  });

  it('writes an XLSX whose cells read back as the table, numbers as numbers', async () => {
    const table = operationsTable(report, venue, 'zh');
    const workbook = new ExcelJS.Workbook();
    // A copy as a plain ArrayBuffer, the type exceljs's load declares.
    await workbook.xlsx.load(new Uint8Array(await workbookOf([operationsSheet(table, 'zh')])).buffer);
    const sheet = workbook.getWorksheet('运营')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push(table[0]!.map((_, i) => row.getCell(i + 1).value ?? null)));
    expect(rows).toEqual(table);
    expect(typeof rows[1]?.[10]).toBe('number');
  });
});
