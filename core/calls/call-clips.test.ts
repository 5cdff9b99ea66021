import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../languages.ts';
import { type CallToAnnounce, callClips, callSentences, clipTexts, counterNumber } from './call-clips.ts';

const CALL: CallToAnnounce = { number: 'A-042', serviceId: 'deposits', counterNumber: 3, recall: false };
const VOICE = { languages: ['ko' as const], repeat: 2, sound: 'voice' as const, sayService: false };

describe('callClips: the clips a board plays for a call', () => {
  it('Korean: chime, then "에이 공사이번 고객님, 삼번 창구로 오세요" twice', () => {
    const once = [
      'ko/letter-a',
      'ko/digit-0',
      'ko/digit-4',
      'ko/digit-2',
      'ko/customer',
      'ko/number-3',
      'ko/to-counter',
    ];
    expect(callClips(CALL, VOICE)).toEqual(['chime', ...once, 'pause', ...once, 'pause']);
  });

  it('Chinese: "请 A 零四二 号到 三 号窗口"', () => {
    expect(callClips(CALL, { ...VOICE, languages: ['zh'], repeat: 1 })).toEqual([
      'chime',
      'zh/please',
      'zh/letter-a',
      'zh/digit-0',
      'zh/digit-4',
      'zh/digit-2',
      'zh/number-to',
      'zh/number-3',
      'zh/window',
      'pause',
    ]);
  });

  it('English: "Number A zero four two, please go to counter three"', () => {
    expect(callClips(CALL, { ...VOICE, languages: ['en'], repeat: 1 })).toEqual([
      'chime',
      'en/number',
      'en/letter-a',
      'en/digit-0',
      'en/digit-4',
      'en/digit-2',
      'en/please-go',
      'en/number-3',
      'pause',
    ]);
  });

  it('a bilingual board speaks its languages in order, each round, after one chime', () => {
    const clips = callClips(CALL, { ...VOICE, languages: ['ko', 'en'] });
    expect(clips.filter((c) => c === 'chime')).toHaveLength(1);
    const languages = clips.filter((c) => c.includes('/number-3')).map((c) => c.split('/')[0]);
    expect(languages).toEqual(['ko', 'en', 'ko', 'en']);
  });

  it('a recall says "again" first in each language', () => {
    const recall = { ...CALL, recall: true };
    expect(
      callClips(recall, { ...VOICE, languages: ['ko', 'zh', 'en'], repeat: 1 }).filter((c) => c.endsWith('/again')),
    ).toEqual(['ko/again', 'zh/again', 'en/again']);
    expect(callClips(CALL, VOICE).some((c) => c.endsWith('/again'))).toBe(false);
  });

  it('says the service when the board is told to, and counters above 20 digit by digit', () => {
    const clips = callClips({ ...CALL, counterNumber: 31 }, { ...VOICE, repeat: 1, sayService: true });
    expect(clips.slice(0, 2)).toEqual(['chime', 'ko/service-deposits']);
    expect(clips).toContain('ko/digit-3');
    expect(clips.slice(-4)).toEqual(['ko/digit-3', 'ko/digit-1', 'ko/to-counter', 'pause']);
  });

  it('chime only, or nothing at all', () => {
    expect(callClips(CALL, { ...VOICE, sound: 'chime' })).toEqual(['chime']);
    expect(callClips(CALL, { ...VOICE, sound: 'off' })).toEqual([]);
  });

  it('every clip a call can name exists in its language (digits, letters, prefixes with digits)', () => {
    for (const lang of LANGUAGES) {
      const texts = clipTexts(lang);
      for (const number of ['A-042', 'Z-999', 'AB1-007', 'Q-100']) {
        for (const counter of [1, 7, 12, 20, 21, 305]) {
          const call = { number, serviceId: null, counterNumber: counter, recall: true };
          for (const clip of callClips(call, { ...VOICE, languages: [lang], repeat: 1 })) {
            if (clip === 'chime' || clip === 'pause') continue;
            expect(texts[clip.slice(3)], `${clip} of ${number} at ${counter}`).toBeTruthy();
          }
        }
      }
    }
  });
});

describe('clipTexts: what each clip says', () => {
  it('reads ticket digits the way each language does, and counter numbers as numbers', () => {
    const ko = clipTexts('ko');
    expect(['letter-a', 'digit-0', 'digit-4', 'digit-2'].map((c) => ko[c]).join('')).toBe('에이공사이');
    expect([ko['number-3'], ko['number-12'], ko['number-20']]).toEqual(['삼', '십이', '이십']);
    const zh = clipTexts('zh');
    expect(['digit-0', 'digit-4', 'digit-2'].map((c) => zh[c]).join('')).toBe('零四二');
    expect([zh['number-10'], zh['number-12'], zh['number-20']]).toEqual(['十', '十二', '二十']);
    expect(clipTexts('en')['number-13']).toBe('thirteen');
    for (const lang of LANGUAGES) expect(Object.keys(clipTexts(lang)).length).toBeGreaterThan(26 + 10 + 20);
  });
});

describe('callSentences: the call for the browser voices', () => {
  it('says the same words as the clips, with the service name and "again"', () => {
    const names = { ko: '예금', zh: '存款', en: 'Deposits' } as const;
    const sentences = callSentences(
      { ...CALL, recall: true },
      { languages: ['ko', 'zh', 'en'], repeat: 1, sayService: true },
      (lang) => names[lang],
    );
    expect(sentences).toEqual([
      { lang: 'ko', text: '다시 안내해 드립니다 예금 에이 공 사 이번 고객님 삼번 창구로 오세요' },
      { lang: 'zh', text: '再次呼叫 存款 请 A 零 四 二号到 三号窗口' },
      { lang: 'en', text: 'Calling again Deposits Number A zero four two please go to counter three' },
    ]);
  });
});

describe('counterNumber: the number said for a counter', () => {
  const counters = [{ id: 'window-left' }, { id: 'c7' }, { id: 'teller', number: 4 }, { id: 'vip' }];
  it('is its own number, else its id digits, else its place in the list', () => {
    expect(counterNumber(counters, 'teller')).toBe(4);
    expect(counterNumber(counters, 'c7')).toBe(7);
    expect(counterNumber(counters, 'window-left')).toBe(1);
    expect(counterNumber(counters, 'vip')).toBe(4);
  });
});
