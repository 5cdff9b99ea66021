import type { Language } from '../../core/languages.ts';
import type { Venue } from '../../core/venue.ts';
import { cxPdf, findCjkFont } from './cx-pdf.ts';
import { type CxReport, cxSheets, cxTables } from './cx-report.ts';
import type { CxTable } from './cx-texts.ts';
import { csvOf, workbookOf } from './spreadsheet.ts';

/** The report as the files people download and the weekly e-mail carries: one place makes them all. */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportFile {
  name: string;
  type: string;
  body: Buffer;
}

/** No CJK font on the hub's machine: the PDF would print boxes for Korean and Chinese. */
export class NoCjkFont extends Error {
  constructor() {
    super('no CJK font for the PDF: install Noto Sans CJK (Debian: apt-get install fonts-noto-cjk)');
    this.name = 'NoCjkFont';
  }
}

const baseName = (report: CxReport) => `${report.venueId}-cx-${report.from}-${report.to}`;

export function cxCsv(report: CxReport, venue: Venue, lang: Language, table: CxTable): ReportFile {
  return {
    name: `${baseName(report)}-${table}.csv`,
    type: 'text/csv; charset=utf-8',
    body: Buffer.from(csvOf(cxTables(report, venue, lang)[table])),
  };
}

export async function cxXlsx(report: CxReport, venue: Venue, lang: Language): Promise<ReportFile> {
  return {
    name: `${baseName(report)}.xlsx`,
    type: XLSX_TYPE,
    body: await workbookOf(cxSheets(cxTables(report, venue, lang), lang)),
  };
}

export async function cxPdfFile(
  report: CxReport,
  venue: Venue,
  lang: Language,
  options: { generatedAt: string; fonts?: readonly string[] },
): Promise<ReportFile> {
  const fontPath = findCjkFont(options.fonts);
  if (!fontPath) throw new NoCjkFont();
  const tables = cxTables(report, venue, lang);
  return {
    name: `${baseName(report)}.pdf`,
    type: 'application/pdf',
    body: await cxPdf({ report, tables, venue, lang, fontPath, generatedAt: options.generatedAt }),
  };
}
