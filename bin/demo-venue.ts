import type { VenueInput } from '../core/venue.ts';

/** Reasons both the entrance and the exit ask about after a press. */
const COMMON_REASONS = [
  { id: 'waiting-time', name: { ko: '대기 시간', zh: '等候时间', en: 'Waiting time' } },
  { id: 'staff', name: { ko: '직원 응대', zh: '员工服务', en: 'Staff' } },
];

/** The demo branch: a bank-style journey from the door to the exit, named in all three languages. */
export const DEMO_VENUE: VenueInput = {
  id: 'demo',
  name: 'Waitwell Demo Branch',
  timezone: 'Asia/Seoul',
  touchpoints: [
    {
      id: 'entrance',
      stage: 'before',
      name: { ko: '입구', zh: '入口', en: 'Entrance' },
      owner: 'Front desk',
      reasons: [
        ...COMMON_REASONS,
        { id: 'signage', name: { ko: '안내 표지', zh: '指示标识', en: 'Signs' } },
        { id: 'cleanliness', name: { ko: '청결', zh: '清洁', en: 'Cleanliness' } },
      ],
    },
    { id: 'ticket-kiosk', stage: 'before', name: { ko: '번호표 키오스크', zh: '取号机', en: 'Ticket kiosk' } },
    { id: 'waiting-area', stage: 'before', name: { ko: '대기 공간', zh: '等候区', en: 'Waiting area' } },
    { id: 'counter-1', stage: 'during', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' } },
    { id: 'counter-2', stage: 'during', name: { ko: '2번 창구', zh: '2号窗口', en: 'Counter 2' } },
    { id: 'restroom', stage: 'during', name: { ko: '화장실', zh: '洗手间', en: 'Restroom' } },
    {
      id: 'exit',
      stage: 'after',
      name: { ko: '출구', zh: '出口', en: 'Exit' },
      owner: 'Branch manager',
      reasons: [
        ...COMMON_REASONS,
        { id: 'problem-solved', name: { ko: '문제 해결', zh: '问题解决', en: 'Problem solved' } },
        { id: 'comfort', name: { ko: '편안함', zh: '舒适度', en: 'Comfort' } },
      ],
    },
  ],
  services: [
    {
      id: 'deposits',
      prefix: 'A',
      name: { ko: '예금·출금', zh: '存取款', en: 'Deposits & withdrawals' },
      expectedServiceMin: 1.5,
    },
    {
      id: 'loans',
      prefix: 'B',
      name: { ko: '대출 상담', zh: '贷款咨询', en: 'Loans' },
      expectedServiceMin: 4,
      returnTimes: { thresholdMin: 15 },
    },
  ],
  counters: [
    { id: 'counter-1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, services: ['deposits'] },
    { id: 'counter-2', name: { ko: '2번 창구', zh: '2号窗口', en: 'Counter 2' }, services: ['deposits', 'loans'] },
    { id: 'counter-3', name: { ko: '3번 창구', zh: '3号窗口', en: 'Counter 3' }, services: ['deposits', 'loans'] },
  ],
  // The board says the service too ("예금·출금 A-042번 고객님"): the demo makes those clips (bin/demo.ts).
  calls: { sayService: true },
  segments: [
    { id: 'accessibility', name: { ko: '교통약자', zh: '无障碍', en: 'Accessibility' }, weight: 1.5 },
    { id: 'gold', name: { ko: '골드 회원', zh: '金卡会员', en: 'Gold member' }, weight: 0.5 },
  ],
};

/** A smiley box and how often passers-by press it. */
interface DemoSmileyBox {
  touchpointId: string;
  pressesPerMinute: number;
}

export interface DemoKiosk {
  deviceId: string;
  name: string;
  /**
   * Smiley boxes wired to this kiosk, one per touchpoint, each pressed at a busy branch's rate: one
   * to two people a minute, so only the rare close pair of strangers trips the repeat-press rule.
   */
  smileyBoxes: readonly DemoSmileyBox[];
  /** Its wait display: an Epson DM-D 2x20 or an Alpha LED sign. */
  display: 'dmd' | 'alpha';
  /** The touchpoint whose smileys its screen shows. */
  screenTouchpoint: string;
}

/** Opens the kiosk screens' staff panel in the demo (printed at start). */
export const DEMO_ADMIN_PIN = '2580';

export const DEMO_KIOSKS: readonly DemoKiosk[] = [
  {
    deviceId: 'kiosk-entrance',
    name: 'Entrance kiosk',
    smileyBoxes: [
      { touchpointId: 'entrance', pressesPerMinute: 1.5 },
      { touchpointId: 'waiting-area', pressesPerMinute: 1 },
    ],
    display: 'dmd',
    screenTouchpoint: 'entrance',
  },
  {
    deviceId: 'kiosk-exit',
    name: 'Exit kiosk',
    smileyBoxes: [
      { touchpointId: 'exit', pressesPerMinute: 1.5 },
      { touchpointId: 'restroom', pressesPerMinute: 0.5 },
    ],
    display: 'alpha',
    screenTouchpoint: 'exit',
  },
];

/** The counter the printed staff link opens: left to the person trying the demo, never simulated. */
export const DEMO_PERSON_COUNTER = 'counter-3';

/** Counters the simulated clerks work (each steps aside while a person works theirs). */
export const DEMO_CLERK_COUNTERS: readonly string[] = ['counter-1', 'counter-2'];

/**
 * The pace of the demo's day, in real time, so posted and actual waits can agree: customers arrive
 * as a Poisson stream (three in four for deposits), a few are already at the door when it opens,
 * and services take the venue's expected minutes (lognormal): about 75% of two counters' capacity.
 */
export interface DemoPace {
  arrivalsPerMin: number;
  /** Customers at the door when the demo opens, arriving over its first half minute. */
  openingLine: number;
  /** Share of customers who want the first service (the rest the second). */
  firstServiceShare: number;
  /** Spread of service times (coefficient of variation of the lognormal). */
  serviceCv: number;
  /** Share of called customers who have left: the clerk waits `noShowWaitMin`, then marks a no-show. */
  noShowShare: number;
  noShowWaitMin: number;
  /** Multiplies every service and no-show time (tests run the day fast; the demo uses 1). */
  timeScale: number;
}

export const DEMO_PACE: DemoPace = {
  arrivalsPerMin: 0.7,
  openingLine: 8,
  firstServiceShare: 0.75,
  serviceCv: 0.5,
  noShowShare: 0.03,
  noShowWaitMin: 1,
  timeScale: 1,
};

/** The parts of the demo venue the demo's customers and staff need. */
export interface DemoVenueShape {
  id: string;
  services: readonly { id: string; expectedServiceMin?: number | undefined }[];
  counters: readonly { id: string }[];
  segments: readonly { id: string }[];
}
