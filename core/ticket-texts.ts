import type { Language } from './languages.ts';

/**
 * The words printed on a queue ticket, in every customer language, and the pure helpers that
 * format minutes, counts and clock times the way each language writes them. The printer driver
 * and the previews fill the ticket template from here; the phone page can use the same texts.
 * Korean and Chinese stay within KS C 5601 / GB2312 characters, so a printer with that font
 * prints them as text; a line with a character outside its font prints as an image instead
 * (drivers/ticket-printer/README.md).
 */
export interface TicketTexts {
  /** Above the big number. */
  yourNumber: string;
  service: string;
  /** The posted wait, already rounded by the estimator. */
  waitAbout(minutes: number): string;
  /** A posted wait of 0 minutes, in the kiosk screen's own words (no ticket says "about 0 min"). */
  waitSoon: string;
  /** When no estimate exists yet (first ticket of the day, new service). */
  waitUnknown: string;
  /** How many are ahead; 0 has its own sentence. */
  ahead(count: number): string;
  issued: string;
  /** Label before "14:10 - 14:25" on a return-time ticket. */
  returnBetween: string;
  /** Under the QR code. */
  scanToFollow: string;
  /** Printed one entry per line, so a narrow roll does not break a sentence mid-word. */
  footer: readonly string[];
}

export const TICKET_TEXTS: Record<Language, TicketTexts> = {
  ko: {
    yourNumber: '대기번호',
    service: '서비스',
    waitAbout: (minutes) => `예상 대기 약 ${formatMinutes('ko', minutes)}`,
    waitSoon: '예상 대기 시간: 곧',
    waitUnknown: '예상 대기시간을 계산하고 있습니다',
    ahead: (count) => (count <= 0 ? '다음 차례입니다' : `앞에 ${count}명 대기 중`),
    issued: '발권',
    returnBetween: '다시 오실 시간',
    scanToFollow: 'QR코드를 스캔해 휴대폰으로 순서를 확인하세요',
    footer: ['번호가 호출되면 창구로 와 주세요.', '감사합니다.'],
  },
  zh: {
    yourNumber: '您的号码',
    service: '服务',
    waitAbout: (minutes) => `预计等待约${formatMinutes('zh', minutes)}`,
    waitSoon: '预计等候：很快',
    waitUnknown: '正在估算等待时间',
    ahead: (count) => (count <= 0 ? '下一位就是您' : `前面还有${count}人`),
    issued: '取号时间',
    returnBetween: '请在此时间段回来',
    scanToFollow: '扫描二维码，在手机上查看排队进度',
    footer: ['叫到您的号码时请到窗口办理。', '谢谢！'],
  },
  en: {
    yourNumber: 'Your number',
    service: 'Service',
    waitAbout: (minutes) => `Wait about ${formatMinutes('en', minutes)}`,
    waitSoon: 'Expected wait: shortly',
    waitUnknown: 'Wait time being estimated',
    ahead: (count) => (count <= 0 ? 'You are next' : count === 1 ? '1 ahead of you' : `${count} ahead of you`),
    issued: 'Issued',
    returnBetween: 'Return between',
    scanToFollow: 'Scan to follow your place on your phone',
    footer: ['Please come to the counter', 'when your number is called.', 'Thank you!'],
  },
};

export function ticketTexts(language: Language): TicketTexts {
  return TICKET_TEXTS[language];
}

/**
 * "15분", "15分钟", "15 min"; an hour or more as hours and minutes ("1시간 5분", "1小时5分钟",
 * "1 h 5 min"). Negative or fractional input is clamped and rounded: a ticket never shows "-2 min".
 */
export function formatMinutes(language: Language, minutes: number): string {
  const total = Number.isFinite(minutes) ? Math.max(0, Math.round(minutes)) : 0;
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  switch (language) {
    case 'ko':
      if (hours === 0) return `${rest}분`;
      return rest === 0 ? `${hours}시간` : `${hours}시간 ${rest}분`;
    case 'zh':
      if (hours === 0) return `${rest}分钟`;
      return rest === 0 ? `${hours}小时` : `${hours}小时${rest}分钟`;
    case 'en':
      if (hours === 0) return `${rest} min`;
      return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  }
}

function parts(at: number, timeZone: string | undefined): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  // Fixed numeric fields assembled by hand: locale formats vary between ICU builds, tickets must not.
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const out = { year: '', month: '', day: '', hour: '', minute: '' };
  for (const part of format.formatToParts(new Date(at))) {
    if (part.type in out) out[part.type as keyof typeof out] = part.value;
  }
  return out;
}

/** "14:05" in the given IANA zone (the runtime's zone when absent), 24-hour in every language. */
export function formatClock(at: number, timeZone?: string): string {
  const p = parts(at, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** "2025-03-08 14:05" (ko, zh read ISO order naturally; en too, and it is unambiguous). */
export function formatIssued(at: number, timeZone?: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "14:10 - 14:25". */
export function formatWindow(span: { from: number; to: number }, timeZone?: string): string {
  return `${formatClock(span.from, timeZone)} - ${formatClock(span.to, timeZone)}`;
}

/** The wait line: the posted minutes ("shortly" for 0), or the "being estimated" sentence when there is none. */
export function waitLine(language: Language, postedWaitMin: number | null): string {
  const texts = TICKET_TEXTS[language];
  if (postedWaitMin === null) return texts.waitUnknown;
  return Math.round(postedWaitMin) <= 0 ? texts.waitSoon : texts.waitAbout(postedWaitMin);
}

/**
 * What the kiosk screen tells a customer when their ticket did not print (the staff get the
 * printer's own sentence). `partial`: paper ran out or the link dropped mid-ticket.
 */
export const PRINTER_TROUBLE_TEXTS: Record<
  Language,
  { notPrinted: string; partial: string; showNumber(number: string): string }
> = {
  ko: {
    notPrinted: '죄송합니다. 지금은 번호표를 인쇄할 수 없습니다. 직원이 곧 도와드리겠습니다.',
    partial: '번호표가 제대로 인쇄되지 않았을 수 있습니다. 직원이 곧 도와드리겠습니다.',
    showNumber: (number) => `고객님의 번호는 ${number}번입니다. 이 화면을 직원에게 보여 주세요.`,
  },
  zh: {
    notPrinted: '抱歉，现在无法打印号码票。工作人员马上来帮您。',
    partial: '您的号码票可能没有打印完整。工作人员马上来帮您。',
    showNumber: (number) => `您的号码是 ${number}。请把此画面给工作人员看。`,
  },
  en: {
    notPrinted: 'Sorry, the ticket printer is not working right now. A member of staff is on the way.',
    partial: 'Your ticket may not have printed completely. A member of staff is on the way.',
    showNumber: (number) => `Your number is ${number}. Please show this screen to a member of staff.`,
  },
};
