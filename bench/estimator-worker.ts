import { parentPort, workerData } from 'node:worker_threads';
import { parseScenario } from '../core/simulation/scenario.ts';
import { simulate } from '../core/simulation/simulator.ts';
import { scoreAgainstTargets, type EstimatorJob } from './estimator-targets.ts';

/** One share of bench/estimator.ts's days, simulated in a worker thread (the machine has 2 cores). */
const { jobs, estimator, oracle } = workerData as {
  jobs: EstimatorJob[];
  estimator: Record<string, number>;
  oracle: boolean;
};
for (const job of jobs) {
  const parsed = parseScenario(job.scenario);
  if (!parsed.ok) throw new Error(`${job.label}: ${parsed.message}`);
  parentPort!.postMessage(scoreAgainstTargets(job.label, simulate(parsed.scenario, { estimator, oracle })));
}
