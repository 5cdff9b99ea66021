import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Benchmark } from './run.ts';
import type { DayScore, EstimatorJob } from './estimator-targets.ts';
import { generateScenario } from './scenario-generator.ts';

/**
 * How well posted waits generalise: the posted-wait targets over many days, not the six shipped ones.
 * The shipped scenarios run with their own seed and `--seeds` - 1 others (other customers, same
 * venue), then `--generated` random venues (bench/scenario-generator.ts) the estimator was never
 * tuned on. Prints the share of days meeting every target, misses per target and the worst days.
 *
 *   npm run bench -- estimator --json [--seeds 4] [--generated 24] [--workers 2] [--config '{...}'] [--oracle]
 *
 * --oracle hands the estimator each day's true parameters (service times, counter speeds,
 * patience, arrival rates per segment: simulator.ts knownParameters) instead of letting it learn
 * them. A target the oracle misses on a day is out of reach of the information a queue has there.
 */

const scenariosDir = new URL('./scenarios/', import.meta.url);

function jobs(seeds: number, generated: number): EstimatorJob[] {
  const out: EstimatorJob[] = [];
  for (const file of readdirSync(scenariosDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const scenario = JSON.parse(readFileSync(new URL(file, scenariosDir), 'utf8')) as { name: string; seed: number };
    for (let k = 0; k < seeds; k += 1) {
      const seed = k === 0 ? scenario.seed : 1000 + k;
      out.push({ label: `${scenario.name}#${seed}`, scenario: { ...scenario, seed } });
    }
  }
  for (let i = 0; i < generated; i += 1) {
    const scenario = generateScenario(i);
    out.push({ label: scenario.name, scenario });
  }
  return out;
}

const WORKER_MODULE = JSON.stringify(new URL('./estimator-worker.ts', import.meta.url).href);
/** Workers load TypeScript through tsx's loader, registered inside the worker, like the runner's own. */
const WORKER_BOOTSTRAP = `
import('tsx/esm/api').then(({ register }) => { register(); return import(${WORKER_MODULE}); });
`;

function runWorkers(
  all: EstimatorJob[],
  workers: number,
  estimatorConfig: Record<string, number>,
  oracle: boolean,
  onDay: (day: DayScore) => void,
): Promise<void> {
  const shares: EstimatorJob[][] = Array.from({ length: workers }, () => []);
  for (const [i, job] of all.entries()) shares[i % workers]!.push(job);
  return Promise.all(
    shares
      .filter((share) => share.length > 0)
      .map(
        (share) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(WORKER_BOOTSTRAP, {
              eval: true,
              workerData: { jobs: share, estimator: estimatorConfig, oracle },
            });
            worker.on('message', onDay);
            worker.on('error', reject);
            worker.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`estimator worker exited with ${code}`)),
            );
          }),
      ),
  ).then(() => undefined);
}

/** Per shipped scenario: days meeting every target of those run ("steady": "6/8"). */
function byScenario(days: readonly DayScore[], meetsAll: (d: DayScore) => boolean): Record<string, string> {
  const out: Record<string, [number, number]> = {};
  for (const day of days) {
    const name = day.label.split('#')[0]!;
    const tally = out[name] ?? [0, 0];
    out[name] = tally;
    tally[0] += meetsAll(day) ? 1 : 0;
    tally[1] += 1;
  }
  return Object.fromEntries(Object.entries(out).map(([name, [met, all]]) => [name, `${met}/${all}`]));
}

const estimator: Benchmark = async (options, log) => {
  const seeds = Number(options.seeds ?? 4);
  const generated = Number(options.generated ?? 24);
  const workers = Number(options.workers ?? 2);
  if (!(seeds >= 0 && generated >= 0 && workers >= 1))
    throw new Error('--seeds, --generated and --workers must be numbers (workers at least 1)');
  // Estimator settings to try, e.g. --config '{"target":0.92}' (DEFAULT_ESTIMATOR_CONFIG's names).
  const config = JSON.parse(options.config ?? '{}') as Record<string, number>;
  const started = performance.now();
  const days: DayScore[] = [];
  const oracle = options.oracle !== undefined && options.oracle !== 'false';
  await runWorkers(jobs(seeds, generated), workers, config, oracle, (day) => {
    days.push(day);
    const missed = Object.entries(day.targets)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    log(
      `${day.label.padEnd(24)} kept ${day.promiseKept.toFixed(3)}  ` +
        `a/p ${day.actualOverPosted?.toFixed(3) ?? '-'} (n ${day.actualOverPostedN})  ` +
        `mae ${day.maeRatio.toFixed(2)}x  ${missed.length ? `MISSES ${missed.join(', ')}` : 'ok'}`,
    );
  });
  days.sort((a, b) => (a.label < b.label ? -1 : 1));
  const misses: Record<string, number> = {};
  for (const day of days)
    for (const [name, ok] of Object.entries(day.targets)) misses[name] = (misses[name] ?? 0) + (ok ? 0 : 1);
  const meetsAll = (d: DayScore) => Object.values(d.targets).every(Boolean);
  const shipped = days.filter((d) => !d.label.startsWith('generated-'));
  const unseen = days.filter((d) => d.label.startsWith('generated-'));
  const mean = (xs: number[]) =>
    xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 1000) / 1000 : null;
  return {
    estimator: oracle ? 'oracle (true parameters)' : 'learning',
    days: days.length,
    meetAll: days.filter(meetsAll).length,
    shippedMeetAll: `${shipped.filter(meetsAll).length}/${shipped.length}`,
    shippedByScenario: byScenario(shipped, meetsAll),
    unseenMeetAll: `${unseen.filter(meetsAll).length}/${unseen.length}`,
    misses,
    meanPromiseKept: mean(days.map((d) => d.promiseKept)),
    meanActualOverPosted: mean(days.flatMap((d) => (d.actualOverPosted === null ? [] : [d.actualOverPosted]))),
    meanMaeRatio: mean(days.map((d) => d.maeRatio)),
    failing: days.filter((d) => !meetsAll(d)).map((d) => d.label),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
};

export default estimator;
