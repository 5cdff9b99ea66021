/** The wait estimator's public surface. */
export {
  createEstimatorState,
  DEFAULT_ESTIMATOR_CONFIG,
  observe,
  priorsFromRules,
  type EstimatorConfig,
  type EstimatorState,
} from './state.ts';
export {
  estimateNewArrival,
  estimateWaiting,
  meanServiceMin,
  NEW_TICKET_ID,
  summarise,
  type WaitEstimate,
} from './estimate.ts';
export { forecast, arrivalRatesPerMin, type Forecast, type ForecastOptions } from './forecast.ts';
export { buildServiceTimeModels, type ServiceTimeModel, type ServiceTimeModels } from './service-times.ts';
export { abandonmentHazardPerMin } from './abandonment.ts';
export { roundPostedWait } from './rounding.ts';
export {
  choosePosted,
  initialCalibration,
  KEPT_SLACK_MIN,
  longWaitBudgetMin,
  postedGrid,
  postingPolicy,
  promiseBudget,
  updateCalibration,
  type Calibration,
  type CalibrationConfig,
  type PostingPolicy,
} from './calibration.ts';
