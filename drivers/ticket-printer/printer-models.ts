/**
 * Ticket printers known by model: devices are data, not code branches. A kiosk's printer entry
 * names its model; the paper width, the command set and which scripts print as text follow from
 * here. Text in a script the model has no resident font for is sent as a raster image
 * (README.md in this folder), so every model prints Korean, Chinese and English tickets.
 */

/**
 * receiptline's ESC/POS dialects: 'escpos' for Epson TM printers (GS 8 L / GS ( L graphics,
 * FS ( A, FS C); 'generic' for clones that mishandle those (GS v 0 rasters, binary parameters).
 */
export type CommandSet = 'escpos' | 'generic';
export const COMMAND_SETS: readonly CommandSet[] = ['escpos', 'generic'];

/** A resident multi-byte font, named by the character set it covers. */
export type ResidentFont = 'ks-x-1001' | 'gb18030' | 'big5' | 'jis-x-0208';

/** Commands some printers mishandle; the emulator reports them when the model it plays lacks them. */
type EscposCommandName = 'FS ( A' | 'FS C' | 'GS 8 L' | 'GS ( L';

/** Where a fact comes from, so nobody mistakes a public report for a measurement on a unit. */
interface FactSource {
  kind: 'vendor-manual' | 'public-reports' | 'assumption';
  reference: string;
}

export interface PrinterModel {
  id: string;
  name: string;
  /** Printable dots across the roll: GS W never asks for more. */
  dotsPerLine: number;
  /** Dots per inch of the head: the QR module size in millimetres depends on it. */
  dpi: number;
  commandSet: CommandSet;
  /** Scripts printed in the printer's own font; everything else outside code page 437 is an image. */
  fonts: readonly ResidentFont[];
  /** Cuts the paper after a ticket (GS V). */
  cutter: boolean;
  /** Commands this model is reported to print as garbage; never sent to it. */
  mishandles: readonly EscposCommandName[];
  sources: Record<'width' | 'fonts' | 'commands' | 'cutter', FactSource>;
  notes: string;
}

/** Font A is 12 x 24 dots: characters per line are the dots across divided by 12. */
export const FONT_A_DOTS = 12;

const EPSON_T20III_GUIDE = 'Epson TM-T20III Technical Reference Guide: 80 mm roll, 72 mm / 576 dots printable, 203 dpi';
const EPSON_FONT_MODELS =
  'Epson sells TM-T20III regional models whose resident fonts differ (ANK, Korean KS C 5601, Simplified Chinese ' +
  'GB18030, Traditional Chinese Big5); the model name on the label tells which';

export const PRINTER_MODELS: readonly PrinterModel[] = [
  {
    id: 'epson-tm-t20iii-kr',
    name: 'Epson TM-T20III, Korean model',
    dotsPerLine: 576,
    dpi: 203,
    commandSet: 'escpos',
    fonts: ['ks-x-1001'],
    cutter: true,
    mishandles: [],
    sources: {
      width: { kind: 'vendor-manual', reference: EPSON_T20III_GUIDE },
      fonts: {
        kind: 'vendor-manual',
        reference: `${EPSON_FONT_MODELS}: this one prints KS X 1001 (FS & with ESC R 13)`,
      },
      commands: { kind: 'vendor-manual', reference: 'Epson ESC/POS Command Reference (TM-T20III column)' },
      cutter: { kind: 'vendor-manual', reference: EPSON_T20III_GUIDE },
    },
    notes: 'Hangul outside the 2,350 syllables of KS X 1001 (and Chinese text) prints as an image.',
  },
  {
    id: 'epson-tm-t20iii-sc',
    name: 'Epson TM-T20III, Simplified Chinese model',
    dotsPerLine: 576,
    dpi: 203,
    commandSet: 'escpos',
    fonts: ['gb18030'],
    cutter: true,
    mishandles: [],
    sources: {
      width: { kind: 'vendor-manual', reference: EPSON_T20III_GUIDE },
      fonts: { kind: 'vendor-manual', reference: `${EPSON_FONT_MODELS}: this one prints GB18030 (FS &)` },
      commands: { kind: 'vendor-manual', reference: 'Epson ESC/POS Command Reference (TM-T20III column)' },
      cutter: { kind: 'vendor-manual', reference: EPSON_T20III_GUIDE },
    },
    notes: 'Korean text prints as an image. Chinese text uses the two-byte (GBK) part of GB18030.',
  },
  {
    id: 'epson-tm-t88vi',
    name: 'Epson TM-T88VI, international (ANK) model',
    dotsPerLine: 512,
    dpi: 180,
    commandSet: 'escpos',
    fonts: [],
    cutter: true,
    mishandles: [],
    sources: {
      width: {
        kind: 'vendor-manual',
        reference:
          'Epson TM-T88VI Technical Reference Guide: 80 mm roll, 72 mm / 512 dots printable, 180 dpi, font A 42 ' +
          'columns (escpos-printer-db gives 512 dots for the TM-T88V too)',
      },
      fonts: { kind: 'vendor-manual', reference: 'the ANK model carries code pages only, no multi-byte font' },
      commands: { kind: 'vendor-manual', reference: 'Epson ESC/POS Command Reference (TM-T88VI column)' },
      cutter: { kind: 'vendor-manual', reference: 'Epson TM-T88VI Technical Reference Guide: autocutter' },
    },
    notes: 'TM-T88IV, V and VII have the same 512-dot head. Korean and Chinese text print as images.',
  },
  {
    id: 'xprinter-xp-80',
    name: 'Xprinter XP-80 (XP-80C and similar Chinese ESC/POS clones)',
    dotsPerLine: 576,
    dpi: 203,
    commandSet: 'generic',
    fonts: ['gb18030'],
    cutter: true,
    mishandles: ['FS ( A', 'FS C', 'GS 8 L', 'GS ( L'],
    sources: {
      width: { kind: 'vendor-manual', reference: 'Xprinter XP-80C user manual: 72 mm / 576 dots printable, 203 dpi' },
      fonts: {
        kind: 'vendor-manual',
        reference: 'Xprinter XP-80C user manual: GB18030 Simplified Chinese font (units sold in China)',
      },
      commands: {
        kind: 'public-reports',
        reference:
          'an independent decode of our tickets and user reports on Xprinter units: FS ( A prints "A0", FS C a ' +
          'stray "0", GS 8 L / GS ( L rasters print as gibberish; GS v 0 prints',
      },
      cutter: { kind: 'vendor-manual', reference: 'Xprinter XP-80C user manual: autocutter' },
    },
    notes:
      'Not yet checked on a unit: print `waitwell ticket preview --printer xprinter-xp-80 --format escpos` on it ' +
      'before relying on it. Korean text prints as an image.',
  },
  {
    id: 'generic-80mm',
    name: 'Any 80 mm ESC/POS printer (model not named)',
    dotsPerLine: 576,
    dpi: 203,
    commandSet: 'generic',
    fonts: [],
    cutter: true,
    mishandles: ['FS ( A', 'FS C', 'GS 8 L', 'GS ( L'],
    sources: {
      width: {
        kind: 'assumption',
        reference: '576 dots at 203 dpi is the common 80 mm head (Epson TM-T20 class, clones)',
      },
      fonts: { kind: 'assumption', reference: 'no multi-byte font assumed: Korean and Chinese print as images' },
      commands: { kind: 'assumption', reference: 'the command subset clones handle (receiptline "generic")' },
      cutter: { kind: 'assumption', reference: 'a printer without a cutter ignores GS V' },
    },
    notes:
      'The default when a kiosk names no model: prints every language correctly, slower than text. Name the model ' +
      'to print CJK as text.',
  },
  {
    id: 'generic-58mm',
    name: 'Any 58 mm ESC/POS printer (model not named)',
    dotsPerLine: 384,
    dpi: 203,
    commandSet: 'generic',
    fonts: [],
    cutter: false,
    mishandles: ['FS ( A', 'FS C', 'GS 8 L', 'GS ( L'],
    sources: {
      width: { kind: 'assumption', reference: '48 mm / 384 dots at 203 dpi is the common 58 mm head' },
      fonts: { kind: 'assumption', reference: 'no multi-byte font assumed: Korean and Chinese print as images' },
      commands: { kind: 'assumption', reference: 'the command subset clones handle (receiptline "generic")' },
      cutter: { kind: 'assumption', reference: 'most 58 mm printers have a tear bar only' },
    },
    notes: '32 characters per line.',
  },
];

export const DEFAULT_PRINTER_MODEL_ID = 'generic-80mm';
export const PRINTER_MODEL_IDS = PRINTER_MODELS.map((model) => model.id);

export function findPrinterModel(id: string): PrinterModel | undefined {
  return PRINTER_MODELS.find((model) => model.id === id);
}

/** The model by id, or an error naming the known ones. */
export function printerModel(id: string = DEFAULT_PRINTER_MODEL_ID): PrinterModel {
  const model = findPrinterModel(id);
  if (!model)
    throw new Error(
      `unknown printer model "${id}"; known models: ${PRINTER_MODEL_IDS.join(', ')} (waitwell devices lists them)`,
    );
  return model;
}

/** Characters per line in font A that fit the model's head. */
export function maxCharactersPerLine(model: PrinterModel): number {
  return Math.floor(model.dotsPerLine / FONT_A_DOTS);
}
