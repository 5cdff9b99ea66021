import { readFileSync } from 'node:fs';
import { replayLog, type GroupScore, type ReplayReport } from '../core/simulation/replay.ts';
import { parseTicketLog, TicketLogError } from '../core/simulation/ticket-log.ts';
import { venueSchema } from '../core/venue.ts';
import { describeZodIssues } from '../core/zod-errors.ts';
import type { Command } from './cli.ts';
import { formatTable, frontierLine, methodTable } from './simulate-command.ts';

/** `waitwell replay <log.csv> [--venue venue.json] [--json]`: shadow mode on a real queue's ticket log. */
export const replayCommand: Command = {
  summary: "replay a queue's ticket log through the engine and estimator and score the waits it would have posted",
  usage: `waitwell replay <log.csv> [--venue venue.json] [--json]
  The log: CSV with the header ticket,service,segment,joined,called,ended,outcome,counter (README "Ticket logs").
  --venue FILE  the venue's configuration (core/venue.ts): segment weights, expected service times, ageing;
                without it counters' services and segment priorities are read from the log
  --json        print the result as one JSON object on the last line`,
  options: {
    venue: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const file = positionals[0];
    if (!file) throw new Error('replay needs a ticket log, e.g. "waitwell replay tickets.csv"');
    const venue = typeof values.venue === 'string' ? loadVenue(values.venue) : undefined;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the log "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let log: ReturnType<typeof parseTicketLog>;
    try {
      log = parseTicketLog(text);
    } catch (error) {
      if (error instanceof TicketLogError)
        throw new Error(`log "${file}": ${error.message}. The format is in README.md, "Ticket logs".`);
      throw error;
    }
    const bar = progressBar();
    const report = replayLog(log, { venue, onProgress: bar.update });
    bar.done();
    if (values.json) console.log(JSON.stringify(report));
    else console.log(formatReplay(file, report));
  },
};

function loadVenue(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the venue "${file}": ${(error as Error).message}`);
  }
  const parsed = venueSchema.safeParse(json);
  if (!parsed.success) throw new Error(`venue "${file}" is not valid:\n  ${describeZodIssues(parsed.error, '\n  ')}`);
  return parsed.data;
}

/** A bar on stderr when it is a terminal (nothing in a pipe or a log file). */
function progressBar() {
  const tty = process.stderr.isTTY;
  let last = -1;
  return {
    update(done: number, total: number) {
      const share = total ? done / total : 1;
      const pct = Math.floor(share * 100);
      if (!tty || pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\rreplaying [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% ${done}/${total}`);
    },
    done() {
      if (tty && last >= 0) process.stderr.write('\n');
    },
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '-' : x.toFixed(2));

function groupTable(title: string, groups: Array<GroupScore & { label: string }>): string {
  return formatTable([
    [title, 'tickets', 'served', 'kept', 'actual/posted', '(n)', 'MAE min', 'naive MAE'],
    ...groups.map((g) => [
      g.label,
      String(g.tickets),
      String(g.served),
      pct(g.promiseKept),
      num(g.actualOverPosted),
      String(g.actualOverPostedN),
      num(g.maeMin),
      num(g.naiveMaeMin),
    ]),
  ]);
}

function formatReplay(file: string, r: ReplayReport): string {
  const lines = [
    `log ${file}: ${r.days} day${r.days === 1 ? '' : 's'}, ${r.tickets} tickets, ${r.served} served, ` +
      `${r.abandoned} abandoned or no-show; ${r.scored} served customers scored`,
  ];
  if (r.skipped.rows > 0)
    lines.push(
      `skipped ${r.skipped.rows} row${r.skipped.rows === 1 ? '' : 's'}; first: ` +
        r.skipped.first.map((s) => `line ${s.line} (${s.reason})`).join('; '),
    );
  if (r.segments.source !== 'none')
    lines.push(
      `segment weights (${r.segments.source}): ` +
        Object.entries(r.segments.weights)
          .map(([s, w]) => `${s} ${w}`)
          .join(', '),
    );
  lines.push(
    '',
    methodTable(r),
    '',
    frontierLine(r.frontier),
    '',
    groupTable(
      'service',
      r.perService.map((g) => ({ ...g, label: g.service })),
    ),
    '',
    groupTable(
      'hour',
      r.perHour.map((g) => ({ ...g, label: `${String(g.hour).padStart(2, '0')}:00` })),
    ),
    '',
    groupTable(
      'day',
      r.perDay.map((g) => ({ ...g, label: g.day })),
    ),
  );
  return lines.join('\n');
}
