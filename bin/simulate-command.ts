import { readFileSync } from 'node:fs';
import { parseScenario } from '../core/simulation/scenario.ts';
import { simulate, type SimulationReport } from '../core/simulation/simulator.ts';
import type { Command } from './cli.ts';

/** `waitwell simulate <scenario.json> [--json]`: a day of the real queue engine and estimator on a virtual clock. */
export const simulateCommand: Command = {
  summary: 'simulate a day of a venue and score posted waits against baselines',
  usage: `waitwell simulate <scenario.json> [--json]
  Scenarios: bench/scenarios/*.json (format in docs/queues.md, "Simulating a day").
  --json   print the result as one JSON object on the last line`,
  options: {
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const file = positionals[0];
    if (!file) throw new Error('simulate needs a scenario file, e.g. "waitwell simulate bench/scenarios/steady.json"');
    const report = simulate(loadScenario(file));
    if (values.json) console.log(JSON.stringify(report));
    else console.log(formatReport(report));
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

function formatReport(r: SimulationReport): string {
  const rows: Array<[string, string, string, string, string]> = [
    ['method', 'kept', 'actual/posted', '(n >= 10 min)', 'MAE min'],
    ['waitwell', pct(r.promiseKept), num(r.actualOverPosted), String(r.actualOverPostedN), num(r.maeMin)],
  ];
  for (const [name, s] of Object.entries(r.baselines))
    rows.push([name, pct(s.promiseKept), num(s.actualOverPosted), String(s.actualOverPostedN), num(s.maeMin)]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
  const lines = [
    `scenario ${r.scenario}: ${r.tickets} tickets, ${r.served} served, ${r.abandoned} abandoned` +
      `${r.unservedAtClose ? `, ${r.unservedAtClose} unserved at close` : ''}; ` +
      `peak physical queue ${r.peakPhysicalQueue}`,
    '',
    table,
  ];
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
