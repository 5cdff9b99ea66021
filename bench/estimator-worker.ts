import { parentPort, workerData } from 'node:worker_threads';
import { parseScenario } from '../core/simulation/scenario.ts';
import { simulateSeeds } from '../core/simulation/seeds.ts';
import { scoreAgainstTargets, type EstimatorJob } from './estimator-targets.ts';

/** One share of bench/estimator.ts's scenarios, each simulated over its seeds in a worker thread (2 cores). */
const { jobs, estimator, seeds } = workerData as {
  jobs: EstimatorJob[];
  estimator: Record<string, number>;
  seeds: number;
};
for (const job of jobs) {
  const parsed = parseScenario(job.scenario);
  if (!parsed.ok) throw new Error(`${job.label}: ${parsed.message}`);
  parentPort!.postMessage(scoreAgainstTargets(job.label, simulateSeeds(parsed.scenario, seeds, { estimator })));
}
