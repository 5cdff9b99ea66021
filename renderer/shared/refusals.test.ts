import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../core/alerts/tasks.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { RESOURCES } from './i18n.ts';
import { ApiError } from './http.ts';
import { describeError, describeFailure } from './refusals.ts';
import { escalationText, taskText } from './TaskList.tsx';

const venue = {
  id: 'v',
  name: 'Branch',
  counters: [{ id: 'counter-1', name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' }, services: ['loans'] }],
  services: [{ id: 'loans', name: { ko: '대출', zh: '贷款', en: 'Loans' } }],
  touchpoints: [{ id: 'exit', name: { ko: '출구', zh: '出口', en: 'Exit' } }],
} as unknown as PublicVenue;

async function translator(lang: 'ko' | 'zh' | 'en') {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: lang, fallbackLng: 'en', resources: RESOURCES, interpolation: { escapeValue: false } });
  return i18n.t;
}

describe('refusals on the screens', () => {
  it("say the code's text with the counter's name, never the id or the English sentence", async () => {
    const failure = {
      code: 'counter-busy',
      message: 'Counter counter-1 still has ticket A-001 at the desk',
      params: { counter: 'counter-1', ticket: 'A-001' },
    };
    const ko = describeFailure(await translator('ko'), failure, venue, 'ko');
    expect(ko).toBe('1번 창구에 아직 A-001 고객이 있습니다. 먼저 완료, 보류 또는 이관하세요.');
    expect(describeFailure(await translator('zh'), failure, venue, 'zh')).toContain('1号窗口');
    expect(describeFailure(await translator('en'), failure, venue, 'en')).toContain('Counter 1 still has A-001');
  });

  it('name a state in the language, and a code the screens do not know with a general sentence', async () => {
    const t = await translator('ko');
    expect(
      describeFailure(
        t,
        { code: 'counter-already-in-state', params: { counter: 'counter-1', status: 'break' } },
        venue,
        'ko',
      ),
    ).toBe('1번 창구는 이미 휴식 중 상태입니다.');
    expect(describeFailure(t, { code: 'brand-new-code' }, venue, 'ko')).toBe(RESOURCES.ko.translation.refusals.other);
    expect(describeError(t, new Error('socket hang up'), venue, 'ko')).toBe(RESOURCES.ko.translation.refusals.other);
    const http = new ApiError(409, 'task-state', 'task t1 is resolved', { error: { code: 'task-state' } });
    expect(describeError(t, http, venue, 'ko')).toBe(RESOURCES.ko.translation.refusals['task-state']);
  });
});

describe('task texts on the screens', () => {
  const task = {
    id: 't1',
    rule: 'happy-index-below',
    subject: 'exit',
    summary: 'happy index 50 at exit over the last 60 min (5 presses), under its target 80',
    facts: { variant: 'own-target', index: 50, windowMin: 60, presses: 5, threshold: 80 },
  } as Task;

  it("are said from the task's numbers, with the touchpoint's name", async () => {
    expect(taskText(await translator('zh'), task, venue, 'zh')).toBe(
      '最近 60 分钟出口满意指数 50（5 次评价），低于目标 80',
    );
    const wait = {
      ...task,
      rule: 'wait-over-promise',
      subject: 'wait:loans',
      facts: { serviceId: 'loans', actualMin: 40, postedMin: 15 },
    } as Task;
    expect(taskText(await translator('ko'), wait, venue, 'ko')).toBe(
      '대출 고객이 안내된 15분보다 긴 40분을 기다렸습니다',
    );
  });

  it('fall back to the rule in the language for a task without numbers', async () => {
    const { facts: _, ...old } = task;
    expect(taskText(await translator('ko'), old as Task, venue, 'ko')).toBe('출구의 만족 지수가 낮습니다');
  });

  it('count late customers on one wait task, pass praise on, and name who a late task went to', async () => {
    const wait = {
      ...task,
      rule: 'wait-over-promise',
      subject: 'wait:loans',
      facts: { serviceId: 'loans', customers: 4, actualMin: 40, postedMin: 15 },
    } as Task;
    expect(taskText(await translator('en'), wait, venue, 'en')).toBe(
      '4 customers of Loans waited longer than promised; the longest 40 min where 15 were promised',
    );
    expect(taskText(await translator('zh'), wait, venue, 'zh')).toContain('贷款有 4 位顾客');
    const praise = { ...task, rule: 'praise', facts: { variant: 'run', run: 8 } } as Task;
    expect(taskText(await translator('ko'), praise, venue, 'ko')).toBe(
      '출구에서 매우 만족 응답이 8번 연속: 팀에 칭찬을 전해 주세요',
    );
    const ko = await translator('ko');
    expect(escalationText(ko, { ...task, escalation: 0 } as Task)).toBeNull();
    const up = { ...task, escalation: 1, escalatedTo: { name: '김 주임', manager: false } } as Task;
    expect(escalationText(ko, up)).toBe('김 주임에게 상향 보고됨');
    expect(escalationText(ko, { ...up, escalation: 2, escalatedTo: { name: null, manager: true } })).toBe(
      '매장 관리자에게 상향 보고됨',
    );
    expect(
      escalationText(await translator('zh'), { ...up, escalation: 2, escalatedTo: { name: 'Ms Yoon', manager: true } }),
    ).toBe('已上报给门店经理 Ms Yoon');
  });
});
