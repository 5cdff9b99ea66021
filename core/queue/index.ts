/** The queue's public surface: import from here. */
export * from './types.ts';
export { parseQueueEvent } from './events.ts';
export { createQueueRules } from './rules.ts';
export { apply, decide, MAX_DEFERS, rebuild } from './engine.ts';
export { boardView, ticketById, ticketPosition } from './views.ts';
export { offerReturnWindow } from './return-times.ts';
