import type { VenueInput } from '../core/venue.ts';

/** The demo branch: a bank-style journey from the door to the exit, named in all three languages. */
export const DEMO_VENUE: VenueInput = {
  id: 'demo',
  name: 'Waitwell Demo Branch',
  timezone: 'Asia/Seoul',
  touchpoints: [
    { id: 'entrance', stage: 'before', name: { ko: '입구', zh: '入口', en: 'Entrance' } },
    { id: 'ticket-kiosk', stage: 'before', name: { ko: '번호표 키오스크', zh: '取号机', en: 'Ticket kiosk' } },
    { id: 'waiting-area', stage: 'before', name: { ko: '대기 공간', zh: '等候区', en: 'Waiting area' } },
    { id: 'counter-1', stage: 'during', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' } },
    { id: 'counter-2', stage: 'during', name: { ko: '2번 창구', zh: '2号窗口', en: 'Counter 2' } },
    { id: 'restroom', stage: 'during', name: { ko: '화장실', zh: '洗手间', en: 'Restroom' } },
    { id: 'exit', stage: 'after', name: { ko: '출구', zh: '出口', en: 'Exit' } },
  ],
};

export const DEMO_KIOSKS = [
  { deviceId: 'kiosk-entrance', name: 'Entrance kiosk', pressesPerMinute: 40 },
  { deviceId: 'kiosk-exit', name: 'Exit kiosk', pressesPerMinute: 30 },
] as const;
