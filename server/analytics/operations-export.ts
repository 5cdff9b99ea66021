import { type FigureGroup, OUTCOMES, type OperationsReport } from '../../core/analytics/operations.ts';
import type { Language } from '../../core/languages.ts';
import type { Venue } from '../../core/venue.ts';
import type { Cell, Sheet } from './spreadsheet.ts';

/**
 * The operations report as one table for spreadsheets (CSV or XLSX): a row per group (all, each
 * service, counter, clerk, hour and day) with the same columns, names instead of ids, and the
 * column titles in the reader's language.
 */

const COLUMNS = [
  'section',
  'name',
  'tickets',
  // One column per outcome, in the order of OUTCOMES.
  'served',
  'noShow',
  'abandoned',
  'transferred',
  'cancelled',
  'waiting',
  'waitCount',
  'waitMean',
  'waitMedian',
  'waitP90',
  'withinPosted',
  'serviceCount',
  'serviceMean',
  'serviceMedian',
  'openMin',
  'breakMin',
  'idleMin',
] as const;
type Column = (typeof COLUMNS)[number];
type Section = 'all' | 'service' | 'counter' | 'clerk' | 'hour' | 'day';

const TEXTS: Record<Language, { columns: Record<Column, string>; sections: Record<Section, string>; sheet: string }> = {
  en: {
    sheet: 'Operations',
    sections: { all: 'All', service: 'Service', counter: 'Counter', clerk: 'Clerk', hour: 'Hour', day: 'Day' },
    columns: {
      section: 'Section',
      name: 'Name',
      tickets: 'Tickets',
      served: 'Served',
      noShow: 'No-show',
      abandoned: 'Abandoned',
      transferred: 'Transferred',
      cancelled: 'Cancelled',
      waiting: 'Still waiting',
      waitCount: 'Waits measured',
      waitMean: 'Mean wait (min)',
      waitMedian: 'Median wait (min)',
      waitP90: '90th percentile wait (min)',
      withinPosted: 'Within posted wait (%)',
      serviceCount: 'Services measured',
      serviceMean: 'Mean service time (min)',
      serviceMedian: 'Median service time (min)',
      openMin: 'Open (min)',
      breakMin: 'Break (min)',
      idleMin: 'Idle (min)',
    },
  },
  ko: {
    sheet: '운영',
    sections: { all: '전체', service: '업무', counter: '창구', clerk: '직원', hour: '시간대', day: '날짜' },
    columns: {
      section: '구분',
      name: '이름',
      tickets: '번호표',
      served: '처리',
      noShow: '부재',
      abandoned: '이탈',
      transferred: '이관',
      cancelled: '취소',
      waiting: '대기 중',
      waitCount: '측정된 대기',
      waitMean: '평균 대기(분)',
      waitMedian: '중앙값 대기(분)',
      waitP90: '90번째 백분위 대기(분)',
      withinPosted: '안내 대기 이내(%)',
      serviceCount: '측정된 처리',
      serviceMean: '평균 처리 시간(분)',
      serviceMedian: '중앙값 처리 시간(분)',
      openMin: '운영(분)',
      breakMin: '휴식(분)',
      idleMin: '유휴(분)',
    },
  },
  zh: {
    sheet: '运营',
    sections: { all: '全部', service: '业务', counter: '窗口', clerk: '柜员', hour: '时段', day: '日期' },
    columns: {
      section: '类别',
      name: '名称',
      tickets: '号票',
      served: '已办理',
      noShow: '过号',
      abandoned: '离开',
      transferred: '转办',
      cancelled: '取消',
      waiting: '仍在等候',
      waitCount: '已测等候',
      waitMean: '平均等候(分钟)',
      waitMedian: '等候中位数(分钟)',
      waitP90: '等候第90百分位(分钟)',
      withinPosted: '在公布等候内(%)',
      serviceCount: '已测办理',
      serviceMean: '平均办理时长(分钟)',
      serviceMedian: '办理时长中位数(分钟)',
      openMin: '开放(分钟)',
      breakMin: '休息(分钟)',
      idleMin: '空闲(分钟)',
    },
  },
};

/** The report's rows, each with its section and name first; numbers stay numbers. */
export function operationsTable(report: OperationsReport, venue: Venue, lang: Language): Cell[][] {
  const texts = TEXTS[lang];
  const nameIn = (list: readonly { id: string; name: Record<Language, string> }[], id: string) =>
    list.find((item) => item.id === id)?.name[lang] ?? id;
  const row = (section: Section, name: string, g: FigureGroup | undefined, times?: OperationsReport['counters'][0]) => [
    texts.sections[section],
    name,
    g?.tickets ?? 0,
    ...OUTCOMES.map((outcome) => g?.outcomes[outcome] ?? 0),
    g?.wait.count ?? 0,
    g?.wait.meanMin ?? null,
    g?.wait.medianMin ?? null,
    g?.wait.p90Min ?? null,
    g?.wait.withinPostedPct ?? null,
    g?.service.count ?? 0,
    g?.service.meanMin ?? null,
    g?.service.medianMin ?? null,
    times?.openMin ?? null,
    times?.breakMin ?? null,
    times?.idleMin ?? null,
  ];
  const counterIds = [...new Set([...report.byCounter.map((g) => g.key), ...report.counters.map((c) => c.counterId)])];
  return [
    COLUMNS.map((column) => texts.columns[column]),
    row('all', texts.sections.all, report.total),
    ...report.byService.map((g) => row('service', nameIn(venue.services, g.key), g)),
    ...counterIds.map((id) =>
      row(
        'counter',
        nameIn(venue.counters, id),
        report.byCounter.find((g) => g.key === id),
        report.counters.find((c) => c.counterId === id),
      ),
    ),
    ...(report.byClerk ?? []).map((g) => row('clerk', g.key, g)),
    ...report.byHour.map((g) => row('hour', `${g.key}:00`, g)),
    ...report.byDay.map((g) => row('day', g.key, g)),
  ];
}

/** The report as one workbook sheet titled in the reader's language. */
export function operationsSheet(table: Cell[][], lang: Language): Sheet {
  return { name: TEXTS[lang].sheet, rows: table, keyColumns: 2 };
}
