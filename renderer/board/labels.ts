import type { FeedbackLevel } from '../../core/events.ts';
import type { Language } from '../../core/languages.ts';

export interface BoardLabels {
  title: string;
  feedback: string;
  touchpoint: string;
  levels: Record<FeedbackLevel, string>;
  total: string;
  happyShare: string;
  noTouchpoints: string;
  devices: string;
  noDevices: string;
  connected: string;
  offline: string;
  connecting: string;
  live: string;
  reconnecting: string;
  refused: string;
  noVenue: string;
  /** The sentence a screen reader hears when a touchpoint's counts change. */
  announce(name: string, total: string, share: string | null): string;
}

export const BOARD_LABELS: Record<Language, BoardLabels> = {
  en: {
    title: 'Live board',
    feedback: 'Feedback by touchpoint',
    touchpoint: 'Touchpoint',
    levels: { 1: 'Very unhappy', 2: 'Unhappy', 3: 'Happy', 4: 'Very happy' },
    total: 'Total',
    happyShare: 'Happy share',
    noTouchpoints: 'This venue has no touchpoints yet.',
    devices: 'Devices',
    noDevices: 'No devices are registered for this venue.',
    connected: 'connected',
    offline: 'offline',
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Not connected to the hub: reconnecting…',
    refused: 'This board cannot be shown',
    noVenue: 'This board link names no venue: open the full link a manager gave you (…/board/?venue=<venue>#token=<token>).',
    announce: (name, total, share) => `${name}: ${total} responses${share ? `, ${share} happy` : ''}`,
  },
  ko: {
    title: '실시간 현황판',
    feedback: '고객 접점별 만족도',
    touchpoint: '고객 접점',
    levels: { 1: '매우 불만족', 2: '불만족', 3: '만족', 4: '매우 만족' },
    total: '합계',
    happyShare: '만족 비율',
    noTouchpoints: '이 매장에는 아직 고객 접점이 없습니다.',
    devices: '기기',
    noDevices: '이 매장에 등록된 기기가 없습니다.',
    connected: '연결됨',
    offline: '오프라인',
    connecting: '연결하는 중…',
    live: '실시간',
    reconnecting: '허브에 연결되지 않았습니다. 다시 연결하는 중…',
    refused: '이 현황판을 표시할 수 없습니다',
    noVenue: '이 현황판 링크에 매장이 없습니다. 관리자가 준 전체 링크를 여세요 (…/board/?venue=<매장>#token=<토큰>).',
    announce: (name, total, share) => `${name}: 응답 ${total}건${share ? `, 만족 ${share}` : ''}`,
  },
  zh: {
    title: '实时看板',
    feedback: '各服务触点的反馈',
    touchpoint: '服务触点',
    levels: { 1: '非常不满意', 2: '不满意', 3: '满意', 4: '非常满意' },
    total: '合计',
    happyShare: '满意率',
    noTouchpoints: '该门店还没有服务触点。',
    devices: '设备',
    noDevices: '该门店没有登记的设备。',
    connected: '已连接',
    offline: '离线',
    connecting: '正在连接…',
    live: '实时',
    reconnecting: '未连接到中心服务器，正在重新连接…',
    refused: '无法显示此看板',
    noVenue: '此看板链接没有指明门店：请打开管理员提供的完整链接（…/board/?venue=<门店>#token=<令牌>）。',
    announce: (name, total, share) => `${name}：${total} 条反馈${share ? `，满意率 ${share}` : ''}`,
  },
};
