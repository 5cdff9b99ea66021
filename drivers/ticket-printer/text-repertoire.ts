import type { Language } from '../../core/languages.ts';
import type { PrinterModel, ResidentFont } from './printer-models.ts';

/**
 * Which characters a printer prints as text: code page 437 on every ESC/POS printer, plus the
 * repertoire of each resident multi-byte font. A ticket line with any other character goes to
 * the printer as an image (render.ts).
 */
export type TextEncoding = 'cp437' | 'ksc5601' | 'gb18030' | 'big5' | 'shiftjis';

/** Code page 437, bytes 0x80-0xFF. */
export const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴' +
  '┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const ENCODING_OF_FONT: Record<ResidentFont, TextEncoding> = {
  'ks-x-1001': 'ksc5601',
  gb18030: 'gb18030',
  big5: 'big5',
  'jis-x-0208': 'shiftjis',
};

/** The resident font each language's text prints in, best first. */
const FONTS_FOR: Record<Language, readonly ResidentFont[]> = {
  ko: ['ks-x-1001'],
  zh: ['gb18030', 'big5'],
  en: [],
};

/** The code page a ticket's text goes out in on this model: its language's font if the model has one. */
export function textEncoding(language: Language, model: Pick<PrinterModel, 'fonts'>): TextEncoding {
  const font = FONTS_FOR[language].find((candidate) => model.fonts.includes(candidate));
  return font ? ENCODING_OF_FONT[font] : 'cp437';
}

/**
 * Two-byte ranges of each font, [lead from, lead to] x trail ranges: the characters a printer's font has glyphs for.
 */
const DOUBLE_BYTE: Record<
  Exclude<TextEncoding, 'cp437'>,
  { decoder: string; leads: [number, number]; trails: [number, number][] }
> = {
  // KS X 1001 proper (EUC-KR); the decoder's cp949 extensions have no glyph in a printer's font.
  ksc5601: { decoder: 'euc-kr', leads: [0xa1, 0xfe], trails: [[0xa1, 0xfe]] },
  // The two-byte (GBK) part of GB18030: printers' fonts do not go further.
  gb18030: {
    decoder: 'gb18030',
    leads: [0x81, 0xfe],
    trails: [
      [0x40, 0x7e],
      [0x80, 0xfe],
    ],
  },
  big5: {
    decoder: 'big5',
    leads: [0xa1, 0xf9],
    trails: [
      [0x40, 0x7e],
      [0xa1, 0xfe],
    ],
  },
  shiftjis: {
    decoder: 'shift_jis',
    leads: [0x81, 0xef],
    trails: [
      [0x40, 0x7e],
      [0x80, 0xfc],
    ],
  },
};

const repertoires = new Map<TextEncoding, ReadonlySet<string>>();

function ascii(): string[] {
  return Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
}

function buildRepertoire(encoding: TextEncoding): ReadonlySet<string> {
  if (encoding === 'cp437') return new Set([...ascii(), ...CP437_HIGH]);
  const { decoder, leads, trails } = DOUBLE_BYTE[encoding];
  const bytes: number[] = [];
  for (let lead = leads[0]; lead <= leads[1]; lead += 1)
    for (const [from, to] of trails) for (let trail = from; trail <= to; trail += 1) bytes.push(lead, trail);
  // One decode of every pair: unmapped pairs become U+FFFD (their ASCII trail bytes are already in the set).
  const multibyte = new Set(new TextDecoder(decoder).decode(Uint8Array.from(bytes)));
  multibyte.delete('\ufffd');
  // In multi-byte mode, bytes 0x80-0xFF are lead bytes: code page 437's upper half is gone.
  const chars = new Set([...ascii(), ...multibyte]);
  // ESC R 13 (Korea), sent with KS X 1001 text, prints 0x5C as a won sign.
  if (encoding === 'ksc5601') chars.delete('\\');
  return chars;
}

function repertoire(encoding: TextEncoding): ReadonlySet<string> {
  let chars = repertoires.get(encoding);
  if (!chars) {
    chars = buildRepertoire(encoding);
    repertoires.set(encoding, chars);
  }
  return chars;
}

/** True when every character of the text is in the printer's font for this encoding. */
export function printsAsText(text: string, encoding: TextEncoding): boolean {
  const chars = repertoire(encoding);
  for (const char of text) if (!chars.has(char)) return false;
  return true;
}
