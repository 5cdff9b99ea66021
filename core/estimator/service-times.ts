import { longRunServiceMin, type EstimatorState } from './state.ts';

/**
 * Service times, robust to outliers. Per service, the recent samples are normalised by the speed
 * of the counter that served them (a counter's factor = median of log(sample / service median)
 * over its samples, shrunk toward 1 while it has few), then winsorised in log space at
 * median +- 3 robust standard deviations (MAD x 1.4826): one forgotten "serve" button that makes a
 * 3-hour service cannot move the forecast, yet the honest spread of service times stays in it.
 * Until a service has `priorSamples` observations, quantiles of a lognormal prior fill in. The
 * recent samples give the shape only: their mean is set to the long-run one (state.ts
 * longRunServiceMin), since a run of long services is in them exactly when it made the line long.
 */

export interface ServiceTimeModel {
  serviceId: string;
  /** Normalised samples (minutes at a counter of factor 1), sorted ascending. */
  samples: number[];
  mean: number;
  median: number;
}

export interface ServiceTimeModels {
  services: Record<string, ServiceTimeModel>;
  /** Multiplicative time factor per counter (2 = takes twice as long). */
  counterFactor: Record<string, number>;
  fallback: ServiceTimeModel;
}

/** Floor of a service time before its log: a service logged as 0 minutes (a double press) stays finite. */
const MIN_SERVICE_MIN = 1e-3;
/** MAD x this estimates the standard deviation of a normal sample (here: of log service times). */
const MAD_TO_SD = 1.4826;
/** Service times are winsorised at the median +- this many robust standard deviations. */
const WINSOR_SDS = 3;
/** ... and never closer than this in log space (e^0.1: 10%), when nearly all samples agree. */
const MIN_LOG_SPREAD = 0.1;
/** Fewer samples than this have no spread to judge an outlier by: they stay as they are. */
const MIN_WINSOR_SAMPLES = 4;
/** A service needs this many samples before its median can tell a counter's speed. */
const MIN_SAMPLES_FOR_SPEED = 3;
/** A counter's speed shrinks toward 1 with the weight of this many samples: one slow customer is not a slow counter. */
const SPEED_SHRINK_SAMPLES = 8;
/** Acklam's approximation switches to its tail formula below this probability (and above 1 minus it). */
const ACKLAM_TAIL = 0.02425;
/** Probabilities are kept this far inside (0, 1): the quantile of 0 or 1 is infinite. */
const PROBABILITY_CLAMP = 1e-9;

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const sortNumbers = (xs: number[]) => xs.sort((a, b) => a - b);
const meanOf = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Inverse normal CDF (Acklam's rational approximation), for prior quantiles. */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, PROBABILITY_CLAMP), 1 - PROBABILITY_CLAMP);
  if (q < ACKLAM_TAIL) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
      ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1)
    );
  }
  if (q > 1 - ACKLAM_TAIL) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return (
    ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) /
    (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1)
  );
}

function priorSamples(mean: number, cv: number, count: number): number[] {
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(mean) - sigma2 / 2;
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) out.push(Math.exp(mu + Math.sqrt(sigma2) * normalQuantile((i + 0.5) / count)));
  return out;
}

function winsorise(samples: number[]): number[] {
  if (samples.length < MIN_WINSOR_SAMPLES) return samples;
  const logs = sortNumbers(samples.map((s) => Math.log(Math.max(s, MIN_SERVICE_MIN))));
  const m = median(logs);
  const mad = median(sortNumbers(logs.map((l) => Math.abs(l - m))));
  const spread = Math.max(MIN_LOG_SPREAD, WINSOR_SDS * MAD_TO_SD * mad);
  return samples.map((s) => Math.min(Math.exp(m + spread), Math.max(Math.exp(m - spread), s)));
}

/** `meanMin`: the samples' shape is kept and their mean set to it; none for a model of a prior alone. */
function modelOf(
  serviceId: string,
  raw: number[],
  prior: number,
  cfg: EstimatorState['config'],
  meanMin?: number,
): ServiceTimeModel {
  const fill = Math.max(0, cfg.priorSamples - raw.length);
  let samples = sortNumbers([...winsorise(raw), ...priorSamples(prior, cfg.priorServiceCv, fill)]);
  if (meanMin !== undefined) {
    const scale = meanMin / meanOf(samples);
    if (Number.isFinite(scale) && scale > 0) samples = samples.map((x) => x * scale);
  }
  return { serviceId, samples, mean: meanOf(samples), median: median(samples) };
}

/**
 * A model of nothing observed but a lognormal prior of `count` samples: its quantiles. The
 * simulator's oracle (core/simulation/known-parameters.ts) models a scenario's true service times so.
 */
export function lognormalModel(
  serviceId: string,
  shape: { mean: number; cv: number },
  count: number,
  cfg: EstimatorState['config'],
): ServiceTimeModel {
  return modelOf(serviceId, [], shape.mean, { ...cfg, priorServiceCv: shape.cv, priorSamples: count });
}

export function buildServiceTimeModels(est: EstimatorState, serviceIds: readonly string[]): ServiceTimeModels {
  const cfg = est.config;
  const rawMedian: Record<string, number> = {};
  for (const [serviceId, list] of Object.entries(est.serviceTimes))
    rawMedian[serviceId] = median(sortNumbers(list.map((s) => s.min)));
  const logRatios: Record<string, number[]> = {};
  for (const [serviceId, list] of Object.entries(est.serviceTimes)) {
    const m = rawMedian[serviceId]!;
    if (!(m > 0) || list.length < MIN_SAMPLES_FOR_SPEED) continue;
    for (const s of list) {
      const ratios = logRatios[s.counterId] ?? [];
      logRatios[s.counterId] = ratios;
      ratios.push(Math.log(Math.max(s.min, MIN_SERVICE_MIN) / m));
    }
  }
  const counterFactor: Record<string, number> = {};
  for (const [counterId, ratios] of Object.entries(logRatios)) {
    const n = ratios.length;
    // Shrink toward 1 (log 0) with the weight of SPEED_SHRINK_SAMPLES samples.
    counterFactor[counterId] = Math.exp((median(sortNumbers(ratios)) * n) / (n + SPEED_SHRINK_SAMPLES));
  }
  const services: Record<string, ServiceTimeModel> = {};
  const ids = new Set([...serviceIds, ...Object.keys(est.serviceTimes)]);
  for (const serviceId of ids) {
    const list = est.serviceTimes[serviceId] ?? [];
    const raw = list.map((s) => s.min / (counterFactor[s.counterId] ?? 1));
    const prior = est.priors[serviceId] ?? cfg.priorServiceMin;
    // the long-run mean, taken to a counter of factor 1 as the recent samples were
    const meanMin = list.length
      ? longRunServiceMin(est, serviceId) * (meanOf(raw) / meanOf(list.map((s) => s.min)))
      : undefined;
    services[serviceId] = modelOf(serviceId, raw, prior, cfg, meanMin);
  }
  return { services, counterFactor, fallback: modelOf('', [], cfg.priorServiceMin, cfg) };
}
