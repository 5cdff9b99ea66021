import { loadavg } from 'node:os';
import { startCluster } from './cluster.ts';
import { connectLoad, requireOpenFiles, type StepResult } from './hub-load.ts';
import { type LoadedHubs, loadOptions, startSqliteHub } from './hub.ts';
import { numberOption } from './sync.ts';

/** The promise a board makes: a press shows within this long, 99 times in 100. */
const P99_TARGET_MS = 250;

interface Step {
  rate: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  refused: number;
  held: boolean;
}

/**
 * `npm run bench -- capacity`: the highest press rate each setup sustains (p99 kiosk -> board under
 * 250 ms, nothing lost), for one SQLite hub and for two hubs on PostgreSQL and Redis, with the same
 * kiosks and boards as `hub`. Rates rise by `--factor` from `--from` until a step fails or `--max`
 * (bounded in time: `--step-seconds` per step plus a warm-up), then one step between the last rate
 * held and the first that failed narrows the figure.
 */
export default async function run(
  options: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const load = loadOptions({ seconds: '6', warmup: '2', ...options });
  const from = numberOption(options, 'from', 250, false);
  const factor = numberOption(options, 'factor', 1.5, false);
  const max = numberOption(options, 'max', 10000, false);
  const openFiles = requireOpenFiles(load.kiosks + load.boards + 256);
  const setups: [string, typeof startSqliteHub][] = [
    ['sqlite', startSqliteHub],
    ['cluster', startCluster],
  ];
  const only = options.setup;
  const figures: Record<string, unknown> = {};
  for (const [name, start] of setups) {
    if (only && only !== name) continue;
    log(`--- ${name}`);
    const hubs = await start(load, log);
    try {
      figures[name] = await stepRates(hubs, { load, from, factor, max }, log);
    } finally {
      await hubs.stop();
    }
  }
  return {
    ...figures,
    kiosks: load.kiosks,
    boards: load.boards,
    venues: load.venues,
    stepSeconds: load.seconds,
    warmupSeconds: load.warmupSeconds,
    p99TargetMs: P99_TARGET_MS,
    openFilesLimit: openFiles,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

async function stepRates(
  hubs: LoadedHubs,
  plan: { load: ReturnType<typeof loadOptions>; from: number; factor: number; max: number },
  log: (line: string) => void,
): Promise<{
  sustainedRate: number;
  /** No step failed: the setup holds more than the highest rate tried (raise --max to find how much). */
  heldEveryStep: boolean;
  rssMb: number;
  ackedNotStored: number;
  steps: Step[];
}> {
  const session = await connectLoad(
    { hubs: hubs.urls, ...hubs.connections, connectWindow: plan.load.connectWindow },
    log,
  );
  const steps: Step[] = [];
  let acked = 0;
  try {
    const tryRate = async (rate: number): Promise<boolean> => {
      const result: StepResult = await session.press({
        rate,
        seconds: plan.load.seconds,
        warmupSeconds: plan.load.warmupSeconds,
      });
      acked += result.acked;
      const held = result.lost === 0 && result.refused === 0 && result.p99Ms < P99_TARGET_MS;
      steps.push({ rate, p50Ms: result.p50Ms, p99Ms: result.p99Ms, lost: result.lost, refused: result.refused, held });
      log(
        `${rate}/s: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, lost ${result.lost} -> ${held ? 'held' : 'missed'}`,
      );
      return held;
    };
    let held = 0;
    let missed: number | undefined;
    for (let rate = plan.from; rate <= plan.max; rate = Math.round(rate * plan.factor)) {
      if (!(await tryRate(rate))) {
        missed = rate;
        break;
      }
      held = rate;
    }
    if (missed !== undefined && held > 0) {
      const between = Math.round((held + missed) / 2);
      if (await tryRate(between)) held = between;
    }
    // Nothing acknowledged may be missing from the store, at any rate tried.
    const stored = await hubs.stored();
    log(`store holds ${stored} presses of ${acked} acknowledged`);
    return {
      sustainedRate: held,
      heldEveryStep: missed === undefined,
      rssMb: Math.max(...hubs.peakRssMb()),
      ackedNotStored: Math.max(0, acked - stored),
      steps,
    };
  } finally {
    session.close();
  }
}
