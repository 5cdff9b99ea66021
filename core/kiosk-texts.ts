import type { Language } from './languages.ts';

/** What the kiosk screen tells a customer when it cannot reach the hub to number a ticket. */
export const HUB_UNREACHABLE: Record<Language, string> = {
  ko: '지금은 번호표를 발급할 수 없습니다. 잠시 후 다시 시도하시거나 직원에게 문의해 주세요.',
  zh: '现在无法取号。请稍后再试，或询问工作人员。',
  en: 'Tickets cannot be issued right now. Please try again in a moment or ask a member of staff.',
};
