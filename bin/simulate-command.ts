import { readFileSync, writeFileSync } from 'node:fs';
import type { FrontierPoint } from '../core/simulation/frontier.ts';
import type { MethodScore } from '../core/simulation/metrics.ts';
import { parseScenario } from '../core/simulation/scenario.ts';
import { simulateSeeds, type PooledReport } from '../core/simulation/seeds.ts';
import { simulateRun, type SimulationReport } from '../core/simulation/simulator.ts';
import { formatTicketLog, type TicketLogRow } from '../core/simulation/ticket-log.ts';
import type { Command } from './cli.ts';

/**
 * `waitwell simulate <scenario.json> [--seeds N] [--oracle] [--log out.csv] [--json]`: days of the
 * real queue engine and estimator on a virtual clock, scored one day or pooled over N (seeds.ts).
 */
export const simulateCommand: Command = {
  summary: 'simulate days of a venue and score posted waits against baselines',
  usage: `waitwell simulate <scenario.json> [--seeds N] [--oracle] [--log out.csv] [--json]
  Scenarios: bench/scenarios/*.json (format in docs/queues.md, "Simulating a day").
  --seeds N     the scenario's own seed and N-1 others, scored pooled (all their customers together),
                with the same days run with the true parameters under "oracle" and each day under "perSeed"
  --oracle      one day: also run it with the true parameters ("oracle" beside "maeMin")
  --log FILE    write the simulated days' ticket log (CSV, format in README "Ticket logs") for waitwell replay
  --json        print the result as one JSON object on the last line`,
  options: {
    json: { type: 'boolean' },
    seeds: { type: 'string' },
    oracle: { type: 'boolean' },
    log: { type: 'string' },
  },
  async run(values, positionals) {
    const file = positionals[0];
    if (!file) throw new Error('simulate needs a scenario file, e.g. "waitwell simulate bench/scenarios/steady.json"');
    const scenario = loadScenario(file);
    const logFile = typeof values.log === 'string' ? values.log : undefined;
    const log: Array<Omit<TicketLogRow, 'line'>> = [];
    let report: SimulationReport | PooledReport;
    if (values.seeds !== undefined) {
      const seeds = Number(values.seeds);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 1000)
        throw new Error(`--seeds must be a whole number from 1 to 1000, not "${String(values.seeds)}"`);
      report = simulateSeeds(scenario, seeds, {
        onLog: (rows) => log.push(...rows),
        onDay: (seed) => process.stderr.write(`simulated ${scenario.name} seed ${seed}\n`),
      });
    } else {
      const run = simulateRun(scenario);
      log.push(...run.log);
      report = run.report;
      if (values.oracle) {
        const { promiseKept, actualOverPosted, actualOverPostedN, maeMin } = simulateRun(
          scenario,
          { oracle: true },
          false,
        ).report;
        report = { ...report, oracle: { promiseKept, actualOverPosted, actualOverPostedN, maeMin } };
      }
    }
    if (logFile) {
      try {
        writeFileSync(logFile, formatTicketLog(log));
      } catch (error) {
        throw new Error(`cannot write the log to "${logFile}": ${(error as Error).message}`);
      }
    }
    if (values.json) console.log(JSON.stringify(report));
    else console.log(formatReport(report));
    if (logFile) console.error(`wrote ${log.length} tickets to ${logFile} (replay it: waitwell replay ${logFile})`);
  },
};

function loadScenario(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read scenario "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`scenario "${file}" is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseScenario(json);
  if (!parsed.ok)
    throw new Error(
      `scenario "${file}": ${parsed.message}\nFix these fields (format in docs/queues.md, "Simulating a day").`,
    );
  return parsed.scenario;
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '-' : x.toFixed(2));

/** Rows of cells as aligned columns: the first left-aligned, the others right-aligned. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

/** Ours and the baselines, one row each (oracle too when it ran). */
export function methodTable(r: MethodScore & { baselines: Record<string, MethodScore>; oracle?: MethodScore }): string {
  const row = (name: string, s: MethodScore) => [
    name,
    pct(s.promiseKept),
    num(s.actualOverPosted),
    String(s.actualOverPostedN),
    num(s.maeMin),
  ];
  return formatTable([
    ['method', 'kept', 'actual/posted', '(n >= 10 min)', 'MAE min'],
    row('waitwell', r),
    ...(r.oracle ? [row('oracle', r.oracle)] : []),
    ...Object.entries(r.baselines).map(([name, s]) => row(name, s)),
  ]);
}

/** The promise frontier in a line: the most promises one fixed posting keeps at actual/posted >= 0.80. */
export function frontierLine(ours: FrontierPoint | null, oracle?: FrontierPoint | null): string {
  const kept = (p: FrontierPoint | null) =>
    p ? `${pct(p.promiseKept)} at actual/posted ${num(p.actualOverPosted)}` : 'none reaches actual/posted 0.80';
  return (
    `best fixed posting, chosen knowing the outcome (docs/queues.md, "The promise frontier"): ${kept(ours)}` +
    (oracle === undefined ? '' : `; with the true parameters ${kept(oracle)}`)
  );
}

function formatReport(r: SimulationReport | PooledReport): string {
  const table = methodTable(r);
  const days = 'seeds' in r ? ` over ${r.seeds.length} days (seeds ${r.seeds.join(', ')}), pooled` : '';
  const lines = [
    `scenario ${r.scenario}${days}: ${r.tickets} tickets, ${r.served} served, ${r.abandoned} abandoned` +
      `${r.unservedAtClose ? `, ${r.unservedAtClose} unserved at close` : ''}; ` +
      `peak physical queue ${r.peakPhysicalQueue}`,
    '',
    table,
  ];
  if ('frontier' in r) lines.push('', frontierLine(r.frontier.ours, r.frontier.oracle));
  if (r.withoutReturnTimes && r.returnTimes) {
    lines.push(
      '',
      `return times: ${r.returnTimes.accepted} of ${r.returnTimes.offered} offers accepted; ` +
        `without them: ${r.withoutReturnTimes.served} served, ` +
        `peak physical queue ${r.withoutReturnTimes.peakPhysicalQueue}`,
    );
  }
  return lines.join('\n');
}
