/** The wait estimator's public surface. */
export { createEstimatorState, observe, priorsFromRules, type EstimatorState } from './state.ts';
export { estimateNewArrival, estimateWaiting, meanServiceMin, type WaitEstimate } from './estimate.ts';
