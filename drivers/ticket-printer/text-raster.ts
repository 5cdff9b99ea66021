import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { Language } from '../../core/languages.ts';
import { type CjkRegion, loadCjkFace } from './cjk-font.ts';

/**
 * A ticket line the printer has no font for, drawn as a black-and-white image the size the
 * printer's own font would print it: 24 dots per row (font A, where a CJK character is 24 x 24
 * dots) times the character scale, wrapped to the print area. Drawn with @napi-rs/canvas (Skia)
 * in Noto Sans CJK (cjk-font.ts).
 */
export interface RasterStyle {
  /** Emphasised (ESC E): drawn twice, one dot apart, as the printer's double strike does. */
  bold: boolean;
  /** GS ! character scale, 1-8 each way. */
  widthScale: number;
  heightScale: number;
}

export const ROW_DOTS = 24;
/** Noto Sans CJK's ideographic em box: 0.88 of it above the baseline. */
const ASCENT = 0.88;
const CACHE_LIMIT = 256;

const families = new Map<CjkRegion, string>();
const cache = new Map<string, Buffer>();
let measurer: SKRSContext2D | undefined;

/** Korean glyph forms for Korean text, simplified Chinese ones otherwise. */
export function regionFor(language: Language, text: string): CjkRegion {
  if (language === 'ko') return 'KR';
  if (language === 'zh') return 'SC';
  return /\p{Script=Hangul}/u.test(text) ? 'KR' : 'SC';
}

function family(region: CjkRegion): string {
  let name = families.get(region);
  if (!name) {
    name = `waitwell-noto-cjk-${region.toLowerCase()}`;
    if (!GlobalFonts.register(loadCjkFace(region), name))
      throw new Error(`the canvas refused the Noto Sans CJK ${region} face: reinstall fonts-noto-cjk`);
    families.set(region, name);
  }
  return name;
}

/** Greedy wrap at word boundaries (Intl.Segmenter: spaces, and between CJK words); a word wider than a row is split. */
export function wrap(text: string, language: Language, maxWidth: number, width: (s: string) => number): string[] {
  const rows: string[] = [];
  let row = '';
  const push = () => {
    if (row.trim().length > 0) rows.push(row.trim());
    row = '';
  };
  for (const { segment } of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    if (width(row + segment) <= maxWidth) {
      row += segment;
      continue;
    }
    push();
    if (width(segment) <= maxWidth) {
      row = segment.trimStart();
      continue;
    }
    for (const char of segment) {
      if (width(row + char) > maxWidth) push();
      row += char;
    }
  }
  push();
  return rows.length > 0 ? rows : [''];
}

function draw(text: string, language: Language, style: RasterStyle, maxWidth: number): Buffer {
  const px = ROW_DOTS * style.heightScale;
  const stretch = style.widthScale / style.heightScale;
  const font = `${px}px "${family(regionFor(language, text))}"`;
  measurer ??= createCanvas(1, 1).getContext('2d');
  measurer.font = font;
  const strike = style.bold ? style.widthScale : 0;
  const width = (s: string) => Math.ceil(measurer!.measureText(s).width * stretch) + strike;
  const rows = wrap(text, language, maxWidth, width);
  const imageWidth = Math.max(1, ...rows.map(width));
  const canvas = createCanvas(imageWidth, px * rows.length);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  ctx.font = font;
  ctx.textBaseline = 'alphabetic';
  rows.forEach((row, i) => {
    const left = Math.floor((imageWidth - width(row)) / 2);
    const baseline = i * px + Math.round(px * ASCENT);
    for (const dx of strike ? [0, strike] : [0]) {
      ctx.save();
      ctx.translate(left + dx, baseline);
      ctx.scale(stretch, 1);
      ctx.fillText(row, 0, 0);
      ctx.restore();
    }
  });
  // Black or white only, cut at half coverage: thermal dots are on or off, and what is sent is what prints.
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const ink = pixels.data[i]! < 128 ? 0 : 255;
    pixels.data[i] = ink;
    pixels.data[i + 1] = ink;
    pixels.data[i + 2] = ink;
    pixels.data[i + 3] = 255;
  }
  ctx.putImageData(pixels, 0, 0);
  return canvas.toBuffer('image/png');
}

/**
 * The line as a PNG at most maxWidth dots wide, rows centred. Cached: venue and service names repeat on every ticket.
 */
export function rasteriseLine(text: string, language: Language, style: RasterStyle, maxWidth: number): Buffer {
  const key = [language, style.bold, style.widthScale, style.heightScale, maxWidth, text].join('\u0000');
  let png = cache.get(key);
  if (!png) {
    png = draw(text, language, style, maxWidth);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, png);
  }
  return png;
}
