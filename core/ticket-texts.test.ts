import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './languages.ts';
import { formatClock, formatIssued, formatMinutes, formatWindow, TICKET_TEXTS, waitLine } from './ticket-texts.ts';

describe('ticket texts', () => {
  it('formats minutes per language, hours beyond 60, and never negative', () => {
    expect(LANGUAGES.map((l) => formatMinutes(l, 15))).toEqual(['15분', '15分钟', '15 min']);
    expect(LANGUAGES.map((l) => formatMinutes(l, 65))).toEqual(['1시간 5분', '1小时5分钟', '1 h 5 min']);
    expect(LANGUAGES.map((l) => formatMinutes(l, 120))).toEqual(['2시간', '2小时', '2 h']);
    expect(formatMinutes('en', -3)).toBe('0 min');
    expect(formatMinutes('en', 14.6)).toBe('15 min');
    expect(formatMinutes('en', Number.NaN)).toBe('0 min');
  });

  it('has every text in every language, with counts in them', () => {
    for (const language of LANGUAGES) {
      const texts = TICKET_TEXTS[language];
      for (const value of Object.values(texts)) if (typeof value === 'string') expect(value.length).toBeGreaterThan(0);
      expect(texts.footer.length).toBeGreaterThan(0);
      expect(texts.waitAbout(12)).toContain('12');
      expect(texts.ahead(7)).toContain('7');
      expect(texts.ahead(0)).not.toContain('0');
    }
    expect(TICKET_TEXTS.en.ahead(1)).toBe('1 ahead of you');
    expect(waitLine('ko', 15)).toBe('예상 대기 약 15분');
    expect(waitLine('zh', null)).toBe(TICKET_TEXTS.zh.waitUnknown);
    expect(LANGUAGES.map((l) => waitLine(l, 0))).toEqual([
      '예상 대기 시간: 곧',
      '预计等候：很快',
      'Expected wait: shortly',
    ]);
    expect(waitLine('en', 0.4)).toBe('Expected wait: shortly');
    expect(waitLine('en', 0.6)).toBe('Wait about 1 min');
  });

  it('prints times in the venue zone, 24-hour', () => {
    const at = Date.UTC(2025, 2, 8, 5, 7); // 14:07 in Seoul, 13:07 in Shanghai
    expect(formatClock(at, 'Asia/Seoul')).toBe('14:07');
    expect(formatClock(at, 'Asia/Shanghai')).toBe('13:07');
    expect(formatIssued(at, 'Asia/Seoul')).toBe('2025-03-08 14:07');
    expect(formatIssued(Date.UTC(2025, 2, 8, 15, 0), 'Asia/Seoul')).toBe('2025-03-09 00:00');
    expect(formatWindow({ from: at, to: at + 15 * 60_000 }, 'Asia/Seoul')).toBe('14:07 - 14:22');
  });

  it('Korean and Chinese texts stay within the printer code pages', () => {
    const euckr = new TextDecoder('euc-kr');
    // Round trip through the decoder's own table: a character outside KS C 5601 would not survive.
    for (const value of Object.values(TICKET_TEXTS.ko)) {
      const text =
        typeof value === 'string'
          ? value
          : Array.isArray(value)
            ? value.join(' ')
            : (value as (n: number) => string)(3);
      for (const ch of text) {
        if (ch.charCodeAt(0) < 0x80) continue;
        expect(euckr.decode(encodeEucKrProbe(ch)), `"${ch}" in ${text}`).toBe(ch);
      }
    }
  });
});

/** The EUC-KR bytes of one character, found by searching the decoder's table (test-only). */
const EUC_KR_TABLE = (() => {
  const decoder = new TextDecoder('euc-kr');
  const map = new Map<string, Uint8Array>();
  for (let lead = 0xa1; lead <= 0xfe; lead += 1) {
    for (let trail = 0xa1; trail <= 0xfe; trail += 1) {
      const bytes = new Uint8Array([lead, trail]);
      const ch = decoder.decode(bytes);
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch)) map.set(ch, bytes);
    }
  }
  return map;
})();

function encodeEucKrProbe(ch: string): Uint8Array {
  return EUC_KR_TABLE.get(ch) ?? new Uint8Array([0x3f]);
}
