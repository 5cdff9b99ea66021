import type { Task } from '../../core/alerts/tasks.ts';
import type { Language } from '../../core/languages.ts';

/**
 * The words of the customer-experience report's tables, workbook and PDF in the three languages
 * (the screens' words are in renderer/locales; these travel in files, so the hub holds them).
 */

export const CX_TABLES = ['journey', 'mots', 'heatmap', 'peakend', 'reasons', 'promises', 'tasks'] as const;
export type CxTable = (typeof CX_TABLES)[number];

type Stage = 'before' | 'during' | 'after';

interface CxTexts {
  title: string;
  period: string;
  generated: string;
  sheets: Record<CxTable, string>;
  columns: Record<CxTable, string[]>;
  stages: Record<Stage, string>;
  yes: string;
  no: string;
  none: string;
  unattributed: string;
  painPoint: string;
  sweetSpot: string;
  waitAt: string;
  sections: { all: string; service: string; hour: string; day: string };
  states: Record<'open' | 'acknowledged' | 'resolved' | 'verified', string>;
  rules: Record<Task['rule'], string>;
  ratings: Record<1 | 2 | 3 | 4, string>;
  summary: {
    visits: string;
    meanPeakEnd: string;
    baseline: string;
    promisesKept: string;
    mae: string;
    actualOverPosted: string;
    tasks: string;
  };
  charts: { happyIndex: string; promisesByDay: string; noData: string };
}

export const CX_TEXTS: Record<Language, CxTexts> = {
  en: {
    title: 'Customer experience report',
    period: 'Period',
    generated: 'Generated',
    sheets: {
      journey: 'Journey',
      mots: 'Moments of truth',
      heatmap: 'Heat map',
      peakend: 'Visits',
      reasons: 'Reasons',
      promises: 'Promises',
      tasks: 'Tasks',
    },
    columns: {
      journey: ['Stage', 'Touchpoint', 'Owner', 'Volume', 'Mean experience', 'Happy index', 'Target', 'Meets target'],
      mots: [
        'Rank',
        'Touchpoint',
        'Stage',
        'Owner',
        'Volume',
        'Mean experience',
        'Impact',
        't',
        'Pain point / sweet spot',
      ],
      heatmap: ['Touchpoint', 'Segment', 'Volume', 'Mean experience', 'Happy index', 'Mean expected', 'Satisfaction'],
      peakend: ['Ticket', 'Service', 'Segment', 'Moments', 'Average', 'Peak', 'End', 'Peak-end', 'Rating'],
      reasons: ['Touchpoint', 'Stage', 'Segment', 'Reason', 'Count', 'Share (%)'],
      promises: [
        'Section',
        'Name',
        'Promised waits',
        'Promises kept (%)',
        'Mean error (min)',
        'Actual / posted (long waits)',
        'Long waits',
      ],
      tasks: ['Opened', 'Rule', 'Subject', 'Owner', 'State', 'Acknowledged', 'Resolved', 'Late'],
    },
    stages: { before: 'Before', during: 'During', after: 'After' },
    yes: 'Yes',
    no: 'No',
    none: 'None',
    unattributed: 'Not in a visit',
    painPoint: 'Pain point',
    sweetSpot: 'Sweet spot',
    waitAt: 'Wait: {{name}}',
    sections: { all: 'All', service: 'Service', hour: 'Hour', day: 'Day' },
    states: { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved', verified: 'Verified' },
    rules: {
      'unhappy-share': 'Many unhappy presses',
      'happy-index-below': 'Happy index below target',
      'feedback-anomaly': 'Unusual feedback',
      'wait-over-promise': 'Wait over its promise',
      'device-down': 'Device down',
      praise: 'Praise',
    },
    ratings: { 1: 'Very unhappy', 2: 'Unhappy', 3: 'Happy', 4: 'Very happy' },
    summary: {
      visits: 'Visits',
      meanPeakEnd: 'Mean peak-end',
      baseline: 'Mean experience',
      promisesKept: 'Promises kept (%)',
      mae: 'Mean error of posted waits (min)',
      actualOverPosted: 'Actual / posted over long waits',
      tasks: 'Tasks opened',
    },
    charts: {
      happyIndex: 'Happy index by touchpoint (line: target)',
      promisesByDay: 'Promises kept by day (%)',
      noData: 'No data in this period',
    },
  },
  ko: {
    title: '고객 경험 보고서',
    period: '기간',
    generated: '작성',
    sheets: {
      journey: '여정',
      mots: '진실의 순간',
      heatmap: '히트맵',
      peakend: '방문',
      reasons: '이유',
      promises: '대기 약속',
      tasks: '업무',
    },
    columns: {
      journey: ['단계', '접점', '담당 부서', '건수', '평균 경험', '행복 지수', '목표', '목표 달성'],
      mots: ['순위', '접점', '단계', '담당 부서', '건수', '평균 경험', '영향도', 't', '불만 접점 / 만족 접점'],
      heatmap: ['접점', '고객군', '건수', '평균 경험', '행복 지수', '평균 기대', '만족도'],
      peakend: ['번호표', '업무', '고객군', '순간 수', '평균', '절정', '마지막', '절정-마지막', '평가'],
      reasons: ['접점', '단계', '고객군', '이유', '건수', '비율(%)'],
      promises: ['구분', '이름', '안내된 대기', '약속 지킴(%)', '평균 오차(분)', '긴 대기의 실제 / 안내', '긴 대기'],
      tasks: ['발생', '규칙', '대상', '담당 부서', '상태', '확인', '해결', '지연'],
    },
    stages: { before: '이전', during: '진행 중', after: '이후' },
    yes: '예',
    no: '아니요',
    none: '없음',
    unattributed: '방문에 속하지 않음',
    painPoint: '불만 접점',
    sweetSpot: '만족 접점',
    waitAt: '대기: {{name}}',
    sections: { all: '전체', service: '업무', hour: '시간대', day: '날짜' },
    states: { open: '열림', acknowledged: '확인됨', resolved: '해결됨', verified: '검증됨' },
    rules: {
      'unhappy-share': '불만 버튼 급증',
      'happy-index-below': '행복 지수 목표 미달',
      'feedback-anomaly': '이례적인 피드백',
      'wait-over-promise': '안내 대기 초과',
      'device-down': '기기 고장',
      praise: '칭찬',
    },
    ratings: { 1: '매우 불만', 2: '불만', 3: '만족', 4: '매우 만족' },
    summary: {
      visits: '방문',
      meanPeakEnd: '평균 절정-마지막',
      baseline: '평균 경험',
      promisesKept: '약속 지킴(%)',
      mae: '안내 대기 평균 오차(분)',
      actualOverPosted: '긴 대기의 실제 / 안내',
      tasks: '발생한 업무',
    },
    charts: {
      happyIndex: '접점별 행복 지수 (선: 목표)',
      promisesByDay: '날짜별 약속 지킴(%)',
      noData: '이 기간에는 자료가 없습니다',
    },
  },
  zh: {
    title: '客户体验报告',
    period: '期间',
    generated: '生成于',
    sheets: {
      journey: '旅程',
      mots: '关键时刻',
      heatmap: '热力图',
      peakend: '到访',
      reasons: '原因',
      promises: '等候承诺',
      tasks: '任务',
    },
    columns: {
      journey: ['阶段', '触点', '负责部门', '数量', '平均体验', '满意指数', '目标', '达到目标'],
      mots: ['排名', '触点', '阶段', '负责部门', '数量', '平均体验', '影响', 't', '痛点 / 亮点'],
      heatmap: ['触点', '客户群', '数量', '平均体验', '满意指数', '平均期望', '满意度'],
      peakend: ['号票', '业务', '客户群', '时刻数', '平均', '峰值', '终值', '峰终', '评价'],
      reasons: ['触点', '阶段', '客户群', '原因', '数量', '占比(%)'],
      promises: ['类别', '名称', '公布的等候', '兑现承诺(%)', '平均误差(分钟)', '长等候的实际 / 公布', '长等候'],
      tasks: ['创建', '规则', '对象', '负责部门', '状态', '确认', '解决', '逾期'],
    },
    stages: { before: '之前', during: '之中', after: '之后' },
    yes: '是',
    no: '否',
    none: '无',
    unattributed: '不属于到访',
    painPoint: '痛点',
    sweetSpot: '亮点',
    waitAt: '等候: {{name}}',
    sections: { all: '全部', service: '业务', hour: '时段', day: '日期' },
    states: { open: '未处理', acknowledged: '已确认', resolved: '已解决', verified: '已验证' },
    rules: {
      'unhappy-share': '不满意按键过多',
      'happy-index-below': '满意指数低于目标',
      'feedback-anomaly': '反馈异常',
      'wait-over-promise': '等候超过承诺',
      'device-down': '设备故障',
      praise: '表扬',
    },
    ratings: { 1: '非常不满意', 2: '不满意', 3: '满意', 4: '非常满意' },
    summary: {
      visits: '到访',
      meanPeakEnd: '平均峰终',
      baseline: '平均体验',
      promisesKept: '兑现承诺(%)',
      mae: '公布等候平均误差(分钟)',
      actualOverPosted: '长等候的实际 / 公布',
      tasks: '创建的任务',
    },
    charts: {
      happyIndex: '各触点满意指数 (线: 目标)',
      promisesByDay: '每日兑现承诺(%)',
      noData: '此期间没有数据',
    },
  },
};
