import { promiseFrontier, type FrontierPoint } from './frontier.ts';
import { scoreMethod, type MethodScore, type ServedRecord } from './metrics.ts';
import type { Scenario } from './scenario.ts';
import { simulateRun, type SimulateOptions, type SimulationReport } from './simulator.ts';
import type { TicketLogRow } from './ticket-log.ts';

/**
 * A scenario over several days: its own seed and N-1 others (other customers, same
 * venue), scored pooled, i.e. all served customers of all the days together, so a quiet day
 * weighs what its few customers weigh. The same days run again with the true parameters (the
 * oracle) so the MAE target can be read against what the information in a queue allows.
 */

export interface PooledReport extends Omit<SimulationReport, 'finalPromiseBudget' | 'oracle'> {
  seeds: number[];
  /** Served customers scored (the denominator of the pooled figures). */
  scored: number;
  /** The same days with the scenario's true parameters handed to the estimator. */
  oracle: MethodScore;
  /**
   * The most promises one fixed posting could have kept at actual/posted >= 0.8 (frontier.ts), on
   * our forecasts and on the oracle's: the oracle's says what the targets ask is possible at all.
   */
  frontier: { ours: FrontierPoint | null; oracle: FrontierPoint | null };
  perSeed: Array<SimulationReport & { seed: number; scored: number; oracle: MethodScore }>;
}

/** The seeds a pooled run uses: the scenario's own, then 1001, 1002 ... (as the estimator bench always has). */
function seedsOf(scenario: Pick<Scenario, 'seed'>, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (k === 0 ? scenario.seed : 1000 + k));
}

const DAY_MS = 24 * 60 * 60_000;

export function simulateSeeds(
  scenario: Scenario,
  count: number,
  options: Omit<SimulateOptions, 'oracle'> & {
    /** Called with each day's ticket log, its days shifted one after another (day k + k days). */
    onLog?: (rows: Array<Omit<TicketLogRow, 'line'>>) => void;
    onDay?: (seed: number) => void;
  } = {},
): PooledReport {
  const { onLog, onDay, ...simulateOptions } = options;
  const records: ServedRecord[] = [];
  const oracleRecords: ServedRecord[] = [];
  const perSeed: PooledReport['perSeed'] = [];
  const seeds = seedsOf(scenario, count);
  for (const [k, seed] of seeds.entries()) {
    const day = { ...scenario, seed };
    const run = simulateRun(day, simulateOptions);
    const oracle = simulateRun(day, { ...simulateOptions, oracle: true }, false);
    records.push(...run.records);
    oracleRecords.push(...oracle.records);
    perSeed.push({
      seed,
      ...run.report,
      scored: run.records.length,
      oracle: scoreMethod(oracle.records, (r) => r.ours),
    });
    onLog?.(
      run.log.map((r) => ({
        ...r,
        joined: r.joined + k * DAY_MS,
        called: r.called === null ? null : r.called + k * DAY_MS,
        ended: r.ended === null ? null : r.ended + k * DAY_MS,
      })),
    );
    onDay?.(seed);
  }
  return {
    ...poolReports(scenario.name, perSeed, records, oracleRecords),
    frontier: {
      ours: promiseFrontier(records, options.estimator),
      oracle: promiseFrontier(oracleRecords, options.estimator),
    },
  };
}

/** Sums the counts of the days and scores their customers together. */
function poolReports(
  name: string,
  perSeed: PooledReport['perSeed'],
  records: readonly ServedRecord[],
  oracleRecords: readonly ServedRecord[],
): Omit<PooledReport, 'frontier'> {
  const sum = (pick: (r: SimulationReport) => number) => perSeed.reduce((s, r) => s + pick(r), 0);
  const ours = scoreMethod(records, (r) => r.ours);
  const pooled: Omit<PooledReport, 'frontier'> = {
    scenario: name,
    seeds: perSeed.map((r) => r.seed),
    tickets: sum((r) => r.tickets),
    served: sum((r) => r.served),
    abandoned: sum((r) => r.abandoned),
    unservedAtClose: sum((r) => r.unservedAtClose),
    scored: records.length,
    promiseKept: ours.promiseKept,
    actualOverPosted: ours.actualOverPosted,
    actualOverPostedN: ours.actualOverPostedN,
    maeMin: ours.maeMin,
    peakPhysicalQueue: Math.max(...perSeed.map((r) => r.peakPhysicalQueue)),
    baselines: {
      naive: scoreMethod(records, (r) => r.naive),
      littlesLaw: scoreMethod(records, (r) => r.littlesLaw),
      padded: scoreMethod(records, (r) => r.padded),
    },
    oracle: scoreMethod(oracleRecords, (r) => r.ours),
    perSeed,
  };
  if (perSeed.every((r) => r.returnTimes)) {
    pooled.returnTimes = {
      offered: sum((r) => r.returnTimes!.offered),
      accepted: sum((r) => r.returnTimes!.accepted),
    };
  }
  if (perSeed.every((r) => r.withoutReturnTimes)) {
    pooled.withoutReturnTimes = {
      served: sum((r) => r.withoutReturnTimes!.served),
      peakPhysicalQueue: Math.max(...perSeed.map((r) => r.withoutReturnTimes!.peakPhysicalQueue)),
    };
  }
  return pooled;
}
