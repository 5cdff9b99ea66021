import type { Language } from '../languages.ts';
import type { BoardCalls } from './board-calls.ts';

/** A call as a board announces it. */
export interface CallToAnnounce {
  /** As printed, e.g. "A-042". */
  number: string;
  serviceId: string | null;
  /** The number said for the counter ("3번 창구"): see counterNumber. */
  counterNumber: number;
  /** A recall of a ticket already called: said so ("again"). */
  recall: boolean;
}

/** Clip names in a sequence: "chime", a pause between spoken rounds, or "<lang>/<name>". */
export const CHIME = 'chime';
export const PAUSE = 'pause';

/** Counters up to this number are said as a number ("twelve"), higher ones digit by digit. */
const WHOLE_NUMBERS_UP_TO = 20;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

// Korean reads ticket numbers digit by digit with Sino-Korean digits and 0 as "공" ("에이 공사이").
const KO_DIGITS = ['공', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];
const KO_LETTERS =
  'A에이 B비 C씨 D디 E이 F에프 G지 H에이치 I아이 J제이 K케이 L엘 M엠 N엔 O오 P피 Q큐 R알 S에스 T티 U유 V브이 W더블유 X엑스 Y와이 Z제트';
const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const EN_NUMBERS = [
  ...EN_DIGITS,
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

/** 1..99 in Sino-Korean or Chinese words (십이, 十二): how both say a counter's number. */
function tensWords(n: number, digits: readonly string[], ten: string): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 0 ? '' : tens === 1 ? ten : `${digits[tens]}${ten}`}${ones === 0 ? '' : digits[ones]}`;
}

const PHRASES: Record<Language, Record<string, string>> = {
  ko: { again: '다시 안내해 드립니다', customer: '번 고객님', 'to-counter': '번 창구로 오세요' },
  zh: { again: '再次呼叫', please: '请', 'number-to': '号到', window: '号窗口' },
  en: { again: 'Calling again', number: 'Number', 'please-go': 'please go to counter' },
};

/** Every clip a language needs and the text it says: what `waitwell clips` synthesizes, and what a venue may record. */
export function clipTexts(lang: Language): Record<string, string> {
  const texts: Record<string, string> = { ...PHRASES[lang] };
  const letterNames = new Map(KO_LETTERS.split(' ').map((pair) => [pair[0]!, pair.slice(1)]));
  for (let d = 0; d <= 9; d++) texts[`digit-${d}`] = { ko: KO_DIGITS, zh: ZH_DIGITS, en: EN_DIGITS }[lang][d]!;
  for (const letter of LETTERS)
    texts[`letter-${letter.toLowerCase()}`] = lang === 'ko' ? letterNames.get(letter)! : letter;
  for (let n = 1; n <= WHOLE_NUMBERS_UP_TO; n++) {
    texts[`number-${n}`] =
      lang === 'ko' ? tensWords(n, KO_DIGITS, '십') : lang === 'zh' ? tensWords(n, ZH_DIGITS, '十') : EN_NUMBERS[n]!;
  }
  return texts;
}

/** The clip of a service's name ("예금"), recorded or made by `waitwell clips --venue`. */
export function serviceClipName(serviceId: string): string {
  return `service-${serviceId}`;
}

/** A ticket number as clips, character by character ("A-042": letter a, digit 0, 4, 2). */
function ticketWords(number: string): string[] {
  const words: string[] = [];
  for (const char of number.toUpperCase()) {
    if (/[A-Z]/.test(char)) words.push(`letter-${char.toLowerCase()}`);
    else if (/\d/.test(char)) words.push(`digit-${char}`);
  }
  return words;
}

function counterWords(counter: number): string[] {
  if (counter >= 1 && counter <= WHOLE_NUMBERS_UP_TO) return [`number-${counter}`];
  return String(Math.max(0, Math.trunc(counter)))
    .split('')
    .map((d) => `digit-${d}`);
}

/** One spoken call in one language, as clip names of that language (in the language's word order). */
function callWords(call: CallToAnnounce, lang: Language, sayService: boolean): string[] {
  const service = sayService && call.serviceId !== null ? [serviceClipName(call.serviceId)] : [];
  const again = call.recall ? ['again'] : [];
  const ticket = ticketWords(call.number);
  const counter = counterWords(call.counterNumber);
  switch (lang) {
    // "딩동. 예금 A-042번 고객님, 3번 창구로 오세요"
    case 'ko':
      return [...again, ...service, ...ticket, 'customer', ...counter, 'to-counter'];
    // "请 A042 号到 3 号窗口"
    case 'zh':
      return [...again, ...service, 'please', ...ticket, 'number-to', ...counter, 'window'];
    // "Number A-042, please go to counter 3"
    case 'en':
      return [...again, ...service, 'number', ...ticket, 'please-go', ...counter];
  }
}

/**
 * What a board plays for a call: the chime, then the call in each of its languages in order, the
 * whole round `repeat` times, a pause after each language. Only the chime in "chime" mode; nothing when "off".
 */
export function callClips(
  call: CallToAnnounce,
  calls: Pick<BoardCalls, 'languages' | 'repeat' | 'sound' | 'sayService'>,
): string[] {
  if (calls.sound === 'off') return [];
  if (calls.sound === 'chime') return [CHIME];
  const clips = [CHIME];
  for (let round = 0; round < calls.repeat; round++) {
    for (const lang of calls.languages) {
      clips.push(...callWords(call, lang, calls.sayService).map((word) => `${lang}/${word}`), PAUSE);
    }
  }
  return clips;
}

/**
 * The same call as sentences for the browser's speech synthesis (voice "web-speech"): the words of
 * the clips, with the service's own name where the clips would say it.
 */
export function callSentences(
  call: CallToAnnounce,
  calls: Pick<BoardCalls, 'languages' | 'repeat' | 'sayService'>,
  serviceName: (lang: Language) => string | undefined,
): { lang: Language; text: string }[] {
  const sentences: { lang: Language; text: string }[] = [];
  for (let round = 0; round < calls.repeat; round++) {
    for (const lang of calls.languages) {
      const texts = clipTexts(lang);
      const words = callWords(call, lang, calls.sayService).map((word) =>
        word.startsWith('service-') ? (serviceName(lang) ?? '') : texts[word]!,
      );
      // Korean and Chinese attach the counter words to the number ("삼번", "三号") without a space.
      const text = words
        .filter(Boolean)
        .join(' ')
        .replace(/ (번|号)/g, '$1');
      sentences.push({ lang, text });
    }
  }
  return sentences;
}

/**
 * The number said for a counter: its own `number` in the venue, else the digits its id ends with
 * ("c3", "counter-12"), else its place in the venue's list (1, 2, ...).
 */
export function counterNumber(counters: readonly { id: string; number?: number }[], counterId: string): number {
  const index = counters.findIndex((c) => c.id === counterId);
  const own = counters[index]?.number;
  if (own !== undefined) return own;
  const digits = /(\d+)$/.exec(counterId);
  if (digits) return Number(digits[1]);
  return index >= 0 ? index + 1 : 0;
}
