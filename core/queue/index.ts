/** The queue's public surface: import from here. */
export * from './types.ts';
export {
  createQueueRules,
  queueRulesSchema,
  returnTimeRulesSchema,
  serviceRules,
  segmentWeight,
  type QueueRulesInput,
} from './rules.ts';
export { apply, decide, DEFER_PLACES, emptyQueueState, execute, MAX_DEFERS, rebuild } from './engine.ts';
export { compareTickets, effectivePriority, isCallable, nextTicketFor, rankKey, waitingInOrder } from './ordering.ts';
export { dayKey, formatNumber, numberingKey, numberingOn } from './numbering.ts';
export {
  boardView,
  physicalQueueLength,
  ticketPosition,
  waitingLine,
  type BoardView,
  type CounterBoardRow,
  type ServiceBoardRow,
  type TicketPosition,
} from './views.ts';
export { offerReturnWindow, returnWindowCapacity, type ReturnOfferInput } from './return-times.ts';
