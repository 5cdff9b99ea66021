/**
 * The one logging contract. pino implements it (bin/ creates the root logger and hands children
 * down); classes take a `Logger` and default to `silentLogger`, so tests print nothing unless asked.
 * Child loggers name their module: `log.child({ module: 'hub:queue' })`.
 */
interface LogFn {
  (message: string): void;
  (fields: Record<string, unknown>, message?: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const ignore: LogFn = () => {};

export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};

/** Every class that needs the time takes a Clock; `systemClock` outside tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
