import { pino } from 'pino';
import type { Logger } from '../core/logger.ts';

/**
 * The process's root logger: JSON lines on stdout (pino), at WAITWELL_LOG_LEVEL (default info).
 * Modules get children named for them (`hub:queue`, `kiosk:sync`, `kiosk:devices`).
 */
export function rootLogger(bindings: Record<string, unknown> = {}, defaultLevel = 'info'): Logger {
  return pino({ level: process.env.WAITWELL_LOG_LEVEL ?? defaultLevel, base: { pid: process.pid, ...bindings } });
}
