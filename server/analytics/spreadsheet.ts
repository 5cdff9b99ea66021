/** One spreadsheet cell: numbers stay numbers, null is an empty cell. */
export type Cell = string | number | null;

/** A table for spreadsheets: the first row holds the column titles. */
export interface Sheet {
  name: string;
  rows: Cell[][];
  /** Columns on the left that stay in view (names), and are drawn wider. */
  keyColumns: number;
}

/** CSV with a byte-order mark, so spreadsheet programs read Korean and Chinese names as UTF-8. */
export function csvOf(rows: Cell[][]): string {
  const cell = (value: Cell) => {
    const text = value === null ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

/** A workbook with one worksheet per sheet, titles bold and frozen. */
export async function workbookOf(sheets: readonly Sheet[]): Promise<Buffer> {
  // Loaded when a workbook is asked for: exceljs costs a hub about 28 MB of memory it would
  // otherwise carry all day for a report downloaded now and then.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.title = sheets.map((sheet) => sheet.name).join(', ');
  for (const { name, rows, keyColumns } of sheets) {
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: keyColumns }] });
    for (const row of rows) sheet.addRow(row);
    sheet.getRow(1).font = { bold: true };
    sheet.columns.forEach((column, i) => {
      column.width = i < keyColumns ? 24 : 14;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
