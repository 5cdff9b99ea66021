import { existsSync } from 'node:fs';
import type { Language } from '../../core/languages.ts';
import type { Venue } from '../../core/venue.ts';
import type { CxReport } from './cx-report.ts';
import { CX_TABLES, CX_TEXTS, type CxTable } from './cx-texts.ts';
import type { Cell } from './spreadsheet.ts';

/**
 * The report as a printable PDF (A4): key figures, two charts drawn as vector graphics, then every
 * table. Korean and Chinese need a CJK font; Debian's Noto Sans CJK (fonts-noto-cjk) is the one
 * looked for, and without it the hub says so instead of printing boxes.
 */

const CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
];

/** The CJK font file on this machine, or undefined. */
export function findCjkFont(candidates: readonly string[] = CJK_FONTS): string | undefined {
  return candidates.find((path) => existsSync(path));
}

/** The face of the collection whose glyph shapes each language's readers expect. */
const FACE: Record<Language, string> = {
  ko: 'NotoSansCJKkr-Regular',
  zh: 'NotoSansCJKsc-Regular',
  en: 'NotoSansCJKkr-Regular',
};

const PAGE = { width: 595.28, height: 841.89, margin: 40 };
const INK = '#1f2933';
const BAD = '#c0392b';
const GOOD = '#2e8b57';
const MUTED = '#7b8794';

type Doc = InstanceType<typeof import('pdfkit')>;

/** Widths of a table's columns: the first (names) wider, the rest shared. */
function columnWidths(count: number, width: number): number[] {
  if (count <= 1) return [width];
  const first = Math.min(150, width / Math.max(2, count - 2));
  return [first, ...Array.from({ length: count - 1 }, () => (width - first) / (count - 1))];
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > PAGE.height - PAGE.margin) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensureRoom(doc, 60);
  doc.moveDown(0.6).fontSize(13).fillColor(INK).text(text, PAGE.margin, doc.y);
  doc.moveDown(0.3);
}

function table(doc: Doc, rows: Cell[][], empty: string): void {
  const width = PAGE.width - 2 * PAGE.margin;
  const widths = columnWidths(rows[0]?.length ?? 1, width);
  const rowHeight = 13;
  const line = (cells: Cell[], bold: boolean) => {
    ensureRoom(doc, rowHeight);
    const y = doc.y;
    let x = PAGE.margin;
    doc.fontSize(bold ? 7.5 : 7).fillColor(bold ? INK : '#323f4b');
    cells.forEach((cell, i) => {
      const text = cell === null ? '' : String(cell);
      doc.text(text, x + 1, y + 2, { width: widths[i]! - 2, height: rowHeight, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc
      .moveTo(PAGE.margin, y + rowHeight)
      .lineTo(PAGE.margin + width, y + rowHeight)
      .lineWidth(bold ? 0.8 : 0.3)
      .strokeColor(bold ? INK : '#cbd2d9')
      .stroke();
    doc.x = PAGE.margin;
    doc.y = y + rowHeight;
  };
  const [titles, ...body] = rows;
  if (titles) line(titles, true);
  if (body.length === 0)
    doc
      .fontSize(8)
      .fillColor(MUTED)
      .text(empty, PAGE.margin, doc.y + 3);
  for (const row of body) line(row, false);
  doc.moveDown(0.5);
}

/** Horizontal bars on a -100..100 axis, one per touchpoint, with its target as a tick. */
function happyIndexChart(doc: Doc, bars: { label: string; value: number | null; target?: number }[], empty: string) {
  const barHeight = 12;
  const labelWidth = 150;
  const left = PAGE.margin + labelWidth;
  const width = PAGE.width - PAGE.margin - left;
  const zero = left + width / 2;
  const scale = width / 200;
  ensureRoom(doc, bars.length * (barHeight + 4) + 30);
  const top = doc.y;
  if (bars.length === 0) return void doc.fontSize(8).fillColor(MUTED).text(empty, PAGE.margin, top);
  bars.forEach((bar, i) => {
    const y = top + i * (barHeight + 4);
    doc
      .fontSize(7.5)
      .fillColor(INK)
      .text(bar.label, PAGE.margin, y + 2, { width: labelWidth - 6, lineBreak: false, ellipsis: true });
    if (bar.value !== null) {
      const x = bar.value >= 0 ? zero : zero + bar.value * scale;
      doc
        .rect(x, y, Math.max(0.5, Math.abs(bar.value) * scale), barHeight)
        .fill(bar.value >= (bar.target ?? 0) ? GOOD : BAD);
      doc
        .fontSize(7)
        .fillColor(INK)
        .text(String(Math.round(bar.value)), bar.value >= 0 ? zero - 24 : zero + 3, y + 2, {
          width: 21,
          align: bar.value >= 0 ? 'right' : 'left',
          lineBreak: false,
        });
    }
    if (bar.target !== undefined) {
      const x = zero + bar.target * scale;
      doc
        .moveTo(x, y - 1)
        .lineTo(x, y + barHeight + 1)
        .lineWidth(1.5)
        .strokeColor(INK)
        .stroke();
    }
  });
  const bottom = top + bars.length * (barHeight + 4);
  doc
    .moveTo(zero, top - 2)
    .lineTo(zero, bottom)
    .lineWidth(0.5)
    .strokeColor(MUTED)
    .stroke();
  for (const tick of [-100, -50, 0, 50, 100])
    doc
      .fontSize(6.5)
      .fillColor(MUTED)
      .text(String(tick), zero + tick * scale - 12, bottom + 2, { width: 24, align: 'center', lineBreak: false });
  doc.x = PAGE.margin;
  doc.y = bottom + 14;
}

/** Vertical bars 0..100 %, one per day. */
function promisesChart(doc: Doc, bars: { label: string; value: number | null }[], empty: string) {
  const height = 110;
  const width = PAGE.width - 2 * PAGE.margin;
  ensureRoom(doc, height + 30);
  const top = doc.y;
  if (bars.every((bar) => bar.value === null)) return void doc.fontSize(8).fillColor(MUTED).text(empty, PAGE.margin);
  const slot = width / bars.length;
  bars.forEach((bar, i) => {
    const x = PAGE.margin + i * slot;
    if (bar.value !== null) {
      const h = (bar.value / 100) * height;
      doc.rect(x + slot * 0.15, top + height - h, slot * 0.7, Math.max(0.5, h)).fill(bar.value >= 90 ? GOOD : BAD);
      doc
        .fontSize(7)
        .fillColor(INK)
        .text(String(bar.value), x, top + height - h - 10, { width: slot, align: 'center', lineBreak: false });
    }
    doc
      .fontSize(6.5)
      .fillColor(MUTED)
      .text(bar.label, x, top + height + 3, { width: slot, align: 'center', lineBreak: false });
  });
  doc
    .moveTo(PAGE.margin, top + height)
    .lineTo(PAGE.margin + width, top + height)
    .lineWidth(0.5)
    .strokeColor(MUTED)
    .stroke();
  doc.x = PAGE.margin;
  doc.y = top + height + 18;
}

/** The PDF of one report; `tables` are cxTables' rows in the same language. */
export async function cxPdf(options: {
  report: CxReport;
  tables: Record<CxTable, Cell[][]>;
  venue: Venue;
  lang: Language;
  fontPath: string;
  generatedAt: string;
}): Promise<Buffer> {
  const { report, tables, lang } = options;
  const texts = CX_TEXTS[lang];
  // Loaded when a PDF is asked for, like exceljs: a hub prints one now and then.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    lang,
    info: { Title: `${texts.title}: ${report.venueName} ${report.from} – ${report.to}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', options.fontPath, FACE[lang]);
  doc.font('body');

  doc.fontSize(20).fillColor(INK).text(texts.title);
  doc.fontSize(12).text(report.venueName);
  doc
    .fontSize(9)
    .fillColor(MUTED)
    .text(`${texts.period}: ${report.from} – ${report.to} (${report.timeZone})`)
    .text(`${texts.generated}: ${options.generatedAt}`);
  doc.moveDown(0.8);

  const { analytics, promises } = report;
  const figure = (value: number | null, digits = 2) => (value === null ? '–' : String(Number(value.toFixed(digits))));
  const summary: [string, string][] = [
    [texts.summary.visits, String(analytics.journeys.count)],
    [texts.summary.meanPeakEnd, figure(analytics.journeys.meanPeakEnd)],
    [texts.summary.baseline, figure(analytics.baseline.meanExperience)],
    [texts.summary.promisesKept, figure(promises.total.keptPct, 1)],
    [texts.summary.mae, figure(promises.total.maeMin, 1)],
    [texts.summary.actualOverPosted, figure(promises.total.longWaits.meanActualOverPosted)],
    [texts.summary.tasks, String(report.tasks.length)],
  ];
  for (const [label, value] of summary) {
    const y = doc.y;
    doc.fontSize(9).fillColor(INK).text(label, PAGE.margin, y, { width: 260, lineBreak: false });
    doc.text(value, PAGE.margin + 260, y, { width: 120, lineBreak: false });
    doc.x = PAGE.margin;
    doc.y = y + 13;
  }

  const touchpointNames = new Map(tables.journey.slice(1).map((row, i) => [i, String(row[1])]));
  heading(doc, texts.charts.happyIndex);
  happyIndexChart(
    doc,
    tables.journey.slice(1).map((row, i) => ({
      label: touchpointNames.get(i) ?? '',
      value: typeof row[5] === 'number' ? row[5] : null,
      ...(typeof row[6] === 'number' ? { target: row[6] } : {}),
    })),
    texts.charts.noData,
  );
  heading(doc, texts.charts.promisesByDay);
  promisesChart(
    doc,
    promises.byDay.map((row) => ({ label: row.key.slice(5), value: row.keptPct })),
    texts.charts.noData,
  );

  for (const name of CX_TABLES) {
    heading(doc, texts.sheets[name]);
    table(doc, tables[name], texts.charts.noData);
  }
  doc.end();
  return done;
}
