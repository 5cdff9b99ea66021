import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CjkFontMissingError, extractFace, findCjkCollection, loadCjkFace } from './cjk-font.ts';
import { printerModel } from './printer-models.ts';
import { printsAsText, textEncoding } from './text-repertoire.ts';
import { ROW_DOTS, rasteriseLine, regionFor, wrap } from './text-raster.ts';

describe('which characters a printer prints as text', () => {
  it('picks the language font the model has, else code page 437', () => {
    expect(textEncoding('ko', printerModel('epson-tm-t20iii-kr'))).toBe('ksc5601');
    expect(textEncoding('zh', printerModel('epson-tm-t20iii-kr'))).toBe('cp437');
    expect(textEncoding('zh', printerModel('xprinter-xp-80'))).toBe('gb18030');
    expect(textEncoding('ko', printerModel('epson-tm-t88vi'))).toBe('cp437');
    expect(textEncoding('en', printerModel('epson-tm-t20iii-sc'))).toBe('cp437');
  });

  it('knows each font repertoire', () => {
    expect(printsAsText('여권 발급 A-042', 'ksc5601')).toBe(true);
    // Modern Hangul syllables outside KS X 1001's 2,350 (cp949 extensions) have no glyph in the printer.
    expect(printsAsText('똠', 'ksc5601')).toBe(false);
    expect(printsAsText('护照办理，谢谢！', 'gb18030')).toBe(true);
    expect(printsAsText('여권', 'gb18030')).toBe(false);
    expect(printsAsText('Café ½ ─', 'cp437')).toBe(true);
    expect(printsAsText('€', 'cp437')).toBe(false);
    expect(printsAsText('臺北', 'big5')).toBe(true);
    // ESC R 13 turns the backslash into a won sign.
    expect(printsAsText('a\\b', 'ksc5601')).toBe(false);
  });
});

describe('the CJK font for images', () => {
  it('copies one region face out of the installed collection', () => {
    const path = findCjkCollection();
    expect(path, 'fonts-noto-cjk is installed (.ci/run)').toBeDefined();
    const collection = readFileSync(path!);
    const korean = extractFace(collection, 'Noto Sans CJK KR')!;
    expect(korean.toString('latin1', 0, 4)).toBe('OTTO');
    expect(korean.length).toBeLessThan(collection.length);
    expect(extractFace(collection, 'Noto Sans CJK XX')).toBeUndefined();
    expect(extractFace(korean, 'Noto Sans CJK KR')).toBeUndefined();
  });

  it('says what to install when the font is missing', () => {
    expect(() => loadCjkFace('KR', ['/nonexistent'])).toThrow(CjkFontMissingError);
    expect(() => loadCjkFace('KR', ['/nonexistent'])).toThrow(/apt-get install fonts-noto-cjk/);
  });

  it('uses Korean forms for Korean and Hangul, Chinese forms otherwise', () => {
    expect(regionFor('ko', '上海')).toBe('KR');
    expect(regionFor('zh', '上海')).toBe('SC');
    expect(regionFor('en', '강남구청')).toBe('KR');
    expect(regionFor('en', '上海')).toBe('SC');
  });
});

describe('a line drawn as an image', () => {
  const read = (png: Buffer) => PNG.sync.read(png);

  it('is one printer row tall per scale step, black and white, and has ink', () => {
    const normal = read(rasteriseLine('여권 발급', 'ko', { bold: false, widthScale: 1, heightScale: 1 }, 576));
    expect(normal.height).toBe(ROW_DOTS);
    const tall = read(rasteriseLine('여권 발급', 'ko', { bold: false, widthScale: 1, heightScale: 2 }, 576));
    expect(tall.height).toBe(2 * ROW_DOTS);
    // Double height only: as wide as normal (the printer's GS ! 0x01), not twice.
    expect(Math.abs(tall.width - normal.width)).toBeLessThanOrEqual(2);
    const values = new Set<number>();
    for (let i = 0; i < normal.data.length; i += 4) values.add(normal.data[i]!);
    expect([...values].sort()).toEqual([0, 255]);
    // Each CJK character is about one 24-dot cell wide, as in the printer's own font.
    expect(normal.width).toBeGreaterThan(4 * 20);
    expect(normal.width).toBeLessThan(5 * 26);
  });

  it('wraps to the print area', () => {
    const text = 'QR코드를 스캔해 휴대폰으로 순서를 확인하세요';
    const narrow = read(rasteriseLine(text, 'ko', { bold: false, widthScale: 1, heightScale: 1 }, 240));
    expect(narrow.width).toBeLessThanOrEqual(240);
    expect(narrow.height % ROW_DOTS).toBe(0);
    expect(narrow.height).toBeGreaterThanOrEqual(2 * ROW_DOTS);
    const width = (s: string) => s.length * 10;
    expect(wrap('one two three', 'en', 80, width)).toEqual(['one two', 'three']);
    expect(wrap('abcdefghijkl', 'en', 50, width)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrap('扫描二维码，在手机上查看排队进度', 'zh', 100, width).every((row) => width(row) <= 100)).toBe(true);
  });
});
